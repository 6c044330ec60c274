/**
 * The delivery activity (邮件投递): sends the notification outbox with nodemailer.
 *
 * Each row moves PENDING → CLAIMED → SENDING → SENT (or back to PENDING with a backoff, or to
 * FAILED / SKIPPED with the reason in `lastError`). The guarantees:
 *
 * - **At most once per idempotency key.** A row is marked SENDING only after the SMTP session is
 *   open and authenticated, right before the message is transmitted. If the process dies after
 *   that, nobody knows whether the server took the message; a stale SENDING row is therefore
 *   never transmitted again but settled as SENT with a note in `lastError` ("presumed sent").
 *   A stale CLAIMED row (the process died before transmitting) is simply delivered again.
 * - **Loses none.** An SMTP outage (connect, TLS, login or a temporary reply) puts the row back
 *   to PENDING with an exponential backoff; it is retried until the server is back.
 * - **Deterministic Message-ID** from the idempotency key, so even a receiving system can tell
 *   two copies apart.
 * - Many dispatchers may run at once: claims are compare-and-set on the row.
 */
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Notification, Prisma, PrismaClient } from '@prisma/client';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { WorkingCalendar } from '../calendar/calendar';
import { issueTaskLink, taskLinkExpiry } from '../../api/links/issue-link';
import type { TaskLinkOptions } from '../../api/links/link-token';
import { gatherMail } from './mail-facts';
import type { MailSender, MailSession } from './smtp';
import { smtpResponseCode } from './smtp';
import { renderMail } from './templates';

/** Outbox statuses. */
export type OutboxStatus = 'PENDING' | 'CLAIMED' | 'SENDING' | 'SENT' | 'FAILED' | 'SKIPPED';

/** What the delivery activity needs. */
export interface MailDeliveryDeps {
  prisma: PrismaClient;
  sender: MailSender;
  /** From address, e.g. `Bangfu 帮扶 <bangfu@county.gov.cn>`. */
  from: string;
  /** Base URL of task links, e.g. `https://bangfu.county.gov.cn`. */
  publicBaseUrl: string;
  links: TaskLinkOptions;
  calendar: () => WorkingCalendar;
  /** A claim older than this is stale (its holder died). Keep it well above the SMTP timeouts. @default 300 000 ms */
  leaseMs?: number;
  /** Backoff after a failed attempt: `initialMs · 2^(attempts−1)`, at most `maxMs`. @default 5 s … 10 min */
  backoff?: { initialMs: number; maxMs: number };
  /** Only these notifications (tests share one database between files). */
  scope?: () => Prisma.NotificationWhereInput | Promise<Prisma.NotificationWhereInput>;
  /** Test hook: runs after the SMTP server accepted a message and before it is recorded. */
  afterTransmit?: (n: { id: bigint; messageId: string }) => Promise<void> | void;
  log?: (msg: string) => void;
}

/** What one delivery pass did. */
export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
  skipped: number;
  presumedSent: number;
  /** More rows are due: call again without waiting. */
  more: boolean;
}

