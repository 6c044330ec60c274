/**
 * 县级报表工作流 — a county's 月调度 or 季通报 for one period, started by the county's Temporal
 * Schedule (or by hand for a re-run): works out the period from the scheduled time, stores the
 * report as a new immutable version (late ones say so), and for a 季通报 opens an 约谈 (child
 * workflow) for each township at the bottom of the ranking the policy's number of times in a row.
 * Wiring only: the rules are in ./rules.ts.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../../activities/report/types';
import { interviewInput } from '../interview/input';
import { startInterviewChild } from '../interview/interview-workflow';
import type { ReportInput, ReportResult } from './contracts';
import { interviewsDue, latenessOf, periodBefore, reportInterviewId } from './rules';

const { produceReport } = proxyActivities<activities.ReportActivities>({ startToCloseTimeout: '2 minutes' });

/** The time a Temporal Schedule meant this run for (its `TemporalScheduledStartTime`), or null. */
function scheduledStartTime(): number | null {
  const v = workflowInfo().searchAttributes?.TemporalScheduledStartTime?.[0] as unknown;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return Date.parse(v);
  return null;
}

/** The county report workflow. */
export async function countyReportWorkflow(input: ReportInput): Promise<ReportResult> {
  const info = workflowInfo();
  const scheduledAt = input.period ? null : scheduledStartTime();
  const runAt = Date.now();
  const period = input.period ?? periodBefore(input.cadence, scheduledAt ?? runAt);
  const { late, lateSeconds } = latenessOf(scheduledAt, runAt, input.lateAfterSeconds);
  const report = await produceReport({
    requestKey: info.workflowId, countyCode: input.countyCode, kind: input.kind, period,
    scheduledAt: scheduledAt === null ? null : new Date(scheduledAt).toISOString(), runAt: new Date(runAt).toISOString(), late, lateSeconds,
    bottomCount: input.bottomCount, previousRuns: input.kind === 'QUARTERLY' ? input.interviewAfterBottomRuns - 1 : 0,
    policyVersion: input.interviewPolicy.version,
  });
  const interviews: string[] = [];
  // Interviews come from a period's first version: a re-run reports again, it does not interview again.
  if (input.kind === 'QUARTERLY' && report.version === 1) {
    const due = interviewsDue(report.bottom.map((b) => b.code), report.previousBottoms, input.interviewAfterBottomRuns);
    for (const b of report.bottom.filter((x) => due.includes(x.code))) {
      const processId = reportInterviewId(input.countyCode, input.kind, period, b.code);
      const reason = `季度通报连续${input.interviewAfterBottomRuns}期排名末位（${period.key}，报表 ${report.reportId}）`;
      try {
        await startInterviewChild(interviewInput({
          processId, subject: { level: 'TOWNSHIP', code: b.code, name: b.name }, region: { townshipCode: b.code, countyCode: input.countyCode },
          reason, requestedBy: { processId: report.reportId, kind: 'REPORT' },
        }, input.interviewPolicy));
      } catch (err) {
        // A re-run of the period finds the interview its first version opened: one 约谈 per township and period.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      interviews.push(processId);
    }
  }
  return { reportId: report.reportId, version: report.version, period, late: report.late, interviews };
}
