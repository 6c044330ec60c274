/** 易地搬迁后扶 checklist rules: an item needs its details, a late item is marked, the last item completes the checklist. */
import { describe, expect, it } from 'vitest';
import type { ProcessFacts } from '../../workflows/process/draft';
import { ProcessDraft } from '../../workflows/process/draft';
import { initialProcessState } from '../../workflows/process/state';
import { SETTLEMENT_ITEMS } from '../../workflows/relocation/contracts';
import { completeness, itemRefusal, settlementRules } from '../../workflows/relocation/rules';

const facts: ProcessFacts = { processId: 'AZ1', region: { townshipCode: 't', countyCode: 'c' }, limits: { reminderLead: { unit: 'SECONDS', amount: 60 }, escalationRepeat: { unit: 'SECONDS', amount: 60 } } };
const rules = settlementRules();
const decide = (s: ReturnType<typeof initialProcessState>, item: string, at: string) => {
  const d = new ProcessDraft(s, facts, Date.parse(at));
  rules[item].onDecision!({ taskId: `t-${item}`, step: item, action: 'DONE', data: { details: '已建立' }, actorId: 'tw', at }, d);
  return d.done();
};

describe('settlement checklist rules', () => {
  it('an item needs its details (at most 2000 characters)', () => {
    expect(itemRefusal({ details: '党支部已成立' })).toBeNull();
    expect(itemRefusal({ details: ' ' })?.field).toBe('data.details');
    expect(itemRefusal({ details: 'x'.repeat(2001) })?.field).toBe('data.details');
  });

  it('an item completed after its due time is marked late; the sixth item completes the checklist', () => {
    const items = Object.fromEntries(SETTLEMENT_ITEMS.map((i) => [i, { done: false, dueAt: '2026-03-01T00:00:00.000Z' }]));
    let s = initialProcessState({ processId: 'AZ1', kind: 'RELOCATION_SETTLEMENT', status: 'OPEN', step: null, data: { items } });
    const first = decide(s, 'PROPERTY_MANAGEMENT', '2026-03-02T00:00:00.000Z');
    expect(first.effects.events.map((e) => e.action)).toEqual(['CHECKLIST_ITEM_LATE']);
    expect(first.state.data.completeness).toEqual({ done: 1, total: 6, late: 1 });
    s = first.state;
    for (const item of SETTLEMENT_ITEMS.filter((i) => i !== 'PROPERTY_MANAGEMENT')) s = decide(s, item, '2026-02-20T00:00:00.000Z').state;
    expect(s).toMatchObject({ status: 'COMPLETE', finished: true });
    expect(completeness(s.data.items as never)).toEqual({ done: 6, total: 6, late: 1 });
  });
});
