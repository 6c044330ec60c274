/**
 * Contracts of the activities the case workflow calls. Type-only: the workflow imports these
 * types, never the implementations.
 */
import type { CaseInput, Level, Role, Step, TaskState } from '../workflows/contracts';
import type { TLimit, TPolicy } from '../workflows/policy';

/** Region codes of a case. */
export interface CaseRegion {
  villageCode: string;
  townshipCode: string;
  countyCode: string;
}

/** Notification kinds (delivered by email in the mail issue). */
export type NotificationKind =
  | 'NEW_TASK' | 'REMINDER' | 'ESCALATION' | 'NUDGE' | 'CONTACT_REMINDER' | 'CONTACT_ESCALATION' | 'PLAN_DUE'
  | 'DECISION_OUTCOME' | 'CASE_CLOSED' | 'SLA_BREACHED' | 'CASE_ASSIGNED_TO_CONTACT' | 'TASK_UNASSIGNED';

/** Who gets a notification: one official, or every active official of a role in a region. */
export interface NotificationSpec {
  kind: NotificationKind;
  to: { officialId: string } | { role: Role; regionCode?: string };
  taskId?: string;
  data?: Record<string, unknown>;
}

/** One transition of a case: an audit event plus the read-model writes it implies, applied atomically once per key. */
export interface CaseEvent {
  key: string;
  caseId: string;
  at: string;
  action: string;
  region: CaseRegion;
  step?: Step | null;
  taskId?: string;
  actorId?: string;
  onBehalfOfId?: string;
  comment?: string;
  data?: Record<string, unknown>;
  casePatch?: Partial<{
    status: string; step: string | null; slaBreached: boolean; slaDueAt: string | null; approvedAt: string | null;
    planDueAt: string | null; nextReviewAt: string | null; annualCheck: boolean; eliminatedAt: string | null;
    eliminationRoute: string | null; closeReason: string | null; lastContactAt: string | null; contactId: string | null;
  }>;
  taskClose?: { taskId: string; status: 'DONE' | 'CANCELLED'; outcome: string; decidedById?: string; onBehalfOfId?: string; comment?: string };
  taskPatch?: { taskId: string; assigneeId?: string | null; allowedIds?: string[] };
  measure?: { id: string; type?: string; description?: string; memberName?: string; status: string; implementedOn?: string; createdById?: string };
  contact?: { id: string; officialId: string; contactedOn: string; method: string; note?: string };
  objection?: { id: string; step: Step; text: string };
  notifications?: NotificationSpec[];
}

export interface EnsureCaseArgs {
  caseId: string;
  householdId: string;
  category: CaseInput['category'];
  riskTypes: CaseInput['riskTypes'];
  channel: CaseInput['channel'];
  region: CaseRegion;
  policyVersion: string;
  policy: TPolicy;
  openedAt: string;
  previousCaseId?: string;
  workflowId: string;
  contactId?: string;
}

export interface OpenTaskArgs {
  key: string;
  caseId: string;
  taskId: string;
  step: Exclude<Step, 'PUBLIC_NOTICE' | 'ELIM_NOTICE'>;
  level: Level;
  regionCode: string;
  openedAt: string;
  limit: TLimit;
  reminderLead: TLimit;
  region: CaseRegion;
  /** Escalation recipients, nearest level first; the n-th escalation goes to the n-th (the last repeats). */
  escalationChain: NotificationSpec["to"][];
}

export interface CheckTaskDeadlineArgs {
  task: TaskState;
  caseId: string;
  now: string;
  limit: TLimit;
  reminderLead: TLimit;
  escalationRepeat: TLimit;
  /** Escalation recipients, nearest level first; the n-th escalation goes to the n-th (the last repeats). */
  escalationChain: NotificationSpec["to"][];
  region: CaseRegion;
}

/** The activities of the case workflow. */
export interface CaseActivities {
  /** Creates the case row if the API has not (idempotent). */
  ensureCase(args: EnsureCaseArgs): Promise<void>;
  /** Applies one case event atomically; a retried call with the same key changes nothing. */
  recordEvent(ev: CaseEvent): Promise<void>;
  /** Opens a task: resolves the assignee (and stand-ins) from the hierarchy, computes due and reminder times. */
  openTask(args: OpenTaskArgs): Promise<TaskState>;
  /** Re-reads the calendar and records a due reminder or escalation once. */
  checkTaskDeadline(args: CheckTaskDeadlineArgs): Promise<TaskState>;
  /** Deadline of a working-day limit by the current calendar. */
  computeDeadline(args: { from: string; limit: TLimit }): Promise<string>;
  /** Picks the village's assistance contact (帮扶责任人). */
  assignContact(args: { caseId: string; villageCode: string }): Promise<string | null>;
}
