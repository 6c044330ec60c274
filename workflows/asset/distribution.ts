/**
 * 资产收益分配 — the income of a 经营性 (income-producing) asset and its distribution (DESIGN §5.2):
 * income records; the distribution plan (收益分配方案) decided by the village, reviewed by the
 * township and filed (备案) by the county — each may return it (the village revises) or reject it
 * (the village decides a new one), with a reason; once filed, a payout confirmation (收益发放确认)
 * for the village at the end of every payout period (each calendar quarter by default), escalated when late by the task
 * block. A filed plan holds for its validity (a year), then a new plan is due. Pure.
 */
import type { Refusal } from '../refusals';
import { refuse } from '../refusals';
import type { ProcessStepRules } from '../process/transitions';
import type { ProcessDraft } from '../process/draft';
import type { ProcessCoreState } from '../process/state';
import type { TLimit } from '../policy';
import { addLimitWithoutCalendar } from '../policy';
import type { AssetPolicy, RecordIncomeArgs } from './contracts';
import { ASSET_STEPS as S } from './contracts';

/** The limits and values of a distribution (pinned in the asset's policy). */
export type DistributionPolicy = NonNullable<AssetPolicy['distribution']>;

/** Defaults for inputs pinned before distribution existed (never used by them: the patch keeps them off this path). */
export const DEFAULT_DISTRIBUTION_POLICY: DistributionPolicy = {
  plan: { unit: 'WORKING_DAYS', amount: 20 }, townshipReview: { unit: 'WORKING_DAYS', amount: 10 }, countyFiling: { unit: 'WORKING_DAYS', amount: 10 },
  payoutEvery: { unit: 'MONTHS', amount: 3 }, payoutConfirmation: { unit: 'WORKING_DAYS', amount: 10 }, validFor: { unit: 'MONTHS', amount: 12 },
  welfareJobMinSharePct: 50,
};

/** 分配比例 — shares of a plan in whole per cent: 公益岗位 wages, dividends to households, kept by the collective. */
export interface DistributionShares {
  welfareJobPct: number;
  householdPct: number;
  collectivePct: number;
}

/** Where a plan stands. */
export type PlanStatus = 'DRAFTED' | 'TOWNSHIP_REVIEW' | 'COUNTY_FILING' | 'FILED' | 'REJECTED';

/** A distribution plan as the asset keeps it. */
export interface DistributionPlan extends DistributionShares {
  /** 1, 2 … per asset; a rejected plan is followed by a new number, a returned one keeps its number and counts a revision. */
  no: number;
  revision: number;
  /** 村民代表大会决议 — the village's decision (date, number or summary). */
  resolution: string;
  status: PlanStatus;
  filedAt?: string;
  validUntil?: string;
  lastReason?: string;
}

/** What the asset's data holds of its distribution. */
export interface DistributionData {
  plan: DistributionPlan | null;
  /** Next payout confirmation due (ISO), once a plan is filed. */
  nextPayoutAt: string | null;
  /** Income (fen) already paid out; the undistributed income is the total income less this. */
  distributedFen: number;
  payouts: { no: number; at: string; paidFen: number; reportedFen: number; welfareJobFen: number; householdFen: number; collectiveFen: number; households: number | null }[];
}

/** The asset's distribution data (empty before the first plan). */
export function distributionOf(data: Record<string, unknown>): DistributionData {
  const d = data.distribution as Partial<DistributionData> | undefined | null;
  return { plan: d?.plan ?? null, nextPayoutAt: d?.nextPayoutAt ?? null, distributedFen: d?.distributedFen ?? 0, payouts: d?.payouts ?? [] };
}

/** Income (fen) recorded and not yet paid out. */
export function undistributedFen(data: Record<string, unknown>): number {
  return Math.max(0, Number(data.totalIncomeFen ?? 0) - distributionOf(data).distributedFen);
}

/** Splits an amount by a plan's shares (fen, rounding down; the remainder stays with the collective). */
export function payoutSplit(amountFen: number, s: DistributionShares): { welfareJobFen: number; householdFen: number; collectiveFen: number } {
  const welfareJobFen = Math.floor((amountFen * s.welfareJobPct) / 100);
  const householdFen = Math.floor((amountFen * s.householdPct) / 100);
  return { welfareJobFen, householdFen, collectiveFen: amountFen - welfareJobFen - householdFen };
}

