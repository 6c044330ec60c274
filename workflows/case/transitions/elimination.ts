/**
 * 风险消除 — elimination: the review timer (or a village's request) opens the assessment when the
 * rules allow it; a household that does not qualify, or a declined procedure, stays monitored
 * with the next review scheduled; county approval marks it eliminated and opens the rollback window.
 */
import type { RequestEliminationArgs } from '../../contracts';
import type { EventSpec } from '../../../activities/types';
import { Draft } from '../draft';
import type { CaseFacts, Transition } from '../draft';
import type { CaseState } from '../state';
import { eliminationBlocker } from '../validators';

/** The case stays monitored; the next review is due after the policy's interval. */
export function scheduleNextReview(d: Draft, reason: string): void {
  d.s.reviewCount += 1;
  d.setStep('MONITORED', null);
  d.s.eliminationRoute = null;
  d.deadline('nextReviewAt', d.now, d.policy.reviewEvery);
  d.s.nextReviewAt = null;
  d.event({ action: 'NEXT_REVIEW_SCHEDULED', comment: reason });
}

/** The review timer fired: start the procedure, or schedule the next review saying why not. */
export function reviewDue(d: Draft): void {
  const blocker = eliminationBlocker(d.facts, d.s, d.now);
  if (blocker) {
    d.event({ action: 'REVIEW_NOT_ELIGIBLE', comment: blocker.message, data: { code: blocker.code } });
    scheduleNextReview(d, blocker.message);
    return;
  }
  d.event({ action: 'ELIMINATION_REVIEW_STARTED' });
  d.enterStep('ELIMINATING', 'ELIM_ASSESSMENT');
}

/** 风险消除申请 — the village asks for the review now. */
export function requestElimination(state: CaseState, facts: CaseFacts, now: number, a: RequestEliminationArgs): Transition {
  const d = new Draft(state, facts, now);
  d.setStep('ELIMINATING', 'ELIM_ASSESSMENT');
  d.event({ action: 'ELIMINATION_REVIEW_REQUESTED', actorId: a.actor.id, comment: a.comment });
  d.enterStep('ELIMINATING', 'ELIM_ASSESSMENT');
  return d.done();
}

/** County approval of the elimination; the rules are checked again at this last moment. */
export function eliminate(d: Draft, closing: Omit<EventSpec, 'action'>): void {
  const blocker = eliminationBlocker(d.facts, d.s, d.now);
  if (blocker) {
    d.event({ ...closing, action: 'ELIMINATION_REFUSED', comment: blocker.message });
    scheduleNextReview(d, blocker.message);
    return;
  }
  d.s.eliminatedAt = d.iso();
  d.setStep('ELIMINATED', null);
  d.deadline('rollbackUntil', d.now, d.policy.rollbackWindow);
  d.event({ ...closing, action: 'APPROVED_ELIMINATED', notifications: [...(closing.notifications ?? []), { kind: 'CASE_CLOSED', to: { caseContact: true } }] });
}
