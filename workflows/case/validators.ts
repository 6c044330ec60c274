/**
 * Update validators: what the policy forbids is refused synchronously with a typed refusal
 * (see ../refusals.ts) and never enters the history. The workflow runs the same check again
 * when the Update's turn comes, since an earlier Update may have changed the case meanwhile.
 */
import type {
  CaseInput, CloseArgs, DecideArgs, FileObjectionArgs, NudgeArgs, ProgrammeOutcomeArgs, ReassignContactArgs, RecordContactArgs, RecordMeasureArgs,
  RequestEliminationArgs, RollbackArgs, TaskState, TransferArgs, UpdateMeasureArgs, WithdrawArgs,
} from '../contracts';
import { TERMINAL_STATUSES } from '../contracts';
import { addLimitWithoutCalendar } from '../policy';
import type { Refusal } from '../refusals';
import { refuse } from '../refusals';
import { chainRefusal } from '../blocks/approval-chain';
import { assertActsOnTask, assertMayNudge, assertTransferable } from '../blocks/task-rules';
import { chainOf, isNoticeStep } from './chains';
import type { CaseFacts } from './draft';
import type { CaseState } from './state';

function openTask(state: CaseState, taskId: string): TaskState {
  const task = state.openTasks.find((t) => t.taskId === taskId);
  if (task) return task;
  const decided = state.decided.find((d) => d.taskId === taskId);
  if (decided) refuse('ALREADY_DECIDED', `task ${taskId} has already been decided (${decided.action})`);
  return refuse('TASK_NOT_OPEN', `task ${taskId} is not open (already decided, transferred away or closed)`);
}

function requireReason(reason: string | undefined, what: string): void {
  if (!reason || reason.trim().length === 0) refuse('REASON_REQUIRED', `reason: required to ${what}`, 'reason');
}

function assertActive(state: CaseState): void {
  if (TERMINAL_STATUSES.includes(state.status)) refuse('WRONG_STATE', `the case is ${state.status} and takes no more actions`);
}

/** Earliest instant elimination is allowed, or null when the clock has not started. */
export function eliminationEarliest(input: Pick<CaseInput, 'policy'>, state: Pick<CaseState, 'approvedAt' | 'measures'>): number | null {
  const clockStart =
    input.policy.eliminationClock === 'APPROVAL'
      ? state.approvedAt
      : state.measures
          .filter((m) => m.status === 'IMPLEMENTED' && m.implementedOn)
          .map((m) => m.implementedOn as string)
          .sort()[0] ?? null;
  if (!clockStart) return null;
  const limit = input.policy.eliminationAfter;
  // Month and second limits need no calendar; a working-day elimination limit is treated as calendar days.
  return addLimitWithoutCalendar(Date.parse(clockStart), limit.unit === 'WORKING_DAYS' ? { ...limit, unit: 'CALENDAR_DAYS' } : limit) ?? null;
}

/** Why the household cannot (yet) be eliminated, or null when it may. */
export function eliminationBlocker(input: Pick<CaseInput, 'policy' | 'noLabour'>, state: Pick<CaseState, 'approvedAt' | 'measures'>, nowMs: number): Refusal | null {
  if (input.noLabour) {
    return { code: 'NO_LABOUR_HOUSEHOLD', message: 'a household with no working capacity (整户无劳动力) is never marked eliminated; it stays monitored under social assistance' };
  }
  if (!state.measures.some((m) => m.status === 'IMPLEMENTED')) {
    return { code: 'NO_IMPLEMENTED_MEASURE', message: 'elimination needs at least one implemented assistance measure' };
  }
  const earliest = eliminationEarliest(input, state);
  if (earliest === null || nowMs < earliest) {
    const when = earliest === null ? 'the elimination clock has not started' : `earliest ${new Date(earliest).toISOString()}`;
    return { code: 'TOO_EARLY', message: `elimination is not allowed before the policy's waiting time (${when})` };
  }
  return null;
}