function after(fromMs: number, limit: TLimit): number {
  return addLimitWithoutCalendar(fromMs, limit) ?? addLimitWithoutCalendar(fromMs, { unit: 'CALENDAR_DAYS', amount: limit.amount }) as number;
}

const BEIJING_MS = 8 * 3_600_000;

/**
 * When the payout of the period holding `fromMs` is due: with a whole number of months dividing a
 * year (quarterly: 3), the end of that calendar period in Beijing (季度末: 1 Apr, 1 Jul, 1 Oct, 1 Jan at
 * 00:00); any other interval (e.g. seconds in a compressed test policy) simply after `fromMs`.
 */
export function nextPayoutDue(fromMs: number, every: TLimit): number {
  if (every.unit !== 'MONTHS' || !Number.isInteger(every.amount) || every.amount < 1 || 12 % every.amount !== 0) return after(fromMs, every);
  const d = new Date(fromMs + BEIJING_MS);
  const endMonth = (Math.floor(d.getUTCMonth() / every.amount) + 1) * every.amount;
  return Date.UTC(d.getUTCFullYear(), endMonth, 1) - BEIJING_MS;
}

const pct = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100;

/** Refuses plan shares that are not whole per cents summing to 100, or whose 公益岗位 share is below the policy's least. */
export function checkShares(data: Record<string, unknown>, minWelfareJobPct: number): Refusal | null {
  for (const f of ['welfareJobPct', 'householdPct', 'collectivePct'] as const) {
    if (!pct(data[f])) return { code: 'ACTION_NOT_ALLOWED', message: `data.${f}: a whole per cent from 0 to 100`, field: `data.${f}` };
  }
  const sum = Number(data.welfareJobPct) + Number(data.householdPct) + Number(data.collectivePct);
  if (sum !== 100) return { code: 'ACTION_NOT_ALLOWED', message: `data.collectivePct: the shares add up to ${sum} %, not 100 %`, field: 'data.collectivePct' };
  if (Number(data.welfareJobPct) < minWelfareJobPct) {
    return { code: 'CRITERIA_NOT_MET', message: `data.welfareJobPct: at least ${minWelfareJobPct} % goes to 公益岗位 wages by the policy`, field: 'data.welfareJobPct' };
  }
  const r = data.resolution;
  if (typeof r !== 'string' || r.trim() === '' || r.length > 1000) return { code: 'REASON_REQUIRED', message: 'data.resolution: the village decision (1 to 1000 characters)', field: 'data.resolution' };
  return null;
}

function setDistribution(draft: ProcessDraft, patch: Partial<DistributionData>): void {
  draft.setData({ distribution: { ...distributionOf(draft.s.data), ...patch } });
}

/** Opens the village's plan task (the first plan, a new plan after a rejection, or the renewal). */
export function openDistributionPlan(draft: ProcessDraft, policy: DistributionPolicy): void {
  draft.openTask({ step: S.DISTRIBUTION_PLAN, level: 'VILLAGE', limit: policy.plan });
}

/** Sends the plan back to the village: returned (revise the same plan) or rejected (a new plan), with the reason. */
function planBack(d: { action: string; reason?: string }, draft: ProcessDraft, policy: DistributionPolicy): void {
  const plan = distributionOf(draft.s.data).plan as DistributionPlan;
  setDistribution(draft, { plan: { ...plan, status: d.action === 'REJECT' ? 'REJECTED' : 'DRAFTED', lastReason: d.reason } });
  openDistributionPlan(draft, policy);
}

/** The plan in force: the filed one, or while its successor is in the making, the one filed before. */
export function planInForce(data: Record<string, unknown>): DistributionPlan | null {
  const plan = distributionOf(data).plan;
  if (plan?.status === 'FILED') return plan;
  return (data.filedPlan as DistributionPlan | null | undefined) ?? null;
}

const PLAN_STEPS: readonly string[] = [S.DISTRIBUTION_PLAN, S.DISTRIBUTION_TOWNSHIP_REVIEW, S.DISTRIBUTION_COUNTY_FILING];

/** When the next payout confirmation is due: a plan in force and none open (else Infinity, so a due time never spins the loop). */
function payoutAt(s: ProcessCoreState): number {
  const d = distributionOf(s.data);
  if (!planInForce(s.data) || d.nextPayoutAt === null || s.openTasks.some((t) => t.step === S.PAYOUT_CONFIRMATION)) return Infinity;
  return Date.parse(d.nextPayoutAt);
}

