/**
 * 公益岗位工作流 — one public-welfare job: village review → township approval (a return goes back
 * to the village) → the notice (公示, 10 days) → the agreement (start date, term ≤ 1 year) → an
 * IMPLEMENTED PUBLIC_WELFARE_JOB measure on the household's open case → each month an attendance
 * and wage confirmation task for the village (due the 10th of the next month; an unconfirmed month
 * is reminded and escalated to the township, then the county, by the task block; a late one is
 * recorded; an unpaid one opens a township task) → renewal or exit at the end of the term.
 * Wiring only: the process-steps block runs the tasks; ./rules holds the rules.
 */
import { condition, continueAsNew, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import { ProcessSteps } from '../blocks/process-steps';
import type { ProcessDraft } from '../process/draft';
import type { CaseMeasureArgs, CaseMeasureOutcome, ProgrammeActivities } from '../programme-contracts';
import type { ProcessDecision, ProcessUpdateResult } from '../process-contracts';
import type { WelfareJobInput, WelfareJobResult } from './contracts';
import { EARLY_EXIT_PATCH, RENEWAL_PATCH, WELFARE_JOB_KIND, WELFARE_JOB_STEPS as S, exitWelfareJobUpdate, fileWelfareJobObjectionUpdate } from './contracts';
import { exitEarly, fileJobObjection, importPost, monthClosesAt, noticeMs, recordWageMonth, validateEarlyExit, validateJobObjection, welfareJobRules, welfareJobTitle } from './rules';

/** Patch: an exit records the PUBLIC_WELFARE_JOB measure as ended on the case (added after release 0.3.0). */
export const EXIT_ENDS_MEASURE_PATCH = 'welfare-job-exit-ends-measure';

const { recordCaseMeasure, recordCaseMeasureOutcome } = proxyActivities<ProgrammeActivities>({
  startToCloseTimeout: '30 seconds',
  // The case may be busy or the server briefly away: retry, but not for ever (the job goes on without the measure).
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 20 },
});

/** The investigation's limit for a job started before objections were taken (its input has none). */
const INVESTIGATION_LIMIT = { unit: 'WORKING_DAYS', amount: 5 } as const;

const CHAIN = [{ step: S.VILLAGE_REVIEW, level: 'VILLAGE' as const }, { step: S.TOWNSHIP_APPROVAL, level: 'TOWNSHIP' as const }];

/** The public-welfare job workflow. */
export async function welfareJobWorkflow(input: WelfareJobInput): Promise<WelfareJobResult> {
  const steps = new ProcessSteps(
    {
      processId: input.processId, kind: WELFARE_JOB_KIND, title: welfareJobTitle(input.villageName, input.application.post, input.processId), region: input.region,
      limits: input.limits, policyVersion: input.policyVersion, householdId: input.householdId, caseId: input.caseId, carried: input.carried?.core,
    },
    { rules: welfareJobRules(input), initial: { status: input.imported ? 'IN_POST' : 'APPLIED', step: input.imported ? S.WAGE_CONFIRMATION : S.VILLAGE_REVIEW, data: { application: input.application } } },
  );
  // 提前退出: no command until an exit arrives; it ends the job in one commit, the months' loop then stops.
  setHandler(exitWelfareJobUpdate, async (args): Promise<ProcessUpdateResult> => {
    await steps.transition((d) => {
      validateEarlyExit(d.s, args);
      exitEarly(d, args);
    });
    const st = steps.state;
    return { processId: st.processId, status: st.status, step: st.step, openTasks: [] };
  }, { validator: (args) => validateEarlyExit(steps.state, args) });
  // 公示异议: no command until one arrives; its investigation task holds the notice open.
  const investigationLimit = input.stepLimits.INVESTIGATION ?? INVESTIGATION_LIMIT;
  setHandler(fileWelfareJobObjectionUpdate, async (args): Promise<ProcessUpdateResult> => {
    await steps.transition((d) => {
      validateJobObjection(d.s, args);
      fileJobObjection(d, args, investigationLimit);
    });
    const st = steps.state;
    return { processId: st.processId, status: st.status, step: st.step, openTasks: st.openTasks.map((t) => ({ taskId: t.taskId, step: t.step, assigneeId: t.assigneeId })) };
  }, { validator: (args) => validateJobObjection(steps.state, args) });
  if (input.carried) {
    // 续聘: the next term's agreement, then its months (the measure stays recorded on the case).
    await steps.start();
    await nextTerm(steps, input);
  } else if (input.imported) {
    // 存量岗位: enters in post; the measure and the monthly confirmations as for a post appointed through Bangfu.
    const post = input.imported;
    await steps.start((d) => importPost(d, post, input.appliedById));
    const outcome = await recordMeasure(input, post.startOn, { id: input.appliedById, role: 'COUNTY', regionCode: input.region.countyCode });
    await steps.transition((d) => {
      d.setData({ measure: outcome });
      d.event(measureEvent(input, outcome));
    });
    const agreedAt = Date.parse((steps.state.data.agreement as { agreedAt: string }).agreedAt);
    await confirmMonths(steps, input, post.startOn, agreedAt, (post.monthsConfirmed ?? 0) + 1, post.termMonths);
  } else {
    await appointedThroughBangfu(steps, input);
  }
  const end = await steps.end();
  return {
    processId: input.processId, status: end.status, measureRecorded: (end.data.measure as CaseMeasureOutcome | undefined)?.recorded === true,
    monthsConfirmed: (end.data.monthsConfirmed as number | undefined) ?? 0, monthsLate: (end.data.monthsLate as number | undefined) ?? 0,
  };
}

