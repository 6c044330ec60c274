/**
 * Contracts of the report activities (报表活动). Type-only for workflows.
 */
import type { ProducedReport, ReportKind, ReportPeriod } from '../../workflows/report/contracts';

/** What {@link ReportActivities.produceReport} is asked for. */
export interface ProduceReportArgs {
  /** The run's own key (its workflow id): a retry finds the version it wrote. */
  requestKey: string;
  /** The county reported on (for {@link ReportActivities.produceCityReport}, the city). */
  countyCode: string;
  kind: ReportKind;
  period: ReportPeriod;
  /** When the schedule meant the run (null: by hand). */
  scheduledAt: string | null;
  /** When the workflow ran (its time). */
  runAt: string;
  late: boolean;
  lateSeconds: number | null;
  bottomCount: number;
  /** Earlier rankings to return the bottoms of (the 约谈 rule needs `runs - 1`). */
  previousRuns: number;
  policyVersion?: string;
}

/** The report activities. */
export interface ReportActivities {
  /** Computes the figures and ranking and stores them as the period's next immutable version. */
  produceReport(args: ProduceReportArgs): Promise<ProducedReport>;
  /** The same for a city (`countyCode` holds the city's code): its counties' figures, ranked. */
  produceCityReport(args: ProduceReportArgs): Promise<ProducedReport>;
}
