/**
 * Contracts every household programme (小额信贷, 公益岗位 …) shares: the activity that records the
 * programme's measure on the household's case. Shared by `activities/` and `workflows/`; nothing
 * here pulls in Prisma, the Temporal client or Node built-ins.
 */

/** What `recordCaseMeasure` is asked to record on the household's case. */
export interface CaseMeasureArgs {
  householdId: string;
  /** Idempotency: the same id is recorded once. */
  measureId: string;
  type: 'MICROCREDIT' | 'PUBLIC_WELFARE_JOB';
  /** No personal data. */
  description: string;
  /** YYYY-MM-DD */
  implementedOn: string;
  actor: { id: string; role: 'VILLAGE' | 'TOWNSHIP' | 'COUNTY' | 'ADMIN'; regionCode: string };
}

/** What `recordCaseMeasureOutcome` is asked to record on the programme's measure of the household's case. */
export interface CaseMeasureOutcomeArgs {
  householdId: string;
  measureId: string;
  processId: string;
  /** LOAN_USE_REFUSED: the loan's use check refused the use; ENDED: the post's holder left. */
  outcome: 'LOAN_USE_REFUSED' | 'ENDED';
  use?: string;
  /** YYYY-MM-DD, for ENDED. */
  endedOn?: string;
  /** No personal data. */
  comment?: string;
  actor: CaseMeasureArgs['actor'];
}

/** What recording a measure on the case did. */
export type CaseMeasureOutcome = { recorded: true; caseId: string } | { recorded: false; reason: string };

/** The activity a programme's workflow records its measure on the household's case with. */
export interface ProgrammeActivities {
  /**
   * Records an IMPLEMENTED measure on the household's open case through the case's own Updates
   * (recordMeasure, then updateMeasure), so the case's rules see it at once. Idempotent by measure id.
   */
  recordCaseMeasure(args: CaseMeasureArgs): Promise<CaseMeasureOutcome>;
  /**
   * Records a finding or the end on the programme's measure through the case's own Update
   * (recordProgrammeOutcome). Idempotent: recorded before (DUPLICATE) is recorded.
   */
  recordCaseMeasureOutcome(args: CaseMeasureOutcomeArgs): Promise<CaseMeasureOutcome>;
}