/** Review, approval, notice and agreement, then the months — the path of a post appointed through Bangfu. */
async function appointedThroughBangfu(steps: ProcessSteps, input: WelfareJobInput): Promise<void> {
  await steps.start((d) => d.event({ action: 'JOB_APPLIED', actorId: input.appliedById, data: { ...input.application } }));

  for (let i = 0; i < CHAIN.length && !steps.state.finished;) {
    const d = await steps.runTask({ step: CHAIN[i].step, level: CHAIN[i].level, limit: input.stepLimits[CHAIN[i].step] });
    i = d.action === 'RETURN' ? Math.max(0, i - 1) : i + 1;
  }
  if (!steps.state.finished) {
    const ms = noticeMs(input.policy);
    await steps.transition((d) => {
      d.setStatus('NOTICE', 'PUBLIC_NOTICE');
      d.setData({ noticeEndsAt: d.iso(d.now + ms) });
      d.event({ action: 'JOB_NOTICE_STARTED', data: { endsAt: d.iso(d.now + ms) } });
    });
    await sleep(ms, { summary: '公益岗位公示 public-welfare job notice' });
    // No command: the notice ends only once every objection is investigated; an upheld one rejected the application.
    await condition(() => steps.state.finished || !steps.state.openTasks.some((t) => t.step === S.INVESTIGATION));
    if (steps.state.finished) return;
    await steps.transition((d) => {
      d.setStatus('AGREEMENT', S.AGREEMENT);
      d.event({ action: 'JOB_NOTICE_ENDED' });
    });
    const agreement = await steps.runTask({ step: S.AGREEMENT, level: 'TOWNSHIP', limit: input.stepLimits.AGREEMENT });
    const startOn = agreement.data.startOn as string;
    const termMonths = agreement.data.termMonths as number;
    const outcome = await recordMeasure(input, startOn, { id: agreement.actorId, role: 'TOWNSHIP', regionCode: input.region.townshipCode });
    await steps.transition((d) => {
      d.setData({ measure: outcome });
      d.event(measureEvent(input, outcome));
    });

    await confirmMonths(steps, input, startOn, Date.parse(agreement.at), 1, termMonths);
  }
}

/** Each month from `from` to `termMonths`: the month closes, the village confirms attendance and wage; then renewal or exit. An early exit stops the months. */
async function confirmMonths(steps: ProcessSteps, input: WelfareJobInput, startOn: string, agreedAt: number, from: number, termMonths: number): Promise<void> {
  for (let month = from; month <= termMonths && !steps.state.finished; month++) {
    const closes = monthClosesAt(input.policy, startOn, agreedAt, month);
    if (closes > Date.now()) {
      if (patched(EARLY_EXIT_PATCH)) await condition(() => steps.state.finished, closes - Date.now());
      else await sleep(closes - Date.now(), { summary: `公益岗位第${month}月 month ${month} closes` });
    }
    if (steps.state.finished) break;
    let taskId = '';
    await steps.transition((d) => {
      if (d.s.finished) return;
      taskId = d.openTask({ step: S.WAGE_CONFIRMATION, level: 'VILLAGE', limit: input.stepLimits.WAGE_CONFIRMATION });
      d.event({ action: 'WAGE_MONTH_CLOSED', data: { month } });
    });
    if (!taskId) break;
    const dueAt = steps.state.openTasks.find((t) => t.taskId === taskId)?.dueAt;
    const decision = await decisionOrEnd(steps, taskId);
    if (!decision) break;
    const late = dueAt !== undefined && Date.parse(decision.at) > Date.parse(dueAt);
    await steps.transition((d) => recordWageMonth(d, month, decision.data, late, input.stepLimits.WAGE_ARREARS));
  }
  if (steps.state.finished) {
    if (steps.state.data.exit) await endMeasureOnCase(steps, input, (steps.state.data.exit as { at: string }).at, exitActor(steps, input));
    return;
  }
  const renewsInPlace = patched(RENEWAL_PATCH);
  await steps.transition((d) => {
    d.setStatus('IN_POST', S.END_OF_TERM);
    if (renewsInPlace) d.setData({ renewal: 'NEXT_TERM' });
  });
  // runTask as before the renewal patch (same command order on replay); an early exit meanwhile ends the wait.
  const end = await steps.runTask({ step: S.END_OF_TERM, level: 'TOWNSHIP', limit: input.stepLimits.END_OF_TERM }).catch((err: unknown) => {
    if (steps.state.finished && steps.state.data.exit) return null;
    throw err;
  });
  if (!end) {
    await endMeasureOnCase(steps, input, (steps.state.data.exit as { at: string }).at, exitActor(steps, input));
  } else if (end.data.outcome === 'EXIT') {
    await endMeasureOnCase(steps, input, end.at, { id: end.actorId, role: 'TOWNSHIP', regionCode: input.region.townshipCode });
  } else if (!steps.state.finished) {
    // 续聘: the next term runs as a new run of the same workflow (its history starts afresh); the job stays open.
    const term = steps.state.data.term as number;
    const { imported: _imported, ...rest } = input;
    await continueAsNew<typeof welfareJobWorkflow>({ ...rest, carried: { core: await steps.carried(), term } });
  }
}

