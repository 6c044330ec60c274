/**
 * The pure rules of a project asset's life (DESIGN §5.2) without a server: 确权 by 谁主管谁负责 and
 * the two-sided handover; the income distribution plan (village decision → township review →
 * county filing, returned or rejected with a reason) and the quarterly payout confirmation.
 */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { proposedOwnerName, responsibleOwner } from '../../workflows/asset/rules';
import { assetRules, validateDisposalRequest } from '../../workflows/asset/steps';
import {
  checkShares, distributionOf, nextPayoutDue, distributionWakeAt, openPayout, payoutDue, payoutSplit, planDue, planInForce, recordIncome, validateIncomeRecord,
} from '../../workflows/asset/distribution';
import { assetPolicy } from '../../workflows/asset/policy';
import { compressedPolicy } from '../../workflows/policy';
import { initialProcessState } from '../../workflows/process/state';
import type { ProcessCoreState } from '../../workflows/process/state';
import type { ProcessFacts, ProcessTransition } from '../../workflows/process/draft';
import { ProcessDraft } from '../../workflows/process/draft';
import { decideProcessTask, validateProcessDecision } from '../../workflows/process/transitions';
import type { AnyTaskState } from '../../workflows/blocks/task';
import type { ProcessAction } from '../../workflows/process-contracts';

const s = (amount: number) => ({ unit: 'SECONDS' as const, amount });
const base = compressedPolicy();
const policy = assetPolicy({
  ...base,
  processSteps: { ...base.processSteps, PROJECT_ASSET: { ...base.processSteps.PROJECT_ASSET, PAYOUT_EVERY: s(90), PLAN_VALID_FOR: s(360) } },
  assetIncome: { welfareJobMinSharePct: 50 },
}, 'WORKSHOP');
const rules = assetRules(policy);
const facts: ProcessFacts = { processId: 'ZC-U1', region: { villageCode: 'v', townshipCode: 't', countyCode: 'c' }, limits: { reminderLead: s(1), escalationRepeat: s(60) } };
const now = Date.parse('2026-04-01T00:00:00Z');
const actors = { VILLAGE: { id: 'vo', role: 'VILLAGE' as const, regionCode: 'v' }, TOWNSHIP: { id: 'to', role: 'TOWNSHIP' as const, regionCode: 't' }, COUNTY: { id: 'co', role: 'COUNTY' as const, regionCode: 'c' } };

function task(step: string, level: keyof typeof actors): AnyTaskState {
  const who = actors[level].id;
  return {
    taskId: `ZC-U1-${step}`, step, level, regionCode: level === 'VILLAGE' ? 'v' : level === 'TOWNSHIP' ? 't' : 'c', assigneeId: who, allowedIds: [who],
    openedAt: '2026-03-01T00:00:00.000Z', dueAt: '2026-03-02T00:00:00.000Z', remindAt: null, reminded: false, escalations: 0, nextEscalationAt: null,
  };
}
function stateWith(tasks: AnyTaskState[], data: Record<string, unknown>, status = 'IN_USE'): ProcessCoreState {
  return { ...initialProcessState({ processId: 'ZC-U1', kind: 'PROJECT_ASSET', status, step: null, data }), openTasks: tasks };
}
/** Decides the open task of `step` and returns the transition (the opened tasks are in its effects). */
function decide(st: ProcessCoreState, step: string, action: ProcessAction, data: Record<string, unknown> = {}, reason?: string): ProcessTransition {
  const t = st.openTasks.find((x) => x.step === step) as AnyTaskState;
  return decideProcessTask(st, facts, rules, { taskId: t.taskId, action, data, reason, actor: actors[t.level as keyof typeof actors] }, now);
}
/** The state after a transition, with the tasks it opened as open tasks (what the commit would return). */
function adopt(tr: ProcessTransition): ProcessCoreState {
  return { ...tr.state, openTasks: [...tr.state.openTasks, ...tr.effects.openTasks.map((o) => task(o.step, o.level as keyof typeof actors))] };
}
function refusal(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ApplicationFailure ? `${err.type}:${(err.details?.[0] as { field?: string })?.field ?? ''}` : String(err);
  }
  return undefined;
}

