/**
 * 资产管护规则 — the steps of an asset: an inspection records the condition and notes (and, for a
 * 经营性 asset, the income since the last one — income clears the idle flag); resolving an idle
 * asset records the plan and restarts the idle clock. Plus the pure clock: when the asset is next
 * due to be flagged idle. Pure.
 */
import type { Refusal } from '../refusals';
import type { ProcessStepRules } from '../process/transitions';
import type { TLimit } from '../policy';
import { addLimitWithoutCalendar } from '../policy';
import type { AssetPolicy, RequestDisposalArgs } from './contracts';
import { ASSET_STEPS as S, DISPOSAL_METHODS } from './contracts';
import type { ProcessCoreState } from '../process/state';
import type { ProcessDraft } from '../process/draft';
import { refuse } from '../refusals';

/** 设施状况 — conditions an inspection records. */
export const ASSET_CONDITIONS = ['GOOD', 'NEEDS_UPKEEP', 'DAMAGED'] as const;

function notes(data: Record<string, unknown>, field: string): Refusal | null {
  const v = data[field];
  if (typeof v !== 'string' || v.trim() === '' || v.length > 2000) return { code: 'REASON_REQUIRED', message: `data.${field}: a text of 1 to 2000 characters`, field: `data.${field}` };
  return null;
}

/** The instant an income asset becomes idle: `idleAfter` after its last income (or the idle clock's restart). */
export function idleDueAt(data: { lastIncomeAt?: unknown; idleClockFrom?: unknown }, idleAfter: TLimit): number {
  const from = Math.max(Date.parse(String(data.lastIncomeAt ?? '')) || 0, Date.parse(String(data.idleClockFrom ?? '')) || 0);
  return addLimitWithoutCalendar(from, idleAfter) ?? addLimitWithoutCalendar(from, { unit: 'CALENDAR_DAYS', amount: idleAfter.amount }) as number;
}

const DEFAULT_DISPOSAL_LIMIT: TLimit = { unit: 'WORKING_DAYS', amount: 10 };

/** Refuses a disposal request of a disposed asset, one already under review, or without a reason. */
export function validateDisposalRequest(s: ProcessCoreState, args: RequestDisposalArgs): void {
  if (s.finished) refuse('WRONG_STATE', `the asset is ${s.status} and takes no more actions`);
  if (s.data.disposal) refuse('WRONG_STATE', 'a disposal request of this asset is already under review');
  if (!DISPOSAL_METHODS.includes(args.method)) refuse('ACTION_NOT_ALLOWED', `method: one of ${DISPOSAL_METHODS.join(', ')}`, 'method');
  if (typeof args.reason !== 'string' || args.reason.trim() === '' || args.reason.length > 1000) refuse('REASON_REQUIRED', 'reason: why the asset is disposed of (1 to 1000 characters)', 'reason');
}

/** 申请处置: the request is recorded and the township's review opens. */
export function requestDisposal(d: ProcessDraft, args: RequestDisposalArgs, policy: Pick<AssetPolicy, 'disposal'>): void {
  d.setData({ disposal: { method: args.method, reason: args.reason.trim(), requestedById: args.actor.id, requestedAt: d.iso(), statusBefore: d.s.status } });
  d.setStatus('DISPOSAL_REQUESTED');
  d.event({ action: 'DISPOSAL_REQUESTED', actorId: args.actor.id, comment: args.reason.trim(), data: { method: args.method } });
  d.openTask({ step: S.DISPOSAL_TOWNSHIP_REVIEW, level: 'TOWNSHIP', limit: policy.disposal?.townshipReview ?? DEFAULT_DISPOSAL_LIMIT });
}

/** A refused disposal: the asset goes back to what it was. */
function disposalRefused(draft: ProcessDraft): void {
  const before = (draft.s.data.disposal as { statusBefore?: string } | null)?.statusBefore ?? 'IN_USE';
  draft.setData({ disposal: null });
  draft.setStatus(before);
}

/** The step rules of an asset under `policy`. */
export function assetRules(policy: Pick<AssetPolicy, 'disposal'>): ProcessStepRules {
  return {
    ...ASSET_RULES,
    [S.DISPOSAL_TOWNSHIP_REVIEW]: {
      actions: ['APPROVE', 'REJECT'],
      onDecision: (d, draft) => {
        if (d.action === 'REJECT') disposalRefused(draft);
        else draft.openTask({ step: S.DISPOSAL_COUNTY_APPROVAL, level: 'COUNTY', limit: policy.disposal?.countyApproval ?? DEFAULT_DISPOSAL_LIMIT });
      },
    },
    [S.DISPOSAL_COUNTY_APPROVAL]: {
      actions: ['APPROVE', 'REJECT'],
      auditAction: (d) => (d.action === 'APPROVE' ? 'ASSET_DISPOSED' : 'REJECTED'),
      onDecision: (d, draft) => {
        if (d.action === 'REJECT') disposalRefused(draft);
        else draft.finish('DISPOSED');
      },
    },
  };
}

/** The step rules of upkeep (inspection, idle resolution). */
export const ASSET_RULES: ProcessStepRules = {
  [S.INSPECTION]: {
    actions: ['DONE'],
    check: (d) => {
      if (!ASSET_CONDITIONS.includes(d.data.condition as never)) return { code: 'ACTION_NOT_ALLOWED', message: `data.condition: one of ${ASSET_CONDITIONS.join(', ')}`, field: 'data.condition' };
      const income = d.data.incomeFen;
      if (income !== undefined && (typeof income !== 'number' || !Number.isInteger(income) || income < 0 || income > 1e13)) {
        return { code: 'ACTION_NOT_ALLOWED', message: 'data.incomeFen: a whole number of fen, 0 or more', field: 'data.incomeFen' };
      }
      return notes(d.data, 'notes');
    },
    auditAction: () => 'ASSET_INSPECTED',
    onDecision: (d, draft) => {
      const income = typeof d.data.incomeFen === 'number' ? d.data.incomeFen : 0;
      draft.setData({ lastInspectedAt: d.at, lastCondition: d.data.condition });
      if (income > 0) {
        draft.setData({ lastIncomeAt: d.at, totalIncomeFen: Number(draft.s.data.totalIncomeFen ?? 0) + income, idle: false });
        if (draft.s.status === 'IDLE') draft.setStatus('IN_USE');
      }
    },
  },
  [S.IDLE_RESOLUTION]: {
    actions: ['DONE'],
    check: (d) => notes(d.data, 'plan'),
    auditAction: () => 'ASSET_IDLE_RESOLVED',
    onDecision: (d, draft) => {
      draft.setData({ idle: false, idleClockFrom: d.at, idleResolution: d.data.plan });
      draft.setStatus('IN_USE');
    },
  },
};