/** `<bangfu.<sha256(key)[0..32]>@<domain>>`: the same key always gives the same Message-ID. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'bangfu.local';
  return `<bangfu.${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

function compose(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    new MailComposer(mail).compile().build((err, buf) => (err ? reject(err) : resolve(buf)));
  });
}

const BATCH = 20;

/** Builds the delivery activity. */
export function createMailActivities(deps: MailDeliveryDeps) {
  const { prisma } = deps;
  const leaseMs = deps.leaseMs ?? 300_000;
  const backoff = deps.backoff ?? { initialMs: 5_000, maxMs: 600_000 };
  const me = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const log = deps.log ?? ((m: string) => console.log(`[mail] ${m}`));

  const retryAt = (attempts: number): Date => {
    const ms = Math.min(backoff.initialMs * 2 ** Math.max(0, attempts - 1), backoff.maxMs);
    return new Date(Date.now() + ms * (0.8 + Math.random() * 0.4));
  };

  /** Writes to a row only while this dispatcher still holds it in `status`. */
  async function settle(id: bigint, status: OutboxStatus, data: Prisma.NotificationUpdateManyMutationInput): Promise<boolean> {
    const { count } = await prisma.notification.updateMany({ where: { id, status, claimedBy: me }, data });
    return count === 1;
  }

  /** Stale SENDING rows: the server may have the message, so they are never sent again. */
  async function settlePresumedSent(scope: Prisma.NotificationWhereInput): Promise<number> {
    const stale = await prisma.notification.findMany({
      where: { AND: [scope, { status: 'SENDING', claimedAt: { lt: new Date(Date.now() - leaseMs) } }] }, take: BATCH,
    });
    let n = 0;
    for (const row of stale) {
      const { count } = await prisma.notification.updateMany({
        where: { id: row.id, status: 'SENDING', claimedAt: row.claimedAt },
        data: {
          status: 'SENT', sentAt: row.claimedAt, claimedBy: null,
          lastError: `presumed sent: the dispatcher ${row.claimedBy ?? '?'} stopped while the SMTP server was receiving the message; not sent again (at most once per key)`,
        },
      });
      if (count === 1) {
        n++;
        log(`notification ${row.id} (${row.kind}) presumed sent after a dispatcher stopped mid-transmission`);
      }
    }
    return n;
  }

  async function claim(row: Notification): Promise<boolean> {
    const { count } = await prisma.notification.updateMany({
      where: { id: row.id, status: row.status, claimedAt: row.claimedAt },
      data: { status: 'CLAIMED', claimedAt: new Date(), claimedBy: me },
    });
    return count === 1;
  }

  /** Puts a row back (with a backoff) or fails it for good; `bump` counts an attempt that never reached SENDING. */
  async function release(row: Notification, from: OutboxStatus, err: unknown, bump: boolean): Promise<void> {
    const attempts = row.attempts + 1;
    const message = err instanceof Error ? err.message : String(err);
    const code = smtpResponseCode(err);
    // A 5xx reply to this message (unknown mailbox, refused content) will not change by retrying.
    const permanent = code !== undefined && code >= 500 && code < 600;
    await settle(row.id, from, {
      status: permanent ? 'FAILED' : 'PENDING', lastError: `${code ? `${code} ` : ''}${message}`.slice(0, 1000), claimedBy: null,
      claimedAt: null, nextAttemptAt: permanent ? null : retryAt(attempts), ...(bump ? { attempts: { increment: 1 } } : {}),
    });
  }

  /** Delivers one claimed row. Returns the outcome, or 'down' when the SMTP server cannot be reached. */
  async function deliverOne(row: Notification): Promise<'sent' | 'retrying' | 'failed' | 'skipped' | 'down'> {
    let raw: Buffer;
    let envelope: { from: string; to: string[] };
    let messageId: string;
    try {
      const g = await gatherMail(prisma, row, deps.calendar());
      if (!g.send) {
        await settle(row.id, 'CLAIMED', { status: g.permanent ? 'SKIPPED' : 'PENDING', lastError: g.reason, claimedBy: null, claimedAt: null });
        return 'skipped';
      }
      let link: string | null = null;
      if (g.link) {
        const expiresAt = g.link.purpose === 'CONTACT' ? new Date(Date.now() + deps.links.contactTtlMs) : taskLinkExpiry(deps.links, g.link.dueAt ?? new Date());
        const token = await issueTaskLink(prisma, deps.links, {
          purpose: g.link.purpose, caseId: g.link.caseId, processId: g.link.processId, taskId: g.link.taskId, officialId: row.recipientId, expiresAt, notificationKey: row.idempotencyKey,
        });
        link = `${deps.publicBaseUrl.replace(/\/+$/, '')}/t/${token}`;
      } else if (g.send && g.page) {
        link = `${deps.publicBaseUrl.replace(/\/+$/, '')}${g.page}`;
      }
      const rendered = renderMail({ ...g.facts, link });
      messageId = messageIdFor(row.idempotencyKey, deps.from);
      envelope = { from: addressOf(deps.from), to: [g.to.email] };
      raw = await compose({
        from: deps.from, to: { name: g.to.name, address: g.to.email }, subject: rendered.subject, text: rendered.text, html: rendered.html,
        messageId, date: new Date(), headers: { 'Auto-Submitted': 'auto-generated', 'X-Bangfu-Kind': row.kind },
      });
    } catch (err) {
      await release(row, 'CLAIMED', err, true);
      log(`notification ${row.id} could not be prepared: ${(err as Error).message}`);
      return 'retrying';
    }

    let session: MailSession;
    try {
      session = await deps.sender.open();
    } catch (err) {
      await release(row, 'CLAIMED', err, true);
      return 'down';
    }
    try {
      // From here on the server may receive the message: a crash leaves SENDING, never re-sent.
      if (!(await settle(row.id, 'CLAIMED', { status: 'SENDING', attempts: { increment: 1 }, claimedAt: new Date() }))) return 'skipped';
      try {
        await session.send(envelope, raw);
      } catch (err) {
        await release(row, 'SENDING', err, false);
        const code = smtpResponseCode(err);
        return code !== undefined && code >= 500 && code < 600 ? 'failed' : 'retrying';
      }
      await deps.afterTransmit?.({ id: row.id, messageId });
      await settle(row.id, 'SENDING', { status: 'SENT', sentAt: new Date(), messageId, claimedBy: null, claimedAt: null });
      return 'sent';
    } finally {
      session.close();
    }
  }

  /** One pass over the due outbox rows. */
  async function deliverPendingMail(): Promise<DeliveryReport> {
    const scope = (await deps.scope?.()) ?? {};
    const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, skipped: 0, presumedSent: 0, more: false };
    report.presumedSent = await settlePresumedSent(scope);
    const now = new Date();
    const due = await prisma.notification.findMany({
      where: {
        AND: [scope, {
          OR: [
            { status: 'PENDING', OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] },
            { status: 'CLAIMED', claimedAt: { lt: new Date(now.getTime() - leaseMs) } },
          ],
        }],
      },
      orderBy: { id: 'asc' }, take: BATCH,
    });
    for (const row of due) {
      if (!(await claim(row))) continue;
      const outcome = await deliverOne({ ...row, status: 'CLAIMED' });
      if (outcome === 'down') {
        report.retrying++;
        log(`SMTP server ${deps.sender.describe} unreachable; ${row.kind} ${row.id} and the rest wait (backoff)`);
        return report;
      }
      if (outcome === 'sent') report.sent++;
      else if (outcome === 'retrying') report.retrying++;
      else if (outcome === 'failed') report.failed++;
      else report.skipped++;
    }
    report.more = due.length === BATCH;
    return report;
  }

  return { deliverPendingMail };
}

/** The delivery activities. */
export type MailActivities = ReturnType<typeof createMailActivities>;
