/** The screening campaign's pure rules (集中排查): visits, grid submission, ledger close, township review, next steps. */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { AnyTaskState } from '../../workflows/blocks/task';
import type { Actor } from '../../workflows/contracts';
import type { CampaignState } from '../../workflows/campaign/rules';
import {
  campaignStepRules, gridSubmitRefusal, initialCampaignState, isFinalResult, ledgerCloseRefusal, readyForSummary, reviewRefusal,
  isReviewReturn, returnPlan, townshipsReadyForReview, validateVisit, withCounts, withDecision, withReturn,
} from '../../workflows/campaign/rules';
import { CAMPAIGN_STEPS } from '../../workflows/campaign/contracts';
import { assertActsOnTask } from '../../workflows/blocks/task-rules';

const worker: Actor = { id: 'w1', role: 'VILLAGE', regionCode: 'v1' };
const NOW = Date.parse('2026-06-01T04:00:00Z');

function state(): CampaignState {
  const s = initialCampaignState({
    grids: [{ gridId: 'g1', name: '一网格', villageCode: 'v1', townshipCode: 't1', workerId: 'w1' }, { gridId: 'g2', name: '二网格', villageCode: 'v2', townshipCode: 't2', workerId: 'w2' }],
    villages: [{ code: 'v1', name: '甲村', townshipCode: 't1' }, { code: 'v2', name: '乙村', townshipCode: 't2' }],
    townships: [{ code: 't1', name: '甲镇' }, { code: 't2', name: '乙镇' }],
  });
  s.grids.g1.taskId = 'T-g1';
  s.grids.g2.taskId = 'T-g2';
  s.villages.v1.taskId = 'T-v1';
  s.villages.v2.taskId = 'T-v2';
  return withCounts(s, { grids: { g1: { total: 3, settled: 0 }, g2: { total: 2, settled: 0 } }, villages: { v1: { total: 3, settled: 0, nonLiftedSettled: 0 }, v2: { total: 2, settled: 0, nonLiftedSettled: 0 } } });
}

const task = (taskId: string, allowedIds: string[]): AnyTaskState => ({
  taskId, step: CAMPAIGN_STEPS.GRID, level: 'VILLAGE', regionCode: 'v1', assigneeId: allowedIds[0], allowedIds, openedAt: new Date(0).toISOString(),
  dueAt: new Date(NOW + 86_400_000).toISOString(), remindAt: null, reminded: false, escalations: 0, nextEscalationAt: null,
});

function refusal(fn: () => void): { type: string | undefined; field: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApplicationFailure) return { type: err.type ?? undefined, field: (err.details?.[0] as { field?: string } | undefined)?.field };
    throw err;
  }
  return { type: undefined, field: undefined };
}

