/**
 * Contracts of the activities the case workflow calls. Type-only: the workflow imports these
 * types, never the implementations.
 */
import type { CaseInput, Step, TaskState } from '../workflows/contracts';
import type { TLimit, TPolicy } from '../workflows/policy';
import type { AnyTaskState, OpenTaskSpec, Recipient } from '../workflows/blocks/task';
import type { AuditAction } from '../workflows/case/audit-actions';
import type { DeadlineName } from '../workflows/case/state';

export type { Recipient } from '../workflows/blocks/task';

/** Region codes of a case. */
export interface CaseRegion {
  villageCode: string;
  townshipCode: string;
  countyCode: string;
}

/** Notification kinds (delivered by email). */
export type NotificationKind =
  | 'NEW_TASK' | 'REMINDER' | 'ESCALATION' | 'NUDGE' | 'CONTACT_REMINDER' | 'CONTACT_ESCALATION' | 'PLAN_DUE'
  | 'DECISION_OUTCOME' | 'CASE_CLOSED' | 'SLA_BREACHED' | 'CASE_ASSIGNED_TO_CONTACT' | 'TASK_UNASSIGNED'
  /** 报表生成 — a county report version is ready (to the county's administrators). */
  | 'REPORT_READY'
  /** 网格员告知 — an official was made the grid worker of a grid (written by the roster import). */
  | 'GRID_ASSIGNED';

/** A notification to write into the outbox with an event. */
export interface NotificationSpec {
  kind: NotificationKind;
  to: Recipient;
  taskId?: string;
  data?: Record<string, unknown>;
}

/** The read-model columns of a case a transition may set. */
export type CasePatch = Partial<{
  status: string; step: string | null; slaBreached: boolean; approvedAt: string | null; annualCheck: boolean;
  eliminatedAt: string | null; eliminationRoute: string | null; closeReason: string | null; lastContactAt: string | null;
  contactId: string | null;
}>;

/**
 * The parts of an event every process shares (process core): the audit line, a task closed or
 * reassigned, notifications. A case's {@link EventSpec} adds its own rows.
 */
export interface CoreEventSpec {
  action: string;
  step?: string | null;
  taskId?: string;
  actorId?: string;
  onBehalfOfId?: string;
  comment?: string;
  data?: Record<string, unknown>;
  taskClose?: { taskId: string; status: 'DONE' | 'CANCELLED'; outcome: string; decidedById?: string; onBehalfOfId?: string; comment?: string };
  taskPatch?: { taskId: string; assigneeId?: string | null; allowedIds?: string[] };
  notifications?: NotificationSpec[];
}

/** One audit event of a transition, with the rows it writes besides the audit row. */
export interface EventSpec extends CoreEventSpec {
  action: AuditAction;
  step?: Step | null;
  measure?: { id: string; type?: string; description?: string; memberName?: string; status: string; implementedOn?: string; endedOn?: string; createdById?: string };
  contact?: { id: string; officialId: string; contactedOn: string; method: string; note?: string };
  objection?: { id: string; step: Step; text: string };
  /** Settles objections: the one named, or every open one of the case. */
  objectionOutcome?: { outcome: 'DISMISSED' | 'UPHELD_RETURNED' | 'UPHELD_REJECTED' | 'UPHELD_ELIMINATION_DECLINED'; objectionId?: string };
}

/** The facts to create the case row from, on the first commit (the lead's details are read from its Lead row). */
export interface CreateCaseSpec {
  householdId: string;
  category: CaseInput['category'];
  riskTypes: CaseInput['riskTypes'];
  channel: CaseInput['channel'];
  policyVersion: string;
  policy: TPolicy;
  openedAt: string;
  previousCaseId?: string;
  workflowId: string;
  contactId?: string;
}

/** A task whose reminder or escalation may be due, to check against the current calendar. */
export interface TaskCheckSpec<T extends AnyTaskState = TaskState> {
  task: T;
  limit: TLimit;
  reminderLead: TLimit;
  escalationRepeat: TLimit;
  escalationChain: Recipient[];
}

/** Everything one transition writes, in one transaction, once per key. */
export interface CommitArgs {
  /** Idempotency key of the transition: `${caseId}:${seq}`. */
  key: string;
  caseId: string;
  at: string;
  region: CaseRegion;
  create?: CreateCaseSpec;
  events: EventSpec[];
  casePatch?: CasePatch;
  /** Deadlines to compute from the calendar; those with a Case column are written to it. */
  deadlines?: Partial<Record<DeadlineName, { from: string; limit: TLimit }>>;
  openTasks?: OpenTaskSpec[];
  checkTasks?: TaskCheckSpec[];
  /** Pick the village's assistance contact (帮扶责任人) when the case has none. */
  assignContact?: boolean;
}

/** What the workflow learns from a commit. */
export interface CommitResult {
  deadlines: Partial<Record<DeadlineName, string>>;
  opened: TaskState[];
  checked: TaskState[];
  contactId: string | null;
}

/** The activities of the case workflow. */
export interface CaseActivities {
  /** Applies one transition atomically: audit rows, case and task rows, outbox rows. A retry changes nothing. */
  commitTransition(args: CommitArgs): Promise<CommitResult>;
}
