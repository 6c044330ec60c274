/**
 * 监测帮扶案件工作流 — one workflow per household case: identification, assistance and
 * monitoring, elimination reviews. Deterministic: time is workflow time, policy is input,
 * side effects are activities. The loop is a reconciler: Update handlers validate and queue
 * commands; the loop applies them, then does whatever the clock says is due, then sleeps on
 * one durable timer per pending deadline.
 */
import {
  ApplicationFailure, CancellationScope, allHandlersFinished, condition, continueAsNew, isCancellation,
  proxyActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities, CaseEvent, NotificationSpec } from '../activities/types';
import type {
  CaseInput, CaseState, CaseStatus, CaseUpdateResult, CloseArgs, DecideArgs, FileObjectionArgs, Level, NudgeArgs,
  RecordContactArgs, RecordMeasureArgs, RequestEliminationArgs, Step, TaskState, TransferArgs, UpdateMeasureArgs, WithdrawArgs,
} from './contracts';
import {
  STEP_LEVEL, TERMINAL_STATUSES, closeCaseUpdate, decideUpdate, fileObjectionUpdate, nudgeTaskUpdate, recheckSignal,
  recordContactUpdate, recordMeasureUpdate, requestEliminationUpdate, stateQuery, transferTaskUpdate, updateMeasureUpdate, withdrawUpdate,
} from './contracts';
import { addLimitWithoutCalendar } from './policy';
import type { TLimit } from './policy';
import { NEXT_STEP, RETURN_TO, isElimStep, isNoticeStep } from './step-rules';
import {
  eliminationBlocker, validateClose, validateDecide, validateFileObjection, validateNudge, validateRecordContact,
  validateRecordMeasure, validateRequestElimination, validateTransfer, validateUpdateMeasure, validateWithdraw,
} from './validators';