/** The next term of a renewed job: the township records its agreement, then its months run (an early exit may end it first). */
async function nextTerm(steps: ProcessSteps, input: WelfareJobInput): Promise<void> {
  const [id] = await steps.openTasks([{ step: S.AGREEMENT, level: 'TOWNSHIP', limit: input.stepLimits.AGREEMENT }]);
  const agreement = await decisionOrEnd(steps, id);
  if (!agreement) {
    if (steps.state.data.exit) await endMeasureOnCase(steps, input, (steps.state.data.exit as { at: string }).at, exitActor(steps, input));
    return;
  }
  await confirmMonths(steps, input, agreement.data.startOn as string, Date.parse(agreement.at), 1, agreement.data.termMonths as number);
}

/** A task's decision, or null when the job ended first (提前退出 cancels the open tasks). */
async function decisionOrEnd(steps: ProcessSteps, taskId: string): Promise<ProcessDecision | null> {
  const found = (): ProcessDecision | undefined => steps.state.decisions.find((d) => d.taskId === taskId);
  // No command: a condition without a timeout adds nothing to the history.
  await condition(() => found() !== undefined || steps.state.finished);
  return found() ?? null;
}

/** Who recorded the early exit, as the case's measure activity takes the actor. */
function exitActor(steps: ProcessSteps, input: WelfareJobInput): CaseMeasureArgs['actor'] {
  const by = (steps.state.data.exit as { by?: CaseMeasureArgs['actor'] }).by;
  return by && ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'].includes(by.role) ? by : { id: input.appliedById, role: 'TOWNSHIP', regionCode: input.region.townshipCode };
}

/** Ends the PUBLIC_WELFARE_JOB measure on the case when the job ends (期满退出 or 提前退出); a failure is an outcome. */
async function endMeasureOnCase(steps: ProcessSteps, input: WelfareJobInput, at: string, actor: CaseMeasureArgs['actor']): Promise<void> {
  const measure = steps.state.data.measure as CaseMeasureOutcome | undefined;
  if (!(measure?.recorded && patched(EXIT_ENDS_MEASURE_PATCH))) return;
  const r: CaseMeasureOutcome = await recordCaseMeasureOutcome({
    householdId: input.householdId, measureId: `${input.processId}-M`, processId: input.processId, outcome: 'ENDED', endedOn: beijingDate(Date.parse(at)), actor,
  }).catch((err: unknown) => ({ recorded: false as const, reason: String((err as Error).message ?? err).slice(0, 200) }));
  await steps.transition((d) => {
    d.setData({ measureEnded: r.recorded });
    d.event(r.recorded ? { action: 'MEASURE_ENDED_ON_CASE', data: { caseId: r.caseId } } : { action: 'MEASURE_END_NOT_RECORDED', comment: r.reason });
  });
}

/** The date (Beijing) at `ms`, YYYY-MM-DD. */
function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Records the IMPLEMENTED PUBLIC_WELFARE_JOB measure on the household's open case; a failure is an outcome (the job goes on). */
function recordMeasure(input: WelfareJobInput, startOn: string, actor: CaseMeasureArgs['actor']): Promise<CaseMeasureOutcome> {
  return recordCaseMeasure({
    householdId: input.householdId, measureId: `${input.processId}-M`, type: 'PUBLIC_WELFARE_JOB',
    description: `公益岗位 ${input.application.post}（${input.processId}）`, implementedOn: startOn, actor,
  }).catch((err: unknown) => ({ recorded: false as const, reason: String((err as Error).message ?? err).slice(0, 200) }));
}

/** The job's audit line of what recording the measure did. */
function measureEvent(input: WelfareJobInput, outcome: CaseMeasureOutcome): Parameters<ProcessDraft['event']>[0] {
  return outcome.recorded
    ? { action: 'MEASURE_RECORDED_ON_CASE', data: { caseId: outcome.caseId, measureId: `${input.processId}-M`, type: 'PUBLIC_WELFARE_JOB' } }
    : { action: 'MEASURE_NOT_RECORDED', comment: outcome.reason };
}
