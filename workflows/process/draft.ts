/**
 * A process transition in the making (流程草稿): a copy of the state to change and the effects to
 * commit — audit events, the process row's patch, tasks to open or check. Pure; the process-steps
 * block commits it with one local activity.
 */
import type { ProcessCommitArgs, ProcessEventSpec, ProcessPatch } from '../../activities/process/types';
import type { TaskCheckSpec } from '../../activities/types';
import type { TLimit } from '../policy';
import type { AnyTaskState, OpenTaskSpec, Recipient, TaskLevel, TaskRegion } from '../blocks/task';
import { escalationChain, regionOfLevel, taskIdOf } from '../blocks/task';
import type { ProcessTaskLimits } from '../process-contracts';
import type { ProcessCoreState } from './state';

/** What a process transition commits. */
export interface ProcessEffects {
  events: ProcessEventSpec[];
  patch: ProcessPatch;
  openTasks: OpenTaskSpec[];
  checkTasks: TaskCheckSpec<AnyTaskState>[];
  deadlines: NonNullable<ProcessCommitArgs['deadlines']>;
}

/** A transition: the next state and what to commit. */
export interface ProcessTransition {
  state: ProcessCoreState;
  effects: ProcessEffects;
}

/** The facts of a process a transition reads (pinned at its start). */
export interface ProcessFacts {
  processId: string;
  /** For escalation chains: the region the process sits in (a missing village or township is the county's). */
  region: { villageCode?: string | null; townshipCode?: string | null; countyCode: string };
  limits: ProcessTaskLimits;
}

/** A person's step as a task: who, where, how long. */
export interface ProcessTaskSpec {
  step: string;
  /** `CONTACT`: a household's assistance contact holds it by name ({@link assigneeId}), escalated to the village first. */
  level: TaskLevel;
  /** Region of the officials who act; @default the process region's code of `level` */
  regionCode?: string;
  /** A named official (with their stand-ins) instead of the level's first in the region. */
  assigneeId?: string;
  limit: TLimit;
  /** @default up the hierarchy from `level` (village → township → county → administrators) */
  escalationChain?: Recipient[];
}

/** Whether a transition writes anything. */
export function hasProcessEffects(fx: ProcessEffects): boolean {
  return fx.events.length > 0 || fx.openTasks.length > 0 || fx.checkTasks.length > 0 || Object.keys(fx.patch).length > 0 || Object.keys(fx.deadlines).length > 0;
}

/** The region of a process as a task's region (a missing village or township stands for the level above). */
export function taskRegionOf(r: ProcessFacts['region']): TaskRegion {
  const townshipCode = r.townshipCode ?? r.countyCode;
  return { countyCode: r.countyCode, townshipCode, villageCode: r.villageCode ?? townshipCode };
}

/** A mutable draft of the next process state plus its effects. */
export class ProcessDraft {
  readonly s: ProcessCoreState;
  readonly fx: ProcessEffects = { events: [], patch: {}, openTasks: [], checkTasks: [], deadlines: {} };
  private tasksOpened = 0;

  constructor(state: ProcessCoreState, readonly facts: ProcessFacts, readonly now: number) {
    this.s = JSON.parse(JSON.stringify(state)) as ProcessCoreState;
    this.s.seq += 1;
  }

  iso(ms: number = this.now): string {
    return new Date(ms).toISOString();
  }

  /** Records an audit event (its step defaults to the process's current step). */
  event(e: ProcessEventSpec): void {
    this.fx.events.push({ step: this.s.step, ...e });
  }

  /** Sets status and/or step, in the state and the read model. */
  setStatus(status: string, step?: string | null): void {
    this.s.status = status;
    this.fx.patch.status = status;
    if (step !== undefined) {
      this.s.step = step;
      this.fx.patch.step = step;
    }
  }

  /** Merges facts into the process's data (state and read model). */
  setData(data: Record<string, unknown>): void {
    this.s.data = { ...this.s.data, ...data };
    this.fx.patch.data = { ...(this.fx.patch.data ?? {}), ...data };
  }

  /** Ends the process: no more tasks, timers or actions. */
  finish(status: string): void {
    this.cancelOpenTasks(status);
    this.setStatus(status, null);
    this.s.finished = true;
    this.fx.patch.closed = true;
  }

  /** A deadline to compute from the calendar. */
  deadline(name: string, fromMs: number, limit: TLimit): void {
    this.fx.deadlines[name] = { from: this.iso(fromMs), limit };
  }

  /** Opens a person's task; returns its id. */
  openTask(spec: ProcessTaskSpec): string {
    this.tasksOpened += 1;
    const taskId = taskIdOf(this.facts.processId, this.s.seq, this.tasksOpened);
    const region = taskRegionOf(this.facts.region);
    const chain = spec.escalationChain ?? escalationChain(spec.level, region);
    this.fx.openTasks.push({
      taskId, step: spec.step, level: spec.level, regionCode: spec.regionCode ?? regionOfLevel(spec.level, region), openedAt: this.iso(),
      limit: spec.limit, reminderLead: this.facts.limits.reminderLead, escalationChain: chain,
      ...(spec.assigneeId ? { assigneeId: spec.assigneeId } : {}),
    });
    this.s.taskTerms[taskId] = { limit: spec.limit, escalationChain: chain };
    return taskId;
  }

  /** Cancels every open task (the process ended). */
  cancelOpenTasks(outcome: string): void {
    for (const t of this.s.openTasks) {
      this.event({ action: 'TASK_CANCELLED', taskId: t.taskId, step: t.step, taskClose: { taskId: t.taskId, status: 'CANCELLED', outcome } });
    }
    this.s.openTasks = [];
    this.s.taskTerms = {};
  }

  /** Removes a decided task from the open ones. */
  closeTask(taskId: string): void {
    this.s.openTasks = this.s.openTasks.filter((t) => t.taskId !== taskId);
    delete this.s.taskTerms[taskId];
  }

  /** Checks a task's reminder/escalation against the current calendar, by the terms it was opened with. */
  checkTask(t: AnyTaskState): void {
    const terms = this.s.taskTerms[t.taskId];
    if (!terms) return;
    this.fx.checkTasks.push({
      task: t, limit: terms.limit, reminderLead: this.facts.limits.reminderLead, escalationRepeat: this.facts.limits.escalationRepeat, escalationChain: terms.escalationChain,
    });
  }

  done(): ProcessTransition {
    return { state: this.s, effects: this.fx };
  }
}
