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
import { ASSET_STEPS as S } from './contracts';

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

/** The step rules of an asset. */
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
