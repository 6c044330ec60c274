/**
 * Actions on processes beyond the household case (流程操作): reading a process within the
 * official's region, and sending its workflow the decide / transfer / nudge Updates of the
 * process core. The step's data is validated by its kind's schema (registry) before it is sent;
 * the workflow's validators decide what the rules allow and refuse with typed refusals (4xx).
 */
import type { Case, Prisma, Process, Task } from '@prisma/client';
import type { UpdateDefinition } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { caseScopeWhere, hasRegionAccess } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { MessageLang } from '../http/messages';
import { parseProcessData, processStep } from '../process-kinds/registry';
import type { ProcessAction, ProcessUpdateResult } from '../../workflows/process-contracts';
import { decideProcessTaskUpdate, nudgeProcessTaskUpdate, transferProcessTaskUpdate } from '../../workflows/process-contracts';
import type { Role } from '../../workflows/contracts';
import { actorOf } from './case-actions';
import type { ServiceContext } from './context';
import { mapTemporalError } from './temporal-errors';
import { parentOfCode } from './load-regions';

/** A task with what it belongs to: a household case or another process. */
export type TaskOwner = { task: Task; case: Case; process: null } | { task: Task; case: null; process: Process };

/** The task and its case or process, in one query; 404 naming the task. */
export async function ownerOfTask(ctx: ServiceContext, taskId: string): Promise<TaskOwner> {
  const t = await ctx.prisma.task.findUnique({ where: { id: taskId }, include: { case: true, process: true } });
  if (!t) throw new AppError('NOT_FOUND', `task ${taskId} not found`, { field: 'id' });
  const { case: kase, process, ...task } = t;
  if (kase) return { task, case: kase, process: null };
  if (process) return { task, case: null, process };
  throw new Error(`task ${taskId} has neither a case nor a process`);
}

/** The region chain of a process (a process without a village or township is the county's). */
function regionOf(p: Pick<Process, 'villageCode' | 'townshipCode' | 'countyCode'>): { villageCode: string; townshipCode: string; countyCode: string } {
  return { villageCode: p.villageCode ?? '', townshipCode: p.townshipCode ?? '', countyCode: p.countyCode };
}

/**
 * Whether an official may see a process: the same region rule as for cases — or, for a process of
 * a wider region (a county's screening campaign), the officials of one of its tasks: the task's
 * level in the task's region (a grid worker, a township reviewer) and the township above a village task.
 */
export function mayAccessProcess(
  official: AuthOfficial, p: Pick<Process, 'villageCode' | 'townshipCode' | 'countyCode'>, task?: Pick<Task, 'level' | 'regionCode' | 'allowedIds'> | null,
): boolean {
  if (hasRegionAccess(official, regionOf(p))) return true;
  if (!task) return false;
  if (task.allowedIds.includes(official.id) || (official.role === task.level && official.regionCode === task.regionCode)) return true;
  return official.role === 'TOWNSHIP' && task.level === 'VILLAGE' && parentOfCode(task.regionCode, 'VILLAGE') === official.regionCode;
}

/** Prisma `where` of the processes an official may see: the case scope, on the same region columns. */
export function processScopeWhere(official: AuthOfficial): Prisma.ProcessWhereInput {
  return caseScopeWhere(official) as Prisma.ProcessWhereInput;
}

/** A process the official may see; 404 (unknown) or 403 (outside the region). */
export async function loadProcessRow(ctx: ServiceContext, official: AuthOfficial, processId: string): Promise<Process> {
  const p = await ctx.prisma.process.findUnique({ where: { id: processId } });
  if (!p) throw new AppError('NOT_FOUND', `process ${processId} not found`, { field: 'id' });
  if (!mayAccessProcess(official, p)) throw new AppError('FORBIDDEN', `process ${processId} is outside your region (${official.regionCode})`);
  return p;
}

/** Sends an Update to a process's workflow, mapping refusals to HTTP errors. */
export async function sendProcessUpdate<Ret, Args extends [any]>(
  ctx: ServiceContext, official: AuthOfficial, p: Process, update: UpdateDefinition<Ret, Args>, args: Args[0], task?: Pick<Task, 'level' | 'regionCode' | 'allowedIds'>,
): Promise<Ret> {
  if (!mayAccessProcess(official, p, task)) throw new AppError('FORBIDDEN', `process ${p.id} is outside your region (${official.regionCode})`);
  if (p.closedAt) throw new AppError('CONFLICT', `process ${p.id} is ${p.status} and takes no more actions`);
  try {
    return await ctx.temporal.workflow.getHandle(p.workflowId).executeUpdate(update, { args: [args] as unknown as Args });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || (err instanceof Error && /workflow execution already completed/i.test(err.message))) {
      throw new AppError('CONFLICT', `process ${p.id} has ended and takes no more actions`);
    }
    return mapTemporalError(err);
  }
}

/** 办理 — decides a process's task: the action must be one of the step's, the data must match the step's schema. */
export async function decideProcessTask(
  ctx: ServiceContext, official: AuthOfficial, owner: { task: Task; process: Process }, body: { action: string; reason?: string; data?: unknown }, lang: MessageLang,
): Promise<ProcessUpdateResult> {
  const { task, process } = owner;
  const step = processStep(process.kind, task.step);
  if (!step) throw new AppError('CONFLICT', `step ${task.step} of ${process.kind} is not decided by a person`);
  if (!step.actions.some((a) => a.action === body.action)) {
    throw new AppError('INVALID_INPUT', `action: step ${task.step} takes ${step.actions.map((a) => a.action).join(', ')}`, { field: 'body.action' });
  }
  const data = parseProcessData(process.kind, task.step, body.data, lang);
  return sendProcessUpdate(ctx, official, process, decideProcessTaskUpdate, {
    taskId: task.id, action: body.action as ProcessAction, ...(body.reason ? { reason: body.reason } : {}), data, actor: actorOf(official),
  }, task);
}

/** 转交 — transfers a process's task to an active same-level colleague (the workflow refuses others, 422 naming toOfficialId). */
export async function transferProcessTask(
  ctx: ServiceContext, official: AuthOfficial, owner: { task: Task; process: Process }, toOfficialId: string, reason?: string,
): Promise<void> {
  const to = await ctx.prisma.official.findUnique({ where: { id: toOfficialId } });
  if (!to || !to.active) throw new AppError('NOT_FOUND', `official ${toOfficialId} not found`, { field: 'toOfficialId' });
  await sendProcessUpdate(ctx, official, owner.process, transferProcessTaskUpdate, {
    taskId: owner.task.id, toOfficialId: to.id, toRole: to.role as Role, toRegionCode: to.regionCode, reason, actor: actorOf(official),
  }, owner.task);
}

/** 催办 — a supervisor nudges a process's task. */
export function nudgeProcessTask(ctx: ServiceContext, official: AuthOfficial, owner: { task: Task; process: Process }): Promise<ProcessUpdateResult> {
  return sendProcessUpdate(ctx, official, owner.process, nudgeProcessTaskUpdate, { taskId: owner.task.id, actor: actorOf(official) }, owner.task);
}
