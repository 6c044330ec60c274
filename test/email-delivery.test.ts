/**
 * Email delivery from the notification outbox, against a real SMTP server: deterministic
 * Message-IDs, at most once per key even when a dispatcher dies between send and record, an SMTP
 * outage delays mail and loses none, every kind has both languages, and without SMTP_URL the
 * local catcher keeps the mail for the administrator.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCalendar } from '../activities/calendar/calendar';
import { createMailActivities, messageIdFor } from '../activities/mail/deliver-mail';
import { gatherMail } from '../activities/mail/mail-facts';
import { smtpSender } from '../activities/mail/smtp';
import type { MailFacts } from '../activities/mail/templates';
import { renderMail } from '../activities/mail/templates';
import type { NotificationKind } from '../activities/types';
import { taskLinkOptions } from '../api/links/link-token';
import { startMailCatcher } from '../runtime/mail-catcher';
import { compressedPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { TEST_MAIL_FROM, TEST_SECRET, eventually, leadBody, startHarness } from './support/harness';
import type { TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';
import { endCasesOf } from './support/end-cases';

let h: Harness;
let smtp: TestSmtp;
/** Cases whose mail the harness's dispatcher delivers (the crash test holds its case back). */
const deliverable = new Set<string>();
let firstCaseId = '';
const VILLAGE = 'off-vil-dongfeng';
const VILLAGE_EMAIL = 'cun.dongfeng@demo.bangfu.local';

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({
    // Tasks due after 16 s with a reminder 8 s before: the reminder falls in the SMTP outage below.
    policy: compressedPolicy({ step: 16, reminder: 8 }),
    mail: { smtpUrl: smtp.url, scope: () => ({ caseId: { in: [...deliverable] } }) },
  });
});
afterAll(async () => {
  if (h) await endCasesOf(h);
  await h?.stop();
  await smtp?.stop();
});

async function newCase(deliver = true): Promise<string> {
  const res = await h.api('POST', '/api/cases', { as: VILLAGE, body: leadBody() });
  expect(res.status).toBe(201);
  if (deliver) deliverable.add(res.body.case.id);
  return res.body.case.id;
}

