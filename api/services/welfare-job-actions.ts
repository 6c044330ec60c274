/**
 * 公益岗位 actions outside a task: 提前退出 (an early exit during the term) and 公示异议 (an objection during the notice). Each is an Update to
 * the job's workflow; refusals come back as typed 4xx errors.
 */
import type { AuthOfficial } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { Role } from '../../workflows/contracts';
import { WELFARE_JOB_KIND, exitWelfareJobUpdate, fileWelfareJobObjectionUpdate } from '../../workflows/welfare-job/contracts';
import { actorOf } from './case-actions';
import type { ServiceContext } from './context';
import { loadProcessRow, sendProcessUpdate } from './process-actions';

/** Loads a job the official may act on (404 for another kind). */
async function loadJob(ctx: ServiceContext, official: AuthOfficial, processId: string) {
  const p = await loadProcessRow(ctx, official, processId);
  if (p.kind !== WELFARE_JOB_KIND) throw new AppError('NOT_FOUND', `public-welfare job ${processId} not found`, { field: 'id' });
  return p;
}

/** Who records an early exit (village or above); the API route and the admin page both use it. */
export const WELFARE_JOB_EXIT_ROLES: Role[] = ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'];

/** 提前退出 — records the holder's exit during the term, with its reason. */
export async function exitWelfareJob(ctx: ServiceContext, official: AuthOfficial, processId: string, reason: string): Promise<void> {
  if (!WELFARE_JOB_EXIT_ROLES.includes(official.role)) throw new AppError('FORBIDDEN', `only ${WELFARE_JOB_EXIT_ROLES.join(', ')} officials record an early exit`);
  const p = await loadJob(ctx, official, processId);
  await sendProcessUpdate(ctx, official, p, exitWelfareJobUpdate, { reason, actor: actorOf(official) });
}

/** 公示异议 — files an objection during the job's notice; a township investigation opens. */
export async function fileWelfareJobObjection(ctx: ServiceContext, official: AuthOfficial, processId: string, text: string): Promise<void> {
  const p = await loadJob(ctx, official, processId);
  await sendProcessUpdate(ctx, official, p, fileWelfareJobObjectionUpdate, { text, actor: actorOf(official) });
}
