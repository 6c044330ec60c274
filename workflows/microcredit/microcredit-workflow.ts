/**
 * 小额信贷工作流 — one microcredit loan: village check → township check (a return goes back to the
 * village) → the bank's decision and disbursement, recorded by the county's finance official →
 * an IMPLEMENTED MICROCREDIT measure on the household's open case → the use check (30 days) →
 * repayment reminders → the due date → repaid, or overdue graded 1–30 / 31–90 / > 90 days with a
 * follow-up task at each grade and the > 90-day loan listed for the risk-compensation fund.
 * Wiring only: the process-steps block runs the tasks; ./rules holds the rules.
 */
import { condition, continueAsNew, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import { ProcessSteps } from '../blocks/process-steps';
import { DurableTimers } from '../blocks/timers';
import { refuse } from '../refusals';
import type { ProcessDraft } from '../process/draft';
import type { CaseMeasureArgs, CaseMeasureOutcome, LoanExtensionArgs, MicrocreditInput, MicrocreditResult, ProgrammeActivities } from './contracts';
import { MICROCREDIT_KIND, MICROCREDIT_STEPS as S, requestLoanExtensionUpdate } from './contracts';
import { CHECK_CHAIN, applyMilestones, dueMilestones, extensionRefusal, importDisbursedLoan, microcreditRules, microcreditTitle, nextMilestone, requestExtension } from './rules';

/** Patch: a long loan continues as new between milestones (added after release 0.3.0). */
export const CONTINUE_AS_NEW_PATCH = 'microcredit-continue-as-new';
/** Patch: a refused use check is recorded on the household's case (added after release 0.3.0). */
export const USE_FINDING_PATCH = 'microcredit-use-finding-on-case';

const { recordCaseMeasure, recordCaseMeasureOutcome } = proxyActivities<ProgrammeActivities>({
  startToCloseTimeout: '30 seconds',
  // The case may be busy or the server briefly away: retry, but not for ever (the loan goes on without the measure).
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 20 },
});

/** The microcredit workflow. */
export async function microcreditWorkflow(input: MicrocreditInput): Promise<MicrocreditResult> {
  const steps = new ProcessSteps(
    {
      processId: input.processId, kind: MICROCREDIT_KIND, title: microcreditTitle(input.villageName, input.processId), region: input.region,
      limits: input.limits, policyVersion: input.policyVersion, householdId: input.householdId, caseId: input.caseId,
      carried: input.carried?.core, maxHistoryEvents: input.maxHistoryEvents,
    },
    { rules: microcreditRules(input), initial: { status: input.imported ? 'DISBURSED' : 'APPLIED', step: input.imported ? null : S.VILLAGE_CHECK, data: { application: input.application } } },
  );
  const validateExtension = (a: LoanExtensionArgs): void => {
    const r = extensionRefusal(steps.state, a, input.policy);
    if (r) refuse(r.code, r.message, r.field);
  };
  setHandler(requestLoanExtensionUpdate, async (a) => {
    await steps.transition((d) => {
      validateExtension(a);
      requestExtension(d, a, input.stepLimits.EXTENSION_APPROVAL);
    });
    const s = steps.state;
    return { processId: s.processId, status: s.status, step: s.step, openTasks: s.openTasks.map((t) => ({ taskId: t.taskId, step: t.step, assigneeId: t.assigneeId })) };
  }, { validator: validateExtension });
  if (input.carried) {
    // A continued run: the loan is disbursed; its schedule (and a use finding not yet on the case) goes on.
    await steps.start();
    const measure = steps.state.data.measure as CaseMeasureOutcome | undefined;
    const finding = measure && steps.state.data.useFinding === undefined && !input.imported ? useFindingOnCase(steps, input, measure) : Promise.resolve();
    await runSchedule(steps, input, finding);
    await finding;
    const end = await steps.end();
    return { processId: input.processId, status: end.status, measureRecorded: measure?.recorded === true };
  }
  if (input.imported) {
    // 存量贷款: enters disbursed; the measure and the schedule as for a loan lent through Bangfu.
    const loan = input.imported;
    await steps.start((d) => importDisbursedLoan(d, input.policy, loan, input.appliedById));
    const outcome = await recordMeasure(input, loan, { id: input.appliedById, role: 'COUNTY', regionCode: input.region.countyCode });
    await steps.transition((d) => {
      d.setData({ measure: outcome });
      d.event(measureEvent(input, outcome));
    });
    await runSchedule(steps, input, Promise.resolve());
    const end = await steps.end();
    return { processId: input.processId, status: end.status, measureRecorded: outcome.recorded };
  }
  await steps.start((d) => d.event({ action: 'LOAN_APPLIED', actorId: input.appliedById, data: { ...input.application } }));

  // Village and township checks; a township return goes back to the village.
  for (let i = 0; i < CHECK_CHAIN.length && !steps.state.finished;) {
    const { step, level } = CHECK_CHAIN[i];
    const d = await steps.runTask({ step, level, limit: input.stepLimits[step] });
    i = d.action === 'RETURN' ? Math.max(0, i - 1) : i + 1;
  }
  if (!steps.state.finished) {
    await steps.transition((d) => d.setStatus('APPLIED', S.BANK_DECISION));
    const bank = await steps.runTask({ step: S.BANK_DECISION, level: 'COUNTY', limit: input.stepLimits.BANK_DECISION });
    if (!steps.state.finished) {
      const loan = steps.state.data.loan as { amount: number; disbursedOn: string };
      const outcome = await recordMeasure(input, loan, { id: bank.actorId, role: 'COUNTY', regionCode: input.region.countyCode });
      await steps.openTasks([{ step: S.USE_CHECK, level: 'VILLAGE', limit: input.stepLimits.USE_CHECK }], (d) => {
        d.setData({ measure: outcome });
        d.event(measureEvent(input, outcome));
      });
      const finding = patched(USE_FINDING_PATCH) ? useFindingOnCase(steps, input, outcome) : Promise.resolve();
      await runSchedule(steps, input, finding);
      await finding;
    }
  }
  const end = await steps.end();
  return { processId: input.processId, status: end.status, measureRecorded: (end.data.measure as CaseMeasureOutcome | undefined)?.recorded === true };
}

