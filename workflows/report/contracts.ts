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

/** Workflow type of the city report (市级月调度、季通报: ranks the city's counties). */
export const CITY_REPORT_WORKFLOW = 'cityReportWorkflow';

/** Level of the region a report is about: a county (ranking its townships) or a city (ranking its counties). */
export type ReportLevel = 'COUNTY' | 'CITY';

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

/** What a city report workflow is started with: the city's code in place of a county's; the rest as {@link ReportInput}. */
export interface CityReportInput extends Omit<ReportInput, 'countyCode'> {
  cityCode: string;
}

/**
 * 集中排查 figures of a unit for a period, over the ledgers of the county's campaigns running in it
 * (launched before its end, not closed before its start), each as the ledger stood at the end.
 */
export interface CampaignUnitFigures {
  /** Households in the campaigns' ledgers (排查户数). */
  campaignHouseholds: number;
  /** Of those, with a final result by the end (已排查). */
  campaignScreened: number;
  /** Risks found (发现风险). */
  campaignRisks: number;
  /** Leads started from a risk found (转入识别). */
  campaignLeads: number;
  /** Of those leads, approved as monitored by the end (纳入监测). */
  campaignMonitored: number;
  /** Villages (per campaign) in a ledger (参与村). */
  campaignVillages: number;
  /** 零发现村: villages (per campaign) that found no risk by the end. */
  campaignZeroVillages: number;
  /** 会议记录: villages (per campaign) whose meeting was recorded (ledger closed) by the end. */
  campaignMeetings: number;
}

/**
 * 衔接资金项目与帮扶资产 figures of a unit, as the projects and assets stood when the report was
 * produced (their state is current, not historical); overdue inspections as at the period's end.
 */
export interface FundUnitFigures {
  /** Projects past their approval (批复). */
  projectsApproved: number;
  /** Of those, started (开工). */
  projectsStarted: number;
  /** Budget and funds paid of the approved projects, in fen. */
  projectBudgetFen: number;
  projectPaidFen: number;
  /** Projects behind the spending pace (序时进度滞后) at their last progress report. */
  projectsBehind: number;
  /** Projects flagged not started by their deadline (逾期未开工). */
  projectsNotStarted: number;
  /** Assets registered and not disposed (帮扶项目资产). */
  assets: number;
  /** Income assets flagged idle (闲置). */
  assetsIdle: number;
  /** Assets with an inspection (管护巡查) past due and not done at the period's end. */
  assetsInspectionOverdue: number;
}

/** Figures of one unit (city, county, township or village) for a period — DESIGN §5.1. */
export interface UnitFigures extends Partial<CampaignUnitFigures>, Partial<FundUnitFigures> {
  code: string;
  name: string;
  level: 'CITY' | 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';
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
