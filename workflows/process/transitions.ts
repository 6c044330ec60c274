/**
 * What a process's tasks take (流程待办规则与转换): the rules of each step (which actions decide it,
 * what its data must satisfy, what a decision does), the validators of the decide / transfer /
 * nudge Updates, their pure transitions, the clock of reminders and escalations, and how a commit's
 * result lands in the state. Pure, unit-tested without a server.
 */
import type { ProcessCommitResult } from '../../activities/process/types';
import type { NudgeArgs, TransferArgs } from '../contracts';
import type { Refusal } from '../refusals';
import { refuse } from '../refusals';
import type { WantedTimer } from '../blocks/timers';
import type { AnyTaskState } from '../blocks/task';
import { dueTasks, taskTimerSummary, taskWake } from '../blocks/task';
import { assertActsOnTask, assertMayNudge, assertTransferable, nudgeEvent, transferEvent } from '../blocks/task-rules';
import type { DecideProcessTaskArgs, ProcessAction, ProcessAuditAction, ProcessDecision } from '../process-contracts';
import type { AuditAction } from '../case/audit-actions';
import { PROCESS_DECISIONS_KEPT } from '../process-contracts';
import type { ProcessFacts, ProcessTransition } from './draft';
import { ProcessDraft } from './draft';
import type { ProcessCoreState } from './state';

/** The rules of one step a person decides. */
export interface ProcessStepRule {
  /** Actions that decide it. */
  actions: readonly ProcessAction[];
  /** What the data must satisfy beyond its shape (the API checks the shape with the kind's zod schema). */
  check?: (d: { action: ProcessAction; reason?: string; data: Record<string, unknown>; taskId: string }, now: number) => Refusal | null;
  /** What a decision does besides closing the task, in the same commit (record an outcome, finish the process…). */
  onDecision?: (d: ProcessDecision, draft: ProcessDraft) => void;
  /** Audit action of the decision. @default APPROVED, REJECTED, RETURNED or TASK_COMPLETED */
  auditAction?: (d: ProcessDecision) => string;
}

/** Rules by step name. */
export type ProcessStepRules = Record<string, ProcessStepRule>;

const DEFAULT_AUDIT: Record<ProcessAction, AuditAction | ProcessAuditAction> = { APPROVE: 'APPROVED', REJECT: 'REJECTED', RETURN: 'RETURNED', DONE: 'TASK_COMPLETED' };

function assertActive(s: ProcessCoreState): void {
  if (s.finished) refuse('WRONG_STATE', `the process is ${s.status} and takes no more actions`);
}

function openTask(s: ProcessCoreState, taskId: string): AnyTaskState {
  const task = s.openTasks.find((t) => t.taskId === taskId);
  if (task) return task;
  const decided = s.decisions.find((d) => d.taskId === taskId);
  if (decided) refuse('ALREADY_DECIDED', `task ${taskId} has already been decided (${decided.action})`);
  return refuse('TASK_NOT_OPEN', `task ${taskId} is not open (already decided, transferred away or closed)`);
}

/** Refuses a decision the step does not take, by the wrong official, or with data its rule refuses. */
export function validateProcessDecision(s: ProcessCoreState, rules: ProcessStepRules, args: DecideProcessTaskArgs, now: number): void {
  assertActive(s);
  const task = openTask(s, args.taskId);
  assertActsOnTask(task, args.actor);
  const rule = rules[task.step];
  if (!rule?.actions.includes(args.action)) {
    refuse('ACTION_NOT_ALLOWED', `action: step ${task.step} is decided by ${(rule?.actions ?? []).join(', ') || 'nobody'}`, 'action');
  }
  if ((args.action === 'REJECT' || args.action === 'RETURN') && !args.reason?.trim()) {
    refuse('REASON_REQUIRED', `reason: required to ${args.action === 'REJECT' ? 'reject' : 'return'}`, 'reason');
  }
  const r = rule.check?.({ action: args.action, reason: args.reason, data: args.data ?? {}, taskId: args.taskId }, now);
  if (r) refuse(r.code, r.message, r.field);
}

