/**
 * What a task link may do right now. Checked on every GET and POST, in this order: the signature
 * (forged → 401), the stored hash (unknown → 401), first use (used → 409 with the first outcome),
 * revocation and expiry (410), then the live task: a link is valid only while its task is open
 * and lists its official — so a decision, transfer or close revokes it even before the sweep
 * records it.
 */
import type { Case, Official, PrismaClient, Process, Task, TaskLink } from '@prisma/client';
import type { LinkClaims, TaskLinkOptions } from './link-token';
import { hashLinkToken, verifyLink } from './link-token';
import { hasRegionAccess } from '../auth/authenticate';
import type { AuthOfficial } from '../auth/authenticate';
import { mayAccessProcess } from '../services/process-actions';

/** A submit holds the link this long; a second submit meanwhile waits for the first outcome. */
export const SUBMIT_LEASE_MS = 60_000;

const RANK: Record<string, number> = { CONTACT: 0, VILLAGE: 1, TOWNSHIP: 2, COUNTY: 3, ADMIN: 4 };
const TERMINAL = ['REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED'];

/** Why a link was revoked. */
export type RevokeReason = 'TASK_DECIDED' | 'TASK_CLOSED' | 'TRANSFERRED' | 'OFFICIAL_INACTIVE' | 'CASE_CLOSED';

export type OfficialWithRegion = Official & { region: { level: string } };

/** The state of a link. */
export type ResolvedLink =
  | { state: 'FORGED'; claims: LinkClaims | null }
  | { state: 'USED' | 'BUSY' | 'EXPIRED' | 'NOT_YOURS'; link: TaskLink; official: OfficialWithRegion }
  | { state: 'REVOKED'; link: TaskLink; official: OfficialWithRegion; reason: RevokeReason }
  | { state: 'OK'; link: TaskLink; official: OfficialWithRegion; task: Task | null; kase: Case; process: null; tokenHash: string }
  /** A task link of a process beyond the household case (process core). */
  | { state: 'OK'; link: TaskLink; official: OfficialWithRegion; task: Task; kase: null; process: Process; tokenHash: string };

async function revoke(prisma: PrismaClient, link: TaskLink, reason: RevokeReason): Promise<void> {
  await prisma.taskLink.updateMany({ where: { id: link.id, revokedAt: null, usedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
}

/** Resolves a token to what it may do now. */
export async function resolveLink(prisma: PrismaClient, opts: Pick<TaskLinkOptions, 'keys'>, token: string, now = new Date()): Promise<ResolvedLink> {
  const claims = verifyLink(opts.keys, token);
  if (!claims) return { state: 'FORGED', claims: null };
  const tokenHash = hashLinkToken(token);
  const link = await prisma.taskLink.findUnique({ where: { tokenHash } });
  if (!link || link.id !== claims.l || link.officialId !== claims.o) return { state: 'FORGED', claims };
  const official = await prisma.official.findUniqueOrThrow({ where: { id: link.officialId }, include: { region: { select: { level: true } } } });
  const base = { link, official };
  if (link.usedAt) return { state: 'USED', ...base };
  if (link.revokedAt) return { state: 'REVOKED', ...base, reason: (link.revokedReason ?? 'TASK_CLOSED') as RevokeReason };
  if (now >= link.expiresAt) return { state: 'EXPIRED', ...base };
  const gone = async (reason: RevokeReason): Promise<ResolvedLink> => {
    await revoke(prisma, link, reason);
    return { state: 'REVOKED', ...base, reason };
  };
  if (!official.active) return gone('OFFICIAL_INACTIVE');
  const asAuth: AuthOfficial = { id: official.id, name: official.name, role: official.role as AuthOfficial['role'], regionCode: official.regionCode, language: official.language, regionLevel: official.region.level as AuthOfficial['regionLevel'] };
  // A task of another process (process core): the same rules, on the process's region and task.
  const process = link.processId ? await prisma.process.findUniqueOrThrow({ where: { id: link.processId } }) : null;
  const kase = process ? null : await prisma.case.findUniqueOrThrow({ where: { id: link.caseId as string } });
  // A link never shows a case outside its official's region (e.g. a mis-addressed escalation).
  const processTask = process && link.taskId ? await prisma.task.findUnique({ where: { id: link.taskId }, select: { level: true, regionCode: true, allowedIds: true } }) : null;
  if (kase ? !hasRegionAccess(asAuth, kase) : !mayAccessProcess(asAuth, process as Process, processTask)) return { state: 'NOT_YOURS', ...base };
  let task: Task | null = null;
  if (link.purpose === 'CONTACT') {
    if (!kase) return { state: 'NOT_YOURS', ...base };
    if (TERMINAL.includes(kase.status)) return gone('CASE_CLOSED');
    if (kase.contactId !== official.id) return gone('TRANSFERRED');
  } else {
    task = link.taskId ? await prisma.task.findUnique({ where: { id: link.taskId } }) : null;
    if (!task) return { state: 'NOT_YOURS', ...base };
    if (task.status !== 'OPEN') return gone(task.status === 'DONE' ? 'TASK_DECIDED' : 'TASK_CLOSED');
    if (link.purpose === 'DECIDE' && !task.allowedIds.includes(official.id)) {
      // Issued to an official who held the task: it has been transferred since. Otherwise it was never theirs.
      const owner = kase ? { caseId: kase.id } : { processId: (process as Process).id };
      const moved = await prisma.auditEvent.count({ where: { ...owner, taskId: task.id, action: 'TASK_TRANSFERRED' } });
      return moved > 0 ? gone('TRANSFERRED') : { state: 'NOT_YOURS', ...base };
    }
    if (link.purpose === 'SUPERVISE' && !(RANK[official.role] > RANK[task.level])) return { state: 'NOT_YOURS', ...base };
  }
  if (link.submittingAt && now.getTime() - link.submittingAt.getTime() < SUBMIT_LEASE_MS) return { state: 'BUSY', ...base };
  if (process) return { state: 'OK', ...base, task: task as Task, kase: null, process, tokenHash };
  return { state: 'OK', ...base, task, kase: kase as Case, process: null, tokenHash };
}
