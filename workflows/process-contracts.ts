/**
 * Contracts of the processes beyond the household case (流程核心): the Updates and the Query every
 * process workflow built on {@link ../blocks/process-steps} answers, and the inputs of the process
 * workflows (约谈 first). Shared by `api/`, `worker/` and `workflows/`; nothing here pulls in
 * Prisma, the Temporal client or Node built-ins.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, Level, NudgeArgs, TransferArgs } from './contracts';
import type { AnyTaskState } from './blocks/task';
import type { TLimit } from './policy';

/** Decisions on a process's task: approve / reject / return on an approval step, done on a step a person completes. */
export const PROCESS_ACTIONS = ['APPROVE', 'REJECT', 'RETURN', 'DONE'] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

/** Arguments of {@link decideProcessTaskUpdate}. */
export interface DecideProcessTaskArgs {
  taskId: string;
  action: ProcessAction;
  /** Required to reject or return. */
  reason?: string;
  /** What the step records (validated by the kind's schema in the API and by the step's rule in the workflow). No personal data. */
  data?: Record<string, unknown>;
  actor: Actor;
}

/** What the process Updates return: the process after the action (read-your-writes). */
export interface ProcessUpdateResult {
  processId: string;
  status: string;
  step: string | null;
  openTasks: { taskId: string; step: string; assigneeId: string | null }[];
}

/** A decision a process's task received. */
export interface ProcessDecision {
  taskId: string;
  step: string;
  action: ProcessAction;
  reason?: string;
  data: Record<string, unknown>;
  actorId: string;
  /** The assignee the actor decided for (a stand-in). */
  onBehalfOfId?: string;
  at: string;
}

/** The public snapshot of a process (the Query). */
export interface ProcessSnapshot {
  processId: string;
  kind: string;
  status: string;
  step: string | null;
  openTasks: AnyTaskState[];
  /** Decisions so far (the latest {@link PROCESS_DECISIONS_KEPT}). */
  decisions: ProcessDecision[];
  /** Facts of the kind (e.g. an interview's outcome). */
  data: Record<string, unknown>;
  finished: boolean;
  continuedAsNew: number;
}

/** Decisions a process keeps in its state. */
export const PROCESS_DECISIONS_KEPT = 50;

/** 办理 — decide a process's task (approve, reject, return, done) with the step's data. */
export const decideProcessTaskUpdate = defineUpdate<ProcessUpdateResult, [DecideProcessTaskArgs]>('decideProcessTask');
/** 转交 — transfer a process's task to a same-level colleague. */
export const transferProcessTaskUpdate = defineUpdate<AnyTaskState, [TransferArgs]>('transferProcessTask');
/** 催办 — a supervisor nudges a process's task. */
export const nudgeProcessTaskUpdate = defineUpdate<ProcessUpdateResult, [NudgeArgs]>('nudgeProcessTask');
/** Sent with the workflow's start (update-with-start): answers once the process row exists, so the caller reads its own write. */
export const awaitProcessStartUpdate = defineUpdate<ProcessUpdateResult, []>('awaitProcessStart');
/** The process snapshot. */
export const processSnapshotQuery = defineQuery<ProcessSnapshot>('processSnapshot');

/** Workflow ID of a process: one workflow per process id, so starting it twice starts it once. */
export function processWorkflowId(processId: string): string {
  return `process-${processId}`;
}

/** Limits every task of a process uses, pinned at its start from the policy. */
export interface ProcessTaskLimits {
  /** Reminder this long before the due time. */
  reminderLead: TLimit;
  /** Repeat escalation this often while overdue. */
  escalationRepeat: TLimit;
}

/**
 * Audit actions (审计动作) every process records besides the task actions it shares with the case
 * (TASK_OPENED, REMINDER_SENT, TASK_ESCALATED, APPROVED, …, labelled by the case's table): one
 * typed union, so the label table keyed by it fails the typecheck when one has no label.
 */
export const PROCESS_AUDIT_ACTIONS = ['PROCESS_STARTED', 'TASK_COMPLETED'] as const;
/** One audit action of the process core. */
export type ProcessAuditAction = (typeof PROCESS_AUDIT_ACTIONS)[number];

// ─── 约谈 (interview) ─────────────────────────────────────────────────────────────────────────

/** Process kind of the 约谈. */
export const INTERVIEW_KIND = 'INTERVIEW';
/** Workflow type of the 约谈. */
export const INTERVIEW_WORKFLOW = 'interviewWorkflow';
/** The step of the 约谈: its supervisor holds it and records the outcome. */
export const INTERVIEW_STEP = 'HOLD_INTERVIEW';
/** The 约谈's own audit actions (labelled by its kind's table in api/process-kinds/interview.ts). */
export const INTERVIEW_AUDIT_ACTIONS = ['INTERVIEW_REQUESTED', 'INTERVIEW_HELD', 'INTERVIEW_NOT_HELD'] as const;
/** One audit action of the 约谈. */
export type InterviewAuditAction = (typeof INTERVIEW_AUDIT_ACTIONS)[number];

/** The unit interviewed (被约谈单位): a village, a township or a county, by region code. */
export interface InterviewSubject {
  level: 'VILLAGE' | 'TOWNSHIP' | 'COUNTY';
  code: string;
  /** Its name, for titles and mails. */
  name: string;
}

/**
 * Input of the 约谈 workflow: who is interviewed, why, who holds it (a named supervisor, or the
 * first official of the level above the unit), and the limit — pinned from the policy at the start.
 */
export interface InterviewInput {
  processId: string;
  subject: InterviewSubject;
  /** The unit's region chain (county always). */
  region: { villageCode?: string | null; townshipCode?: string | null; countyCode: string };
  /** Why the interview is held (e.g. "bottom of the quarterly ranking twice in a row"); no personal data. */
  reason: string;
  /** The official who holds the interview; omitted: the first official of {@link level} in the unit's parent region. */
  supervisorId?: string;
  /** Level of the supervisor; @default the level above the subject (county for a county) */
  level: Level;
  /** Region code of the supervisor's level. */
  supervisorRegionCode: string;
  /** Time to hold it and record the outcome. */
  limit: TLimit;
  limits: ProcessTaskLimits;
  /** Who asked for it (an official, or a parent process such as a report or a fund project). */
  requestedBy?: { officialId?: string; processId?: string; kind?: string };
  policyVersion?: string;
}

/** The outcome the supervisor records (约谈结果). */
export interface InterviewOutcome {
  held: boolean;
  /** Date held (YYYY-MM-DD, Beijing). */
  heldOn?: string;
  notes: string;
}

/** What the 约谈 workflow returns. */
export interface InterviewResult {
  processId: string;
  outcome: InterviewOutcome;
  decidedById: string;
}
