/** The screening campaign's pure rules (集中排查): visits, grid submission, ledger close, township review, next steps. */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { AnyTaskState } from '../../workflows/blocks/task';
import type { Actor } from '../../workflows/contracts';
import type { CampaignState } from '../../workflows/campaign/rules';
import {
  campaignStepRules, gridSubmitRefusal, initialCampaignState, isFinalResult, ledgerCloseRefusal, readyForSummary, reviewRefusal,
  townshipsReadyForReview, validateVisit, withCounts, withDecision,
} from '../../workflows/campaign/rules';
import { CAMPAIGN_STEPS } from '../../workflows/campaign/contracts';

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
