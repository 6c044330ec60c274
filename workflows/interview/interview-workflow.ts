/**
 * 约谈工作流 — the interview of a unit (village, township or county) that fell behind: one task for
 * its supervisor, with a working-day deadline, a reminder and escalations, completed by recording
 * the outcome (held, date, notes). Started by the API or as a child workflow of a report or a fund
 * project (see `startInterviewChild`). Wiring only: the process-steps block does the rest.
 */
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { ChildWorkflowHandle } from '@temporalio/workflow';
import type { InterviewAuditAction, InterviewInput, InterviewResult } from '../process-contracts';
import { INTERVIEW_KIND, INTERVIEW_STEP, processWorkflowId } from '../process-contracts';
import { ProcessSteps } from '../blocks/process-steps';
import { INTERVIEW_RULES, interviewOutcomeOf, interviewTitle } from './rules';

/** The 约谈 workflow. Returns the outcome the supervisor recorded. */
export async function interviewWorkflow(input: InterviewInput): Promise<InterviewResult> {
  const steps = new ProcessSteps(
    { processId: input.processId, kind: INTERVIEW_KIND, title: interviewTitle(input.subject), region: input.region, limits: input.limits, policyVersion: input.policyVersion },
    { rules: INTERVIEW_RULES, initial: { status: 'OPEN', step: INTERVIEW_STEP, data: { subject: input.subject, reason: input.reason, requestedBy: input.requestedBy ?? null } } },
  );
  await steps.start((d) => d.event({ action: 'INTERVIEW_REQUESTED' satisfies InterviewAuditAction, actorId: input.requestedBy?.officialId, comment: input.reason, data: { subject: input.subject } }));
  const decision = await steps.runTask({ step: INTERVIEW_STEP, level: input.level, regionCode: input.supervisorRegionCode, assigneeId: input.supervisorId, limit: input.limit });
  await steps.end();
  return { processId: input.processId, outcome: interviewOutcomeOf(decision.data), decidedById: decision.actorId };
}

/**
 * Starts a 约谈 as a child of the calling workflow (a report, a fund project). The child outlives
 * its parent (ABANDON), and its id derives from the process id, so a replayed or repeated start
 * never makes a second interview. Build the input with `interviewInput` (api/services/start-interview.ts)
 * or pin the limits from the parent's own policy.
 */
export function startInterviewChild(input: InterviewInput): Promise<ChildWorkflowHandle<typeof interviewWorkflow>> {
  return startChild(interviewWorkflow, {
    workflowId: processWorkflowId(input.processId), args: [input], parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `约谈 interview ${input.processId}`,
  });
}
