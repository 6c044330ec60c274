/**
 * Update validators: what the policy forbids is refused synchronously, with a reason the API
 * passes on, and never enters the history. Each throws a plain `Error` whose message starts
 * with a stable code in brackets, e.g. `[NOT_ASSIGNEE] …`.
 */
import type {
  Actor, CaseInput, CaseState, CloseArgs, DecideArgs, FileObjectionArgs, NudgeArgs, RecordContactArgs,
  RecordMeasureArgs, RequestEliminationArgs, TaskState, TransferArgs, UpdateMeasureArgs, WithdrawArgs,
} from './contracts';
import { TERMINAL_STATUSES } from './contracts';
import { addLimitWithoutCalendar } from './policy';
import { RETURN_TO, isNoticeStep } from './step-rules';

/** Refusal codes; the API maps them to HTTP statuses. */
export type RefusalCode =
  | 'TASK_NOT_OPEN' | 'WRONG_LEVEL' | 'NOT_ASSIGNEE' | 'ALREADY_DECIDED' | 'REASON_REQUIRED' | 'ACTION_NOT_ALLOWED'
  | 'CONSENT_REQUIRED' | 'TOO_EARLY' | 'NO_IMPLEMENTED_MEASURE' | 'NO_LABOUR_HOUSEHOLD' | 'CRITERIA_NOT_MET'
  | 'WRONG_STATE' | 'NOT_FOUND' | 'DUPLICATE' | 'INVALID_DATE' | 'WRONG_COLLEAGUE';

function refuse(code: RefusalCode, message: string): never {
  throw new Error(`[${code}] ${message}`);
}

const LEVEL_RANK = { VILLAGE: 1, TOWNSHIP: 2, COUNTY: 3, ADMIN: 4, CONTACT: 0 } as const;

function openTask(state: CaseState, taskId: string): TaskState {
  const task = state.openTasks.find((t) => t.taskId === taskId);
  if (!task) refuse('TASK_NOT_OPEN', `task ${taskId} is not open (already decided, transferred away or closed)`);
  return task;
}

function requireReason(reason: string | undefined, what: string): void {
  if (!reason || reason.trim().length === 0) refuse('REASON_REQUIRED', `reason is required to ${what}`);
}

function assertActive(state: CaseState): void {
  if (TERMINAL_STATUSES.includes(state.status)) refuse('WRONG_STATE', `the case is ${state.status} and takes no more actions`);
}