const acts = proxyActivities<CaseActivities>({
  startToCloseTimeout: '10 seconds',
  // Database and calendar faults are transient; keep retrying with backoff up to a minute apart.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** A command queued by an Update handler and applied by the loop. */
type Command =
  | { kind: 'decide'; args: DecideArgs }
  | { kind: 'measure'; args: RecordMeasureArgs }
  | { kind: 'measureUpdate'; args: UpdateMeasureArgs }
  | { kind: 'contact'; args: RecordContactArgs }
  | { kind: 'objection'; args: FileObjectionArgs }
  | { kind: 'withdraw'; args: WithdrawArgs }
  | { kind: 'close'; args: CloseArgs }
  | { kind: 'transfer'; args: TransferArgs }
  | { kind: 'nudge'; args: NudgeArgs }
  | { kind: 'requestElimination'; args: RequestEliminationArgs };

const DEFAULT_MAX_HISTORY_EVENTS = 4000;

function initialState(input: CaseInput): CaseState {
  return {
    status: 'IDENTIFYING', step: 'VERIFICATION', seq: 0, openTasks: [], pending: [], measures: [],
    contactId: input.contactId ?? null, lastContactAt: null, contactCount: 0, missedContactPeriods: 0,
    nextContactDueAt: null, approvedAt: null, slaDueAt: null, slaBreached: false, planDueAt: null,
    planReminded: false, nextReviewAt: null, reviewCount: 0, annualCheckAt: null, annualCheckFlagged: false,
    noticeEndsAt: null, openObjections: 0, eliminationRoute: null, eliminatedAt: null, closedReason: null,
    returnedFrom: null, continuedAsNew: 0, lastDeciderId: null, cmdAccepted: 0, cmdApplied: 0, queuedObjections: [],
  };
}

/** The household case workflow. Returns the final state (used to roll back an elimination). */
export async function householdCaseWorkflow(input: CaseInput & { rollback?: { actorId: string; reason: string } }): Promise<CaseState> {
  const policy = input.policy;
  const state: CaseState = input.carried ? { ...input.carried, pending: [] } : initialState(input);
  const inbox: Command[] = [];
  const nowMs = (): number => Date.now();
  const iso = (ms: number): string => new Date(ms).toISOString();
  const region = { villageCode: input.villageCode, townshipCode: input.townshipCode, countyCode: input.countyCode };

  // ---- queries and updates --------------------------------------------------------------
  setHandler(stateQuery, () => state);

  async function enqueue(cmd: Command): Promise<CaseUpdateResult> {
    const n = ++state.cmdAccepted;
    inbox.push(cmd);
    await condition(() => state.cmdApplied >= n);
    return { status: state.status, step: state.step };
  }
  setHandler(decideUpdate, (args) => {
    state.pending.push({ taskId: args.taskId, action: args.action, actorId: args.actor.id, reason: args.reason, route: args.route });
    return enqueue({ kind: 'decide', args });
  }, { validator: (args) => validateDecide(input, state, args, nowMs()) });
  setHandler(recordMeasureUpdate, (args) => {
    state.measures.push({ measureId: args.measureId, type: args.type, status: 'PLANNED', memberName: args.memberName });
    return enqueue({ kind: 'measure', args });
  }, { validator: (args) => validateRecordMeasure(input, state, args) });
  setHandler(updateMeasureUpdate, (args) => {
    const m = state.measures.find((x) => x.measureId === args.measureId);
    if (m) {
      m.status = args.status;
      if (args.implementedOn) m.implementedOn = iso(Date.parse(args.implementedOn));
    }
    return enqueue({ kind: 'measureUpdate', args });
  }, { validator: (args) => validateUpdateMeasure(state, args, nowMs()) });
  setHandler(recordContactUpdate, (args) => enqueue({ kind: 'contact', args }), {
    validator: (args) => validateRecordContact(state, args, nowMs()),
  });
  setHandler(fileObjectionUpdate, (args) => enqueue({ kind: 'objection', args }), {
    validator: (args) => validateFileObjection(state, args),
  });
  setHandler(withdrawUpdate, (args) => enqueue({ kind: 'withdraw', args }), { validator: (args) => validateWithdraw(state, args) });
  setHandler(closeCaseUpdate, (args) => enqueue({ kind: 'close', args }), { validator: (args) => validateClose(state, args) });
  setHandler(transferTaskUpdate, async (args) => {
    await enqueue({ kind: 'transfer', args });
    return state.openTasks.find((t) => t.taskId === args.taskId) as TaskState;
  }, { validator: (args) => validateTransfer(state, args) });
  setHandler(nudgeTaskUpdate, (args) => enqueue({ kind: 'nudge', args }), { validator: (args) => validateNudge(state, args) });
  setHandler(requestEliminationUpdate, (args) => enqueue({ kind: 'requestElimination', args }), {
    validator: (args) => validateRequestElimination(input, state, args, nowMs()),
  });
  let recheck = false;
  setHandler(recheckSignal, () => {
    recheck = true;
  });

  // ---- recording --------------------------------------------------------------------------
  function nextKey(): string {
    state.seq += 1;
    return `${input.caseId}:${state.seq}`;
  }
  async function record(action: string, ev: Omit<CaseEvent, 'key' | 'caseId' | 'at' | 'action' | 'region'> = {}): Promise<void> {
    await acts.recordEvent({ key: nextKey(), caseId: input.caseId, at: iso(nowMs()), action, region, step: state.step, ...ev });
  }
  function casePatch(): CaseEvent['casePatch'] {
    return {
      status: state.status, step: state.step, slaBreached: state.slaBreached, approvedAt: state.approvedAt,
      planDueAt: state.planDueAt, nextReviewAt: state.nextReviewAt, annualCheck: state.annualCheckFlagged,
      eliminatedAt: state.eliminatedAt, eliminationRoute: state.eliminationRoute, closeReason: state.closedReason,
      lastContactAt: state.lastContactAt, contactId: state.contactId,
    };
  }
  let lastSearchAttributes = '';
  /** Upserts search attributes when they change (codes only: no personal data). */
  function syncSearchAttributes(): void {
    const overdue = state.slaBreached || state.openTasks.some((t) => nowMs() >= Date.parse(t.dueAt));
    const attrs = {
      BangfuStatus: [state.status],
      BangfuStep: state.step ? [state.step] : [],
      BangfuRegion: [input.villageCode, input.townshipCode, input.countyCode],
      BangfuCategory: [input.category],
      BangfuOverdue: [overdue],
    };
    const key = JSON.stringify(attrs);
    if (key === lastSearchAttributes) return;
    lastSearchAttributes = key;
    upsertSearchAttributes(attrs);
  }
  async function deadline(fromMs: number, limit: TLimit): Promise<number> {
    const local = addLimitWithoutCalendar(fromMs, limit);
    if (local !== undefined) return local;
    return Date.parse(await acts.computeDeadline({ from: iso(fromMs), limit }));
  }

  // ---- transitions ------------------------------------------------------------------------
  function setStep(status: CaseStatus, step: Step | null): void {
    state.status = status;
    state.step = step;
    state.noticeEndsAt = null;
  }
  async function cancelOpenTasks(outcome: string): Promise<void> {
    for (const t of state.openTasks) {
      await record('TASK_CANCELLED', { taskId: t.taskId, step: t.step, taskClose: { taskId: t.taskId, status: 'CANCELLED', outcome } });
    }
    state.openTasks = [];
  }
  /** Escalation goes up the hierarchy: village → township → county → city administrators. */
  function escalationChain(level: Level): NotificationSpec['to'][] {
    const township: NotificationSpec['to'] = { role: 'TOWNSHIP', regionCode: input.townshipCode };
    const county: NotificationSpec['to'] = { role: 'COUNTY', regionCode: input.countyCode };
    // Administrators of this county and of its city, not of other counties.
    const admins: NotificationSpec['to'] = { role: 'ADMIN', regionCode: input.countyCode };
    if (level === 'VILLAGE') return [township, county, admins];
    if (level === 'TOWNSHIP') return [county, admins];
    return [admins];
  }
  async function becomeMonitored(): Promise<void> {
    const now = nowMs();
    state.approvedAt = iso(now);
    if (state.slaDueAt && now > Date.parse(state.slaDueAt)) state.slaBreached = true;
    setStep('MONITORED', null);
    state.planDueAt = iso(await deadline(now, policy.planDue));
    state.nextReviewAt = iso(await deadline(now, policy.eliminationAfter));
    state.annualCheckAt = iso(await deadline(now, policy.annualCheckAfter));
    state.nextContactDueAt = iso(await deadline(now, policy.contactEvery));
    if (!state.contactId) state.contactId = await acts.assignContact({ caseId: input.caseId, villageCode: input.villageCode });
    await record('COUNTY_APPROVED_MONITORING_STARTED', {
      casePatch: casePatch(),
      notifications: state.contactId ? [{ kind: 'CASE_ASSIGNED_TO_CONTACT', to: { officialId: state.contactId } }] : [],
      data: { planDueAt: state.planDueAt, nextReviewAt: state.nextReviewAt, slaBreached: state.slaBreached },
    });
  }
  async function scheduleNextReview(reason: string): Promise<void> {
    state.reviewCount += 1;
    setStep('MONITORED', null);
    state.eliminationRoute = null;
    state.nextReviewAt = iso(await deadline(nowMs(), policy.reviewEvery));
    await record('NEXT_REVIEW_SCHEDULED', { comment: reason, casePatch: casePatch(), data: { nextReviewAt: state.nextReviewAt } });
  }

  async function applyDecision(args: DecideArgs): Promise<void> {
    const task = state.openTasks.find((t) => t.taskId === args.taskId) as TaskState;
    state.openTasks = state.openTasks.filter((t) => t.taskId !== args.taskId);
    const onBehalfOfId = task.assigneeId && task.assigneeId !== args.actor.id ? task.assigneeId : undefined;
    const previousDecider = state.lastDeciderId;
    state.lastDeciderId = args.actor.id;
    const outcomeNote: NotificationSpec[] =
      previousDecider && previousDecider !== args.actor.id
        ? [{ kind: 'DECISION_OUTCOME', to: { officialId: previousDecider }, data: { step: task.step, action: args.action } }]
        : [];
    const closing = {
      taskId: task.taskId, step: task.step, actorId: args.actor.id, onBehalfOfId, comment: args.reason,
      taskClose: { taskId: task.taskId, status: 'DONE' as const, outcome: args.action, decidedById: args.actor.id, onBehalfOfId, comment: args.reason },
      notifications: outcomeNote,
    };
    const elim = isElimStep(task.step) || (task.step === 'INVESTIGATION' && state.step === 'ELIM_NOTICE');

    if (task.step === 'INVESTIGATION') {
      state.openObjections = Math.max(0, state.openObjections - 1);
      if (args.action === 'DISMISS') {
        await record('OBJECTION_DISMISSED', { ...closing, casePatch: casePatch(), data: { objectionId: state.investigationObjections?.[task.taskId] } });
        return;
      }
      if (args.action === 'RETURN') {
        await cancelOpenTasks('OBJECTION_UPHELD');
        setStep(state.status, elim ? 'ELIM_VILLAGE_REVIEW' : 'VILLAGE_REVIEW');
        state.openObjections = 0;
        await record('OBJECTION_UPHELD_RETURNED', { ...closing, casePatch: casePatch() });
        return;
      }
      // REJECT: upheld and the case (or the elimination) is refused.
      await cancelOpenTasks('OBJECTION_UPHELD');
      state.openObjections = 0;
      if (elim) {
        await record('OBJECTION_UPHELD_ELIMINATION_DECLINED', { ...closing });
        await scheduleNextReview('objection upheld during elimination notice');
      } else {
        setStep('REJECTED', null);
        await record('OBJECTION_UPHELD_REJECTED', { ...closing, casePatch: casePatch(), notifications: [...outcomeNote, { kind: 'CASE_CLOSED', to: { role: 'VILLAGE', regionCode: input.villageCode } }] });
      }
      return;
    }

    if (args.action === 'APPROVE') {
      if (task.step === 'ELIM_ASSESSMENT') state.eliminationRoute = args.route ?? null;
      const next = NEXT_STEP[task.step];
      if (next === 'MONITORED') {
        await record('APPROVED', closing);
        await becomeMonitored();
      } else if (next === 'ELIMINATED') {
        // Re-check the rule at the last moment: a measure may have been cancelled meanwhile.
        const blocker = eliminationBlocker(input, state, nowMs());
        if (blocker) {
          await record('ELIMINATION_REFUSED', { ...closing, comment: blocker.message });
          await scheduleNextReview(blocker.message);
          return;
        }
        state.eliminatedAt = iso(nowMs());
        setStep('ELIMINATED', null);
        await record('APPROVED_ELIMINATED', { ...closing, casePatch: casePatch(), notifications: [...outcomeNote, { kind: 'CASE_CLOSED', to: { officialId: state.contactId ?? args.actor.id } }] });
      } else {
        setStep(state.status, next);
        await record('APPROVED', { ...closing, casePatch: casePatch(), data: { route: state.eliminationRoute } });
      }
    } else if (args.action === 'REJECT') {
      await cancelOpenTasks('REJECTED');
      if (elim) {
        await record('ELIMINATION_DECLINED', closing);
        await scheduleNextReview(args.reason ?? 'declined');
      } else {
        setStep('REJECTED', null);
        await record('REJECTED', { ...closing, casePatch: casePatch(), notifications: [...outcomeNote, { kind: 'CASE_CLOSED', to: { role: 'VILLAGE', regionCode: input.villageCode } }] });
      }
    } else if (args.action === 'RETURN') {
      const back = RETURN_TO[task.step] as Step;
      state.returnedFrom = task.step;
      setStep(state.status, back);
      await record('RETURNED', { ...closing, casePatch: casePatch(), data: { to: back } });
    }
  }

  async function apply(cmd: Command): Promise<void> {
    switch (cmd.kind) {
      case 'decide':
        await applyDecision(cmd.args);
        state.pending = state.pending.filter((p) => p.taskId !== cmd.args.taskId);
        return;
      case 'measure': {
        const a = cmd.args;
        await record('MEASURE_RECORDED', { actorId: a.actor.id, measure: { id: a.measureId, type: a.type, description: a.description, memberName: a.memberName, status: 'PLANNED', createdById: a.actor.id } });
        return;
      }
      case 'measureUpdate': {
        const a = cmd.args;
        await record(a.status === 'IMPLEMENTED' ? 'MEASURE_IMPLEMENTED' : 'MEASURE_CANCELLED', {
          actorId: a.actor.id, measure: { id: a.measureId, status: a.status, implementedOn: a.implementedOn },
        });
        return;
      }
      case 'contact': {
        const a = cmd.args;
        state.lastContactAt = iso(Date.parse(a.contactedOn));
        state.contactCount += 1;
        state.missedContactPeriods = 0;
        state.nextContactDueAt = iso(await deadline(Math.max(nowMs(), Date.parse(a.contactedOn)), policy.contactEvery));
        await record('CONTACT_RECORDED', {
          actorId: a.actor.id, comment: a.note, casePatch: casePatch(),
          contact: { id: a.contactRecordId, officialId: a.actor.id, contactedOn: a.contactedOn, method: a.method, note: a.note },
        });
        return;
      }
      case 'objection':
        state.openObjections += 1;
        state.queuedObjections.push(cmd.args.objectionId);
        await record('OBJECTION_FILED', { actorId: cmd.args.actor.id, objection: { id: cmd.args.objectionId, step: state.step as Step, text: cmd.args.text } });
        return;
      case 'withdraw':
        await cancelOpenTasks('WITHDRAWN');
        setStep('WITHDRAWN', null);
        await record('WITHDRAWN', { actorId: cmd.args.actor.id, comment: cmd.args.reason, casePatch: casePatch() });
        return;
      case 'close':
        await cancelOpenTasks('CLOSED');
        state.closedReason = cmd.args.reason;
        setStep('CLOSED', null);
        await record('CASE_CLOSED', { actorId: cmd.args.actor.id, comment: cmd.args.comment, casePatch: casePatch(), data: { reason: cmd.args.reason } });
        return;
      case 'transfer': {
        const a = cmd.args;
        const task = state.openTasks.find((t) => t.taskId === a.taskId);
        if (!task) return;
        const from = task.assigneeId;
        task.assigneeId = a.toOfficialId;
        task.allowedIds = [a.toOfficialId];
        await record('TASK_TRANSFERRED', {
          taskId: task.taskId, step: task.step, actorId: a.actor.id, comment: a.reason,
          data: { from, to: a.toOfficialId },
          taskPatch: { taskId: task.taskId, assigneeId: a.toOfficialId, allowedIds: [a.toOfficialId] },
          notifications: [{ kind: 'NEW_TASK', to: { officialId: a.toOfficialId }, taskId: task.taskId }],
        });
        return;
      }
      case 'requestElimination':
        if (state.status !== 'MONITORED') return;
        setStep('ELIMINATING', 'ELIM_ASSESSMENT');
        await record('ELIMINATION_REVIEW_REQUESTED', { actorId: cmd.args.actor.id, comment: cmd.args.comment, casePatch: casePatch() });
        return;
      case 'nudge': {
        const task = state.openTasks.find((t) => t.taskId === cmd.args.taskId);
        if (!task?.assigneeId) return;
        await record('TASK_NUDGED', {
          taskId: task.taskId, step: task.step, actorId: cmd.args.actor.id,
          notifications: [{ kind: 'NUDGE', to: { officialId: task.assigneeId }, taskId: task.taskId }],
        });
        return;
      }
    }
  }

  // ---- what the clock makes due -----------------------------------------------------------
  async function openTaskFor(step: Exclude<Step, 'PUBLIC_NOTICE' | 'ELIM_NOTICE'>): Promise<void> {
    const level = STEP_LEVEL[step];
    const regionCode = level === 'VILLAGE' ? input.villageCode : level === 'TOWNSHIP' ? input.townshipCode : input.countyCode;
    const key = nextKey();
    const task = await acts.openTask({
      key, caseId: input.caseId, taskId: `${input.caseId}-t${state.seq}`, step, level, regionCode,
      openedAt: iso(nowMs()), limit: policy.steps[step], reminderLead: policy.reminderLead, region,
      escalationChain: escalationChain(level),
    });
    state.openTasks.push(task);
  }

  async function tick(): Promise<void> {
    const now = nowMs();
    if (state.status === 'IDENTIFYING' && !state.slaBreached && state.slaDueAt && now >= Date.parse(state.slaDueAt)) {
      state.slaBreached = true;
      await record('SLA_BREACHED', { casePatch: casePatch(), notifications: [{ kind: 'SLA_BREACHED', to: { role: 'COUNTY', regionCode: input.countyCode } }] });
    }
    // Open the task of the current step if there is none.
    const step = state.step;
    if (step && !isNoticeStep(step) && !state.openTasks.some((t) => t.step === step)) await openTaskFor(step);
    if (isNoticeStep(step)) {
      for (const objectionId of state.queuedObjections.splice(0)) {
        await openTaskFor('INVESTIGATION');
        const opened = state.openTasks[state.openTasks.length - 1];
        state.investigationObjections = { ...state.investigationObjections, [opened.taskId]: objectionId };
      }
      if (!state.noticeEndsAt) {
        state.noticeEndsAt = iso(await deadline(now, policy.steps[step]));
        await record('NOTICE_STARTED', { data: { endsAt: state.noticeEndsAt } });
      } else if (now >= Date.parse(state.noticeEndsAt) && state.openObjections === 0 && !state.openTasks.some((t) => t.step === 'INVESTIGATION')) {
        await record('NOTICE_ENDED');
        setStep(state.status, NEXT_STEP[step] as Step);
        await record('STEP_STARTED', { casePatch: casePatch() });
        return tick();
      }
    }
    // Reminders and escalations; the activity re-reads the calendar, so a due time moved by a
    // calendar update is honoured before anything is sent.
    for (const [i, t] of state.openTasks.entries()) {
      const next = taskWakeAt(t);
      if (next !== null && now >= next) {
        state.openTasks[i] = await acts.checkTaskDeadline({
          task: t, caseId: input.caseId, now: iso(now), limit: policy.steps[t.step as keyof typeof policy.steps],
          reminderLead: policy.reminderLead, escalationRepeat: policy.escalationRepeat, escalationChain: escalationChain(t.level), region,
        });
      }
    }
    if (state.status === 'MONITORED' || state.status === 'ELIMINATING') await monitoringTick(now);
  }

  async function monitoringTick(now: number): Promise<void> {
    if (state.nextContactDueAt && now >= Date.parse(state.nextContactDueAt)) {
      state.missedContactPeriods += 1;
      const escalate = state.missedContactPeriods >= policy.contactEscalateAfterMissed;
      const notifications: NotificationSpec[] = [];
      if (state.contactId) notifications.push({ kind: 'CONTACT_REMINDER', to: { officialId: state.contactId }, data: { missed: state.missedContactPeriods } });
      if (escalate || !state.contactId) notifications.push({ kind: 'CONTACT_ESCALATION', to: { role: 'TOWNSHIP', regionCode: input.townshipCode }, data: { missed: state.missedContactPeriods } });
      state.nextContactDueAt = iso(await deadline(Date.parse(state.nextContactDueAt), policy.contactEvery));
      await record(escalate ? 'CONTACT_MISSED_ESCALATED' : 'CONTACT_MISSED', { notifications, data: { missed: state.missedContactPeriods } });
    }
    if (state.planDueAt && !state.planReminded && now >= Date.parse(state.planDueAt)) {
      state.planReminded = true;
      if (!state.measures.some((m) => m.status !== 'CANCELLED')) {
        await record('PLAN_OVERDUE', {
          notifications: [
            ...(state.contactId ? [{ kind: 'PLAN_DUE', to: { officialId: state.contactId } } as NotificationSpec] : []),
            { kind: 'PLAN_DUE', to: { role: 'TOWNSHIP', regionCode: input.townshipCode } },
          ],
        });
      }
    }
    if (state.annualCheckAt && !state.annualCheckFlagged && now >= Date.parse(state.annualCheckAt) && state.status !== 'ELIMINATED') {
      state.annualCheckFlagged = true;
      await record('ANNUAL_CHECK_FLAGGED', { casePatch: casePatch() });
    }
    if (state.status === 'MONITORED' && state.nextReviewAt && now >= Date.parse(state.nextReviewAt)) {
      const blocker = eliminationBlocker(input, state, now);
      if (blocker) {
        await record('REVIEW_NOT_ELIGIBLE', { comment: blocker.message, data: { code: blocker.code } });
        await scheduleNextReview(blocker.message);
      } else {
        setStep('ELIMINATING', 'ELIM_ASSESSMENT');
        await record('ELIMINATION_REVIEW_STARTED', { casePatch: casePatch() });
        await tick();
      }
    }
  }

  function taskWakeAt(t: TaskState): number | null {
    if (!t.reminded && t.remindAt) return Date.parse(t.remindAt);
    if (t.escalations === 0) return Date.parse(t.dueAt);
    return t.nextEscalationAt ? Date.parse(t.nextEscalationAt) : null;
  }

  // ---- durable timers: one per pending deadline, so the history shows each as itself -------
  const timers = new Map<string, { at: number; scope: CancellationScope }>();
  let woken = false;
  function wantTimers(): Map<string, number> {
    const want = new Map<string, number>();
    const put = (name: string, at: string | number | null | undefined): void => {
      if (at !== null && at !== undefined) want.set(name, typeof at === 'number' ? at : Date.parse(at));
    };
    if (state.status === 'IDENTIFYING' && !state.slaBreached) put('sla', state.slaDueAt);
    if (isNoticeStep(state.step)) put('notice', state.noticeEndsAt);
    for (const t of state.openTasks) put(`task:${t.taskId}`, taskWakeAt(t));
    if (state.status === 'MONITORED' || state.status === 'ELIMINATING') {
      put('contact', state.nextContactDueAt);
      if (!state.planReminded) put('plan', state.planDueAt);
      if (!state.annualCheckFlagged) put('annual', state.annualCheckAt);
      if (state.status === 'MONITORED') put('review', state.nextReviewAt);
    }
    return want;
  }
  function syncTimers(): void {
    const want = wantTimers();
    for (const [name, t] of timers) {
      if (want.get(name) !== t.at) {
        t.scope.cancel();
        timers.delete(name);
      }
    }
    for (const [name, at] of want) {
      if (timers.has(name)) continue;
      const scope = new CancellationScope();
      const entry = { at, scope };
      timers.set(name, entry);
      scope
        .run(() => sleep(Math.max(at - nowMs(), 1)))
        .then(
          () => {
            if (timers.get(name) === entry) timers.delete(name);
            woken = true;
          },
          (err) => {
            if (!isCancellation(err)) throw err;
          },
        );
    }
  }

  // ---- start ------------------------------------------------------------------------------
  if (!input.carried) {
    await acts.ensureCase({
      caseId: input.caseId, householdId: input.householdId, category: input.category, riskTypes: input.riskTypes,
      channel: input.channel, region, policyVersion: policy.version, policy, openedAt: input.openedAt,
      previousCaseId: input.previousCaseId, workflowId: workflowInfo().workflowId, contactId: input.contactId,
    });
    state.slaDueAt = iso(await deadline(Date.parse(input.openedAt), policy.identificationSla));
    await record('LEAD_RECEIVED', {
      actorId: input.openedBy, casePatch: { ...casePatch(), slaDueAt: state.slaDueAt },
      data: { channel: input.channel, riskTypes: input.riskTypes, previousCaseId: input.previousCaseId, policyVersion: policy.version },
    });
  } else if (input.rollback) {
    await record('ELIMINATION_ROLLED_BACK', { actorId: input.rollback.actorId, comment: input.rollback.reason, casePatch: { ...casePatch(), eliminatedAt: null, eliminationRoute: null } });
  }

  const maxEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  while (!TERMINAL_STATUSES.includes(state.status)) {
    while (inbox.length > 0 && !TERMINAL_STATUSES.includes(state.status)) {
      await apply(inbox.shift() as Command);
      state.cmdApplied += 1;
    }
    if (TERMINAL_STATUSES.includes(state.status)) break;
    await tick();
    if (TERMINAL_STATUSES.includes(state.status)) break;
    syncSearchAttributes();
    syncTimers();
    const info = workflowInfo();
    if (inbox.length === 0 && (info.historyLength >= maxEvents || info.continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      if (inbox.length === 0) {
        for (const t of timers.values()) t.scope.cancel();
        state.continuedAsNew += 1;
        await continueAsNew<typeof householdCaseWorkflow>({ ...input, rollback: undefined, carried: state });
      }
    }
    await condition(() => inbox.length > 0 || woken || recheck);
    woken = false;
    recheck = false;
  }
  // Commands that raced with the end are answered with the final state.
  while (inbox.length > 0) {
    inbox.shift();
    state.cmdApplied += 1;
  }
  for (const t of timers.values()) t.scope.cancel();
  syncSearchAttributes();
  await condition(allHandlersFinished);
  if (state.status === 'ELIMINATED' && !state.eliminatedAt) throw ApplicationFailure.nonRetryable('eliminated without a date');
  return state;
}
