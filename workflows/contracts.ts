/**
 * Workflow contracts shared by `api/`, `worker/` and `workflows/`: the task queue, the
 * workflow input and state types, and the Update/Query definitions. Nothing here pulls in
 * Prisma, the Temporal client or Node built-ins.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TPolicy } from './policy';
import type { CaseState } from './case/state';

export type { CaseState } from './case/state';

/** Default task queue of the case workflow. */
export const TASK_QUEUE = 'bangfu-cases';

/** Workflow type name. */
export const CASE_WORKFLOW = 'householdCaseWorkflow';

/** Workflow ID of a household's case chain; derived from the household, so duplicates are impossible. */
export function caseWorkflowId(householdId: string): string {
  return `household-${householdId}`;
}

/** Search attributes registered on the dev server; none carries personal data. */
export const SEARCH_ATTRIBUTES = {
  BangfuStatus: 'Keyword',
  BangfuStep: 'Keyword',
  BangfuRegion: 'KeywordList',
  BangfuOverdue: 'Bool',
  BangfuCategory: 'Keyword',
  /** The case number (案件编号), so an administrator finds a case in the Temporal Web UI. */
  BangfuCaseNo: 'Keyword',
} as const;

/** The workflow's static summary in the Temporal Web UI: case number and process, no personal data. */
export function caseStaticSummary(caseNo: string): string {
  return `监测帮扶案件 household case ${caseNo}`;
}

/** 监测对象类别 — who is monitored. */
export const CATEGORIES = ['UNSTABLE_LIFTED', 'MARGINAL', 'SUDDEN_HARDSHIP'] as const;
export type Category = (typeof CATEGORIES)[number];

/** 致贫返贫风险 — risk types. */
export const RISK_TYPES = [
  'ILLNESS', 'DISABILITY', 'SCHOOLING', 'DISASTER', 'ACCIDENT', 'BUSINESS_FAILURE',
  'UNSTABLE_EMPLOYMENT', 'NO_LABOUR', 'HOUSING', 'DRINKING_WATER', 'OTHER',
] as const;
export type RiskType = (typeof RISK_TYPES)[number];

/** Lead channels: 农户自主申报, 基层干部排查, 部门筛查预警. */
export const CHANNELS = ['SELF_APPLICATION', 'CADRE_SCREENING', 'DEPARTMENT_ALERT'] as const;
export type Channel = (typeof CHANNELS)[number];

/** 帮扶措施类型 — measure types. */
export const MEASURE_TYPES = [
  'INDUSTRY', 'EMPLOYMENT', 'MICROCREDIT', 'EDUCATION', 'MEDICAL', 'HOUSING', 'DRINKING_WATER',
  'SOCIAL_ASSISTANCE', 'TEMPORARY_RELIEF', 'PUBLIC_WELFARE_JOB', 'INSURANCE', 'OTHER',
] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

/** Identification steps (识别认定) then elimination steps (风险消除), in order. */
export const IDENT_STEPS = ['VERIFICATION', 'VILLAGE_REVIEW', 'PUBLIC_NOTICE', 'TOWNSHIP_REVIEW', 'COUNTY_APPROVAL'] as const;
export const ELIM_STEPS = ['ELIM_ASSESSMENT', 'ELIM_VILLAGE_REVIEW', 'ELIM_NOTICE', 'ELIM_TOWNSHIP_REVIEW', 'ELIM_COUNTY_APPROVAL'] as const;
export type IdentStep = (typeof IDENT_STEPS)[number];
export type ElimStep = (typeof ELIM_STEPS)[number];
/** A step; `INVESTIGATION` is the village investigation of an objection during a notice. */
export type Step = IdentStep | ElimStep | 'INVESTIGATION';

/** Who acts at a step. */
export type Level = 'VILLAGE' | 'TOWNSHIP' | 'COUNTY';
export const STEP_LEVEL: Record<Exclude<Step, 'PUBLIC_NOTICE' | 'ELIM_NOTICE'>, Level> = {
  VERIFICATION: 'VILLAGE',
  VILLAGE_REVIEW: 'VILLAGE',
  TOWNSHIP_REVIEW: 'TOWNSHIP',
  COUNTY_APPROVAL: 'COUNTY',
  INVESTIGATION: 'VILLAGE',
  ELIM_ASSESSMENT: 'VILLAGE',
  ELIM_VILLAGE_REVIEW: 'VILLAGE',
  ELIM_TOWNSHIP_REVIEW: 'TOWNSHIP',
  ELIM_COUNTY_APPROVAL: 'COUNTY',
};

/**
 * Case status. Terminal: REJECTED, WITHDRAWN, ELIMINATED, CLOSED. An ELIMINATED case's workflow
 * stays open through the rollback window (风险消除回退期) and takes only a rollback.
 */
export type CaseStatus = 'IDENTIFYING' | 'MONITORED' | 'ELIMINATING' | 'REJECTED' | 'WITHDRAWN' | 'ELIMINATED' | 'CLOSED';
export const TERMINAL_STATUSES: readonly CaseStatus[] = ['REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED'];

