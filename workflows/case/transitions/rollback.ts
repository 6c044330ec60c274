/**
 * 风险消除回退 — within the rollback window after elimination the county may roll it back: the
 * household is monitored again with the next review scheduled. When the window passes (or a new
 * case of the household starts) the workflow completes.
 */
import type { EndRollbackWindowArgs, RollbackArgs } from '../../contracts';
import { Draft } from '../draft';
import type { CaseFacts, Transition } from '../draft';
import type { CaseState } from '../state';

export function rollbackElimination(state: CaseState, facts: CaseFacts, now: number, a: RollbackArgs): Transition {
  const d = new Draft(state, facts, now);
  const s = d.s;
  s.eliminatedAt = null;
  s.eliminationRoute = null;
  s.rollbackUntil = null;
  s.missedContactPeriods = 0;
  d.setStep('MONITORED', null);
  d.deadline('nextReviewAt', now, facts.policy.reviewEvery);
  d.deadline('nextContactDueAt', now, facts.policy.contactEvery);
  d.event({ action: 'ELIMINATION_ROLLED_BACK', actorId: a.actor.id, comment: a.reason });
  return d.done();
}

/** The window is over (by time or because the household has a new case): nothing more to do. */
export function closeRollbackWindow(d: Draft, a?: EndRollbackWindowArgs): void {
  d.s.rollbackUntil = null;
  d.s.finished = true;
  d.event({ action: 'ROLLBACK_WINDOW_CLOSED', data: a ? { newCaseId: a.newCaseId } : {} });
}

export function endRollbackWindow(state: CaseState, facts: CaseFacts, now: number, a: EndRollbackWindowArgs): Transition {
  const d = new Draft(state, facts, now);
  closeRollbackWindow(d, a);
  return d.done();
}
