/**
 * 待办规则 — who may act on a task, transfer (转交) it or nudge (催办) it, and the events a transfer
 * and a nudge record. Pure; shared by the household case and every other process, so a task of a
 * 约谈 obeys the same rules as a case's.
 */
import type { Actor, Role, TransferArgs } from '../contracts';
import type { NotificationSpec } from '../../activities/types';
import { refuse } from '../refusals';
import type { AnyTaskState } from './task';

/** Rank of a role in the hierarchy (a supervisor ranks above the task's level). */
export const LEVEL_RANK: Record<Role, number> = { VILLAGE: 1, TOWNSHIP: 2, COUNTY: 3, ADMIN: 4, CONTACT: 0, GRID: 0 };

/**
 * Refuses an actor who is not of the task's level or not its assignee (or a stand-in). A grid
 * worker (网格员, role GRID) acts at village level only on a task assigned to them by name (their
 * grid's screening), never on a step the village decides as such (ledger, identification …). A
 * contact's task (level CONTACT) is also decided by an official of its village.
 */
export function assertActsOnTask(task: AnyTaskState, actor: Actor): void {
  if (task.level === 'CONTACT' && actor.role === 'VILLAGE') {
    // The village answers for its contacts' tasks (it did the visits before they were the contact's):
    // its official may record one that is overdue or whose contact is away, never another village's.
    if (actor.regionCode !== task.regionCode) refuse('WRONG_LEVEL', `step ${task.step} is a task of village ${task.regionCode}; another village's official cannot decide it`);
    return;
  }
  if (actor.role === 'GRID' && task.level === 'VILLAGE') {
    if (task.assigneeId !== actor.id && !(task.assigneeId && task.allowedIds.includes(actor.id))) {
      refuse('WRONG_LEVEL', `step ${task.step} is decided by the village; a grid worker (GRID) acts only on the tasks of their own grid`);
    }
  } else if (actor.role !== task.level) {
    refuse('WRONG_LEVEL', `step ${task.step} is decided at ${task.level} level; a ${actor.role} official cannot decide it`);
  }
  if (!task.allowedIds.includes(actor.id)) refuse('NOT_ASSIGNEE', `task ${task.taskId} is assigned to another official`);
}

/** Refuses a transfer to anyone but another official of the task's level and region, by anyone but its holder or a supervisor. */
export function assertTransferable(task: AnyTaskState, args: Pick<TransferArgs, 'toOfficialId' | 'toRole' | 'toRegionCode' | 'actor'>): void {
  if (args.toRole !== task.level || args.toRegionCode !== task.regionCode) {
    refuse('WRONG_COLLEAGUE', `toOfficialId: a task can be transferred only to a ${task.level} colleague of region ${task.regionCode}`, 'toOfficialId');
  }
  if (task.assigneeId === args.toOfficialId) refuse('WRONG_COLLEAGUE', 'toOfficialId: the task is already assigned to that official', 'toOfficialId');
  const supervisor = LEVEL_RANK[args.actor.role] > LEVEL_RANK[task.level];
  if (!supervisor && !task.allowedIds.includes(args.actor.id)) refuse('NOT_ASSIGNEE', `task ${task.taskId} is assigned to another official`);
}

/** Refuses a nudge by anyone but a higher level. */
export function assertMayNudge(task: AnyTaskState, actor: Actor): void {
  if (LEVEL_RANK[actor.role] <= LEVEL_RANK[task.level]) refuse('WRONG_LEVEL', 'only a higher level (supervisor) can nudge (催办) a task');
}

/** The event of a transfer (转交): the assignee changes (the task and its step stay), the new one is mailed. Mutates `task`. */
export function transferEvent<T extends AnyTaskState>(task: T, a: Pick<TransferArgs, 'toOfficialId' | 'reason' | 'actor'>) {
  const from = task.assigneeId;
  task.assigneeId = a.toOfficialId;
  task.allowedIds = [a.toOfficialId];
  return {
    action: 'TASK_TRANSFERRED' as const, taskId: task.taskId, step: task.step as T['step'], actorId: a.actor.id, comment: a.reason, data: { from, to: a.toOfficialId },
    taskPatch: { taskId: task.taskId, assigneeId: a.toOfficialId, allowedIds: [a.toOfficialId] },
    notifications: [{ kind: 'NEW_TASK', to: { officialId: a.toOfficialId }, taskId: task.taskId }] as NotificationSpec[],
  };
}

/** The event of a nudge (催办): the assignee gets a fresh mail with a link. */
export function nudgeEvent<T extends AnyTaskState & { assigneeId: string }>(task: T, actor: Actor) {
  return {
    action: 'TASK_NUDGED' as const, taskId: task.taskId, step: task.step as T['step'], actorId: actor.id,
    notifications: [{ kind: 'NUDGE', to: { officialId: task.assigneeId }, taskId: task.taskId }] as NotificationSpec[],
  };
}
