/**
 * 集中排查工作流 — a screening campaign of a county's villages. At the launch, one commit writes
 * the ledger (every roster household of the villages) and opens one task per grid for its grid
 * worker (网格员) and one per village for its meeting and ledger close; the grid worker records
 * each household's visit (Update {@link recordVisitUpdate}) and submits the grid; the village
 * records its meeting and closes its ledger once every household is settled; then each township
 * reviews coverage with a random sample (its size a policy value), and the county reads the
 * summary. Late tasks are reminded and escalated by the process-steps block like any other.
 * Wiring only: the rules are in ./rules.ts.
 */
import { condition, continueAsNew, patched, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { CampaignActivities, CampaignCommitCounts } from '../../activities/campaign/types';
import type { ProcessSnapshot } from '../process-contracts';
import { ProcessSteps } from '../blocks/process-steps';
import { escalationChain } from '../blocks/task';
import type { CampaignInput, RecordVisitArgs, RecordVisitResult } from './contracts';
import { CAMPAIGN_KIND, CAMPAIGN_STEPS, recordVisitUpdate } from './contracts';
import type { CampaignState } from './rules';
import {
  campaignStepRules, initialCampaignState, isReviewReturn, readyForSummary, returnPlan, townshipsReadyForReview, validateVisit, withCounts, withDecision,
  withReturn,
} from './rules';

/**
 * Patch of release 0.4.0: a township may return its review to villages (退回重新排查), which opens
 * their ledger and grid tasks again. Campaigns started before it replay without it.
 */
export const REVIEW_RETURN_PATCH = 'campaign-review-return';

const { commitCampaignTransition } = proxyLocalActivities<CampaignActivities>({
  startToCloseTimeout: '30 seconds',
  // Database faults are transient: retry with backoff up to a minute apart (as the process core does).
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Title of a campaign (no personal data). */
export function campaignTitle(name: string): string {
  return `集中排查：${name}`;
}

/** The screening campaign workflow. Returns the final snapshot (the summary's figures are in its data). */
export async function screeningCampaignWorkflow(input: CampaignInput): Promise<ProcessSnapshot> {
  // Decided once per run, before any command: a run replayed from an older release keeps the old steps.
  const reviewReturn = patched(REVIEW_RETURN_PATCH);
  let cs: CampaignState = input.carried?.campaign ?? initialCampaignState(input);
  let last: { counts: CampaignCommitCounts; sampled: Record<string, number> } = { counts: { grids: {}, villages: {} }, sampled: {} };
  const region = { countyCode: input.countyCode };
  const steps = new ProcessSteps(
    {
      processId: input.processId, kind: CAMPAIGN_KIND, title: campaignTitle(input.name), region, limits: input.limits, policyVersion: input.policyVersion,
      maxHistoryEvents: input.maxHistoryEvents, carried: input.carried?.core,
    },
    {
      rules: campaignStepRules(() => cs, { reviewReturn }),
      initial: { status: 'SCREENING', step: CAMPAIGN_STEPS.GRID, data: { name: input.name, deadline: input.deadline, sampleSize: input.sampleSize, villages: input.villages.map((v) => v.code) } },
      commit: async (a) => {
        const r = await commitCampaignTransition(a);
        last = { counts: r.counts, sampled: r.sampled };
        return r;
      },
    },
  );
  setHandler(recordVisitUpdate, async (a: RecordVisitArgs): Promise<RecordVisitResult> => {
    const grid = cs.grids[a.gridId];
    await steps.transition((d) => {
      // Again in turn: a grid submitted meanwhile takes no more visits.
      validateVisit(cs, steps.state.openTasks, a);
      d.event({
        action: 'VISIT_RECORDED', actorId: a.actor.id, comment: a.note,
        data: { householdId: a.householdId, gridId: a.gridId, villageCode: grid.villageCode, result: a.result, ...(a.caseId ? { caseId: a.caseId } : {}) },
      });
    });
    cs = withCounts(cs, last.counts);
    const g = cs.grids[a.gridId];
    const v = cs.villages[g.villageCode];
    return { gridId: a.gridId, grid: { total: g.total, settled: g.settled }, village: { total: v.total, settled: v.settled } };
  }, { validator: (a: RecordVisitArgs) => validateVisit(cs, steps.state.openTasks, a) });

  // The launch: the ledger rows, one task per grid (its worker) and one per village (its ledger), in one commit.
  // A run carried over by continue-as-new skips it (start() commits nothing then).
  const gridTasks: [string, string][] = [];
  const villageTasks: [string, string][] = [];
  await steps.start((d) => {
    d.event({
      action: 'CAMPAIGN_LAUNCHED', actorId: input.launchedBy, comment: input.name,
      data: { villages: input.villages.map((v) => ({ code: v.code, townshipCode: v.townshipCode })), gridIds: input.grids.map((g) => g.gridId), deadline: input.deadline },
    });
    for (const g of input.grids) {
      const r = { countyCode: input.countyCode, townshipCode: g.townshipCode, villageCode: g.villageCode };
      gridTasks.push([g.gridId, d.openTask({ step: CAMPAIGN_STEPS.GRID, level: 'VILLAGE', regionCode: g.villageCode, assigneeId: g.workerId, limit: input.stepLimits.GRID_SCREENING, escalationChain: escalationChain('VILLAGE', r) })]);
    }
    for (const v of input.villages) {
      const r = { countyCode: input.countyCode, townshipCode: v.townshipCode, villageCode: v.code };
      villageTasks.push([v.code, d.openTask({ step: CAMPAIGN_STEPS.LEDGER, level: 'VILLAGE', regionCode: v.code, limit: input.stepLimits.VILLAGE_LEDGER, escalationChain: escalationChain('VILLAGE', r) })]);
    }
    // Which grid each grid task covers (the grid worker's page reads it).
    d.setData({ gridTasks: Object.fromEntries(gridTasks.map(([gridId, taskId]) => [taskId, gridId])) });
  });
  if (!input.carried) {
    cs = withCounts(cs, last.counts);
    for (const [gridId, taskId] of gridTasks) cs.grids[gridId] = { ...cs.grids[gridId], taskId };
    for (const [code, taskId] of villageTasks) cs.villages[code] = { ...cs.villages[code], taskId };
  }

  /** A township's return: the villages' ledgers (and the grids asked for) reopen with new tasks, mailed by link, in one commit. */
  const reopen = async (decision: (typeof steps.state.decisions)[number]): Promise<void> => {
    const plan = returnPlan(cs, decision);
    const opened = { villages: {} as Record<string, string>, grids: {} as Record<string, string> };
    await steps.transition((d) => {
      const known = (steps.state.data.gridTasks ?? {}) as Record<string, string>;
      for (const gridId of plan.grids) {
        const g = input.grids.find((x) => x.gridId === gridId)!;
        const r = { countyCode: input.countyCode, townshipCode: g.townshipCode, villageCode: g.villageCode };
        opened.grids[gridId] = d.openTask({ step: CAMPAIGN_STEPS.GRID, level: 'VILLAGE', regionCode: g.villageCode, assigneeId: cs.grids[gridId].workerId, limit: input.stepLimits.GRID_SCREENING, escalationChain: escalationChain('VILLAGE', r) });
      }
      for (const code of plan.villages) {
        const v = cs.villages[code];
        d.event({ action: 'LEDGER_REOPENED', actorId: decision.actorId, comment: decision.reason, data: { villageCode: code, townshipCode: v.townshipCode, grids: plan.grids.filter((id) => cs.grids[id].villageCode === code) } });
        const r = { countyCode: input.countyCode, townshipCode: v.townshipCode, villageCode: code };
        opened.villages[code] = d.openTask({ step: CAMPAIGN_STEPS.LEDGER, level: 'VILLAGE', regionCode: code, limit: input.stepLimits.VILLAGE_LEDGER, escalationChain: escalationChain('VILLAGE', r) });
      }
      d.setData({ gridTasks: { ...known, ...Object.fromEntries(Object.entries(opened.grids).map(([gridId, taskId]) => [taskId, gridId])) } });
      d.setStatus('SCREENING', plan.grids.length > 0 ? CAMPAIGN_STEPS.GRID : CAMPAIGN_STEPS.LEDGER);
    });
    cs = withCounts(withReturn(cs, decision, opened), last.counts);
  };

  const unhandled = () => steps.state.decisions.filter((d) => !cs.handled.includes(d.taskId));
  while (!cs.summarised && !steps.state.finished) {
    await condition(() => unhandled().length > 0 || steps.state.finished || steps.shouldContinueAsNew());
    if (unhandled().length === 0 && !steps.state.finished && steps.shouldContinueAsNew()) {
      // A county's visits make a long history: carry the state onto a new run (open tasks, timers and counts go with it).
      const core = await steps.carried();
      await continueAsNew<typeof screeningCampaignWorkflow>({ ...input, carried: { core, campaign: cs } });
    }
    for (const d of unhandled()) {
      if (reviewReturn && isReviewReturn(d)) await reopen(d);
      else cs = withDecision(cs, d.taskId);
    }
    for (const code of townshipsReadyForReview(cs)) {
      let taskId = '';
      await steps.transition((d) => {
        d.event({ action: 'SAMPLE_DRAWN', data: { townshipCode: code, size: input.sampleSize } });
        const r = { countyCode: input.countyCode, townshipCode: code, villageCode: code };
        taskId = d.openTask({ step: CAMPAIGN_STEPS.REVIEW, level: 'TOWNSHIP', regionCode: code, limit: input.stepLimits.TOWNSHIP_REVIEW, escalationChain: escalationChain('TOWNSHIP', r) });
        d.setStatus('REVIEWING', CAMPAIGN_STEPS.REVIEW);
      });
      cs.townships[code] = { ...cs.townships[code], taskId, sampled: last.sampled[code] ?? 0 };
    }
    if (readyForSummary(cs)) {
      let taskId = '';
      await steps.transition((d) => {
        d.event({ action: 'SUMMARY_DRAWN' });
        taskId = d.openTask({ step: CAMPAIGN_STEPS.SUMMARY, level: 'COUNTY', regionCode: input.countyCode, limit: input.stepLimits.COUNTY_SUMMARY });
        d.setStatus('SUMMARY', CAMPAIGN_STEPS.SUMMARY);
      });
      cs = { ...cs, summaryTaskId: taskId };
    }
  }
  await steps.finish('COMPLETED', (d) => d.event({ action: 'CAMPAIGN_COMPLETED' }));
  return steps.end();
}