describe('email delivery', () => {
  it('each message carries a deterministic Message-ID from its idempotency key; the outbox records status and attempts', async () => {
    const caseId = await newCase();
    firstCaseId = caseId;
    const mail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.text.includes(caseId), 'new task mail');
    const row = await eventually(() => h.prisma.notification.findFirst({ where: { caseId, kind: 'NEW_TASK', status: 'SENT' } }), 'sent row');
    expect(mail.messageId).toBe(messageIdFor(row.idempotencyKey, TEST_MAIL_FROM));
    expect(row.messageId).toBe(mail.messageId);
    expect(row.attempts).toBe(1);
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(mail.to).toEqual([VILLAGE_EMAIL]);
    expect(mail.parsed.from?.text).toContain('bangfu@test.local');
    expect(mail.html).toContain('<a href="http');
  });

  it('an SMTP outage during a reminder delays it, and it is delivered once when the server is back', async () => {
    const caseId = await newCase();
    await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.text.includes(caseId), 'new task mail');
    await smtp.stop();
    try {
      const failing = await eventually(
        () => h.prisma.notification.findFirst({ where: { caseId, kind: 'REMINDER', status: 'PENDING', attempts: { gte: 2 } } }),
        'the reminder failing while SMTP is down', 20_000,
      );
      expect(failing.lastError).toMatch(/ECONNREFUSED|connect/i);
      expect(failing.nextAttemptAt).toBeInstanceOf(Date);
    } finally {
      await smtp.start();
    }
    const reminder = await smtp.waitFor((m) => m.kind === 'REMINDER' && m.text.includes(caseId), 'reminder after the outage', 20_000);
    expect(reminder.subject).toContain('到期提醒');
    const row = await eventually(() => h.prisma.notification.findFirst({ where: { caseId, kind: 'REMINDER', status: 'SENT' } }), 'reminder recorded');
    expect(row.attempts).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages.filter((m) => m.messageId === reminder.messageId)).toHaveLength(1);
  });

  it('a dispatcher killed between send and record: still exactly one message with that Message-ID reaches the SMTP server', async () => {
    const caseId = await newCase(false);
    const row = await eventually(() => h.prisma.notification.findFirst({ where: { caseId, kind: 'NEW_TASK' } }), 'new task notification');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/mail-crash-child.ts'], {
      env: {
        ...process.env, DATABASE_URL: inject('databaseUrl'), SMTP_URL: smtp.url, NOTIFICATION_ID: String(row.id), PUBLIC_BASE_URL: h.baseUrl,
        MAIL_FROM: TEST_MAIL_FROM, LINK_SECRET: TEST_SECRET,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    expect(exit.signal).toBe('SIGKILL');
    const messageId = messageIdFor(row.idempotencyKey, TEST_MAIL_FROM);
    expect(smtp.messages.filter((m) => m.messageId === messageId)).toHaveLength(1);
    expect((await h.prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('SENDING');

    // The surviving dispatcher takes over once the dead one's claim is stale — and does not send again.
    deliverable.add(caseId);
    const settled = await eventually(async () => {
      const r = await h.prisma.notification.findUniqueOrThrow({ where: { id: row.id } });
      return r.status === 'SENT' ? r : null;
    }, 'the stale claim settled', 20_000);
    expect(settled.lastError).toContain('presumed sent');
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages.filter((m) => m.messageId === messageId)).toHaveLength(1);
  });

  it('an overdue task escalates: the township gets a page to nudge or reassign, the assignee a link to act now', async () => {
    const toTownship = await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes('zhen.dongfeng@demo.bangfu.local') && m.text.includes(firstCaseId), 'escalation to the township', 40_000);
    expect(toTownship.subject).toContain('逾期上报');
    expect(toTownship.text).toContain('承办人：王建国');
    const page = await fetch(toTownship.link!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('value="NUDGE"');
    expect(html).toContain('value="ASSIGN"');
    const toAssignee = await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes(VILLAGE_EMAIL) && m.text.includes(firstCaseId), 'overdue copy to the assignee');
    expect(toAssignee.subject).toContain('已逾期');
    expect((await fetch(toAssignee.link!)).status).toBe(200);
  });

  it('every notification kind has a zh-CN and an English template with the step, the Beijing due time, working days left and the link', () => {
    const kinds: NotificationKind[] = [
      'NEW_TASK', 'REMINDER', 'ESCALATION', 'NUDGE', 'CONTACT_REMINDER', 'CONTACT_ESCALATION', 'PLAN_DUE', 'DECISION_OUTCOME',
      'CASE_CLOSED', 'SLA_BREACHED', 'CASE_ASSIGNED_TO_CONTACT', 'TASK_UNASSIGNED', 'REPORT_READY', 'GRID_ASSIGNED',
    ];
    const withLink: NotificationKind[] = ['NEW_TASK', 'REMINDER', 'ESCALATION', 'NUDGE', 'CONTACT_REMINDER', 'PLAN_DUE', 'CASE_ASSIGNED_TO_CONTACT', 'TASK_UNASSIGNED', 'GRID_ASSIGNED'];
    const due = new Date('2026-12-01T09:00:00Z');
    for (const kind of kinds) {
      const subjects: string[] = [];
      for (const lang of ['zh-CN', 'en'] as const) {
        const facts: MailFacts = {
          kind, lang, recipientName: lang === 'en' ? 'Huang Lei' : '王建国', caseNo: 'BF20261201-ABCDEF', headNameMasked: '王**',
          villageName: lang === 'en' ? 'Dongfeng Village' : '东风村', step: 'TOWNSHIP_REVIEW', caseStatus: 'REJECTED', dueAt: due, workingDaysLeft: 2,
          link: withLink.includes(kind) ? 'https://bangfu.example/t/abc.def' : null, assigneeName: '张伟', action: 'APPROVE', escalation: 1, missed: 2,
          toAssignee: false,
        };
        const m = renderMail(facts);
        subjects.push(m.subject);
        expect(m.subject.length, `${kind} ${lang}`).toBeGreaterThan(5);
        expect(m.text).toContain(lang === 'zh-CN' ? '乡镇审核' : 'Township review');
        expect(m.text).toContain(lang === 'zh-CN' ? '办理期限：12月1日（周二）17:00前，还剩 2 个工作日' : 'Due by 17:00 Tue 1 Dec (Beijing time) — 2 working days left');
        if (facts.link) {
          expect(m.text, `${kind} ${lang} link`).toContain(facts.link);
          expect(m.html).toContain(`href="${facts.link}"`);
        }
        expect(m.html).toContain(`<html lang="${lang}">`);
      }
      expect(subjects[0]).not.toBe(subjects[1]);
    }
  });

  it('the facts of an email come without ID number, phone or health details, with the head name masked', async () => {
    const body = leadBody();
    const res = await h.api('POST', '/api/cases', { as: VILLAGE, body });
    const caseId: string = res.body.case.id;
    const n = await eventually(() => h.prisma.notification.findFirst({ where: { caseId, kind: 'NEW_TASK' } }), 'notification');
    const g = await gatherMail(h.prisma, n, loadCalendar());
    expect(g.send).toBe(true);
    const serialized = JSON.stringify(g);
    expect(serialized).toContain('王**');
    for (const secret of [body.household.idNumber, body.household.phone, body.healthDetails, '王测试']) expect(serialized).not.toContain(secret);
  });

  it('without SMTP_URL the local mail catcher keeps every message and the administrator reads it at /admin/mail', async () => {
    const caseId = await newCase(false);
    await eventually(() => h.prisma.notification.findFirst({ where: { caseId, kind: 'NEW_TASK' } }), 'notification');
    const catcher = await startMailCatcher({ prisma: h.prisma, port: 0 });
    try {
      const { deliverPendingMail } = createMailActivities({
        prisma: h.prisma, sender: smtpSender({ url: catcher.url }), from: TEST_MAIL_FROM, publicBaseUrl: h.baseUrl,
        links: taskLinkOptions({ secret: TEST_SECRET }), calendar: () => loadCalendar(), scope: () => ({ caseId }), log: () => undefined,
      });
      expect((await deliverPendingMail()).sent).toBe(1);
      const caught = await h.prisma.caughtMail.findFirstOrThrow({ where: { raw: { contains: caseId } }, orderBy: { id: 'desc' } });
      expect(caught.subject).toContain('入户核实');
      expect(caught.envelopeTo).toEqual([VILLAGE_EMAIL]);

      expect((await fetch(`${h.baseUrl}/admin/mail`, { redirect: 'manual' })).status).toBe(303);
      const auth = { authorization: `Bearer ${await h.token('off-admin')}` };
      const list = await fetch(`${h.baseUrl}/admin/mail`, { headers: auth });
      expect(list.status).toBe(200);
      expect(await list.text()).toContain(`/admin/mail/${caught.id}`);
      const one = await (await fetch(`${h.baseUrl}/admin/mail/${caught.id}`, { headers: auth })).text();
      expect(one).toMatch(/<a href="http:\/\/127\.0\.0\.1:\d+\/t\/[^"]+">/);
      const village = await fetch(`${h.baseUrl}/admin/mail`, { headers: { authorization: `Bearer ${await h.token(VILLAGE)}` } });
      expect(village.status).toBe(401);
    } finally {
      await catcher.stop();
    }
  });
});
