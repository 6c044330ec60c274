/**
 * A transition in the making: a copy of the case state to change and the effects to commit
 * (audit events, tasks to open or check, deadlines to compute). Pure.
 */
import type { CaseInput, CaseStatus, Step, TaskState } from '../contracts';
import type { TLimit } from '../policy';
import type { CasePatch, CommitArgs, EventSpec, TaskCheckSpec } from '../../activities/types';
import type { OpenTaskSpec } from '../blocks/task';
import { escalationChain, taskSpec } from '../blocks/task';
import { emptyNotice } from '../blocks/public-notice';
import { STEP_LEVEL, isNoticeStep } from './chains';
import type { CaseState, DeadlineName } from './state';

/** The facts of a case a transition reads (pinned at its start). */
export type CaseFacts = Pick<CaseInput, 'caseId' | 'villageCode' | 'townshipCode' | 'countyCode' | 'category' | 'riskTypes' | 'noLabour' | 'policy'>;

/** What the workflow commits for a transition. */
export interface CaseEffects {
  events: EventSpec[];
  openTasks: OpenTaskSpec[];
  checkTasks: TaskCheckSpec[];
  deadlines: NonNullable<CommitArgs['deadlines']>;
  assignContact: boolean;
}

/** The result of a pure transition. */
export interface Transition {
  state: CaseState;
  effects: CaseEffects;
}

/** Whether a transition writes anything. */
export function hasEffects(fx: CaseEffects): boolean {
  return fx.events.length > 0 || fx.openTasks.length > 0 || fx.checkTasks.length > 0 || Object.keys(fx.deadlines).length > 0 || fx.assignContact;
}

/** The read-model columns of a case state. */
export function casePatchOf(s: CaseState): CasePatch {
  return {
    status: s.status, step: s.step, slaBreached: s.slaBreached, approvedAt: s.approvedAt, annualCheck: s.annualCheckFlagged,
    eliminatedAt: s.eliminatedAt, eliminationRoute: s.eliminationRoute, closeReason: s.closedReason, lastContactAt: s.lastContactAt,
    contactId: s.contactId,
  };
}

/** A mutable draft of the next state plus its effects. */
export class Draft {
  readonly s: CaseState;
  readonly fx: CaseEffects = { events: [], openTasks: [], checkTasks: [], deadlines: {}, assignContact: false };
  private tasksOpened = 0;

  constructor(state: CaseState, readonly facts: CaseFacts, readonly now: number) {
    this.s = JSON.parse(JSON.stringify(state)) as CaseState;
    this.s.seq += 1;
  }

  get policy(): CaseFacts['policy'] {
    return this.facts.policy;
  }

  iso(ms: number = this.now): string {
    return new Date(ms).toISOString();
  }

  event(e: EventSpec): void {
    this.fx.events.push({ step: this.s.step, ...e });
  }

  deadline(name: DeadlineName, fromMs: number, limit: TLimit): void {
    this.fx.deadlines[name] = { from: this.iso(fromMs), limit };
  }

  /** Opens the task of a step; returns its id. */
  openTask(step: Exclude<Step, 'PUBLIC_NOTICE' | 'ELIM_NOTICE'>): string {
    this.tasksOpened += 1;
    const taskId = `${this.facts.caseId}-t${this.s.seq}${this.tasksOpened > 1 ? `.${this.tasksOpened}` : ''}`;
    this.fx.openTasks.push(taskSpec({
      taskId, step, level: STEP_LEVEL[step], region: this.facts, openedAt: this.iso(), limit: this.policy.steps[step], reminderLead: this.policy.reminderLead,
    }));
    return taskId;
  }

  /** Sets status and step; a new step starts a new notice. */
  setStep(status: CaseStatus, step: Step | null): void {
    this.s.status = status;
    this.s.step = step;
    this.s.notice = emptyNotice();
  }

  /** Enters a step: a person's step opens its task, a notice starts its period. */
  enterStep(status: CaseStatus, step: Step): void {
    this.setStep(status, step);
    if (isNoticeStep(step)) {
      this.deadline('noticeEndsAt', this.now, this.policy.steps[step]);
      this.event({ action: 'NOTICE_STARTED' });
    } else {
      this.openTask(step);
    }
  }

  /** Cancels every open task (the case ended or an objection was upheld). */
  cancelOpenTasks(outcome: string): void {
    for (const t of this.s.openTasks) {
      this.event({ action: 'TASK_CANCELLED', taskId: t.taskId, step: t.step, taskClose: { taskId: t.taskId, status: 'CANCELLED', outcome } });
    }
    this.s.openTasks = [];
    this.s.notice = emptyNotice();
  }

  /** Checks a task's reminder/escalation against the current calendar. */
  checkTask(t: TaskState): void {
    const p = this.policy;
    this.fx.checkTasks.push({
      task: t, limit: p.steps[t.step as keyof typeof p.steps], reminderLead: p.reminderLead, escalationRepeat: p.escalationRepeat,
      escalationChain: escalationChain(t.level, this.facts),
    });
  }

  done(): Transition {
    return { state: this.s, effects: this.fx };
  }
}
