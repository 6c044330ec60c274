/**
 * 流程步骤 — the block a process other than the household case (约谈, campaign, fund project, asset,
 * loan, job …) is wired from. It runs a person's step as a task of the shared Task table — opened
 * through one commit, mailed with a task link, reminded before its due time, escalated up the
 * hierarchy when overdue and again every further working day (one named durable timer per open
 * task) — and waits for the decision Update {@link decideProcessTaskUpdate}, whose validator
 * refuses with typed refusals before anything enters the history. Transfer (转交) and nudge (催办)
 * work as for a case; the Query {@link processSnapshotQuery} answers the snapshot.
 *
 * Every change is one transition committed by one local activity (by default
 * `commitProcessTransition`; a process with domain tables passes its own, which calls
 * `commitProcessCore` in the same transaction as its domain writes), one at a time, and only then
 * adopted — so a refused or failed commit leaves the process as it was.
 *
 * ```ts
 * const steps = new ProcessSteps(facts, { rules, initial: { status: 'OPEN', step: 'HOLD_INTERVIEW' } });
 * await steps.start((d) => d.event({ action: 'INTERVIEW_REQUESTED' }));
 * const decision = await steps.runTask({ step: 'HOLD_INTERVIEW', level: 'COUNTY', limit });
 * return steps.end();
 * ```
 */
import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, log, proxyLocalActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { ProcessActivities, ProcessCommitArgs, ProcessCommitResult, ProcessRegion } from '../../activities/process/types';
import type { NudgeArgs, TransferArgs } from '../contracts';
import type { DecideProcessTaskArgs, ProcessAuditAction, ProcessDecision, ProcessSnapshot, ProcessTaskLimits, ProcessUpdateResult } from '../process-contracts';
import { awaitProcessStartUpdate, decideProcessTaskUpdate, nudgeProcessTaskUpdate, processSnapshotQuery, transferProcessTaskUpdate } from '../process-contracts';
import { refusalFailure } from '../refusals';
import type { ProcessTaskSpec, ProcessTransition } from '../process/draft';
import { ProcessDraft, hasProcessEffects } from '../process/draft';
import type { ProcessCoreState } from '../process/state';
import { initialProcessState, pendingProcessTaskSeq, toProcessSnapshot } from '../process/state';
import type { ProcessStepRules } from '../process/transitions';
import {
  decideProcessTask, nudgeProcessTask, processClock, transferProcessTask, validateProcessDecision, validateProcessNudge,
  validateProcessTransfer, wantedProcessTimers, withProcessCommitResult,
} from '../process/transitions';
import { createSerial } from './serial';
import { DurableTimers } from './timers';