/** Earliest instant elimination is allowed, or null when the clock has not started. */
export function eliminationEarliest(input: CaseInput, state: CaseState): number | null {
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
export function eliminationBlocker(input: CaseInput, state: CaseState, nowMs: number): { code: RefusalCode; message: string } | null {
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

function assertActsOnTask(task: TaskState, actor: Actor): void {
  if (actor.role !== task.level) {
    refuse('WRONG_LEVEL', `step ${task.step} is decided at ${task.level} level; a ${actor.role} official cannot decide it`);
  }
  if (!task.allowedIds.includes(actor.id)) {
    refuse('NOT_ASSIGNEE', `task ${task.taskId} is assigned to another official`);
  }
}

/** Validates an approve / reject / return / dismiss decision. */
export function validateDecide(input: CaseInput, state: CaseState, args: DecideArgs, nowMs: number): void {
  assertActive(state);
  const task = openTask(state, args.taskId);
  if (state.pending.some((p) => p.taskId === args.taskId)) refuse('ALREADY_DECIDED', `task ${args.taskId} has already been decided`);
  assertActsOnTask(task, args.actor);
  const investigation = task.step === 'INVESTIGATION';
  switch (args.action) {
    case 'APPROVE':
      if (investigation) refuse('ACTION_NOT_ALLOWED', 'an objection investigation is decided by DISMISS, RETURN or REJECT');
      if (task.step === 'VERIFICATION' && args.consentSigned !== true) {
        refuse('CONSENT_REQUIRED', "consentSigned: verification needs the household's signed consent");
      }
      if (task.step === 'ELIM_ASSESSMENT') {
        if (!args.route) refuse('ACTION_NOT_ALLOWED', 'route: ASSISTED or NATURAL is required to propose elimination');
        const blocker = eliminationBlocker(input, state, nowMs);
        if (blocker) refuse(blocker.code, blocker.message);
        const c = args.criteria;
        const missing = c ? (Object.entries(c) as [string, boolean][]).filter(([, v]) => v !== true).map(([k]) => k) : ['criteria'];
        if (missing.length > 0) refuse('CRITERIA_NOT_MET', `criteria not met: ${missing.join(', ')}`);
      }
      return;
    case 'REJECT':
      requireReason(args.reason, 'reject');
      return;
    case 'RETURN':
      requireReason(args.reason, 'return the case');
      if (!investigation && !RETURN_TO[task.step]) refuse('ACTION_NOT_ALLOWED', `step ${task.step} has no previous step to return to`);
      return;
    case 'DISMISS':
      if (!investigation) refuse('ACTION_NOT_ALLOWED', 'only an objection investigation can be dismissed');
      return;
    default:
      refuse('ACTION_NOT_ALLOWED', `unknown action ${String(args.action)}`);
  }
}

function assertMonitored(input: CaseInput, state: CaseState, what: string): void {
  assertActive(state);
  const fastTrack = state.status === 'IDENTIFYING' && input.riskTypes.some((r) => input.policy.fastTrackRiskTypes.includes(r));
  if (state.status !== 'MONITORED' && state.status !== 'ELIMINATING' && !fastTrack) {
    refuse('WRONG_STATE', `${what} only after county approval (before it only for fast-track risks such as disasters)`);
  }
}

function assertNotFuture(date: string, field: string, nowMs: number): void {
  const t = Date.parse(date);
  if (Number.isNaN(t)) refuse('INVALID_DATE', `${field}: not a date`);
  if (t > nowMs + 86_400_000) refuse('INVALID_DATE', `${field}: cannot be in the future`);
}

export function validateRecordMeasure(input: CaseInput, state: CaseState, args: RecordMeasureArgs): void {
  assertMonitored(input, state, 'measures can be recorded');
  if (state.measures.some((m) => m.measureId === args.measureId)) refuse('DUPLICATE', `measure ${args.measureId} already exists`);
}

export function validateUpdateMeasure(state: CaseState, args: UpdateMeasureArgs, nowMs: number): void {
  assertActive(state);
  const m = state.measures.find((x) => x.measureId === args.measureId);
  if (!m) refuse('NOT_FOUND', `measure ${args.measureId} not found`);
  if (m.status !== 'PLANNED') refuse('WRONG_STATE', `measure ${args.measureId} is already ${m.status}`);
  if (args.status === 'IMPLEMENTED') {
    if (!args.implementedOn) refuse('INVALID_DATE', 'implementedOn: required to mark a measure implemented');
    assertNotFuture(args.implementedOn, 'implementedOn', nowMs);
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
  if (!args.text || args.text.trim().length === 0) refuse('REASON_REQUIRED', 'text: the objection needs a text');
}

export function validateWithdraw(state: CaseState, args: WithdrawArgs): void {
  assertActive(state);
  if (state.status !== 'IDENTIFYING') refuse('WRONG_STATE', 'a case can be withdrawn only during identification');
  requireReason(args.reason, 'withdraw');
}

export function validateClose(state: CaseState, args: CloseArgs): void {
  assertActive(state);
  if (args.actor.role !== 'COUNTY' && args.actor.role !== 'ADMIN') refuse('WRONG_LEVEL', 'only the county or an administrator closes a case');
  if (!['MOVED_AWAY', 'DECEASED', 'OTHER'].includes(args.reason)) refuse('ACTION_NOT_ALLOWED', 'reason: MOVED_AWAY, DECEASED or OTHER');
}

export function validateTransfer(state: CaseState, args: TransferArgs): void {
  assertActive(state);
  const task = openTask(state, args.taskId);
  if (args.toRole !== task.level || args.toRegionCode !== task.regionCode) {
    refuse('WRONG_COLLEAGUE', `toOfficialId: a task can be transferred only to a ${task.level} colleague of region ${task.regionCode}`);
  }
  if (task.assigneeId === args.toOfficialId) refuse('WRONG_COLLEAGUE', 'toOfficialId: the task is already assigned to that official');
  const supervisor = LEVEL_RANK[args.actor.role] > LEVEL_RANK[task.level];
  if (!supervisor && !task.allowedIds.includes(args.actor.id)) refuse('NOT_ASSIGNEE', `task ${task.taskId} is assigned to another official`);
}

export function validateNudge(state: CaseState, args: NudgeArgs): void {
  assertActive(state);
  const task = openTask(state, args.taskId);
  if (LEVEL_RANK[args.actor.role] <= LEVEL_RANK[task.level]) refuse('WRONG_LEVEL', 'only a higher level (supervisor) can nudge (催办) a task');
}

export function validateRequestElimination(input: CaseInput, state: CaseState, args: RequestEliminationArgs, nowMs: number): void {
  assertActive(state);
  if (state.status !== 'MONITORED') refuse('WRONG_STATE', `an elimination review can be requested only for a monitored case (now ${state.status})`);
  if (args.actor.role === 'CONTACT') refuse('WRONG_LEVEL', 'the village, township or county requests an elimination review');
  const blocker = eliminationBlocker(input, state, nowMs);
  if (blocker) refuse(blocker.code, blocker.message);
}
