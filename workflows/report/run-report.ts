/**
 * The steps every report workflow takes (county or city): work out the period from the scheduled
 * time, have the version stored, and for a 季通报's first version open an 约谈 (child workflow) for
 * each unit at the bottom of the ranking the policy's number of times in a row. Wiring only: the
 * rules are in ./rules.ts.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';
import type { ProduceReportArgs } from '../../activities/report/types';
import type { InterviewRequest } from '../interview/input';
import { interviewInput } from '../interview/input';
import { startInterviewChild } from '../interview/interview-workflow';
import type { ProducedReport, ReportInput, ReportResult } from './contracts';
import { interviewsDue, latenessOf, periodBefore, reportInterviewId } from './rules';

/** The time a Temporal Schedule meant this run for (its `TemporalScheduledStartTime`), or null. */
function scheduledStartTime(): number | null {
  const v = workflowInfo().searchAttributes?.TemporalScheduledStartTime?.[0] as unknown;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return Date.parse(v);
  return null;
}

/** How a report workflow stores its version and names the subject of an 约谈. */
export interface ReportSteps {
  produce(args: ProduceReportArgs): Promise<ProducedReport>;
  /** The subject and region chain of the 约谈 of a unit at the bottom. */
  interviewOf(unit: { code: string; name: string }): Pick<InterviewRequest, 'subject' | 'region'>;
}

/** Runs one report: `regionCode` is the county (or city) reported on. */
export async function runReport(regionCode: string, input: Omit<ReportInput, 'countyCode'>, steps: ReportSteps): Promise<ReportResult> {
  const info = workflowInfo();
  const scheduledAt = input.period ? null : scheduledStartTime();
  const runAt = Date.now();
  const period = input.period ?? periodBefore(input.cadence, scheduledAt ?? runAt);
  const { late, lateSeconds } = latenessOf(scheduledAt, runAt, input.lateAfterSeconds);
  const report = await steps.produce({
    requestKey: info.workflowId, countyCode: regionCode, kind: input.kind, period,
    scheduledAt: scheduledAt === null ? null : new Date(scheduledAt).toISOString(), runAt: new Date(runAt).toISOString(), late, lateSeconds,
    bottomCount: input.bottomCount, previousRuns: input.kind === 'QUARTERLY' ? input.interviewAfterBottomRuns - 1 : 0,
    policyVersion: input.interviewPolicy.version,
  });
  const interviews: string[] = [];
  // Interviews come from a period's first version: a re-run reports again, it does not interview again.
  if (input.kind === 'QUARTERLY' && report.version === 1) {
    const due = interviewsDue(report.bottom.map((b) => b.code), report.previousBottoms, input.interviewAfterBottomRuns);
    for (const b of report.bottom.filter((x) => due.includes(x.code))) {
      const processId = reportInterviewId(regionCode, input.kind, period, b.code);
      const reason = `季度通报连续${input.interviewAfterBottomRuns}期排名末位（${period.key}，报表 ${report.reportId}）`;
      try {
        await startInterviewChild(interviewInput({ processId, ...steps.interviewOf(b), reason, requestedBy: { processId: report.reportId, kind: 'REPORT' } }, input.interviewPolicy));
      } catch (err) {
        // A re-run of the period finds the interview its first version opened: one 约谈 per unit and period.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      interviews.push(processId);
    }
  }
  return { reportId: report.reportId, version: report.version, period, late: report.late, interviews };
}
