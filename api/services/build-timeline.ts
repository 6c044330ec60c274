/**
 * The readable history of a case: the audit trail (who, when, on whose behalf, what, comment)
 * merged with the case's Temporal history — timers (named by the summary the workflow gave each
 * one), run boundaries, signals and failed Updates; in the full view also every Update and every
 * commit (local activity) — plus the raw Temporal events on demand. A decision appears once on
 * the readable timeline: as its business line, not again as the Update behind it. Runs of the
 * household's workflow that belong to another case are left out.
 */
import { createRequire } from 'node:module';
import { defaultPayloadConverter } from '@temporalio/common';
import type * as Proto from '@temporalio/proto';
import type { ServiceContext } from './context';

// @temporalio/proto is CommonJS whose named exports Node's ESM loader cannot detect: require it.
const { temporal } = createRequire(import.meta.url)('@temporalio/proto') as typeof Proto;

type HistoryEvent = Proto.temporal.api.history.v1.IHistoryEvent;

/** Kinds of timeline entries. */
export type TimelineKind = 'event' | 'reminder' | 'timer' | 'update' | 'activity' | 'workflow' | 'signal';

/** What a timer waits for, read from the summary the workflow wrote into the history. */
export const TIMER_PURPOSES = ['SLA', 'NOTICE', 'REMINDER', 'DUE', 'ESCALATION', 'REVIEW', 'PLAN', 'CONTACT', 'ANNUAL', 'ROLLBACK', 'UNKNOWN'] as const;
export type TimerPurpose = (typeof TIMER_PURPOSES)[number];

/** One line of the timeline. */
export interface TimelineEntry {
  at: string;
  source: 'audit' | 'temporal';
  kind: TimelineKind;
  /** Audit action (e.g. `APPROVED`) or Temporal event (e.g. `TIMER_STARTED`, `UPDATE_ACCEPTED`). */
  action: string;
  step: string | null;
  taskId: string | null;
  actorId: string | null;
  actorName: string | null;
  onBehalfOfId: string | null;
  onBehalfOfName: string | null;
  comment: string | null;
  data: Record<string, unknown> | null;
  /** Timers: what the timer waits for and when it fires. */
  timer?: { purpose: TimerPurpose; firesAt: string | null; timerId: string; summary?: string };
  /** Updates: update name; activities: activity type; signals: signal name. */
  name?: string;
  /** Activities: outcome and attempts; updates: failure message. */
  outcome?: string;
  eventId?: string;
  runId?: string;
}

/** A raw Temporal event, summarised. */
export interface RawTemporalEvent {
  runId: string;
  eventId: string;
  eventTime: string | null;
  eventType: string;
  attributes: string;
}

/** The timeline of a case. */
export interface CaseTimeline {
  entries: TimelineEntry[];
  raw: RawTemporalEvent[] | null;
  /** Set when the Temporal history could not be read (e.g. past retention); the audit trail is still complete. */
  temporalError: string | null;
}

/** Reminder-like audit actions (sent because a timer fired). */
export const REMINDER_ACTIONS = new Set([
  'REMINDER_SENT', 'TASK_ESCALATED', 'TASK_NUDGED', 'CONTACT_MISSED', 'CONTACT_MISSED_ESCALATED', 'PLAN_OVERDUE', 'SLA_BREACHED', 'ANNUAL_CHECK_FLAGGED',
]);

/** Most runs of a workflow read for one case. */
const MAX_RUNS = 20;

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof (v as { toNumber?: () => number }).toNumber === 'function') return (v as { toNumber: () => number }).toNumber();
  return Number(v ?? 0);
}