describe('确权 — 谁主管谁负责', () => {
  it('the owner follows the class and the managing level; households are confirmed by their village', () => {
    expect(responsibleOwner('INCOME')).toEqual({ ownerType: 'VILLAGE_COLLECTIVE', level: 'VILLAGE' });
    expect(responsibleOwner('PUBLIC', 'TOWNSHIP')).toEqual({ ownerType: 'TOWNSHIP', level: 'TOWNSHIP' });
    expect(responsibleOwner('PUBLIC', 'COUNTY')).toEqual({ ownerType: 'DEPARTMENT', level: 'COUNTY' });
    expect(responsibleOwner('HOUSEHOLD', 'COUNTY')).toEqual({ ownerType: 'HOUSEHOLDS', level: 'VILLAGE' });
    expect(proposedOwnerName('VILLAGE_COLLECTIVE', { village: '一村', township: '东风镇' })).toBe('一村村集体经济组织');
    expect(proposedOwnerName('TOWNSHIP', { village: '一村', township: '东风镇' })).toBe('东风镇人民政府');
  });

  it('the owner confirms with its name (then both sides hand over) or disputes with a reason (then the township determines it again)', () => {
    const st = stateWith([task('OWNERSHIP_CONFIRMATION', 'VILLAGE')], { assetClass: 'PUBLIC', ownerLevel: 'VILLAGE', handedOverOn: null }, 'CONFIRMING_OWNERSHIP');
    const t = st.openTasks[0];
    expect(refusal(() => validateProcessDecision(st, rules, { taskId: t.taskId, action: 'APPROVE', data: {}, actor: actors.VILLAGE }, now))).toBe('REASON_REQUIRED:data.ownerName');
    expect(refusal(() => validateDisposalRequest(st, { method: 'SCRAP', reason: 'x', actor: actors.VILLAGE }))).toBe('WRONG_STATE:');
    const confirmed = decide(st, 'OWNERSHIP_CONFIRMATION', 'APPROVE', { ownerName: '一村股份经济合作社' });
    expect(confirmed.state).toMatchObject({ status: 'HANDING_OVER', data: { ownerName: '一村股份经济合作社', ownershipConfirmed: true } });
    expect(confirmed.effects.openTasks.map((o) => `${o.step}:${o.level}`)).toEqual(['HANDOVER_OUT:TOWNSHIP', 'HANDOVER_IN:VILLAGE']);
    const out = decide(adopt(confirmed), 'HANDOVER_OUT', 'DONE');
    expect(out.state.status).toBe('HANDING_OVER');
    const both = decide(adopt(out), 'HANDOVER_IN', 'DONE');
    expect(both.state).toMatchObject({ status: 'IN_USE', step: 'INSPECTION', data: { handedOverOn: '2026-04-01' } });
    expect(both.effects.events.map((e) => e.action)).toContain('ASSET_HANDED_OVER');

    const disputed = decide(st, 'OWNERSHIP_CONFIRMATION', 'RETURN', {}, '跨村使用');
    expect(disputed.state.status).toBe('OWNERSHIP_DISPUTED');
    expect(disputed.effects.openTasks.map((o) => o.step)).toEqual(['OWNERSHIP_REDETERMINATION']);
    const again = decide(adopt(disputed), 'OWNERSHIP_REDETERMINATION', 'DONE', { managingLevel: 'COUNTY', ownerName: '县交通运输局' });
    expect(again.state.data).toMatchObject({ managingLevel: 'COUNTY', ownerType: 'DEPARTMENT', ownerLevel: 'COUNTY', ownerName: '县交通运输局' });
    expect(again.effects.openTasks.map((o) => `${o.step}:${o.level}`)).toEqual(['OWNERSHIP_CONFIRMATION:COUNTY']);
  });
});