/** Applies a validated decision: the task closes, the decision is kept, the step's rule adds its effects. */
export function decideProcessTask(s: ProcessCoreState, facts: ProcessFacts, rules: ProcessStepRules, args: DecideProcessTaskArgs, now: number): ProcessTransition {
  const d = new ProcessDraft(s, facts, now);
  const task = d.s.openTasks.find((t) => t.taskId === args.taskId) as AnyTaskState;
  d.closeTask(task.taskId);
  const onBehalfOfId = task.assigneeId && task.assigneeId !== args.actor.id ? task.assigneeId : undefined;
  const decision: ProcessDecision = {
    taskId: task.taskId, step: task.step, action: args.action, ...(args.reason ? { reason: args.reason } : {}), data: args.data ?? {},
    actorId: args.actor.id, ...(onBehalfOfId ? { onBehalfOfId } : {}), at: d.iso(),
  };
  d.s.decisions = [...d.s.decisions, decision].slice(-PROCESS_DECISIONS_KEPT);
  const rule = rules[task.step];
  d.event({
    action: rule?.auditAction?.(decision) ?? DEFAULT_AUDIT[args.action], taskId: task.taskId, step: task.step, actorId: args.actor.id, onBehalfOfId,
    comment: args.reason, data: { action: args.action, ...decision.data },
    taskClose: { taskId: task.taskId, status: 'DONE', outcome: args.action, decidedById: args.actor.id, onBehalfOfId, comment: args.reason },
  });
  rule?.onDecision?.(decision, d);
  return d.done();
}

/** Refuses a transfer (转交) of a process's task by the same rules as a case's. */
export function validateProcessTransfer(s: ProcessCoreState, args: TransferArgs): void {
  assertActive(s);
  assertTransferable(openTask(s, args.taskId), args);
}

/** 转交: the assignee changes; the task (and its step) stays. */
export function transferProcessTask(s: ProcessCoreState, facts: ProcessFacts, args: TransferArgs, now: number): ProcessTransition {
  const d = new ProcessDraft(s, facts, now);
  const task = d.s.openTasks.find((t) => t.taskId === args.taskId);
  if (task) d.event(transferEvent(task, args));
  return d.done();
}

/** Refuses a nudge (催办) by anyone but a higher level. */
export function validateProcessNudge(s: ProcessCoreState, args: NudgeArgs): void {
  assertActive(s);
  assertMayNudge(openTask(s, args.taskId), args.actor);
}

/** 催办: the assignee gets a fresh mail. */
export function nudgeProcessTask(s: ProcessCoreState, facts: ProcessFacts, args: NudgeArgs, now: number): ProcessTransition {
  const d = new ProcessDraft(s, facts, now);
  const task = d.s.openTasks.find((t) => t.taskId === args.taskId);
  if (task?.assigneeId) d.event(nudgeEvent({ ...task, assigneeId: task.assigneeId }, args.actor));
  return d.done();
}

/** The reminders and escalations due at `now` (`recheck`: every open task, e.g. after a calendar update). */
export function processClock(s: ProcessCoreState, facts: ProcessFacts, now: number, opts: { recheck?: boolean } = {}): ProcessTransition {
  const d = new ProcessDraft(s, facts, now);
  for (const t of opts.recheck ? d.s.openTasks : dueTasks(d.s.openTasks, now)) d.checkTask(t);
  return d.done();
}

/** One durable timer per open task: its reminder, its due time, or its next repeat escalation. */
export function wantedProcessTimers(s: ProcessCoreState): Map<string, WantedTimer> {
  const want = new Map<string, WantedTimer>();
  if (s.finished) return want;
  for (const t of s.openTasks) {
    const w = taskWake(t);
    if (w) want.set(`task:${t.taskId}`, { at: w.at, summary: taskTimerSummary(t, w) });
  }
  return want;
}

/** The state after a commit: opened tasks added, checked tasks replaced. */
export function withProcessCommitResult(s: ProcessCoreState, r: Pick<ProcessCommitResult, 'opened' | 'checked'>): ProcessCoreState {
  const checked = new Map(r.checked.map((t) => [t.taskId, t]));
  return { ...s, openTasks: [...s.openTasks.map((t) => checked.get(t.taskId) ?? t), ...r.opened] };
}
