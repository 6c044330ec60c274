/**
 * Actions on a case, each sent to its workflow as an Update. The workflow's validators decide
 * what the policy allows; their refusals come back as 4xx with the reason.
 */
import type { Official } from '@prisma/client';
import type { UpdateDefinition } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { assertRegionAccess } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { Actor, CaseUpdateResult, Role } from '../../workflows/contracts';
import { TERMINAL_STATUSES, rollbackEliminationUpdate, transferTaskUpdate } from '../../workflows/contracts';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServiceContext } from './context';
import { loadCaseRow } from './get-case';
import type { CaseRef } from './hot-reads';
import { caseRefOfTask } from './hot-reads';
import { mapTemporalError } from './temporal-errors';
import { ownerOfTask, transferProcessTask } from './process-actions';

/** The acting official as the workflow sees it. */
export function actorOf(official: AuthOfficial): Actor {
  return { id: official.id, role: official.role as Role, regionCode: official.regionCode };
}

/** Sends an Update to the case's workflow and returns its result, mapping refusals to HTTP errors. */
export async function sendCaseUpdate<Ret, Args extends [any]>(
  ctx: ServiceContext, official: AuthOfficial, caseOrId: string | CaseRef, update: UpdateDefinition<Ret, Args>, args: Args[0],
): Promise<Ret> {
  const caseId = typeof caseOrId === 'string' ? caseOrId : caseOrId.id;
  const row = typeof caseOrId === 'string' ? await loadCaseRow(ctx, official, caseOrId) : (assertRegionAccess(official, caseOrId), caseOrId);
  if ((TERMINAL_STATUSES as readonly string[]).includes(row.status)) {
    throw new AppError('CONFLICT', `case ${caseId} is ${row.status} and takes no more actions`);
  }
  try {
    return await ctx.temporal.workflow.getHandle(row.workflowId).executeUpdate(update, { args: [args] as unknown as Args });
  } catch (err) {
    return mapTemporalError(err);
  }
}

/** The case a task belongs to, in one query; 404 naming the task (or saying it is a process's task). */
export async function caseOfTask(ctx: ServiceContext, taskId: string): Promise<CaseRef> {
  const ref = await caseRefOfTask(ctx.prisma, taskId);
  if (ref) return ref;
  const task = await ctx.prisma.task.findUnique({ where: { id: taskId }, select: { id: true } });
  if (!task) throw new AppError('NOT_FOUND', `task ${taskId} not found`, { field: 'id' });
  throw new AppError('NOT_FOUND', `task ${taskId} is not a task of a household case`, { field: 'id' });
}

/**
 * 转交 — transfers a task to a colleague. The workflow's validator refuses anyone but an active
 * official of the task's level and region (422 naming toOfficialId). A task of another process
 * goes to that process's workflow (process core). `known` is the target when the caller has loaded it
 * already (a deactivation hands many tasks to one colleague).
 */
export async function transferTask(
  ctx: ServiceContext, official: AuthOfficial, taskId: string, toOfficialId: string, reason?: string, known?: Official,
): Promise<{ caseId: string | null; processId: string | null; to: Official }> {
  const owner = await ownerOfTask(ctx, taskId);
  if (owner.process) {
    await transferProcessTask(ctx, official, owner, toOfficialId, reason);
    return { caseId: null, processId: owner.process.id, to: (await ctx.prisma.official.findUniqueOrThrow({ where: { id: toOfficialId } })) };
  }
  const kase = owner.case;
  const caseId = kase.id;
  const to = known?.id === toOfficialId ? known : await ctx.prisma.official.findUnique({ where: { id: toOfficialId } });
  if (!to || !to.active) throw new AppError('NOT_FOUND', `official ${toOfficialId} not found`, { field: 'toOfficialId' });
  await sendCaseUpdate(ctx, official, kase, transferTaskUpdate, {
    taskId, toOfficialId: to.id, toRole: to.role as Role, toRegionCode: to.regionCode, reason, actor: actorOf(official),
  });
  return { caseId, processId: null, to };
}

/** 风险消除回退 — the county rolls an elimination back within the policy's window (an Update on the case's own workflow). */
export async function rollbackElimination(ctx: ServiceContext, official: AuthOfficial, caseId: string, reason: string): Promise<CaseUpdateResult> {
  const row = await loadCaseRow(ctx, official, caseId);
  if (row.status !== 'ELIMINATED') throw new AppError('CONFLICT', `case ${caseId} is ${row.status}, not eliminated`);
  const latest = await ctx.prisma.case.findFirst({ where: { householdId: row.householdId }, orderBy: { openedAt: 'desc' }, select: { id: true } });
  if (latest?.id !== caseId) throw new AppError('CONFLICT', `a newer case ${latest?.id} exists for this household`);
  try {
    return await ctx.temporal.workflow.getHandle(row.workflowId).executeUpdate(rollbackEliminationUpdate, { args: [{ reason, actor: actorOf(official) }] });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || /already completed/i.test((err as Error).message)) {
      throw new AppError('POLICY_REFUSED', 'the rollback window has ended', { details: { refusal: 'ROLLBACK_WINDOW_PASSED' } });
    }
    return mapTemporalError(err);
  }
}
