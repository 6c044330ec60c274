/**
 * 干部管理 — officials: where each role may be placed, adding one, and deactivating one. A
 * deactivated official's open tasks go on: each is transferred (转交, through the case workflow's
 * transferTask Update, so the audit trail and the new assignee's mail follow) to an active stand-in
 * (代理人) of the official, else to an active colleague of the same role and region; a task with
 * neither is left with its assignee and escalates to the level above at its due time, as every
 * overdue task does — the report names it, so an administrator can add a colleague and reassign it.
 * A deactivated assistance contact's households get the same stand-in or colleague as their contact.
 */
import { createHash } from 'node:crypto';
import type { Official, PrismaClient } from '@prisma/client';
import type { AuthOfficial, RegionLevel } from '../auth/authenticate';
import { revokeTokens } from '../auth/tokens';
import { AppError } from '../http/app-error';
import type { Role } from '../../workflows/contracts';
import { TERMINAL_STATUSES, reassignContactUpdate } from '../../workflows/contracts';
import { actorOf, sendCaseUpdate, transferTask } from './case-actions';
import type { ServiceContext } from './context';

/** Roles an official can have. */
export const ROLES = ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN', 'CONTACT', 'GRID'] as const satisfies readonly Role[];

/** Region levels each role may be placed on. */
export const LEVELS_FOR_ROLE: Record<Role, RegionLevel[]> = {
  VILLAGE: ['VILLAGE'],
  CONTACT: ['VILLAGE'],
  GRID: ['VILLAGE'],
  TOWNSHIP: ['TOWNSHIP'],
  COUNTY: ['COUNTY'],
  ADMIN: ['COUNTY', 'CITY'],
};

/** What an official is made of. */
export interface OfficialInput {
  name: string;
  email: string;
  role: Role;
  regionCode: string;
  language: 'zh-CN' | 'en';
  /** Id of the official this one stands in for (代理人). */
  standsInForId?: string | null;
}

/** A stable id from the email, so loading the same file twice names the same officials. */
export function officialIdFor(role: Role, email: string): string {
  return `off-${role.slice(0, 3).toLowerCase()}-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 8)}`;
}

/**
 * Checks that the region exists and suits the role, and that a principal is an active official of
 * the same role and region who is not a stand-in. @throws AppError naming the field
 */
export async function checkPlacement(prisma: PrismaClient, o: Pick<OfficialInput, 'role' | 'regionCode' | 'standsInForId'>, selfId?: string): Promise<void> {
  const region = await prisma.region.findUnique({ where: { code: o.regionCode } });
  if (!region) throw new AppError('INVALID_INPUT', `regionCode: ${o.regionCode} is not a known region (load it with npm run setup -- regions)`, { field: 'regionCode' });
  const allowed = LEVELS_FOR_ROLE[o.role];
  if (!allowed.includes(region.level as RegionLevel)) {
    throw new AppError('INVALID_INPUT', `regionCode: a ${o.role} official belongs to a ${allowed.join(' or ').toLowerCase()}; ${o.regionCode} (${region.name}) is a ${region.level.toLowerCase()}`, { field: 'regionCode' });
  }
  if (o.standsInForId) {
    const principal = await prisma.official.findUnique({ where: { id: o.standsInForId } });
    if (!principal) throw new AppError('INVALID_INPUT', `standsInFor: no official ${o.standsInForId}`, { field: 'standsInFor' });
    if (principal.id === selfId) throw new AppError('INVALID_INPUT', 'standsInFor: an official cannot stand in for themself', { field: 'standsInFor' });
    if (principal.role !== o.role || principal.regionCode !== o.regionCode) {
      throw new AppError('INVALID_INPUT', `standsInFor: ${principal.id} is a ${principal.role} official of ${principal.regionCode}; a stand-in has the same role and region`, { field: 'standsInFor' });
    }
    if (principal.standsInForId) throw new AppError('INVALID_INPUT', `standsInFor: ${principal.id} is itself a stand-in`, { field: 'standsInFor' });
  }
}

/** Adds an official. @throws AppError naming the field (region, email in use, principal) */
export async function createOfficial(prisma: PrismaClient, o: OfficialInput): Promise<Official> {
  const email = o.email.trim().toLowerCase();
  await checkPlacement(prisma, o);
  const same = await prisma.official.findUnique({ where: { email } });
  if (same) throw new AppError('CONFLICT', `email: ${email} is already used by ${same.id}`, { field: 'email' });
  let id = officialIdFor(o.role, email);
  if (await prisma.official.findUnique({ where: { id } })) id = `${id}-${Date.now().toString(36)}`;
  return prisma.official.create({
    data: { id, name: o.name.trim(), email, role: o.role, regionCode: o.regionCode, language: o.language, standsInForId: o.standsInForId ?? null },
  });
}

