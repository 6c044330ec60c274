/**
 * 审批决定 — a decision on an open task: approve, reject or return on the identification or the
 * elimination chain, or the outcome of an objection's investigation. Pure.
 */
import type { DecideArgs, ElimStep, IdentStep, Step, TaskState } from '../../contracts';
import type { EventSpec, NotificationSpec } from '../../../activities/types';
import { decideOnChain } from '../../blocks/approval-chain';
import { settleInvestigation } from '../../blocks/public-notice';
import { Draft } from '../draft';
import type { CaseFacts, Transition } from '../draft';
import { chainOf, isElimStep } from '../chains';
import { DECIDED_KEPT } from '../state';
import type { CaseState } from '../state';
import { becomeMonitored } from './monitoring';
import { eliminate, scheduleNextReview } from './elimination';

/** Applies a validated decision. */
export function decide(state: CaseState, facts: CaseFacts, now: number, args: DecideArgs): Transition {
  const d = new Draft(state, facts, now);
  const s = d.s;
  const task = s.openTasks.find((t) => t.taskId === args.taskId) as TaskState;
  s.openTasks = s.openTasks.filter((t) => t.taskId !== args.taskId);
  s.decided = [...s.decided, { taskId: task.taskId, action: args.action }].slice(-DECIDED_KEPT);
  const onBehalfOfId = task.assigneeId && task.assigneeId !== args.actor.id ? task.assigneeId : undefined;
  const previousDecider = s.lastDeciderId;
  s.lastDeciderId = args.actor.id;
  const outcomeNote: NotificationSpec[] =
    previousDecider && previousDecider !== args.actor.id
      ? [{ kind: 'DECISION_OUTCOME', to: { officialId: previousDecider }, data: { step: task.step, action: args.action } }]
      : [];
  const closing: Omit<EventSpec, 'action'> = {
    taskId: task.taskId, step: task.step, actorId: args.actor.id, onBehalfOfId, comment: args.reason,
    taskClose: { taskId: task.taskId, status: 'DONE', outcome: args.action, decidedById: args.actor.id, onBehalfOfId, comment: args.reason },
    notifications: outcomeNote,
  };
  const caseClosed: NotificationSpec = { kind: 'CASE_CLOSED', to: { role: 'VILLAGE', regionCode: facts.villageCode } };

  if (task.step === 'INVESTIGATION') {
    investigationOutcome(d, task, args, closing, caseClosed);
    return d.done();
  }
  const step = task.step as IdentStep | ElimStep;
  const outcome = decideOnChain(chainOf(step), step, args.action as 'APPROVE' | 'REJECT' | 'RETURN');
  switch (outcome.kind) {
    case 'ADVANCED':
      if (step === 'ELIM_ASSESSMENT') s.eliminationRoute = args.route ?? null;
      d.event({ ...closing, action: 'APPROVED', data: { route: s.eliminationRoute } });
      d.enterStep(s.status, outcome.to);
      break;
    case 'COMPLETED':
      if (outcome.end === 'MONITORED') {
        d.event({ ...closing, action: 'APPROVED' });
        becomeMonitored(d);
      } else {
        eliminate(d, closing);
      }
      break;
    case 'REJECTED':
      d.cancelOpenTasks('REJECTED');
      if (isElimStep(step)) {
        d.event({ ...closing, action: 'ELIMINATION_DECLINED' });
        scheduleNextReview(d, args.reason ?? 'declined');
      } else {
        d.setStep('REJECTED', null);
        d.event({ ...closing, action: 'REJECTED', notifications: [...outcomeNote, caseClosed] });
      }
      break;
    case 'RETURNED':
      s.returnedFrom = step;
      d.event({ ...closing, action: 'RETURNED', data: { to: outcome.to } });
      d.enterStep(s.status, outcome.to);
      break;
  }
  return d.done();
}

/** 异议调查结论: dismissed (the notice runs on), upheld and returned, or upheld and rejected. */
function investigationOutcome(d: Draft, task: TaskState, args: DecideArgs, closing: Omit<EventSpec, 'action'>, caseClosed: NotificationSpec): void {
  const s = d.s;
  const objectionId = s.notice.investigations[task.taskId];
  const elim = isElimStep(s.step);
  if (args.action === 'DISMISS') {
    s.notice = settleInvestigation(s.notice, task.taskId);
    d.event({ ...closing, action: 'OBJECTION_DISMISSED', data: { objectionId }, objectionOutcome: { outcome: 'DISMISSED', objectionId } });
    return;
  }
  d.cancelOpenTasks('OBJECTION_UPHELD');
  if (args.action === 'RETURN') {
    const back: Step = elim ? 'ELIM_VILLAGE_REVIEW' : 'VILLAGE_REVIEW';
    d.event({ ...closing, action: 'OBJECTION_UPHELD_RETURNED', objectionOutcome: { outcome: 'UPHELD_RETURNED' } });
    d.enterStep(s.status, back);
    return;
  }
  // REJECT: upheld, and the case (or the elimination) is refused.
  if (elim) {
    d.event({ ...closing, action: 'OBJECTION_UPHELD_ELIMINATION_DECLINED', objectionOutcome: { outcome: 'UPHELD_ELIMINATION_DECLINED' } });
    scheduleNextReview(d, 'objection upheld during elimination notice');
  } else {
    d.setStep('REJECTED', null);
    d.event({ ...closing, action: 'OBJECTION_UPHELD_REJECTED', notifications: [...(closing.notifications ?? []), caseClosed], objectionOutcome: { outcome: 'UPHELD_REJECTED' } });
  }
}
