/**
 * 易地搬迁后扶 checklist rules — pure: an item is completed with its entered data (late when after
 * its task's due time); the settlement's completeness; the checklist ends COMPLETE with the last item.
 */
import type { Refusal } from '../refusals';
import type { ProcessDraft } from '../process/draft';
import type { ProcessStepRules } from '../process/transitions';
import type { SettlementItem } from './contracts';
import { SETTLEMENT_ITEMS } from './contracts';

/** An item as the settlement's data keeps it. */
export interface ItemRecord {
  taskId?: string;
  dueAt?: string;
  done: boolean;
  late?: boolean;
  details?: string;
  completedAt?: string;
  completedById?: string;
}

/** Why an item's data cannot be recorded, or null: a description of what exists (≤ 2000 characters). */
export function itemRefusal(data: Record<string, unknown>): Refusal | null {
  if (typeof data.details !== 'string' || data.details.trim() === '') return { code: 'REASON_REQUIRED', message: 'data.details: enter what the settlement has for this item', field: 'data.details' };
  if (data.details.length > 2000) return { code: 'ACTION_NOT_ALLOWED', message: 'data.details: at most 2000 characters', field: 'data.details' };
  return null;
}

/** Completeness of a settlement's checklist: items done of all. */
export function completeness(items: Partial<Record<SettlementItem, ItemRecord>>): { done: number; total: number; late: number } {
  const all = SETTLEMENT_ITEMS.map((i) => items[i]);
  return { done: all.filter((x) => x?.done).length, total: SETTLEMENT_ITEMS.length, late: all.filter((x) => x?.late).length };
}

/** The step rules: every item takes DONE with its details; the last one completes the checklist. */
export function settlementRules(): ProcessStepRules {
  const rules: ProcessStepRules = {};
  for (const item of SETTLEMENT_ITEMS) {
    rules[item] = {
      actions: ['DONE'],
      check: (dec) => itemRefusal(dec.data),
      auditAction: () => 'CHECKLIST_ITEM_COMPLETED',
      onDecision: (dec, d: ProcessDraft) => {
        const items = { ...((d.s.data.items as Partial<Record<SettlementItem, ItemRecord>> | undefined) ?? {}) };
        const prev = items[item] ?? { done: false };
        const late = prev.dueAt !== undefined && Date.parse(dec.at) > Date.parse(prev.dueAt);
        items[item] = { ...prev, done: true, late, details: String(dec.data.details).trim(), completedAt: dec.at, completedById: dec.actorId };
        const c = completeness(items);
        d.setData({ items, completeness: c });
        if (late) d.event({ action: 'CHECKLIST_ITEM_LATE', step: item, data: { item } });
        if (c.done === c.total) {
          d.event({ action: 'CHECKLIST_COMPLETED', data: { ...c } });
          d.finish('COMPLETE');
        }
      },
    };
  }
  return rules;
}

/** Title of a settlement (no personal data): `易地搬迁后扶：幸福家园安置点`. */
export function settlementTitle(name: string): string {
  return `易地搬迁后扶：${name}`;
}