/**
 * Roles of officials. GRID = 网格员 (grid worker): placed on a village, sees only the households of
 * the grids they work (Grid.workerId) and acts only on tasks assigned to them by name.
 */
export type Role = 'VILLAGE' | 'TOWNSHIP' | 'COUNTY' | 'ADMIN' | 'CONTACT' | 'GRID';

/** The official acting, as authenticated by the API. */
export interface Actor {
  id: string;
  role: Role;
  regionCode: string;
}

/** Workflow input. The policy is pinned here for the life of the case. */
export interface CaseInput {
  caseId: string;
  householdId: string;
  villageCode: string;
  townshipCode: string;
  countyCode: string;
  category: Category;
  riskTypes: RiskType[];
  channel: Channel;
  /** 整户无劳动力: never eliminated, stays monitored under social assistance. */
  noLabour: boolean;
  /** Assistance contact (帮扶责任人), if already known. */
  contactId?: string;
  openedBy?: string;
  openedAt: string;
  previousCaseId?: string;
  policy: TPolicy;
  /** State carried over by continue-as-new. */
  carried?: CaseState;
  /** Continue-as-new threshold (history events); tests lower it. @default 4000 */
  maxHistoryEvents?: number;
}

/** An open task as the workflow tracks it. */
export interface TaskState {
  taskId: string;
  step: Step;
  level: Level;
  regionCode: string;
  assigneeId: string | null;
  allowedIds: string[];
  openedAt: string;
  dueAt: string;
  remindAt: string | null;
  reminded: boolean;
  escalations: number;
  nextEscalationAt: string | null;
}

export interface MeasureState {
  measureId: string;
  type: MeasureType;
  status: 'PLANNED' | 'IMPLEMENTED' | 'CANCELLED';
  implementedOn?: string;
  memberName?: string;
  /** A programme's measure that ended (the post left); it stays IMPLEMENTED. */
  endedOn?: string;
  /** Findings a programme recorded on it (e.g. LOAN_USE_REFUSED), each once. */
  findings?: string[];
}

/** 帮扶后消除 or 风险自然消失. */
export type EliminationRoute = 'ASSISTED' | 'NATURAL';

/** Decision actions. Investigation tasks take DISMISS (notice runs on), RETURN or REJECT (objection upheld). */
export type DecisionAction = 'APPROVE' | 'REJECT' | 'RETURN' | 'DISMISS';

export interface DecideArgs {
  taskId: string;
  action: DecisionAction;
  reason?: string;
  actor: Actor;
  /** VERIFICATION approval: the household signed its consent. */
  consentSigned?: boolean;
  /** ELIM_ASSESSMENT approval: the route and the criteria the village assessment records. */
  route?: EliminationRoute;
  criteria?: { incomeAboveLine: boolean; basicNeedsAssured: boolean; rigidSpendingResolved: boolean; noNewRisk: boolean };
}

export interface RecordMeasureArgs {
  measureId: string;
  type: MeasureType;
  description: string;
  memberName?: string;
  actor: Actor;
}
export interface UpdateMeasureArgs {
  measureId: string;
  status: 'IMPLEMENTED' | 'CANCELLED';
  implementedOn?: string;
  actor: Actor;
}
/**
 * 项目结果回写 — what a household programme (小额信贷, 公益岗位) records on its measure of the case:
 * a finding (the loan's use check refused the use) or the measure's end (the post's holder left).
 * No personal data.
 */
export interface ProgrammeOutcomeArgs {
  /** The programme's measure on this case (`<processId>-M`). */
  measureId: string;
  processId: string;
  outcome: 'LOAN_USE_REFUSED' | 'ENDED';
  /** LOAN_USE_REFUSED: the use found (e.g. CONSUMPTION). */
  use?: string;
  /** ENDED: YYYY-MM-DD */
  endedOn?: string;
  /** The official's notes from the programme's task (no personal data). */
  comment?: string;
  actor: Actor;
}
export interface RecordContactArgs {
  contactRecordId: string;
  contactedOn: string;
  method: 'VISIT' | 'PHONE' | 'OTHER';
  note?: string;
  actor: Actor;
}
export interface FileObjectionArgs {
  objectionId: string;
  text: string;
  actor: Actor;
}
export interface WithdrawArgs {
  reason: string;
  actor: Actor;
}
export interface TransferArgs {
  taskId: string;
  toOfficialId: string;
  toRole: Role;
  toRegionCode: string;
  reason?: string;
  actor: Actor;
}
/**
 * 更换帮扶责任人 — the household's assistance contact changes (its contact was deactivated): from
 * `fromOfficialId` (the contact the caller saw) to `toOfficialId`, or to nobody when the village has
 * no other active contact (missed contacts then escalate to the township).
 */
