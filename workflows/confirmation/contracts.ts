/**
 * Contracts of the monthly confirmation (月调度数据确认): the process kind, its steps and audit
 * actions, the workflow's input, what a unit's confirmation records and how the county's report
 * counts them. Shared by `api/`, `activities/` and `workflows/`; nothing here pulls in Prisma, zod,
 * the Temporal client or Node built-ins.
 */
import type { ProcessTaskLimits } from '../process-contracts';
import type { TConfirmationPolicy, TReportCadence } from '../policy';
import type { ReportPeriod } from '../report/contracts';

export type { TConfirmationPolicy };

/** Process kind of a county's monthly confirmation. */
export const CONFIRMATION_KIND = 'MONTHLY_CONFIRMATION';
/** Workflow type of the monthly confirmation. */
export const CONFIRMATION_WORKFLOW = 'monthlyConfirmationWorkflow';

/** The steps people act on. */
export const CONFIRMATION_STEPS = {
  /** 村级数据确认 — a village confirms its figures of the month (or flags a discrepancy with a reason). */
  VILLAGE: 'VILLAGE_CONFIRMATION',
  /** 乡镇数据确认 — a township confirms its figures, having seen its villages' confirmations. */
  TOWNSHIP: 'TOWNSHIP_CONFIRMATION',
} as const;

/** The confirmation's own audit actions (labelled by its kind's table in api/process-kinds/confirmation.ts). */
export const CONFIRMATION_AUDIT_ACTIONS = ['CONFIRMATION_OPENED', 'FIGURES_CONFIRMED', 'DISCREPANCY_FLAGGED', 'CONFIRMATION_CLOSED'] as const;
/** One audit action of the monthly confirmation. */
export type ConfirmationAuditAction = (typeof CONFIRMATION_AUDIT_ACTIONS)[number];

/** A unit's answer: confirmed (确认无误) or a discrepancy flagged (数据有误). */
export type ConfirmationOutcome = 'CONFIRMED' | 'DISCREPANCY';

/** How a unit stands for the report: on time, late, or not at all (按时 / 逾期 / 未确认). */
export type ConfirmationTiming = 'ON_TIME' | 'LATE' | 'NONE';

/** A unit (village or township) of the confirmation, as kept in the process's data (`units`). */
export interface ConfirmationUnit {
  level: 'VILLAGE' | 'TOWNSHIP';
  code: string;
  name: string;
  /** A village's township. */
  townshipCode?: string;
  /** Its task (a township's only once opened). */
  taskId?: string;
  /** Due time of its task (ISO). */
  dueAt?: string;
  outcome?: ConfirmationOutcome;
  /** When it answered (ISO). */
  at?: string;
  /** The official who answered. */
  byId?: string;
  /** Its note (务工就业 …) or the discrepancy's reason; no personal data. */
  note?: string;
  /** 务工就业: lifted labourers in work this month, when the village gives it. */
  employed?: number;
}

/** What the monthly confirmation workflow is started with (by its Temporal Schedule, or by hand). */
export interface ConfirmationInput {
  countyCode: string;
  /** The month's schedule cadence: the period is the one that starts at the scheduled time. */
  cadence: TReportCadence;
  /** A run by hand for a given period. */
  period?: ReportPeriod;
  /** Due days of villages and townships (policy). */
  due: TConfirmationPolicy;
  limits: ProcessTaskLimits;
  policyVersion?: string;
}

/** What {@link ConfirmationActivities.planMonthlyConfirmation} is asked for. */
export interface PlanConfirmationArgs {
  countyCode: string;
  period: ReportPeriod;
  due: TConfirmationPolicy;
  /** The workflow's start (ISO): compressed policies count from it. */
  startedAt: string;
}

/** The county's villages and townships and the due times of their tasks. */
export interface ConfirmationPlan {
  countyName: string;
  villages: { code: string; name: string; townshipCode: string }[];
  townships: { code: string; name: string }[];
  /** Village tasks' due time (ISO): the policy's day, moved past a non-working day. */
  villageDueAt: string;
  /** Township tasks' due time (ISO). */
  townshipDueAt: string;
}

/** The confirmation activities. */
export interface ConfirmationActivities {
  /** Reads the county's villages and townships and works out the due times from the calendar. */
  planMonthlyConfirmation(args: PlanConfirmationArgs): Promise<ConfirmationPlan>;
}

/** What the workflow returns. */
export interface ConfirmationResult {
  processId: string;
  periodKey: string;
  status: string;
}

/** Counts of a level's confirmations in a report (数据确认情况). */
export interface ConfirmationCounts {
  onTime: number;
  late: number;
  none: number;
  /** Of those answered, discrepancies flagged. */
  discrepancies: number;
}

/** The confirmations a county's monthly report records: per unit and counted per level. */
export interface ReportConfirmations {
  processId: string;
  villages: ConfirmationCounts;
  townships: ConfirmationCounts;
  units: { level: 'VILLAGE' | 'TOWNSHIP'; code: string; name: string; townshipCode?: string; timing: ConfirmationTiming; outcome?: ConfirmationOutcome; note?: string; employed?: number }[];
  /** 务工就业: lifted labourers in work as the villages that gave the number reported it, summed, and how many villages gave it. */
  employed: { total: number; villages: number };
}

/** Process id of a county's confirmation of a period: `YDQR-<county>-<period>` (one per county and month). */
export function confirmationProcessId(countyCode: string, periodKey: string): string {
  return `YDQR-${countyCode}-${periodKey.replace(/[^0-9A-Za-z-]/g, '')}`;
}