/** Once the use check is decided: a refused use (户贷企用, consumption, building, not used) is recorded as a finding on the case's MICROCREDIT measure. */
async function useFindingOnCase(steps: ProcessSteps, input: MicrocreditInput, measure: CaseMeasureOutcome): Promise<void> {
  await condition(() => steps.state.data.useCheck !== undefined || steps.state.finished);
  const check = steps.state.data.useCheck as { use: string; ok: boolean; notes: string | null } | undefined;
  if (!check || check.ok || !measure.recorded) return;
  const by = steps.state.decisions.find((x) => x.step === S.USE_CHECK)?.actorId ?? input.appliedById;
  const r: CaseMeasureOutcome = await recordCaseMeasureOutcome({
    householdId: input.householdId, measureId: `${input.processId}-M`, processId: input.processId, outcome: 'LOAN_USE_REFUSED', use: check.use,
    ...(check.notes ? { comment: check.notes } : {}), actor: { id: by, role: 'VILLAGE', regionCode: input.region.villageCode },
  }).catch((err: unknown) => ({ recorded: false as const, reason: String((err as Error).message ?? err).slice(0, 200) }));
  await steps.transition((d) => {
    d.setData({ useFinding: r.recorded });
    d.event(r.recorded ? { action: 'USE_FINDING_RECORDED_ON_CASE', data: { caseId: r.caseId, use: check.use } } : { action: 'USE_FINDING_NOT_RECORDED', comment: r.reason });
  });
}

/** Records the IMPLEMENTED MICROCREDIT measure on the household's open case; a failure is an outcome (the loan goes on). */
function recordMeasure(input: MicrocreditInput, loan: { amount: number; disbursedOn: string }, actor: CaseMeasureArgs['actor']): Promise<CaseMeasureOutcome> {
  return recordCaseMeasure({
    householdId: input.householdId, measureId: `${input.processId}-M`, type: 'MICROCREDIT',
    description: `小额信贷 ${loan.amount} 元（${input.processId}）`, implementedOn: loan.disbursedOn, actor,
  }).catch((err: unknown) => ({ recorded: false as const, reason: String((err as Error).message ?? err).slice(0, 200) }));
}

/** The loan's audit line of what recording the measure did. */
function measureEvent(input: MicrocreditInput, outcome: CaseMeasureOutcome): Parameters<ProcessDraft['event']>[0] {
  return outcome.recorded
    ? { action: 'MEASURE_RECORDED_ON_CASE', data: { caseId: outcome.caseId, measureId: `${input.processId}-M`, type: 'MICROCREDIT' } }
    : { action: 'MEASURE_NOT_RECORDED', comment: outcome.reason };
}

/**
 * Waits for each milestone of the repayment schedule (a named timer) until the loan ends; between
 * milestones a long history continues as new, carrying the state (not while `finding` still runs).
 */
async function runSchedule(steps: ProcessSteps, input: MicrocreditInput, finding: Promise<void>): Promise<void> {
  const timers = new DurableTimers();
  let findingDone = false;
  void finding.then(() => {
    findingDone = true;
  });
  while (!steps.state.finished) {
    if (findingDone && steps.shouldContinueAsNew() && patched(CONTINUE_AS_NEW_PATCH)) {
      timers.cancelAll();
      await continueAsNew<typeof microcreditWorkflow>({ ...input, carried: { core: await steps.carried() } });
    }
    const next = nextMilestone(steps.state.data);
    if (!next) {
      await condition(() => steps.state.finished);
      break;
    }
    timers.fired = false;
    timers.sync(new Map([[next.name, { at: next.at, summary: next.summary }]]), Date.now());
    // An approved extension moves the schedule: wake and wait for the new next milestone.
    await condition(() => timers.fired || steps.state.finished || nextMilestone(steps.state.data)?.at !== next.at);
    if (steps.state.finished) break;
    // Read again inside the commit: a decision may have ended the loan meanwhile.
    await steps.transition((d) => {
      if (!d.s.finished) applyMilestones(d, input, dueMilestones(d.s.data, d.now));
    });
  }
  timers.cancelAll();
}