/** When the filed plan runs out and a new one is due (Infinity while a plan is in the making). */
function renewalAt(s: ProcessCoreState): number {
  const plan = distributionOf(s.data).plan;
  if (plan?.status !== 'FILED' || !plan.validUntil || s.openTasks.some((t) => PLAN_STEPS.includes(t.step))) return Infinity;
  return Date.parse(plan.validUntil);
}

/** Whether a payout confirmation is due at `nowMs` (a plan in force, its time reached, none open). */
export function payoutDue(s: ProcessCoreState, nowMs: number): boolean {
  return nowMs >= payoutAt(s);
}

/** Whether a (new) plan is due at `nowMs`: none yet, or the filed one has run out; and no plan in the making. */
export function planDue(s: ProcessCoreState, nowMs: number): boolean {
  if (distributionOf(s.data).plan === null) return !s.openTasks.some((t) => PLAN_STEPS.includes(t.step));
  return nowMs >= renewalAt(s);
}

/** The next instant the distribution needs the workflow (a payout or a renewal), or Infinity. */
export function distributionWakeAt(s: ProcessCoreState): number {
  return Math.min(payoutAt(s), renewalAt(s));
}

/** Opens a payout confirmation: its period's undistributed income and the plan's split go into the task's record. */
export function openPayout(draft: ProcessDraft, policy: DistributionPolicy): void {
  const plan = planInForce(draft.s.data) as DistributionPlan;
  const dueFen = undistributedFen(draft.s.data);
  setDistribution(draft, { nextPayoutAt: draft.iso(nextPayoutDue(draft.now, policy.payoutEvery)) });
  draft.event({ action: 'PAYOUT_DUE', data: { planNo: plan.no, undistributedFen: dueFen, ...payoutSplit(dueFen, plan) } });
  draft.openTask({ step: S.PAYOUT_CONFIRMATION, level: 'VILLAGE', limit: policy.payoutConfirmation });
}

