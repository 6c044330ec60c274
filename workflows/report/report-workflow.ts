/**
 * 县级报表工作流 — a county's 月调度 or 季通报 for one period, started by the county's Temporal
 * Schedule (or by hand for a re-run): works out the period from the scheduled time, stores the
 * report as a new immutable version (late ones say so), and for a 季通报 opens an 约谈 (child
 * workflow) for each township at the bottom of the ranking the policy's number of times in a row.
 * Wiring only: the steps are in ./run-report.ts, the rules in ./rules.ts.
 */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../../activities/report/types';
import type { ReportInput, ReportResult } from './contracts';
import { runReport } from './run-report';

const { produceReport } = proxyActivities<activities.ReportActivities>({ startToCloseTimeout: '2 minutes' });

/** The county report workflow. */
export async function countyReportWorkflow(input: ReportInput): Promise<ReportResult> {
  return runReport(input.countyCode, input, {
    produce: produceReport,
    interviewOf: (b) => ({ subject: { level: 'TOWNSHIP', code: b.code, name: b.name }, region: { townshipCode: b.code, countyCode: input.countyCode } }),
  });
}