function tsMs(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number | null {
  if (!t) return null;
  return num(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

function decode(payloads: { payloads?: unknown[] | null } | null | undefined): unknown[] {
  return (payloads?.payloads ?? []).map((p) => {
    try {
      return defaultPayloadConverter.fromPayload(p as never);
    } catch {
      return undefined;
    }
  });
}

/** Name of a history event type, e.g. `TIMER_FIRED`. */
export function typeName(e: HistoryEvent): string {
  return String(temporal.api.enums.v1.EventType[e.eventType as number] ?? e.eventType).replace(/^EVENT_TYPE_/, '');
}

function attributesOf(e: HistoryEvent): unknown {
  for (const [k, v] of Object.entries(e)) if (k.endsWith('EventAttributes') && v) return v;
  return null;
}

function stringifyAttributes(e: HistoryEvent): string {
  const text = JSON.stringify(attributesOf(e), (_k, v: unknown) => {
    if (v instanceof Uint8Array) {
      const s = Buffer.from(v).toString('utf8');
      return s.length > 300 ? `${s.slice(0, 300)}…` : s;
    }
    if (v && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function') return num(v);
    return v;
  });
  return text && text.length > 2000 ? `${text.slice(0, 2000)}…` : (text ?? '');
}

/** Histories of the runs of `workflowId` that belong to `caseId`, oldest first. */
export function caseRuns(ctx: ServiceContext, workflowId: string, caseId: string): Promise<{ runId: string; events: HistoryEvent[] }[]> {
  return workflowRuns(ctx, workflowId, (input) => (input as { caseId?: string } | undefined)?.caseId === caseId);
}

/** Histories of the runs of `workflowId` whose first input `belongs`, oldest first (at most {@link MAX_RUNS}). */
async function workflowRuns(ctx: ServiceContext, workflowId: string, belongs: (input: unknown) => boolean): Promise<{ runId: string; events: HistoryEvent[] }[]> {
  const runIds = new Map<string, number>();
  const latest = await ctx.temporal.workflow.getHandle(workflowId).describe();
  runIds.set(latest.runId, latest.startTime.getTime());
  try {
    for await (const w of ctx.temporal.workflow.list({ query: `WorkflowId = "${workflowId.replace(/"/g, '')}"` })) {
      runIds.set(w.runId, w.startTime.getTime());
      if (runIds.size >= MAX_RUNS) break;
    }
  } catch {
    // Visibility lags or is unavailable: the latest run is still read.
  }
  const runs: { runId: string; events: HistoryEvent[]; start: number }[] = [];
  for (const [runId, start] of runIds) {
    const history = await ctx.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const first = events[0]?.workflowExecutionStartedEventAttributes;
    if (belongs(decode(first?.input)[0])) runs.push({ runId, events, start });
  }
  return runs.sort((a, b) => a.start - b.start).map(({ runId, events }) => ({ runId, events }));
}

/** The purpose of a timer from its summary (`<PURPOSE> · …`, see workflows/case/transitions/clock.ts). */
export function timerPurpose(summary: string | null): TimerPurpose {
  const code = summary?.split(' · ')[0] ?? '';
  return (TIMER_PURPOSES as readonly string[]).includes(code) ? (code as TimerPurpose) : 'UNKNOWN';
}

/**
 * How much of the Temporal history the timeline shows: `audit` none; `readable` (default) run
 * boundaries, timers started and fired, Updates, signals and activities that failed; `full`
 * also every activity and cancelled timer.
 */
export type TimelineView = 'audit' | 'readable' | 'full';

/** Builds the timeline of a case (the caller has checked the official may see it). */
export async function buildTimeline(ctx: ServiceContext, caseId: string, opts: { raw?: boolean; view?: TimelineView } = {}): Promise<CaseTimeline> {
  const view = opts.view ?? 'readable';
  const c = await ctx.prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { workflowId: true } });
  const [audit, objections] = await Promise.all([
    ctx.prisma.auditEvent.findMany({ where: { caseId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
    ctx.prisma.objection.findMany({ where: { caseId }, select: { filedAt: true, text: true } }),
  ]);
  // The objection's text is kept with the objection; show it on the line that records it.
  const objectionText = new Map(objections.map((o) => [o.filedAt.getTime(), o.text]));

  let runs: { runId: string; events: HistoryEvent[] }[] = [];
  let temporalError: string | null = null;
  if (view !== 'audit' || opts.raw) {
    try {
      runs = await caseRuns(ctx, c.workflowId, caseId);
    } catch (err) {
      temporalError = (err as Error).message;
    }
  }
  const withText = audit.map((e) => ({ ...e, comment: e.comment ?? (e.action === 'OBJECTION_FILED' ? (objectionText.get(e.at.getTime()) ?? null) : null) }));
  return { ...(await assembleTimeline(ctx, withText, runs, opts)), temporalError };
}

/**
 * The timeline of a process other than the household case (a loan, a post, a settlement …): its
 * audit trail merged with the histories of its workflow's runs (continue-as-new included), the
 * named timers showing the summary the workflow gave them. The caller has checked access.
 */
export async function buildProcessTimeline(ctx: ServiceContext, processId: string, opts: { raw?: boolean; view?: TimelineView } = {}): Promise<CaseTimeline> {
  const view = opts.view ?? 'readable';
  const p = await ctx.prisma.process.findUniqueOrThrow({ where: { id: processId }, select: { workflowId: true } });
  const audit = await ctx.prisma.auditEvent.findMany({ where: { processId }, orderBy: [{ at: 'asc' }, { id: 'asc' }], take: 5000 });
  let runs: { runId: string; events: HistoryEvent[] }[] = [];
  let temporalError: string | null = null;
  if (view !== 'audit' || opts.raw) {
    try {
      runs = await workflowRuns(ctx, p.workflowId, (input) => (input as { processId?: string } | undefined)?.processId === processId);
    } catch (err) {
      temporalError = (err as Error).message;
    }
  }
  return { ...(await assembleTimeline(ctx, audit, runs, opts)), temporalError };
}

type AuditRow = { at: Date; action: string; step: string | null; taskId: string | null; actorId: string | null; onBehalfOfId: string | null; comment: string | null; data: unknown };

async function assembleTimeline(
  ctx: ServiceContext, audit: AuditRow[], runs: { runId: string; events: HistoryEvent[] }[], opts: { raw?: boolean; view?: TimelineView },
): Promise<Omit<CaseTimeline, 'temporalError'>> {
  const view = opts.view ?? 'readable';
  // Names of everyone who appears: audit actors and Update senders.
  const updateArgs = new Map<string, Record<string, any>>();
  const ids = new Set<string>();
  for (const e of audit) {
    if (e.actorId) ids.add(e.actorId);
    if (e.onBehalfOfId) ids.add(e.onBehalfOfId);
  }
  for (const run of runs) {
    for (const e of run.events) {
      const acc = e.workflowExecutionUpdateAcceptedEventAttributes;
      if (!acc) continue;
      const args = (decode(acc.acceptedRequest?.input?.args)[0] ?? {}) as Record<string, any>;
      updateArgs.set(`${run.runId}:${num(e.eventId)}`, args);
      if (typeof args.actor?.id === 'string') ids.add(args.actor.id);
    }
  }
  const officials = await ctx.prisma.official.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
  const names = new Map(officials.map((o) => [o.id, o.name]));
  const nameOf = (id: string | null | undefined): string | null => (id ? (names.get(id) ?? id) : null);

  const entries: TimelineEntry[] = audit.map((e) => ({
    at: e.at.toISOString(), source: 'audit', kind: REMINDER_ACTIONS.has(e.action) ? 'reminder' : 'event', action: e.action,
    step: e.step, taskId: e.taskId, actorId: e.actorId, actorName: nameOf(e.actorId), onBehalfOfId: e.onBehalfOfId,
    onBehalfOfName: nameOf(e.onBehalfOfId), comment: e.comment, data: (e.data ?? null) as Record<string, unknown> | null,
  }));
  const raw: RawTemporalEvent[] = [];

  for (const run of runs) {
    const timers = new Map<string, { purpose: TimerPurpose; firesAt: number | null; timerId: string; summary?: string }>();
    const activities = new Map<number, TimelineEntry>();
    for (const e of run.events) {
      const type = typeName(e);
      const at = tsMs(e.eventTime as never);
      const eventId = String(num(e.eventId));
      if (opts.raw) raw.push({ runId: run.runId, eventId, eventTime: at === null ? null : new Date(at).toISOString(), eventType: type, attributes: stringifyAttributes(e) });
      const base = {
        at: new Date(at ?? 0).toISOString(), source: 'temporal' as const, step: null, taskId: null, actorId: null, actorName: null,
        onBehalfOfId: null, onBehalfOfName: null, comment: null, data: null, eventId, runId: run.runId,
      };
      switch (type) {
        case 'WORKFLOW_EXECUTION_STARTED': {
          const a = e.workflowExecutionStartedEventAttributes;
          const action = a?.continuedExecutionRunId ? 'RUN_CONTINUED' : 'RUN_STARTED';
          entries.push({ ...base, kind: 'workflow', action, name: a?.workflowType?.name ?? undefined });
          break;
        }
        case 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW':
        case 'WORKFLOW_EXECUTION_COMPLETED':
        case 'WORKFLOW_EXECUTION_FAILED':
        case 'WORKFLOW_EXECUTION_TERMINATED':
        case 'WORKFLOW_EXECUTION_CANCELED':
        case 'WORKFLOW_EXECUTION_TIMED_OUT':
          entries.push({ ...base, kind: 'workflow', action: type.replace('WORKFLOW_EXECUTION_', 'RUN_') });
          break;
        case 'TIMER_STARTED': {
          const a = e.timerStartedEventAttributes;
          const d = a?.startToFireTimeout;
          const firesAt = at === null || !d ? null : at + num(d.seconds) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
          const summary = decode({ payloads: e.userMetadata?.summary ? [e.userMetadata.summary] : [] })[0];
          const timer = { purpose: timerPurpose(typeof summary === 'string' ? summary : null), firesAt, timerId: a?.timerId ?? '', ...(typeof summary === 'string' ? { summary } : {}) };
          timers.set(timer.timerId, timer);
          entries.push({ ...base, kind: 'timer', action: 'TIMER_STARTED', timer: { ...timer, firesAt: firesAt === null ? null : new Date(firesAt).toISOString() } });
          break;
        }
        case 'TIMER_FIRED':
        case 'TIMER_CANCELED': {
          const a = e.timerFiredEventAttributes ?? e.timerCanceledEventAttributes;
          const t = timers.get(a?.timerId ?? '') ?? { purpose: 'UNKNOWN' as const, firesAt: null, timerId: a?.timerId ?? '' };
          entries.push({ ...base, kind: 'timer', action: type, timer: { ...t, firesAt: t.firesAt === null ? null : new Date(t.firesAt).toISOString() } });
          break;
        }
        case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED': {
          const a = e.workflowExecutionUpdateAcceptedEventAttributes;
          const args = updateArgs.get(`${run.runId}:${eventId}`) ?? {};
          entries.push({
            ...base, kind: 'update', action: 'UPDATE_ACCEPTED', name: a?.acceptedRequest?.input?.name ?? undefined,
            actorId: args.actor?.id ?? null, actorName: nameOf(args.actor?.id), taskId: args.taskId ?? null,
            comment: args.reason ?? args.comment ?? null,
            data: { action: args.action, status: args.status, toOfficialId: args.toOfficialId, toOfficialName: nameOf(args.toOfficialId) },
          });
          break;
        }
        case 'WORKFLOW_EXECUTION_UPDATE_COMPLETED': {
          const failure = e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure;
          if (failure) entries.push({ ...base, kind: 'update', action: 'UPDATE_FAILED', outcome: failure.message ?? '' });
          break;
        }
        case 'WORKFLOW_EXECUTION_SIGNALED':
          entries.push({ ...base, kind: 'signal', action: 'SIGNALED', name: e.workflowExecutionSignaledEventAttributes?.signalName ?? undefined });
          break;
        case 'MARKER_RECORDED': {
          // A commit by the local activity: one per transition.
          const a = e.markerRecordedEventAttributes;
          // Core's local-activity marker keeps {activity_type, attempt, …} under `data`.
          const meta = (decode(a?.details?.data)[0] ?? {}) as { activity_type?: string; attempt?: number };
          entries.push({
            ...base, kind: 'activity', action: 'ACTIVITY', name: meta.activity_type ?? a?.markerName ?? 'marker', data: { attempts: meta.attempt ?? 1 },
            outcome: a?.failure ? 'FAILED' : 'COMPLETED', comment: a?.failure?.message ?? null,
          });
          break;
        }
        case 'ACTIVITY_TASK_SCHEDULED': {
          const a = e.activityTaskScheduledEventAttributes;
          const input = (decode(a?.input)[0] ?? {}) as Record<string, any>;
          const entry: TimelineEntry = {
            ...base, kind: 'activity', action: 'ACTIVITY', name: a?.activityType?.name ?? undefined, outcome: 'SCHEDULED',
            data: { action: input.action, step: input.step, attempts: 0 }, taskId: input.taskId ?? null,
          };
          activities.set(num(e.eventId), entry);
          entries.push(entry);
          break;
        }
        case 'ACTIVITY_TASK_STARTED': {
          const a = e.activityTaskStartedEventAttributes;
          const entry = activities.get(num(a?.scheduledEventId));
          if (entry?.data) entry.data.attempts = a?.attempt ?? 1;
          break;
        }
        case 'ACTIVITY_TASK_COMPLETED':
        case 'ACTIVITY_TASK_FAILED':
        case 'ACTIVITY_TASK_TIMED_OUT':
        case 'ACTIVITY_TASK_CANCELED': {
          const a = (e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes) as { scheduledEventId?: unknown; failure?: { message?: string | null } | null } | null;
          const entry = activities.get(num(a?.scheduledEventId));
          if (entry) {
            entry.outcome = type.replace('ACTIVITY_TASK_', '');
            if (a?.failure?.message) entry.comment = a.failure.message;
          }
          break;
        }
        default:
          break;
      }
    }
  }

  const shown = entries.filter((e) => {
    if (e.source === 'audit' || view === 'full') return true;
    if (view === 'audit') return false;
    if (e.kind === 'activity') return e.outcome !== 'COMPLETED' && e.outcome !== 'SCHEDULED';
    // The business line already says who decided what: the Update behind it shows in the full view.
    if (e.action === 'UPDATE_ACCEPTED') return false;
    return e.action !== 'TIMER_CANCELED';
  });
  // Audit first at equal instants: the business event reads before the machinery behind it.
  const order = (e: TimelineEntry): number => (e.source === 'audit' ? 0 : 1);
  shown.sort((a, b) => a.at.localeCompare(b.at) || order(a) - order(b) || Number(a.eventId ?? 0) - Number(b.eventId ?? 0));
  return { entries: shown, raw: opts.raw ? raw : null };
}
