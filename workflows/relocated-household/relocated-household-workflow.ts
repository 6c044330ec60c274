/**
 * 易地搬迁户后续扶持工作流 — one relocated household's follow-up: a visit task (入户走访) for the
 * household's assistance contact (帮扶责任人, the case's active contact; the village when it has
 * none; a run started before the patch `relocated-visit-to-contact` keeps the visit it had open
 * with the village, and the visits it opens after the upgrade are the contact's) at a time, due a
 * month after the previous visit, reminded before its due time and
 * escalated up the hierarchy when overdue (the task block), recording the household's employment
 * status; employment updates between visits through an Update; a late visit is recorded. Ends
 * after the follow-up's visits (the transition period); long-lived, so it continues as new when
 * its history grows. Wiring only: ./rules holds the rules.
 */
import { continueAsNew, patched, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { ProcessActivities } from '../../activities/process/types';
import { ProcessSteps } from '../blocks/process-steps';
import { refuse } from '../refusals';
import type { ProcessUpdateResult } from '../process-contracts';
import type { ProcessTaskSpec } from '../process/draft';
import type { EmploymentArgs, RelocatedHouseholdInput } from './contracts';
import { RELOCATED_HOUSEHOLD_KIND, RELOCATED_VISIT_STEP, recordEmploymentUpdate } from './contracts';
import { applyEmploymentUpdate, employmentRefusal, recordVisit, relocatedHouseholdRules, relocatedHouseholdTitle, visitTaskSpec } from './rules';

const { activeCaseContact } = proxyLocalActivities<ProcessActivities>({ startToCloseTimeout: '10 seconds' });

/** The relocated household follow-up workflow. */
export async function relocatedHouseholdWorkflow(input: RelocatedHouseholdInput): Promise<{ processId: string; status: string; visits: number; lateVisits: number }> {
  const steps = new ProcessSteps(
    {
      processId: input.processId, kind: RELOCATED_HOUSEHOLD_KIND, title: relocatedHouseholdTitle(input.settlementName, input.processId), region: input.region,
      limits: input.limits, policyVersion: input.policyVersion, householdId: input.householdId, caseId: input.caseId,
      carried: input.carried?.core, maxHistoryEvents: input.maxHistoryEvents,
    },
    { rules: relocatedHouseholdRules(), initial: { status: 'FOLLOWING_UP', step: RELOCATED_VISIT_STEP, data: { settlementId: input.settlementId, visits: 0, lateVisits: 0, employment: null } } },
  );
  const validate = (a: EmploymentArgs): void => {
    if (steps.state.finished) refuse('WRONG_STATE', 'the follow-up has ended');
    const r = employmentRefusal(a);
    if (r) refuse(r.code, r.message, r.field);
  };
  setHandler(recordEmploymentUpdate, async (a): Promise<ProcessUpdateResult> => {
    await steps.transition((d) => {
      validate(a);
      applyEmploymentUpdate(d, a);
    });
    const s = steps.state;
    return { processId: s.processId, status: s.status, step: s.step, openTasks: s.openTasks.map((t) => ({ taskId: t.taskId, step: t.step, assigneeId: t.assigneeId })) };
  }, { validator: validate });
  await steps.start((d) => d.event({ action: 'RELOCATED_HOUSEHOLD_REGISTERED', actorId: input.registeredById, data: { settlementId: input.settlementId, caseId: input.caseId } }));

  while (Number(steps.state.data.visits ?? 0) < input.visits) {
    if (steps.shouldContinueAsNew()) {
      await continueAsNew<typeof relocatedHouseholdWorkflow>({ ...input, carried: { core: await steps.carried() } });
    }
    // A visit task carried over from the previous run is still the one to wait for.
    const open = steps.state.openTasks.find((t) => t.step === RELOCATED_VISIT_STEP);
    const taskId = open?.taskId ?? (await steps.openTasks([await visitSpec(input)]))[0];
    const dueAt = steps.state.openTasks.find((t) => t.taskId === taskId)?.dueAt;
    const decision = await steps.waitForDecision(taskId);
    const late = dueAt !== undefined && Date.parse(decision.at) > Date.parse(dueAt);
    await steps.transition((d) => recordVisit(d, decision.data, late));
  }
  await steps.finish('ENDED', (d) => d.event({ action: 'RELOCATED_FOLLOW_UP_ENDED', data: { visits: steps.state.data.visits } }));
  const end = await steps.end();
  return { processId: input.processId, status: end.status, visits: Number(end.data.visits ?? 0), lateVisits: Number(end.data.lateVisits ?? 0) };
}

/** The next visit's task: the case's contact's (read when it opens) once patched, the village's before. */
async function visitSpec(input: RelocatedHouseholdInput): Promise<ProcessTaskSpec> {
  if (!patched('relocated-visit-to-contact')) return { step: RELOCATED_VISIT_STEP, level: 'VILLAGE', limit: input.visitLimit };
  return visitTaskSpec(input.visitLimit, await activeCaseContact(input.caseId));
}
