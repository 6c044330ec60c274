/**
 * The internal state of a household case workflow, carried across continue-as-new, and the
 * public snapshot its Query returns.
 */
import type { CaseInput, CaseSnapshot, CaseStatus, EliminationRoute, MeasureState, Step, TaskState } from '../contracts';
import type { NoticeState } from '../blocks/public-notice';
import { emptyNotice, openObjections } from '../blocks/public-notice';
import { pendingTaskSeqOf } from '../blocks/task';

/** Deadlines resolved by the transition activity from the current calendar. */
export const DEADLINE_NAMES = ['slaDueAt', 'planDueAt', 'nextReviewAt', 'annualCheckAt', 'nextContactDueAt', 'noticeEndsAt', 'rollbackUntil'] as const;
export type DeadlineName = (typeof DEADLINE_NAMES)[number];

/** A task decided recently, so a late second decision is told what happened. */
export interface DecidedTask {
  taskId: string;
  action: string;
}

/** The whole case state. */
export interface CaseState {
  caseId: string;
  status: CaseStatus;
  step: Step | null;
  /** Commits so far; idempotency keys are `${caseId}:${seq}`. */
  seq: number;
  openTasks: TaskState[];
  /** The last tasks decided (bounded). */
  decided: DecidedTask[];
  measures: MeasureState[];
  contactId: string | null;
  lastContactAt: string | null;
  contactCount: number;
  missedContactPeriods: number;
  nextContactDueAt: string | null;
  approvedAt: string | null;
  slaDueAt: string | null;
  slaBreached: boolean;
  planDueAt: string | null;
  planReminded: boolean;
  nextReviewAt: string | null;
  reviewCount: number;
  annualCheckAt: string | null;
  annualCheckFlagged: boolean;
  notice: NoticeState;
  eliminationRoute: EliminationRoute | null;
  eliminatedAt: string | null;
  /** End of the rollback window (风险消除回退期) after elimination. */
  rollbackUntil: string | null;
  /** The workflow has nothing more to do (terminal status, rollback window over). */
  finished: boolean;
  closedReason: string | null;
  returnedFrom: Step | null;
  /** Official who decided the last step, told of the next level's outcome. */
  lastDeciderId: string | null;
  continuedAsNew: number;
}

/** Most recently decided tasks remembered. */
export const DECIDED_KEPT = 20;

/** The state of a new case, before its first commit. */
export function initialState(input: Pick<CaseInput, 'caseId' | 'contactId'>): CaseState {
  return {
    caseId: input.caseId, status: 'IDENTIFYING', step: 'VERIFICATION', seq: 0, openTasks: [], decided: [], measures: [],
    contactId: input.contactId ?? null, lastContactAt: null, contactCount: 0, missedContactPeriods: 0, nextContactDueAt: null,
    approvedAt: null, slaDueAt: null, slaBreached: false, planDueAt: null, planReminded: false, nextReviewAt: null, reviewCount: 0,
    annualCheckAt: null, annualCheckFlagged: false, notice: emptyNotice(), eliminationRoute: null, eliminatedAt: null,
    rollbackUntil: null, finished: false, closedReason: null, returnedFrom: null, lastDeciderId: null, continuedAsNew: 0,
  };
}

/** The public snapshot (what the Query returns). */
export function toSnapshot(s: CaseState): CaseSnapshot {
  return {
    caseId: s.caseId, status: s.status, step: s.step, openTasks: s.openTasks, measures: s.measures, contactId: s.contactId,
    lastContactAt: s.lastContactAt, contactCount: s.contactCount, missedContactPeriods: s.missedContactPeriods, nextContactDueAt: s.nextContactDueAt, approvedAt: s.approvedAt,
    slaDueAt: s.slaDueAt, slaBreached: s.slaBreached, planDueAt: s.planDueAt, nextReviewAt: s.nextReviewAt, reviewCount: s.reviewCount,
    annualCheckFlagged: s.annualCheckFlagged, noticeEndsAt: s.notice.endsAt, openObjections: openObjections(s.notice),
    eliminationRoute: s.eliminationRoute, eliminatedAt: s.eliminatedAt, rollbackUntil: s.rollbackUntil, closedReason: s.closedReason,
    continuedAsNew: s.continuedAsNew,
  };
}

/**
 * The commit number that issued `taskId` when this state has not adopted that commit yet, else
 * null. Task ids are `${caseId}-t${seq}` (or `.n` for a second task of one commit), so a task the
 * read model shows but the state does not know comes from a later commit: one a restarted worker
 * is about to replay (the row was written before the crash, the workflow's record of it was not).
 */
export function pendingTaskSeq(s: Pick<CaseState, 'caseId' | 'seq'>, taskId: string): number | null {
  return pendingTaskSeqOf(s.caseId, s.seq, taskId);
}