/** Validates an approve / reject / return / dismiss decision. */
export function validateDecide(facts: CaseFacts, state: CaseState, args: DecideArgs, nowMs: number): void {
  assertActive(state);
  const task = openTask(state, args.taskId);
  assertActsOnTask(task, args.actor);
  if (task.step === 'INVESTIGATION') {
    if (args.action === 'APPROVE') refuse('ACTION_NOT_ALLOWED', 'action: an objection investigation is decided by DISMISS, RETURN or REJECT', 'action');
    if (args.action !== 'DISMISS') requireReason(args.reason, args.action === 'REJECT' ? 'reject' : 'return the case');
    return;
  }
  if (args.action === 'DISMISS') refuse('ACTION_NOT_ALLOWED', 'action: only an objection investigation can be dismissed', 'action');
  if (!['APPROVE', 'REJECT', 'RETURN'].includes(args.action)) refuse('ACTION_NOT_ALLOWED', `action: unknown action ${String(args.action)}`, 'action');
  const step = task.step as Exclude<TaskState['step'], 'INVESTIGATION'>;
  const r = chainRefusal(chainOf(step), step, args.action as 'APPROVE' | 'REJECT' | 'RETURN', args.reason);
  if (r) refuse(r.code, r.message, r.field);
  if (args.action !== 'APPROVE') return;
  if (step === 'VERIFICATION' && args.consentSigned !== true) {
    refuse('CONSENT_REQUIRED', "consentSigned: verification needs the household's signed consent", 'consentSigned');
  }
  if (step === 'ELIM_ASSESSMENT') {
    if (!args.route) refuse('ACTION_NOT_ALLOWED', 'route: ASSISTED or NATURAL is required to propose elimination', 'route');
    const blocker = eliminationBlocker(facts, state, nowMs);
    if (blocker) refuse(blocker.code, blocker.message);
    const c = args.criteria;
    const missing = c ? (Object.entries(c) as [string, boolean][]).filter(([, v]) => v !== true).map(([k]) => k) : ['criteria'];
    if (missing.length > 0) refuse('CRITERIA_NOT_MET', `criteria: not met: ${missing.join(', ')}`, 'criteria');
  }
}

function assertMonitored(facts: CaseFacts, state: CaseState, what: string): void {
  assertActive(state);
  const fastTrack = state.status === 'IDENTIFYING' && facts.riskTypes.some((r) => facts.policy.fastTrackRiskTypes.includes(r));
  if (state.status !== 'MONITORED' && state.status !== 'ELIMINATING' && !fastTrack) {
    refuse('WRONG_STATE', `${what} only after county approval (before it only for fast-track risks such as disasters)`);
  }
}

function assertNotFuture(date: string, field: string, nowMs: number): void {
  const t = Date.parse(date);
  if (Number.isNaN(t)) refuse('INVALID_DATE', `${field}: not a date`, field);
  if (t > nowMs + 86_400_000) refuse('INVALID_DATE', `${field}: cannot be in the future`, field);
}

export function validateRecordMeasure(facts: CaseFacts, state: CaseState, args: RecordMeasureArgs): void {
  assertMonitored(facts, state, 'measures can be recorded');
  if (state.measures.some((m) => m.measureId === args.measureId)) refuse('DUPLICATE', `measure ${args.measureId} already exists`);
}

export function validateUpdateMeasure(state: CaseState, args: UpdateMeasureArgs, nowMs: number): void {
  assertActive(state);
  const m = state.measures.find((x) => x.measureId === args.measureId);
  if (!m) refuse('NOT_FOUND', `measure ${args.measureId} not found`);
  if (m.status !== 'PLANNED') refuse('WRONG_STATE', `measure ${args.measureId} is already ${m.status}`);
  if (args.status === 'IMPLEMENTED') {
    if (!args.implementedOn) refuse('INVALID_DATE', 'implementedOn: required to mark a measure implemented', 'implementedOn');
    assertNotFuture(args.implementedOn, 'implementedOn', nowMs);
  }
}

/** A programme's outcome on its measure: the measure exists and is implemented; each finding and the end are recorded once (DUPLICATE after). */
export function validateProgrammeOutcome(state: CaseState, args: ProgrammeOutcomeArgs, nowMs: number): void {
  assertActive(state);
  const m = state.measures.find((x) => x.measureId === args.measureId);
  if (!m) refuse('NOT_FOUND', `measure ${args.measureId} not found`, 'measureId');
  if (m.status !== 'IMPLEMENTED') refuse('WRONG_STATE', `measure ${args.measureId} is ${m.status}, not implemented`);
  if (args.outcome === 'ENDED') {
    if (m.endedOn) refuse('DUPLICATE', `measure ${args.measureId} already ended`);
    if (!args.endedOn) refuse('INVALID_DATE', 'endedOn: required to end a measure', 'endedOn');
    assertNotFuture(args.endedOn, 'endedOn', nowMs);
  } else if (args.outcome === 'LOAN_USE_REFUSED') {
    if (m.findings?.includes(args.outcome)) refuse('DUPLICATE', `measure ${args.measureId} already has this finding`);
  } else {
    refuse('ACTION_NOT_ALLOWED', 'outcome: LOAN_USE_REFUSED or ENDED', 'outcome');
  }
}

