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
import type { AssetClass, ManagingLevel } from './rules';
import { MANAGING_LEVELS, responsibleOwner } from './rules';
import { DEFAULT_DISTRIBUTION_POLICY, distributionRules } from './distribution';

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

/** Refuses a disposal request of a disposed asset, one not handed over yet, one already under review, or without a reason. */
export function validateDisposalRequest(s: ProcessCoreState, args: RequestDisposalArgs): void {
  if (s.finished) refuse('WRONG_STATE', `the asset is ${s.status} and takes no more actions`);
  if (s.data.handedOverOn === null) refuse('WRONG_STATE', 'the asset awaits the confirmation of its ownership and its handover');
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

const DEFAULT_OWNERSHIP_LIMIT: TLimit = { unit: 'WORKING_DAYS', amount: 10 };
type OwnershipLimits = NonNullable<AssetPolicy['ownership']>;
const ownershipLimit = (policy: Pick<AssetPolicy, 'ownership'>, k: keyof OwnershipLimits): TLimit => policy.ownership?.[k] ?? DEFAULT_OWNERSHIP_LIMIT;

function text(data: Record<string, unknown>, field: string, max: number, required: boolean): Refusal | null {
  const v = data[field];
  if (v === undefined || v === null || v === '') return required ? { code: 'REASON_REQUIRED', message: `data.${field}: required`, field: `data.${field}` } : null;
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) return { code: 'ACTION_NOT_ALLOWED', message: `data.${field}: a text of at most ${max} characters`, field: `data.${field}` };
  return null;
}

/**
 * 确权 opens: the owner named by 谁主管谁负责 (class and managing level) is recorded and gets the
 * confirmation task at its level. Used at registration and after a re-determination.
 */
export function openOwnershipConfirmation(d: ProcessDraft, o: { assetClass: AssetClass; managingLevel: ManagingLevel; ownerName: string }, policy: Pick<AssetPolicy, 'ownership'>): void {
  const owner = responsibleOwner(o.assetClass, o.managingLevel);
  d.setData({ managingLevel: o.managingLevel, ownerType: owner.ownerType, ownerLevel: owner.level, ownerName: o.ownerName, ownershipConfirmed: false });
  d.setStatus('CONFIRMING_OWNERSHIP', S.OWNERSHIP_CONFIRMATION);
  d.event({ action: 'OWNERSHIP_DETERMINED', data: { managingLevel: o.managingLevel, ownerType: owner.ownerType, level: owner.level } });
  d.openTask({ step: S.OWNERSHIP_CONFIRMATION, level: owner.level, limit: ownershipLimit(policy, 'confirmation') });
}

/** Whether both sides of the handover have confirmed (the asset is then in upkeep). */
function handoverDone(draft: ProcessDraft, side: 'out' | 'in', at: string): void {
  const h = { ...(draft.s.data.handover as Record<string, string> | undefined), [side]: at };
  draft.setData({ handover: h });
  if (h.out && h.in) {
    const on = beijingDate(Date.parse(at));
    draft.setData({ handedOverOn: on, idleClockFrom: at });
    draft.setStatus('IN_USE', S.INSPECTION);
    draft.event({ action: 'ASSET_HANDED_OVER', data: { handedOverOn: on } });
  }
}

function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The rules of 确权 and 移交 under `policy`. */
export function ownershipRules(policy: Pick<AssetPolicy, 'ownership'>): ProcessStepRules {
  return {
    [S.OWNERSHIP_CONFIRMATION]: {
      actions: ['APPROVE', 'RETURN'],
      check: (d) => {
        if (d.action !== 'APPROVE') return null;
        const n = d.data.households;
        if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100_000)) {
          return { code: 'ACTION_NOT_ALLOWED', message: 'data.households: a whole number from 1', field: 'data.households' };
        }
        return text(d.data, 'ownerName', 200, true) ?? text(d.data, 'certificateNo', 100, false);
      },
      auditAction: (d) => (d.action === 'APPROVE' ? 'OWNERSHIP_CONFIRMED' : 'OWNERSHIP_DISPUTED'),
      onDecision: (d, draft) => {
        if (d.action === 'RETURN') {
          draft.setStatus('OWNERSHIP_DISPUTED', S.OWNERSHIP_REDETERMINATION);
          draft.openTask({ step: S.OWNERSHIP_REDETERMINATION, level: 'TOWNSHIP', limit: ownershipLimit(policy, 'redetermination') });
          return;
        }
        const level = draft.s.data.ownerLevel as ManagingLevel;
        draft.setData({
          ownerName: String(d.data.ownerName).trim(), ownershipConfirmed: true,
          ownership: { certificateNo: d.data.certificateNo ?? null, households: d.data.households ?? null, confirmedAt: d.at, confirmedById: d.actorId },
        });
        draft.setStatus('HANDING_OVER', S.HANDOVER_IN);
        draft.openTask({ step: S.HANDOVER_OUT, level: 'TOWNSHIP', limit: ownershipLimit(policy, 'handoverOut') });
        draft.openTask({ step: S.HANDOVER_IN, level, limit: ownershipLimit(policy, 'handoverIn') });
      },
    },
    [S.OWNERSHIP_REDETERMINATION]: {
      actions: ['DONE'],
      check: (d) => (MANAGING_LEVELS.includes(d.data.managingLevel as never) ? null
        : { code: 'ACTION_NOT_ALLOWED', message: `data.managingLevel: one of ${MANAGING_LEVELS.join(', ')}`, field: 'data.managingLevel' })
        ?? text(d.data, 'ownerName', 200, true),
      auditAction: () => 'OWNERSHIP_REDETERMINED',
      onDecision: (d, draft) => openOwnershipConfirmation(draft, {
        assetClass: draft.s.data.assetClass as AssetClass, managingLevel: d.data.managingLevel as ManagingLevel, ownerName: String(d.data.ownerName).trim(),
      }, policy),
    },
    [S.HANDOVER_OUT]: { actions: ['DONE'], check: (d) => text(d.data, 'note', 1000, false), auditAction: () => 'HANDOVER_CONFIRMED_OUT', onDecision: (d, draft) => handoverDone(draft, 'out', d.at) },
    [S.HANDOVER_IN]: { actions: ['DONE'], check: (d) => text(d.data, 'note', 1000, false), auditAction: () => 'HANDOVER_CONFIRMED_IN', onDecision: (d, draft) => handoverDone(draft, 'in', d.at) },
  };
}

/** The step rules of an asset under `policy`. */
export function assetRules(policy: Pick<AssetPolicy, 'disposal' | 'ownership' | 'distribution'>): ProcessStepRules {
  return {
    ...ASSET_RULES,
    ...ownershipRules(policy),
    ...distributionRules(policy.distribution ?? DEFAULT_DISTRIBUTION_POLICY),
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