/** What became of one open task of a deactivated official. */
export interface HandedOverTask {
  taskId: string;
  /** The task's household case, or null for a task of another process. */
  caseId: string | null;
  processId: string | null;
  step: string;
  /** TRANSFERRED to a stand-in or colleague; LEFT_FOR_ESCALATION when the level has nobody else. */
  outcome: 'TRANSFERRED' | 'LEFT_FOR_ESCALATION' | 'FAILED';
  toOfficialId?: string;
  reason?: string;
}

/** What became of one household whose assistance contact (帮扶责任人) was deactivated. */
export interface ReassignedContact {
  caseId: string;
  /** REASSIGNED to a stand-in or colleague; NO_CONTACT when the village has nobody else (missed contacts escalate to the township). */
  outcome: 'REASSIGNED' | 'NO_CONTACT' | 'FAILED';
  toOfficialId?: string;
  reason?: string;
}

/** The result of a deactivation. */
export interface DeactivationResult {
  official: Official;
  tasks: HandedOverTask[];
  /** Households whose contact this official was (a CONTACT official's). */
  contacts: ReassignedContact[];
  tokensRevoked: number;
}

/**
 * How many Updates a deactivation sends at once: an official with a hundred open tasks is answered
 * in well under a second, while a county-wide deactivation never floods the workflows' task queue.
 * @default 32
 */
export const HANDOVER_CONCURRENCY = 32;

/** Runs `fn` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * 停用 — deactivates an official: tokens revoked, open tasks handed over (see the module comment),
 * and, for an assistance contact (帮扶责任人), each open household's contact reassigned to the same
 * stand-in or colleague through the case workflow's reassignContact Update (only the case's
 * activities write Case rows). Updates run {@link HANDOVER_CONCURRENCY} at a time.
 * The tasks and contacts are handed over before the official is marked inactive, so a failure
 * leaves a state that a second call completes; calling it again on an inactive official hands over what is left.
 */
export async function deactivateOfficial(ctx: ServiceContext, actor: AuthOfficial, officialId: string): Promise<DeactivationResult> {
  const official = await ctx.prisma.official.findUnique({ where: { id: officialId } });
  if (!official) throw new AppError('NOT_FOUND', `official ${officialId} not found`, { field: 'officialId' });
  if (official.id === actor.id) throw new AppError('CONFLICT', 'you cannot deactivate yourself', { field: 'officialId' });
  // A grid worker's (网格员) open grid task goes to the village (a village-level task takes village colleagues only).
  const colleagues = await ctx.prisma.official.findMany({
    where: { role: official.role === 'GRID' ? 'VILLAGE' : official.role, regionCode: official.regionCode, active: true, id: { not: official.id } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  // Stand-ins of this official first, then principals, then other stand-ins.
  const ranked = [...colleagues].sort((a, b) => rank(a) - rank(b));
  function rank(o: Official): number {
    return o.standsInForId === official!.id ? 0 : o.standsInForId === null ? 1 : 2;
  }
  const target = ranked[0];
  const nobody = `no other active ${official.role} official in ${official.regionCode}`;
  const open = await ctx.prisma.task.findMany({ where: { assigneeId: official.id, status: 'OPEN' }, orderBy: { openedAt: 'asc' } });
  const tasks = await mapBounded(open, HANDOVER_CONCURRENCY, async (t): Promise<HandedOverTask> => {
    const base = { taskId: t.id, caseId: t.caseId, processId: t.processId, step: t.step };
    if (!target) return { ...base, outcome: 'LEFT_FOR_ESCALATION', reason: nobody };
    try {
      await transferTask(ctx, actor, t.id, target.id, `deactivated: ${official.id}`, target);
      return { ...base, outcome: 'TRANSFERRED', toOfficialId: target.id };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { ...base, outcome: 'FAILED', reason: err.message };
    }
  });
  const households = await ctx.prisma.case.findMany({
    where: { contactId: official.id, status: { notIn: [...TERMINAL_STATUSES] } }, select: { id: true }, orderBy: { openedAt: 'asc' },
  });
  const contacts = await mapBounded(households, HANDOVER_CONCURRENCY, async (c): Promise<ReassignedContact> => {
    try {
      await sendCaseUpdate(ctx, actor, c.id, reassignContactUpdate, {
        fromOfficialId: official.id, toOfficialId: target?.id ?? null, reason: `deactivated: ${official.id}`, actor: actorOf(actor),
      });
      return target ? { caseId: c.id, outcome: 'REASSIGNED', toOfficialId: target.id } : { caseId: c.id, outcome: 'NO_CONTACT', reason: nobody };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { caseId: c.id, outcome: 'FAILED', reason: err.message };
    }
  });
  const tokensRevoked = await revokeTokens(ctx.prisma, { officialId: official.id });
  const updated = await ctx.prisma.official.update({ where: { id: official.id }, data: { active: false } });
  return { official: updated, tasks, contacts, tokensRevoked };
}