describe('visits (入户排查)', () => {
  const open = [task('T-g1', ['w1', 'w1-standin'])];
  it('only the grid worker (or a stand-in) records a visit of the grid', () => {
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'g1', result: 'NO_RISK', actor: worker })).type).toBeUndefined();
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'g1', result: 'NO_RISK', actor: { ...worker, id: 'w1-standin' } })).type).toBeUndefined();
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'g1', result: 'NO_RISK', actor: { ...worker, id: 'other' } })).type).toBe('NOT_ASSIGNEE');
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'g1', result: 'NO_RISK', actor: { id: 'w1', role: 'TOWNSHIP', regionCode: 't1' } })).type).toBe('WRONG_LEVEL');
  });
  it('a grid worker of role GRID records the visits of their own grid, but never decides a step of the village', () => {
    const gridWorker: Actor = { id: 'w1', role: 'GRID', regionCode: 'v1' };
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'g1', result: 'NO_RISK', actor: gridWorker })).type).toBeUndefined();
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'g1', result: 'NO_RISK', actor: { ...gridWorker, id: 'w9' } })).type).toBe('WRONG_LEVEL');
    const ledger: AnyTaskState = { ...task('T-v1', ['village-head']), step: CAMPAIGN_STEPS.LEDGER };
    expect(refusal(() => assertActsOnTask(ledger, gridWorker)).type).toBe('WRONG_LEVEL');
    expect(refusal(() => assertActsOnTask({ ...ledger, level: 'TOWNSHIP' }, gridWorker)).type).toBe('WRONG_LEVEL');
  });
  it('a risk found names its case; no other result does; unknown grids and results are refused naming the field', () => {
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'g1', result: 'RISK_FOUND', actor: worker }))).toEqual({ type: 'CRITERIA_NOT_MET', field: 'caseId' });
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'g1', result: 'NO_RISK', caseId: 'C1', actor: worker })).field).toBe('caseId');
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'gx', result: 'NO_RISK', actor: worker }))).toEqual({ type: 'NOT_FOUND', field: 'gridId' });
    expect(refusal(() => validateVisit(state(), open, { householdId: 'h', gridId: 'g1', result: 'MAYBE' as never, actor: worker })).field).toBe('result');
  });
  it('a submitted grid takes no more visits', () => {
    const s = withDecision(state(), 'T-g1');
    expect(refusal(() => validateVisit(s, open, { householdId: 'h', gridId: 'g1', result: 'NO_RISK', actor: worker })).type).toBe('WRONG_STATE');
  });
  it('not at home is not a final result: the household must be revisited', () => {
    expect(isFinalResult('NOT_HOME')).toBe(false);
    expect(isFinalResult(null)).toBe(false);
    for (const r of ['NO_RISK', 'RISK_FOUND', 'ALREADY_MONITORED']) expect(isFinalResult(r)).toBe(true);
  });
});

describe('grid submission and the village ledger (台账)', () => {
  const meeting = { meetingOn: '2026-05-30', attendees: 12, minutes: '逐户过堂，无遗漏' };
  it('a grid is submitted only when every household has a final result', () => {
    expect(gridSubmitRefusal({ ...state().grids.g1, settled: 2 })?.code).toBe('CRITERIA_NOT_MET');
    expect(gridSubmitRefusal({ ...state().grids.g1, settled: 3 })).toBeNull();
  });
  it('a village closes its ledger only when every household has a result', () => {
    const v = state().villages.v1;
    const r = ledgerCloseRefusal({ ...v, settled: 2, nonLiftedSettled: 1 }, meeting, NOW);
    expect(r?.code).toBe('CRITERIA_NOT_MET');
    expect(r?.message).toContain('1 household');
    expect(ledgerCloseRefusal({ ...v, settled: 3, nonLiftedSettled: 1 }, meeting, NOW)).toBeNull();
  });
  it('a village does not close with lifted households only, nor with an empty roster', () => {
    expect(ledgerCloseRefusal({ ...state().villages.v1, settled: 3, nonLiftedSettled: 0 }, meeting, NOW)?.message).toContain('lifted');
    expect(ledgerCloseRefusal({ ...state().villages.v1, total: 0 }, meeting, NOW)?.message).toContain('roster');
  });
  it('the meeting record needs a date not in the future, attendees and minutes', () => {
    const v = { ...state().villages.v1, settled: 3, nonLiftedSettled: 2 };
    expect(ledgerCloseRefusal(v, { ...meeting, meetingOn: '2026-06-09' }, NOW)?.field).toBe('data.meetingOn');
    expect(ledgerCloseRefusal(v, { ...meeting, meetingOn: '2026-13-01x' }, NOW)?.field).toBe('data.meetingOn');
    expect(ledgerCloseRefusal(v, { ...meeting, attendees: 0 }, NOW)?.field).toBe('data.attendees');
    expect(ledgerCloseRefusal(v, { ...meeting, minutes: ' ' }, NOW)?.field).toBe('data.minutes');
  });
  it('the step rules read the campaign state at the time of the decision', () => {
    let s = state();
    const rules = campaignStepRules(() => s);
    const check = rules[CAMPAIGN_STEPS.LEDGER].check!;
    expect(check({ action: 'DONE', data: meeting, taskId: 'T-v1' }, NOW)?.code).toBe('CRITERIA_NOT_MET');
    s = withCounts(s, { grids: {}, villages: { v1: { total: 3, settled: 3, nonLiftedSettled: 2 } } });
    expect(check({ action: 'DONE', data: meeting, taskId: 'T-v1' }, NOW)).toBeNull();
    expect(check({ action: 'DONE', data: meeting, taskId: 'T-unknown' }, NOW)?.code).toBe('TASK_NOT_OPEN');
  });
});

