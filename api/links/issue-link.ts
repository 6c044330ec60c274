/**
 * Issues a task link: signs a token and stores only its hash. One link per notification: a
 * retried delivery (before anything was transmitted) replaces the hash, so only the token that
 * was actually mailed works.
 */
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import type { LinkPurpose, TaskLinkOptions } from './link-token';
import { hashLinkToken, signLink } from './link-token';

/** What a link is for. */
export interface IssueLinkArgs {
  purpose: LinkPurpose;
  /** The link's household case — or, for a task of another process, {@link processId} instead. */
  caseId?: string | null;
  processId?: string | null;
  taskId?: string | null;
  officialId: string;
  expiresAt: Date;
  /** Idempotency key of the notification carrying the link. */
  notificationKey?: string;
}

/** Creates (or, for the same notification, re-creates) a link and returns the plain token. */
export async function issueTaskLink(prisma: PrismaClient, opts: Pick<TaskLinkOptions, 'keys'>, a: IssueLinkArgs): Promise<string> {
  const existing = a.notificationKey
    ? await prisma.taskLink.findUnique({ where: { notificationKey: a.notificationKey }, select: { id: true } })
    : null;
  const id = existing?.id ?? `lk-${randomBytes(9).toString('base64url')}`;
  const owner = a.caseId ?? a.processId;
  if (!owner) throw new Error('issueTaskLink: a link belongs to a case or a process');
  const token = signLink(opts.keys, {
    v: 1, l: id, p: a.purpose, c: owner, ...(a.taskId ? { t: a.taskId } : {}), o: a.officialId, e: Math.floor(a.expiresAt.getTime() / 1000),
  });
  const data = {
    tokenHash: hashLinkToken(token), purpose: a.purpose, caseId: a.caseId ?? null, processId: a.caseId ? null : (a.processId ?? null), taskId: a.taskId ?? null, officialId: a.officialId,
    expiresAt: a.expiresAt,
  };
  if (existing) await prisma.taskLink.update({ where: { id }, data });
  else await prisma.taskLink.create({ data: { id, ...data, notificationKey: a.notificationKey ?? null } });
  return token;
}

/** Default expiry of a task link: the task's due time (or now, if later) plus the grace. */
export function taskLinkExpiry(opts: Pick<TaskLinkOptions, 'graceMs'>, dueAt: Date, now = new Date()): Date {
  return new Date(Math.max(dueAt.getTime(), now.getTime()) + opts.graceMs);
}
