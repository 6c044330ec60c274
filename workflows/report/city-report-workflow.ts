/**
 * 市级报表工作流 — a city's 月调度 or 季通报 for one period, started by the city's Temporal Schedule
 * (or by hand): the same figures as a county's, one line per county, the counties ranked and the
 * bottom ones named; a county at the bottom of the 季通报 the policy's number of times in a row gets
 * an 约谈 held by its own county bureau (the interview's supervisor level for a county). Wiring
 * only: the steps are in ./run-report.ts.
 */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../../activities/report/types';
import type { CityReportInput, ReportResult } from './contracts';
import { runReport } from './run-report';

const { produceCityReport } = proxyActivities<activities.ReportActivities>({ startToCloseTimeout: '5 minutes' });

/** The city report workflow. */
export async function cityReportWorkflow(input: CityReportInput): Promise<ReportResult> {
  return runReport(input.cityCode, input, {
    produce: produceCityReport,
    interviewOf: (b) => ({ subject: { level: 'COUNTY', code: b.code, name: b.name }, region: { countyCode: b.code } }),
  });
}