describe('收益分配 — the distribution plan and the payouts', () => {
  const plan = { resolution: '村民代表大会决议', welfareJobPct: 60, householdPct: 30, collectivePct: 10 };

  it('a plan takes whole per cents adding up to 100, with at least the policy\'s 公益岗位 share', () => {
    expect(checkShares(plan, 50)).toBeNull();
    expect(checkShares({ ...plan, collectivePct: 20 }, 50)?.field).toBe('data.collectivePct');
    expect(checkShares({ ...plan, welfareJobPct: 40, householdPct: 50 }, 50)).toMatchObject({ code: 'CRITERIA_NOT_MET', field: 'data.welfareJobPct' });
    expect(checkShares({ ...plan, householdPct: 30.5, collectivePct: 9.5 }, 50)?.field).toBe('data.householdPct');
    expect(checkShares({ ...plan, resolution: ' ' }, 50)?.field).toBe('data.resolution');
    expect(payoutSplit(100_001, plan)).toEqual({ welfareJobFen: 60_000, householdFen: 30_000, collectiveFen: 10_001 });
  });

  it('a quarterly payout is due at the end of the calendar quarter (Beijing); other intervals count from the instant', () => {
    const q = { unit: 'MONTHS' as const, amount: 3 };
    expect(new Date(nextPayoutDue(Date.parse('2026-04-15T10:00:00+08:00'), q)).toISOString()).toBe('2026-06-30T16:00:00.000Z');
    expect(new Date(nextPayoutDue(Date.parse('2026-07-01T00:00:00+08:00'), q)).toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(new Date(nextPayoutDue(Date.parse('2026-12-31T23:00:00+08:00'), q)).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(new Date(nextPayoutDue(Date.parse('2026-11-02T00:00:00+08:00'), { unit: 'MONTHS', amount: 12 })).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(nextPayoutDue(now, s(90))).toBe(now + 90_000);
  });

  it('village decision → township review → county filing; a return keeps the plan (revised), a rejection asks for a new one; filed, the payout clock starts', () => {
    let st = stateWith([task('DISTRIBUTION_PLAN', 'VILLAGE')], { assetClass: 'INCOME', totalIncomeFen: 0, handedOverOn: '2026-01-01' });
    expect(planDue(st, now)).toBe(false);
    expect(planDue({ ...st, openTasks: [] }, now)).toBe(true);
    st = adopt(decide(st, 'DISTRIBUTION_PLAN', 'DONE', plan));
    expect(distributionOf(st.data).plan).toMatchObject({ no: 1, revision: 0, status: 'TOWNSHIP_REVIEW' });
    const review = st.openTasks.find((x) => x.step === 'DISTRIBUTION_TOWNSHIP_REVIEW') as AnyTaskState;
    expect(refusal(() => validateProcessDecision(st, rules, { taskId: review.taskId, action: 'RETURN', data: {}, actor: actors.TOWNSHIP }, now))).toMatch(/^REASON_REQUIRED/);
    st = adopt(decide(st, 'DISTRIBUTION_TOWNSHIP_REVIEW', 'RETURN', {}, '名单未附'));
    expect(distributionOf(st.data).plan).toMatchObject({ status: 'DRAFTED', lastReason: '名单未附' });
    st = adopt(decide(st, 'DISTRIBUTION_PLAN', 'DONE', plan));
    expect(distributionOf(st.data).plan).toMatchObject({ no: 1, revision: 1 });
    st = adopt(decide(st, 'DISTRIBUTION_TOWNSHIP_REVIEW', 'APPROVE'));
    const rejected = adopt(decide(st, 'DISTRIBUTION_COUNTY_FILING', 'REJECT', {}, '比例不合规'));
    expect(distributionOf(rejected.data).plan?.status).toBe('REJECTED');
    expect(distributionOf(adopt(decide(rejected, 'DISTRIBUTION_PLAN', 'DONE', plan)).data).plan).toMatchObject({ no: 2, revision: 0 });
    const filedTr = decide(st, 'DISTRIBUTION_COUNTY_FILING', 'APPROVE');
    expect(filedTr.effects.events.map((e) => e.action)).toContain('DISTRIBUTION_PLAN_FILED');
    const filed = adopt(filedTr);
    const d = distributionOf(filed.data);
    expect(d.plan).toMatchObject({ status: 'FILED', filedAt: new Date(now).toISOString(), validUntil: new Date(now + 360_000).toISOString() });
    expect(d.nextPayoutAt).toBe(new Date(now + 90_000).toISOString());
    expect(distributionWakeAt(filed)).toBe(now + 90_000);
    expect(payoutDue(filed, now + 89_000)).toBe(false);
    expect(payoutDue(filed, now + 90_000)).toBe(true);
    expect(planDue(filed, now + 360_000)).toBe(true);
  });

  it('a payout confirmation opens with the period\'s undistributed income and the split; it counts no more than was earned', () => {
    const filedPlan = { no: 1, revision: 0, ...plan, status: 'FILED', validUntil: '2027-04-01T00:00:00.000Z' };
    const st = stateWith([], { assetClass: 'INCOME', totalIncomeFen: 50_000, handedOverOn: '2026-01-01', distribution: { plan: filedPlan, nextPayoutAt: '2026-03-31T00:00:00.000Z', distributedFen: 0, payouts: [] } });
    const d = new ProcessDraft(st, facts, now);
    openPayout(d, policy.distribution!);
    const opened = d.done();
    expect(opened.effects.openTasks.map((o) => o.step)).toEqual(['PAYOUT_CONFIRMATION']);
    expect(opened.effects.events[0]).toMatchObject({ action: 'PAYOUT_DUE', data: { undistributedFen: 50_000, welfareJobFen: 30_000 } });
    const withTask = adopt(opened);
    // One open confirmation: no second one, and no wake-up for it (the loop never spins on a due time).
    expect(payoutDue(withTask, now + 1e9)).toBe(false);
    expect(distributionWakeAt(withTask)).toBe(Date.parse('2027-04-01T00:00:00.000Z'));
    const paid = decide(withTask, 'PAYOUT_CONFIRMATION', 'DONE', { paidFen: 80_000, households: 12 });
    expect(distributionOf(paid.state.data)).toMatchObject({ distributedFen: 50_000, payouts: [{ no: 1, paidFen: 50_000, reportedFen: 80_000, welfareJobFen: 30_000, householdFen: 15_000, collectiveFen: 5_000, households: 12 }] });
    expect(planInForce(paid.state.data)?.no).toBe(1);
  });

  it('income is recorded only for a handed-over income asset, with a positive amount, a past date and a source; it clears the idle flag', () => {
    const st = stateWith([], { assetClass: 'INCOME', totalIncomeFen: 100, handedOverOn: '2026-01-01', idle: true }, 'IDLE');
    const args = { amountFen: 500, receivedOn: '2026-03-31', source: '租金', actor: actors.VILLAGE };
    expect(refusal(() => validateIncomeRecord(st, args, now))).toBeUndefined();
    expect(refusal(() => validateIncomeRecord(st, { ...args, amountFen: 0 }, now))).toBe('ACTION_NOT_ALLOWED:amountFen');
    expect(refusal(() => validateIncomeRecord(st, { ...args, receivedOn: '2027-01-01' }, now))).toBe('INVALID_DATE:receivedOn');
    expect(refusal(() => validateIncomeRecord(st, { ...args, source: '' }, now))).toBe('REASON_REQUIRED:source');
    expect(refusal(() => validateIncomeRecord({ ...st, data: { ...st.data, assetClass: 'PUBLIC' } }, args, now))).toBe('WRONG_STATE:');
    expect(refusal(() => validateIncomeRecord({ ...st, data: { ...st.data, handedOverOn: null } }, args, now))).toBe('WRONG_STATE:');
    const d = new ProcessDraft(st, facts, now);
    recordIncome(d, args);
    expect(d.done().state).toMatchObject({ status: 'IN_USE', data: { totalIncomeFen: 600, idle: false } });
  });
});