const { commitProcessTransition } = proxyLocalActivities<ProcessActivities>({
  startToCloseTimeout: '10 seconds',
  // Database faults are transient: retry with backoff up to a minute apart; data that can never
  // be stored fails non-retryably (BAD_DATA) and is refused, leaving the process usable.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Commits a transition; `extra` is what a domain commit activity writes besides the process core. */
export type ProcessCommitFn = (args: ProcessCommitArgs, extra?: unknown) => Promise<ProcessCommitResult>;

/** The facts of a process, pinned at its start. */
export interface ProcessStepsInput {
  processId: string;
  kind: string;
  /** A line naming the process; no personal data. */
  title: string;
  region: ProcessRegion;
  limits: ProcessTaskLimits;
  policyVersion?: string;
  householdId?: string;
  caseId?: string;
  /** State carried over by continue-as-new. */
  carried?: ProcessCoreState;
  /** Continue-as-new threshold (history events). @default 4000 */
  maxHistoryEvents?: number;
}

/** Options of {@link ProcessSteps}. */
export interface ProcessStepsOptions {
  /** The rules of the steps people decide. */
  rules: ProcessStepRules;
  /** Status, step and facts before the first commit. */
  initial: { status: string; step: string | null; data?: Record<string, unknown> };
  /** @default the ready-made `commitProcessTransition` local activity */
  commit?: ProcessCommitFn;
}

/** A process's steps, tasks, timers and Updates. Create it once, at the top of the workflow function. */
export class ProcessSteps {
  /** The current state (adopted after each commit). */
  state: ProcessCoreState;
  private readonly serial = createSerial();
  private readonly timers = new DurableTimers();
  private readonly commitFn: ProcessCommitFn;
  private commits = 0;
  private stopped = false;
  private clock: Promise<void> | null = null;

  constructor(private readonly input: ProcessStepsInput, private readonly opts: ProcessStepsOptions) {
    this.state = input.carried ?? initialProcessState({ processId: input.processId, kind: input.kind, ...opts.initial });
    this.commitFn = opts.commit ?? ((a) => commitProcessTransition(a));
    const result = (): ProcessUpdateResult => ({
      processId: this.state.processId, status: this.state.status, step: this.state.step,
      openTasks: this.state.openTasks.map((t) => ({ taskId: t.taskId, step: t.step, assigneeId: t.assigneeId })),
    });
    setHandler(processSnapshotQuery, () => this.snapshot());
    setHandler(awaitProcessStartUpdate, () => this.serial.run(async () => result()));
    this.handle(decideProcessTaskUpdate, (args: DecideProcessTaskArgs) => validateProcessDecision(this.state, opts.rules, args, Date.now()),
      async (args) => {
        await this.apply(decideProcessTask(this.state, this.input, opts.rules, args, Date.now()));
        return result();
      });
    this.handle(transferProcessTaskUpdate, (args: TransferArgs) => validateProcessTransfer(this.state, args),
      async (args) => {
        await this.apply(transferProcessTask(this.state, this.input, args, Date.now()));
        return this.state.openTasks.find((t) => t.taskId === args.taskId) as ProcessCoreState['openTasks'][number];
      });
    this.handle(nudgeProcessTaskUpdate, (args: NudgeArgs) => validateProcessNudge(this.state, args),
      async (args) => {
        await this.apply(nudgeProcessTask(this.state, this.input, args, Date.now()));
        return result();
      });
  }

  /**
   * Registers a task Update: the validator refuses early (except "task not open" while a commit is
   * in flight or the task comes from a commit a restarted worker has yet to replay); the handler
   * waits for that commit, validates again in turn, and applies.
   */
  private handle<A extends { taskId: string }, R>(update: UpdateDefinition<R, [A]>, validate: (a: A) => void, run: (a: A) => Promise<R>): void {
    setHandler(update, async (args: A) => {
      const pending = pendingProcessTaskSeq(this.state, args.taskId);
      // No command: a condition without a timeout adds nothing to the history.
      if (pending !== null) await condition(() => this.state.seq >= pending || this.state.finished);
      return this.serial.run(async () => {
        validate(args);
        return run(args);
      });
    }, {
      validator: (args: A) => {
        try {
          validate(args);
        } catch (err) {
          const later = !this.serial.idle() || pendingProcessTaskSeq(this.state, args.taskId) !== null;
          if (later && err instanceof ApplicationFailure && err.type === 'TASK_NOT_OPEN') return;
          throw err;
        }
      },
    });
  }

  /** Commits a transition's effects (when it has any), then adopts its state; BAD_DATA is refused. */
  private async apply(t: ProcessTransition, create = false, extra?: unknown): Promise<void> {
    if (create || extra !== undefined || hasProcessEffects(t.effects)) {
      const fx = t.effects;
      const args: ProcessCommitArgs = {
        processId: this.input.processId, seq: t.state.seq, at: new Date().toISOString(), events: fx.events, patch: fx.patch,
        openTasks: fx.openTasks, checkTasks: fx.checkTasks, deadlines: fx.deadlines,
        ...(create ? {
          create: {
            kind: this.input.kind, workflowId: workflowInfo().workflowId, title: this.input.title, status: t.state.status, step: t.state.step,
            region: this.input.region, householdId: this.input.householdId ?? null, caseId: this.input.caseId ?? null,
            policyVersion: this.input.policyVersion ?? null, data: t.state.data,
          },
        } : {}),
      };
      try {
        const r = await this.commitFn(args, extra);
        this.state = withProcessCommitResult(t.state, r);
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        if (cause instanceof ApplicationFailure && cause.type === 'BAD_DATA') throw refusalFailure({ code: 'BAD_DATA', message: cause.message });
        throw err;
      }
    } else {
      this.state = t.state;
    }
    this.commits += 1;
  }

  /** The first commit: creates the process row (with what `build` adds) and starts the clock. Skipped when carried over. */
  async start(build?: (d: ProcessDraft) => void): Promise<void> {
    if (!this.input.carried) {
      await this.serial.run(() => {
        const d = new ProcessDraft(this.state, this.input, Date.now());
        d.event({ action: 'PROCESS_STARTED' satisfies ProcessAuditAction, data: { kind: this.input.kind } });
        build?.(d);
        return this.apply(d.done(), true);
      });
    }
    this.clock ??= this.runClock();
  }

  /** Commits one transition built on a draft; `extra` goes to a domain commit activity. */
  transition(build: (d: ProcessDraft) => void, extra?: unknown): Promise<void> {
    return this.serial.run(() => {
      const d = new ProcessDraft(this.state, this.input, Date.now());
      build(d);
      return this.apply(d.done(), false, extra);
    });
  }

  /** Opens person's tasks in one commit; returns their ids. */
  async openTasks(specs: ProcessTaskSpec[], build?: (d: ProcessDraft) => void): Promise<string[]> {
    let ids: string[] = [];
    await this.transition((d) => {
      ids = specs.map((s) => d.openTask(s));
      build?.(d);
    });
    return ids;
  }

  /** Waits for the decision of a task; throws `WRONG_STATE` when the process ends (or the task is cancelled) first. */
  async waitForDecision(taskId: string): Promise<ProcessDecision> {
    const found = (): ProcessDecision | undefined => this.state.decisions.find((d) => d.taskId === taskId);
    await condition(() => found() !== undefined || this.state.finished || !this.state.openTasks.some((t) => t.taskId === taskId));
    const d = found();
    if (!d) throw refusalFailure({ code: 'WRONG_STATE', message: `task ${taskId} was closed without a decision` });
    return d;
  }

  /** Runs a person's step: opens its task, holds its deadline, reminder and escalation timers, returns its decision. */
  async runTask(spec: ProcessTaskSpec): Promise<ProcessDecision> {
    const [taskId] = await this.openTasks([spec]);
    return this.waitForDecision(taskId);
  }

  /** Ends the process now (open tasks cancelled, `closedAt` set), unless a decision already did. */
  async finish(status: string, build?: (d: ProcessDraft) => void): Promise<void> {
    if (this.state.finished) return;
    await this.transition((d) => {
      build?.(d);
      d.finish(status);
    });
  }

  /** Whether the history is large enough to continue as new (call between steps; carry {@link carried}). */
  shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return this.serial.idle() && (info.historyLength >= (this.input.maxHistoryEvents ?? 4000) || info.continueAsNewSuggested);
  }

  /** The state to pass as `carried` to the next run; stops the timers. */
  async carried(): Promise<ProcessCoreState> {
    await this.stop();
    return { ...this.state, continuedAsNew: this.state.continuedAsNew + 1 };
  }

  /** Waits for running Updates, stops the timers, and returns the final snapshot. */
  async end(): Promise<ProcessSnapshot> {
    await this.stop();
    return this.snapshot();
  }

  /** The public snapshot. */
  snapshot(): ProcessSnapshot {
    return toProcessSnapshot(this.state);
  }

  private async stop(): Promise<void> {
    await condition(allHandlersFinished);
    this.stopped = true;
    await this.clock;
  }

  /** Holds one named timer per open task; when one fires, commits the reminders and escalations due. */
  private async runClock(): Promise<void> {
    let seen = -1;
    while (!this.stopped) {
      if (this.timers.fired) {
        this.timers.fired = false;
        await this.serial.run(async () => {
          try {
            await this.apply(processClock(this.state, this.input, Date.now()));
          } catch (err) {
            log.error('process clock transition refused', { processId: this.input.processId, error: String(err) });
          }
        });
        continue;
      }
      if (seen !== this.commits) {
        seen = this.commits;
        this.timers.sync(wantedProcessTimers(this.state), Date.now());
      }
      await condition(() => this.timers.fired || seen !== this.commits || this.stopped);
    }
    this.timers.cancelAll();
  }
}
