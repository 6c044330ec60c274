/** Withdrawal (撤回), closing (迁出/去世), transfer (转交) and nudge (催办). Pure. */
import type { CloseArgs, NudgeArgs, ReassignContactArgs, TransferArgs, WithdrawArgs } from '../../contracts';
import { nudgeEvent, transferEvent } from '../../blocks/task-rules';
import { Draft } from '../draft';
import type { CaseFacts, Transition } from '../draft';
import type { CaseState } from '../state';

export function withdraw(state: CaseState, facts: CaseFacts, now: number, a: WithdrawArgs): Transition {
  const d = new Draft(state, facts, now);
  d.cancelOpenTasks('WITHDRAWN');
  d.setStep('WITHDRAWN', null);
  d.event({ action: 'WITHDRAWN', actorId: a.actor.id, comment: a.reason });
  return d.done();
}

export function closeCase(state: CaseState, facts: CaseFacts, now: number, a: CloseArgs): Transition {
  const d = new Draft(state, facts, now);
  d.cancelOpenTasks('CLOSED');
  d.s.closedReason = a.reason;
  d.setStep('CLOSED', null);
  d.event({ action: 'CASE_CLOSED', actorId: a.actor.id, comment: a.comment, data: { reason: a.reason } });
  return d.done();
}

/** 转交: the assignee changes; the task (and its owner step) stays. */
export function transferTask(state: CaseState, facts: CaseFacts, now: number, a: TransferArgs): Transition {
  const d = new Draft(state, facts, now);
  const task = d.s.openTasks.find((t) => t.taskId === a.taskId);
  if (!task) return d.done();
  d.event(transferEvent(task, a));
  return d.done();
}

/** 更换帮扶责任人: the case's contact changes; the new contact is told of the household. */
export function reassignContact(state: CaseState, facts: CaseFacts, now: number, a: ReassignContactArgs): Transition {
  const d = new Draft(state, facts, now);
  d.s.contactId = a.toOfficialId;
  d.event({
    action: 'CONTACT_REASSIGNED', actorId: a.actor.id, comment: a.reason, data: { from: a.fromOfficialId, to: a.toOfficialId },
    notifications: a.toOfficialId ? [{ kind: 'CASE_ASSIGNED_TO_CONTACT', to: { caseContact: true } }] : [],
  });
  return d.done();
}

export function nudgeTask(state: CaseState, facts: CaseFacts, now: number, a: NudgeArgs): Transition {
  const d = new Draft(state, facts, now);
  const task = d.s.openTasks.find((t) => t.taskId === a.taskId);
  if (!task?.assigneeId) return d.done();
  d.event(nudgeEvent({ ...task, assigneeId: task.assigneeId }, a.actor));
  return d.done();
}
