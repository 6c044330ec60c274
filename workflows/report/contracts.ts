/**
 * Contracts of the reporting cycle (月调度、季通报): the report workflow's input and result, the
 * figures of a report and its ranking. Shared by `api/`, `activities/`, `worker/` and `workflows/`;
 * nothing here pulls in Prisma, zod, the Temporal client or Node built-ins.
 */
import type { TPolicy, TReportCadence } from '../policy';

/** 月调度 (monthly figures) or 季通报 (quarterly ranking of townships). */
export type ReportKind = 'MONTHLY' | 'QUARTERLY';
export const REPORT_KINDS: readonly ReportKind[] = ['MONTHLY', 'QUARTERLY'];

/** Workflow type of the county report. */
export const REPORT_WORKFLOW = 'countyReportWorkflow';

/** A report's period: `[from, to)`, instants (ISO), with its label. */
export interface ReportPeriod {
  /** `2026-11` (month), `2026-Q3` (quarter), or the start instant of a compressed period. */
  key: string;
  from: string;
  to: string;
}

/** What the county report workflow is started with (by its Temporal Schedule, or by hand). */
export interface ReportInput {
  countyCode: string;
  kind: ReportKind;
  /** The schedule's cadence; the period is the one that ended at the scheduled time. */
  cadence: TReportCadence;
  /** A run by hand for a given period (a re-run makes a new version). */
  period?: ReportPeriod;
  bottomCount: number;
  interviewAfterBottomRuns: number;
  lateAfterSeconds: number;
  /** Limits of the 约谈 tasks it opens, pinned from the policy when the schedule was written. */
  interviewPolicy: Pick<TPolicy, 'processSteps' | 'reminderLead' | 'escalationRepeat' | 'version'>;
}

/** Figures of one unit (county, township or village) for a period — DESIGN §5.1. */
export interface UnitFigures {
  code: string;
  name: string;
  level: 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';
  /** Parent township of a village. */
  townshipCode?: string;
  /** 新增监测对象: households approved (county-level 审定) in the period, and their people. */
  newHouseholds: number;
  newPeople: number;
  /** Households and people approved up to the period's end (累计). */
  totalHouseholds: number;
  totalPeople: number;
  /** 帮扶措施: measures recorded in the period, and measures implemented in it. */
  measuresMade: number;
  measuresImplemented: number;
  /** 风险消除: eliminations in the period, and up to its end. */
  eliminated: number;
  eliminatedTotal: number;
  /** Identification SLA: of the cases approved in the period, those within the SLA. */
  slaApproved: number;
  slaMet: number;
  /** Households under monitoring at the period's end. */
  monitored: number;
  /** 应帮尽帮: of those, with an implemented measure by the period's end. */
  planCovered: number;
  /** 按时走访: of those, contacted at least once in the period. */
  contacted: number;
  /** Tasks of cases open and past their due time at the period's end. */
  overdueTasks: number;
}

/** A township's place in a ranking. */
export interface RankedUnit {
  code: string;
  name: string;
  rank: number;
  /** Mean of the unit's available rates (SLA, plan coverage, contact), 0–1; null when it has no figures. */
  score: number | null;
  slaRate: number | null;
  coverageRate: number | null;
  contactRate: number | null;
  overdueTasks: number;
}

/** A produced report version, as the activity returns it. */
export interface ProducedReport {
  reportId: string;
  version: number;
  /** False when the activity found its own earlier write (a retry). */
  created: boolean;
  late: boolean;
  bottom: { code: string; name: string }[];
  /** Consecutive earlier rankings (latest first) of the same kind: each one's bottom codes. */
  previousBottoms: string[][];
}

/** What the report workflow returns. */
export interface ReportResult {
  reportId: string;
  version: number;
  period: ReportPeriod;
  late: boolean;
  /** 约谈 processes it started (or found started). */
  interviews: string[];
}