describe('township review and the county summary', () => {
  it('a township review opens when all its villages closed, and only once', () => {
    let s = state();
    expect(townshipsReadyForReview(s)).toEqual([]);
    s = withDecision(s, 'T-v1');
    expect(townshipsReadyForReview(s)).toEqual(['t1']);
    s.townships.t1 = { ...s.townships.t1, taskId: 'T-t1' };
    expect(townshipsReadyForReview(s)).toEqual([]);
  });
  it('the review must check every sampled household; discrepancies at most the checked', () => {
    const t = { taskId: 'T-t1', sampled: 3, reviewed: false };
    expect(reviewRefusal(t, { checked: 2, discrepancies: 0 })?.field).toBe('data.checked');
    expect(reviewRefusal(t, { checked: 3, discrepancies: 4 })?.field).toBe('data.discrepancies');
    expect(reviewRefusal(t, { checked: 3, discrepancies: 1 })).toBeNull();
  });
  it('the summary opens once every township passed its review', () => {
    let s = state();
    s.townships.t1.taskId = 'T-t1';
    s.townships.t2.taskId = 'T-t2';
    s = withDecision(s, 'T-t1');
    expect(readyForSummary(s)).toBe(false);
    s = withDecision(s, 'T-t2');
    expect(readyForSummary(s)).toBe(true);
    s = { ...s, summaryTaskId: 'T-sum' };
    expect(readyForSummary(s)).toBe(false);
    expect(withDecision(s, 'T-sum').summarised).toBe(true);
  });
});

