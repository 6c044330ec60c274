/**
 * 措施回写 — records a programme's measure (MICROCREDIT, PUBLIC_WELFARE_JOB) on the household's
 * open case through the case workflow's own Updates, so the case's rules (e.g. elimination needs
 * an implemented measure) see it at once: `recordMeasure`, then `updateMeasure` to IMPLEMENTED.
 *
 * Idempotent by measure id: a retry finds the measure recorded (DUPLICATE) or already implemented
 * (WRONG_STATE on that measure) and goes on. A household with no open case, or a case that takes
 * no measures now, is an outcome (`recorded: false`), not a failure.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { caseWorkflowId, recordMeasureUpdate, recordProgrammeOutcomeUpdate, stateQuery, updateMeasureUpdate } from '../../workflows/contracts';
import type { CaseMeasureArgs, CaseMeasureOutcome, CaseMeasureOutcomeArgs, ProgrammeActivities } from '../../workflows/programme-contracts';

/** The refusal type of an Update failure, or null. */
function refusalOf(err: unknown): string | null {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? null) : null;
}

/** Records the measure on the household's case with `client`. */
export async function recordCaseMeasureWith(client: Client, a: CaseMeasureArgs): Promise<CaseMeasureOutcome> {
  const handle = client.workflow.getHandle(caseWorkflowId(a.householdId));
  let caseId: string;
  try {
    const state = await handle.query(stateQuery);
    caseId = state.caseId;
    await handle.executeUpdate(recordMeasureUpdate, { args: [{ measureId: a.measureId, type: a.type, description: a.description, actor: a.actor }] });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { recorded: false, reason: 'the household has no open case' };
    const refusal = refusalOf(err);
    if (refusal !== 'DUPLICATE') {
      if (refusal) return { recorded: false, reason: `the case refused the measure (${refusal})` };
      if (/already completed/i.test((err as Error).message)) return { recorded: false, reason: 'the household has no open case' };
      throw err;
    }
    caseId = (await handle.query(stateQuery)).caseId;
  }
  try {
    await handle.executeUpdate(updateMeasureUpdate, { args: [{ measureId: a.measureId, status: 'IMPLEMENTED', implementedOn: a.implementedOn, actor: a.actor }] });
  } catch (err) {
    const state = await handle.query(stateQuery).catch(() => null);
    if (state?.measures.find((m) => m.measureId === a.measureId)?.status !== 'IMPLEMENTED') {
      const refusal = refusalOf(err);
      if (refusal) return { recorded: false, reason: `the case refused to mark the measure implemented (${refusal})` };
      throw err;
    }
  }
  return { recorded: true, caseId };
}

/** Records a programme's finding or end on its measure of the household's case with `client`. */
export async function recordCaseMeasureOutcomeWith(client: Client, a: CaseMeasureOutcomeArgs): Promise<CaseMeasureOutcome> {
  const handle = client.workflow.getHandle(caseWorkflowId(a.householdId));
  try {
    const state = await handle.query(stateQuery);
    await handle.executeUpdate(recordProgrammeOutcomeUpdate, {
      args: [{ measureId: a.measureId, processId: a.processId, outcome: a.outcome, ...(a.use ? { use: a.use } : {}), ...(a.endedOn ? { endedOn: a.endedOn } : {}), ...(a.comment ? { comment: a.comment } : {}), actor: a.actor }],
    });
    return { recorded: true, caseId: state.caseId };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { recorded: false, reason: 'the household has no open case' };
    const refusal = refusalOf(err);
    if (refusal === 'DUPLICATE') return { recorded: true, caseId: (await handle.query(stateQuery)).caseId };
    if (refusal) return { recorded: false, reason: `the case refused it (${refusal})` };
    if (/already completed/i.test((err as Error).message)) return { recorded: false, reason: 'the household has no open case' };
    throw err;
  }
}

/** The programme activities, on the worker's own client. */
export function programmeActivities(): ProgrammeActivities {
  return {
    recordCaseMeasure: (a) => recordCaseMeasureWith(Context.current().client, a),
    recordCaseMeasureOutcome: (a) => recordCaseMeasureOutcomeWith(Context.current().client, a),
  };
}