/** Refuses income of a disposed asset, one not handed over, a public one, or a wrong amount or date. */
export function validateIncomeRecord(s: ProcessCoreState, args: RecordIncomeArgs, nowMs: number): void {
  if (s.finished) refuse('WRONG_STATE', `the asset is ${s.status} and takes no more actions`);
  if (s.data.assetClass !== 'INCOME') refuse('WRONG_STATE', 'only a 经营性 (income-producing) asset records income');
  if (s.data.handedOverOn === null) refuse('WRONG_STATE', 'the asset awaits the confirmation of its ownership and its handover');
  if (typeof args.amountFen !== 'number' || !Number.isInteger(args.amountFen) || args.amountFen < 1 || args.amountFen > 1e13) refuse('ACTION_NOT_ALLOWED', 'amountFen: a whole number of fen, 1 or more', 'amountFen');
  const tomorrow = new Date(nowMs + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
  if (typeof args.receivedOn !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(args.receivedOn) || args.receivedOn > tomorrow) refuse('INVALID_DATE', 'receivedOn: a date YYYY-MM-DD, not in the future', 'receivedOn');
  if (typeof args.source !== 'string' || args.source.trim() === '' || args.source.length > 200) refuse('REASON_REQUIRED', 'source: where the income came from (1 to 200 characters)', 'source');
}

/** Income kept in the state (the audit trail keeps every record). */
const INCOME_RECORDS_KEPT = 24;

/** 收益登记: adds to the income, clears the idle flag (an idle asset goes back to use). */
export function recordIncome(draft: ProcessDraft, args: RecordIncomeArgs): void {
  const records = [...((draft.s.data.incomeRecords as unknown[] | undefined) ?? []), { amountFen: args.amountFen, receivedOn: args.receivedOn, source: args.source.trim(), at: draft.iso() }];
  draft.setData({
    totalIncomeFen: Number(draft.s.data.totalIncomeFen ?? 0) + args.amountFen, lastIncomeAt: draft.iso(), idle: false,
    incomeRecords: records.slice(-INCOME_RECORDS_KEPT),
  });
  if (draft.s.status === 'IDLE') draft.setStatus('IN_USE');
  draft.event({ action: 'ASSET_INCOME_RECORDED', actorId: args.actor.id, data: { amountFen: args.amountFen, receivedOn: args.receivedOn, source: args.source.trim() } });
}

/** The step rules of the distribution under `policy`. */
export function distributionRules(policy: DistributionPolicy): ProcessStepRules {
  return {
    [S.DISTRIBUTION_PLAN]: {
      actions: ['DONE'],
      check: (d) => checkShares(d.data, policy.welfareJobMinSharePct),
      auditAction: () => 'DISTRIBUTION_PLAN_DECIDED',
      onDecision: (d, draft) => {
        const prev = distributionOf(draft.s.data).plan;
        const fresh = prev === null || prev.status === 'REJECTED' || prev.status === 'FILED';
        const plan: DistributionPlan = {
          no: fresh ? (prev?.no ?? 0) + 1 : prev.no, revision: fresh ? 0 : prev.revision + 1, resolution: String(d.data.resolution).trim(),
          welfareJobPct: d.data.welfareJobPct as number, householdPct: d.data.householdPct as number, collectivePct: d.data.collectivePct as number, status: 'TOWNSHIP_REVIEW',
        };
        // A filed plan stays in force (payouts go on) until its successor is filed.
        setDistribution(draft, { plan: prev?.status === 'FILED' ? { ...plan, status: 'TOWNSHIP_REVIEW' } : plan });
        if (prev?.status === 'FILED') draft.setData({ filedPlan: prev });
        draft.openTask({ step: S.DISTRIBUTION_TOWNSHIP_REVIEW, level: 'TOWNSHIP', limit: policy.townshipReview });
      },
    },
    [S.DISTRIBUTION_TOWNSHIP_REVIEW]: {
      actions: ['APPROVE', 'RETURN', 'REJECT'],
      onDecision: (d, draft) => {
        if (d.action !== 'APPROVE') return planBack(d, draft, policy);
        setDistribution(draft, { plan: { ...(distributionOf(draft.s.data).plan as DistributionPlan), status: 'COUNTY_FILING' } });
        draft.openTask({ step: S.DISTRIBUTION_COUNTY_FILING, level: 'COUNTY', limit: policy.countyFiling });
      },
    },
    [S.DISTRIBUTION_COUNTY_FILING]: {
      actions: ['APPROVE', 'RETURN', 'REJECT'],
      auditAction: (d) => (d.action === 'APPROVE' ? 'DISTRIBUTION_PLAN_FILED' : d.action === 'REJECT' ? 'REJECTED' : 'RETURNED'),
      onDecision: (d, draft) => {
        if (d.action !== 'APPROVE') return planBack(d, draft, policy);
        const at = Date.parse(d.at);
        const current = distributionOf(draft.s.data);
        const plan: DistributionPlan = { ...(current.plan as DistributionPlan), status: 'FILED', filedAt: d.at, validUntil: draft.iso(after(at, policy.validFor)) };
        // The first plan starts the payout clock; a renewal keeps the running one.
        setDistribution(draft, { plan, nextPayoutAt: current.nextPayoutAt ?? draft.iso(nextPayoutDue(at, policy.payoutEvery)) });
        draft.setData({ filedPlan: null });
      },
    },
    [S.PAYOUT_CONFIRMATION]: {
      actions: ['DONE'],
      check: (d) => {
        const paid = d.data.paidFen;
        if (typeof paid !== 'number' || !Number.isInteger(paid) || paid < 0 || paid > 1e13) return { code: 'ACTION_NOT_ALLOWED', message: 'data.paidFen: a whole number of fen, 0 or more', field: 'data.paidFen' };
        const n = d.data.households;
        if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100_000)) return { code: 'ACTION_NOT_ALLOWED', message: 'data.households: a whole number, 0 or more', field: 'data.households' };
        return null;
      },
      auditAction: () => 'PAYOUT_CONFIRMED',
      onDecision: (d, draft) => {
        const cur = distributionOf(draft.s.data);
        const plan = planInForce(draft.s.data) as DistributionPlan;
        // Never more than the income not yet paid out is counted as distributed; what was reported is kept too.
        const reportedFen = d.data.paidFen as number;
        const paidFen = Math.min(reportedFen, undistributedFen(draft.s.data));
        const payout = { no: cur.payouts.length + 1, at: d.at, paidFen, reportedFen, ...payoutSplit(paidFen, plan), households: (d.data.households as number | undefined) ?? null };
        setDistribution(draft, { distributedFen: cur.distributedFen + paidFen, payouts: [...cur.payouts, payout].slice(-12) });
      },
    },
  };
}