export interface ReassignContactArgs {
  fromOfficialId: string;
  toOfficialId: string | null;
  reason?: string;
  actor: Actor;
}
export interface NudgeArgs {
  taskId: string;
  actor: Actor;
}
export interface RequestEliminationArgs {
  actor: Actor;
  comment?: string;
}
/** 风险消除回退 — the county rolls an elimination back within the policy's window. */
export interface RollbackArgs {
  reason: string;
  actor: Actor;
}
/** A new lead for the household ends the rollback window of its eliminated case (风险再标注). */
export interface EndRollbackWindowArgs {
  newCaseId: string;
}
export interface CloseArgs {
  reason: 'MOVED_AWAY' | 'DECEASED' | 'OTHER';
  comment?: string;
  actor: Actor;
}

/** What decision Updates return. */
export interface CaseUpdateResult {
  status: CaseStatus;
  step: Step | null;
  /** The tasks open after the action (read-your-writes: the caller needs no second read). */
  openTasks?: { taskId: string; step: Step; assigneeId: string | null }[];
}

/** 审批决定 — approve, reject or return a task. */
export const decideUpdate = defineUpdate<CaseUpdateResult, [DecideArgs]>('decide');
/** Record a planned assistance measure (帮扶措施). */
export const recordMeasureUpdate = defineUpdate<CaseUpdateResult, [RecordMeasureArgs]>('recordMeasure');
/** Mark a measure implemented or cancelled. */
export const updateMeasureUpdate = defineUpdate<CaseUpdateResult, [UpdateMeasureArgs]>('updateMeasure');
/** Record a contact by the assistance contact. */
export const recordContactUpdate = defineUpdate<CaseUpdateResult, [RecordContactArgs]>('recordContact');
/** File an objection (异议) during a public notice. */
export const fileObjectionUpdate = defineUpdate<CaseUpdateResult, [FileObjectionArgs]>('fileObjection');
/** The household withdraws during identification. */
export const withdrawUpdate = defineUpdate<CaseUpdateResult, [WithdrawArgs]>('withdraw');
/** 转交 — transfer a task to a same-level colleague. */
export const transferTaskUpdate = defineUpdate<TaskState, [TransferArgs]>('transferTask');
/** 更换帮扶责任人 — reassign the household's assistance contact. */
export const reassignContactUpdate = defineUpdate<CaseUpdateResult, [ReassignContactArgs]>('reassignContact');
/** A programme's finding or end on its measure ({@link ProgrammeOutcomeArgs}); idempotent: the same again is DUPLICATE. */
export const recordProgrammeOutcomeUpdate = defineUpdate<CaseUpdateResult, [ProgrammeOutcomeArgs]>('recordProgrammeOutcome');
/** 催办 — a supervisor nudges a task. */
export const nudgeTaskUpdate = defineUpdate<CaseUpdateResult, [NudgeArgs]>('nudgeTask');
/** 风险消除申请 — the village asks for the elimination review now instead of waiting for the timer. */
export const requestEliminationUpdate = defineUpdate<CaseUpdateResult, [RequestEliminationArgs]>('requestElimination');
/** Close a case (moved away, deceased). */
export const closeCaseUpdate = defineUpdate<CaseUpdateResult, [CloseArgs]>('closeCase');

/**
 * 线索受理 — sent with the workflow's start (update-with-start): answers once the lead's first commit
 * (case row, verification task) has landed, so the API returns a case its caller can read and act on.
 */
export const awaitIntakeUpdate = defineUpdate<CaseUpdateResult, []>('awaitIntake');
/** 风险消除回退 — roll an elimination back (county or administrator, within the window). */
export const rollbackEliminationUpdate = defineUpdate<CaseUpdateResult, [RollbackArgs]>('rollbackElimination');
/** Ends the rollback window early because the household has a new case. */
export const endRollbackWindowUpdate = defineUpdate<CaseUpdateResult, [EndRollbackWindowArgs]>('endRollbackWindow');

/** The public snapshot of a case the Query returns (the internal state stays inside the workflow). */
export interface CaseSnapshot {
  caseId: string;
  status: CaseStatus;
  step: Step | null;
  openTasks: TaskState[];
  measures: MeasureState[];
  contactId: string | null;
  lastContactAt: string | null;
  contactCount: number;
  missedContactPeriods: number;
  nextContactDueAt: string | null;
  approvedAt: string | null;
  slaDueAt: string | null;
  slaBreached: boolean;
  planDueAt: string | null;
  nextReviewAt: string | null;
  reviewCount: number;
  annualCheckFlagged: boolean;
  noticeEndsAt: string | null;
  openObjections: number;
  eliminationRoute: EliminationRoute | null;
  eliminatedAt: string | null;
  rollbackUntil: string | null;
  closedReason: string | null;
  continuedAsNew: number;
}

/** The case snapshot for readers. */
export const stateQuery = defineQuery<CaseSnapshot>('state');

/** Wakes the workflow to re-check its deadlines (e.g. after a calendar update). */
export const recheckSignal = defineSignal('recheckDeadlines');