export function validateRecordContact(state: CaseState, args: RecordContactArgs, nowMs: number): void {
  assertActive(state);
  if (state.status !== 'MONITORED' && state.status !== 'ELIMINATING') refuse('WRONG_STATE', 'contacts are recorded for monitored households');
  assertNotFuture(args.contactedOn, 'contactedOn', nowMs);
}

export function validateFileObjection(state: CaseState, args: FileObjectionArgs): void {
  assertActive(state);
  if (!isNoticeStep(state.step)) refuse('WRONG_STATE', 'objections can be filed only during the public notice (公示)');
  if (!args.text || args.text.trim().length === 0) refuse('REASON_REQUIRED', 'text: the objection needs a text', 'text');
}

export function validateWithdraw(state: CaseState, args: WithdrawArgs): void {
  assertActive(state);
  if (state.status !== 'IDENTIFYING') refuse('WRONG_STATE', 'a case can be withdrawn only during identification');
  requireReason(args.reason, 'withdraw');
}

export function validateClose(state: CaseState, args: CloseArgs): void {
  assertActive(state);
  if (args.actor.role !== 'COUNTY' && args.actor.role !== 'ADMIN') refuse('WRONG_LEVEL', 'only the county or an administrator closes a case');
  if (!['MOVED_AWAY', 'DECEASED', 'OTHER'].includes(args.reason)) refuse('ACTION_NOT_ALLOWED', 'reason: MOVED_AWAY, DECEASED or OTHER', 'reason');
}

export function validateTransfer(state: CaseState, args: TransferArgs): void {
  assertActive(state);
  assertTransferable(openTask(state, args.taskId), args);
}

/** The contact changes only on a case still open, and only from the contact the caller saw (a repeat is refused). */
export function validateReassignContact(state: CaseState, args: ReassignContactArgs): void {
  assertActive(state);
  if (args.actor.role !== 'ADMIN' && args.actor.role !== 'COUNTY') refuse('WRONG_LEVEL', 'only the county or an administrator reassigns a contact');
  if (state.contactId !== args.fromOfficialId) refuse('WRONG_STATE', `the case's contact is no longer ${args.fromOfficialId}`, 'fromOfficialId');
  if (args.toOfficialId === args.fromOfficialId) refuse('WRONG_COLLEAGUE', 'toOfficialId: that official is already the contact', 'toOfficialId');
}

export function validateNudge(state: CaseState, args: NudgeArgs): void {
  assertActive(state);
  assertMayNudge(openTask(state, args.taskId), args.actor);
}

export function validateRequestElimination(facts: CaseFacts, state: CaseState, args: RequestEliminationArgs, nowMs: number): void {
  assertActive(state);
  if (state.status !== 'MONITORED') refuse('WRONG_STATE', `an elimination review can be requested only for a monitored case (now ${state.status})`);
  if (args.actor.role === 'CONTACT') refuse('WRONG_LEVEL', 'the village, township or county requests an elimination review');
  const blocker = eliminationBlocker(facts, state, nowMs);
  if (blocker) refuse(blocker.code, blocker.message);
}

/** 风险消除回退: the county or an administrator, within the window, with a reason. */
export function validateRollback(state: CaseState, args: RollbackArgs, nowMs: number): void {
  if (state.status !== 'ELIMINATED') refuse('WRONG_STATE', `only an eliminated case can be rolled back (now ${state.status})`);
  if (args.actor.role !== 'COUNTY' && args.actor.role !== 'ADMIN') refuse('WRONG_LEVEL', 'only the county or an administrator rolls an elimination back');
  requireReason(args.reason, 'roll the elimination back');
  if (!state.rollbackUntil || nowMs >= Date.parse(state.rollbackUntil)) {
    refuse('ROLLBACK_WINDOW_PASSED', `the rollback window ended ${state.rollbackUntil ?? ''}`.trim());
  }
}

/** A new case may end the rollback window only of an eliminated case. */
export function validateEndRollbackWindow(state: CaseState): void {
  if (state.status !== 'ELIMINATED') refuse('WRONG_STATE', `the case is ${state.status}, not eliminated`);
}