describe('a township returns its review (退回重新排查)', () => {
  const meeting = { meetingOn: '2026-05-30', attendees: 12, minutes: '逐户过堂' };
  /** Township t1 reviewing: v1 closed, g1 submitted, every household settled. */
  function reviewing(): CampaignState {
    let s = withCounts(state(), { grids: { g1: { total: 3, settled: 3 } }, villages: { v1: { total: 3, settled: 3, nonLiftedSettled: 2 } } });
    s = withDecision(withDecision(s, 'T-g1'), 'T-v1');
    s.townships.t1 = { ...s.townships.t1, taskId: 'T-t1', sampled: 2 };
    return s;
  }
  const ret = (data: Record<string, unknown>) => ({ taskId: 'T-t1', step: CAMPAIGN_STEPS.REVIEW, action: 'RETURN' as const, data });

  it('only campaigns with the return take RETURN at the review; its audit action says returned', () => {
    const s = reviewing();
    expect(campaignStepRules(() => s)[CAMPAIGN_STEPS.REVIEW].actions).toEqual(['APPROVE']);
    const rules = campaignStepRules(() => s, { reviewReturn: true });
    expect(rules[CAMPAIGN_STEPS.REVIEW].actions).toEqual(['APPROVE', 'RETURN']);
    expect(rules[CAMPAIGN_STEPS.REVIEW].auditAction!({ ...ret({}), actorId: 'x', at: '' })).toBe('REVIEW_RETURNED');
    expect(isReviewReturn({ step: CAMPAIGN_STEPS.REVIEW, action: 'APPROVE' })).toBe(false);
  });
  it('a return names villages of its own township in the campaign, and needs no full check', () => {
    const s = reviewing();
    const check = campaignStepRules(() => s, { reviewReturn: true })[CAMPAIGN_STEPS.REVIEW].check!;
    expect(check({ action: 'RETURN', taskId: 'T-t1', data: { checked: 1, discrepancies: 1 } }, NOW)?.field).toBe('data.returnVillages');
    expect(check({ action: 'RETURN', taskId: 'T-t1', data: { checked: 1, discrepancies: 1, returnVillages: ['v2'] } }, NOW)?.field).toBe('data.returnVillages');
    expect(check({ action: 'RETURN', taskId: 'T-t1', data: { checked: 1, discrepancies: 1, returnVillages: ['v1'] } }, NOW)).toBeNull();
    // Passing still needs every sampled household checked.
    expect(check({ action: 'APPROVE', taskId: 'T-t1', data: { checked: 1, discrepancies: 0 } }, NOW)?.field).toBe('data.checked');
  });
  it('a return reopens the village ledger (and its grids when asked), and the review reopens once the village closes again', () => {
    const s = reviewing();
    expect(returnPlan(s, ret({ returnVillages: ['v1', 'v1'] }))).toEqual({ villages: ['v1'], grids: [] });
    expect(returnPlan(s, ret({ returnVillages: ['v1'], recheckGrids: true }))).toEqual({ villages: ['v1'], grids: ['g1'] });

    let r = withReturn(s, ret({ returnVillages: ['v1'], recheckGrids: true }), { villages: { v1: 'T-v1b' }, grids: { g1: 'T-g1b' } });
    expect(r.townships.t1).toMatchObject({ taskId: null, reviewed: false, sampled: 2 });
    expect(r.villages.v1).toMatchObject({ taskId: 'T-v1b', closed: false, recheckGrids: ['g1'] });
    expect(r.grids.g1).toMatchObject({ taskId: 'T-g1b', submitted: false });
    expect(r.handled).toContain('T-t1');
    expect(withReturn(r, ret({}), { villages: {}, grids: {} })).toBe(r);
    expect(townshipsReadyForReview(r)).toEqual([]);

    // The returned grid takes visits again, and the village cannot close before it is submitted again.
    expect(refusal(() => validateVisit(r, [task('T-g1b', ['w1'])], { householdId: 'h', gridId: 'g1', result: 'NO_RISK', actor: worker })).type).toBeUndefined();
    const ledger = campaignStepRules(() => r, { reviewReturn: true })[CAMPAIGN_STEPS.LEDGER].check!;
    expect(ledger({ action: 'DONE', data: meeting, taskId: 'T-v1b' }, NOW)?.field).toBe('grids');
    r = withDecision(r, 'T-g1b');
    expect(ledger({ action: 'DONE', data: meeting, taskId: 'T-v1b' }, NOW)).toBeNull();
    r = withDecision(r, 'T-v1b');
    expect(townshipsReadyForReview(r)).toEqual(['t1']);
  });
  it('a return for a missing meeting record reopens the ledger only', () => {
    const r = withReturn(reviewing(), ret({ returnVillages: ['v1'], recheckGrids: false }), { villages: { v1: 'T-v1b' }, grids: {} });
    expect(r.grids.g1.submitted).toBe(true);
    expect(r.villages.v1.recheckGrids).toEqual([]);
    expect(ledgerCloseRefusal(r.villages.v1, meeting, NOW, r.grids)).toBeNull();
  });
});

describe('launch limits', () => {
  it('grid and village tasks run to the end of the deadline day (Beijing), counted in calendar days', async () => {
    const { untilDeadline } = await import('../../api/services/campaign/launch-campaign');
    // 2026-06-01 12:00 Beijing.
    const now = Date.parse('2026-06-01T04:00:00Z');
    expect(untilDeadline('2026-06-01', now)).toEqual({ unit: 'CALENDAR_DAYS', amount: 0 });
    expect(untilDeadline('2026-06-08', now)).toEqual({ unit: 'CALENDAR_DAYS', amount: 7 });
    // Counted from the Beijing date: 23:30 on 1 June is a day before 2 June; 00:30 on 2 June (still 1 June in UTC) is the day itself.
    expect(untilDeadline('2026-06-02', Date.parse('2026-06-01T15:30:00Z'))).toEqual({ unit: 'CALENDAR_DAYS', amount: 1 });
    expect(untilDeadline('2026-06-02', Date.parse('2026-06-01T16:30:00Z'))).toEqual({ unit: 'CALENDAR_DAYS', amount: 0 });
  });
});
