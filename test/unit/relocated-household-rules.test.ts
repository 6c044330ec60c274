/** 易地搬迁户后续扶持 rules: a visit needs a past date and the employment; a change of status is its own line; a late visit is counted; the history is bounded. */
import { describe, expect, it } from 'vitest';
import type { ProcessFacts } from '../../workflows/process/draft';
import { ProcessDraft } from '../../workflows/process/draft';
import { initialProcessState } from '../../workflows/process/state';
import { EMPLOYMENT_KEPT, applyEmploymentUpdate, employmentRefusal, recordVisit, relocatedHouseholdRules, visitRefusal, visitTaskSpec } from '../../workflows/relocated-household/rules';
import type { AnyTaskState } from '../../workflows/blocks/task';
import { evaluateTaskDeadline } from '../../workflows/blocks/task';
import { assertActsOnTask, assertTransferable } from '../../workflows/blocks/task-rules';

const facts: ProcessFacts = { processId: 'YD1', region: { villageCode: 'v', townshipCode: 't', countyCode: 'c' }, limits: { reminderLead: { unit: 'SECONDS', amount: 60 }, escalationRepeat: { unit: 'SECONDS', amount: 60 } } };
const NOW = Date.parse('2026-03-10T02:00:00Z');
const fresh = () => initialProcessState({ processId: 'YD1', kind: 'RELOCATED_HOUSEHOLD', status: 'FOLLOWING_UP', step: 'VISIT', data: { visits: 0, lateVisits: 0, employment: null } });
const actor = { id: 'v1', role: 'VILLAGE' as const, regionCode: 'v' };

describe('relocated household rules', () => {
  it('a visit needs a real date not in the future and a known employment status with the members in work', () => {
    expect(visitRefusal({ visitedOn: '2026-03-10', status: 'EMPLOYED_AWAY', workers: 2 }, NOW)).toBeNull();
    expect(visitRefusal({ visitedOn: '2026-03-11', status: 'EMPLOYED_AWAY', workers: 2 }, NOW)?.field).toBe('data.visitedOn');
    expect(visitRefusal({ visitedOn: '2026-02-30', status: 'EMPLOYED_AWAY', workers: 2 }, NOW)?.field).toBe('data.visitedOn');
    expect(visitRefusal({ visitedOn: '2026-03-10', status: 'RICH', workers: 2 }, NOW)?.field).toBe('data.status');
    expect(visitRefusal({ visitedOn: '2026-03-10', status: 'EMPLOYED_AWAY', workers: 1.5 }, NOW)?.field).toBe('data.workers');
    expect(employmentRefusal({ status: 'NO_LABOUR', workers: 1 })?.field).toBe('workers');
    expect(employmentRefusal({ status: 'NO_LABOUR', workers: 0 })).toBeNull();
  });

  it('a visit records the employment; a change of status between records is its own audit line; a late visit is counted', () => {
    const rules = relocatedHouseholdRules();
    const d = new ProcessDraft(fresh(), facts, NOW);
    rules.VISIT.onDecision!({ taskId: 't1', step: 'VISIT', action: 'DONE', data: { visitedOn: '2026-03-10', status: 'EMPLOYED_AWAY', workers: 2 }, actorId: 'v1', at: new Date(NOW).toISOString() }, d);
    recordVisit(d, { visitedOn: '2026-03-10' }, true);
    const first = d.done();
    expect(first.state.data).toMatchObject({ visits: 1, lateVisits: 1, employment: { status: 'EMPLOYED_AWAY', workers: 2 } });
    expect(first.effects.events.map((e) => e.action)).toEqual(['VISIT_LATE']);
    const d2 = new ProcessDraft(first.state, facts, NOW + 1000);
    applyEmploymentUpdate(d2, { status: 'SEEKING_WORK', workers: 0, notes: ' 返乡 ', actor });
    const second = d2.done();
    expect(second.effects.events.map((e) => [e.action, e.data])).toEqual([['EMPLOYMENT_UPDATED', { status: 'SEEKING_WORK', workers: 0 }], ['EMPLOYMENT_STATUS_CHANGED', { from: 'EMPLOYED_AWAY', to: 'SEEKING_WORK' }]]);
    expect(second.effects.events[0].comment).toBe('返乡');
  });

  it('the employment history keeps the latest records only', () => {
    let s = fresh();
    for (let i = 0; i < EMPLOYMENT_KEPT + 5; i++) {
      const d = new ProcessDraft(s, facts, NOW + i);
      applyEmploymentUpdate(d, { status: i % 2 ? 'EMPLOYED_LOCAL' : 'EMPLOYED_AWAY', workers: 1, actor });
      s = d.done().state;
    }
    expect((s.data.employmentHistory as unknown[]).length).toBe(EMPLOYMENT_KEPT);
  });

  it('the visit is the case\'s assistance contact\'s, reminded to them and escalated to the village first; the village\'s when the case has none', () => {
    const month = { unit: 'SECONDS' as const, amount: 6 };
    expect(visitTaskSpec(month, null)).toEqual({ step: 'VISIT', level: 'VILLAGE', limit: month });
    expect(visitTaskSpec(month, 'ctc1')).toEqual({ step: 'VISIT', level: 'CONTACT', assigneeId: 'ctc1', limit: month });

    const d = new ProcessDraft(fresh(), facts, NOW);
    d.openTask(visitTaskSpec(month, 'ctc1'));
    d.openTask(visitTaskSpec(month, null));
    const [byContact, byVillage] = d.fx.openTasks;
    expect(byContact).toMatchObject({ level: 'CONTACT', regionCode: 'v', assigneeId: 'ctc1' });
    expect(byContact.escalationChain).toEqual([{ role: 'VILLAGE', regionCode: 'v' }, { role: 'TOWNSHIP', regionCode: 't' }, { role: 'COUNTY', regionCode: 'c' }, { role: 'ADMIN', regionCode: 'c' }]);
    expect(byVillage).toMatchObject({ level: 'VILLAGE', regionCode: 'v' });
    expect(byVillage.assigneeId).toBeUndefined();
    expect(byVillage.escalationChain[0]).toEqual({ role: 'TOWNSHIP', regionCode: 't' });

    const task: AnyTaskState = {
      taskId: 'YD1-t1', step: 'VISIT', level: 'CONTACT', regionCode: 'v', assigneeId: 'ctc1', allowedIds: ['ctc1'],
      openedAt: new Date(NOW).toISOString(), dueAt: new Date(NOW + 6000).toISOString(), remindAt: new Date(NOW + 5000).toISOString(), reminded: false, escalations: 0, nextEscalationAt: null,
    };
    const times = { dueAt: NOW + 6000, remindAt: NOW + 5000 };
    const reminder = evaluateTaskDeadline(task, NOW + 5500, times, (f) => f + 30_000, byContact.escalationChain);
    expect([reminder.action, reminder.to]).toEqual(['REMINDER_SENT', [{ officialId: 'ctc1' }]]);
    const first = evaluateTaskDeadline(reminder.task, NOW + 6500, times, (f) => f + 30_000, byContact.escalationChain);
    expect([first.action, first.to]).toEqual(['TASK_ESCALATED', [{ role: 'VILLAGE', regionCode: 'v' }, { officialId: 'ctc1' }]]);
    const second = evaluateTaskDeadline(first.task, NOW + 40_000, times, (f) => f + 30_000, byContact.escalationChain);
    expect(second.to[0]).toEqual({ role: 'TOWNSHIP', regionCode: 't' });

    // The contact acts on it, and so does the official of its village (not of another village, not a
    // contact not holding it); it moves to a contact colleague of the village only.
    expect(() => assertActsOnTask(task, { id: 'ctc1', role: 'CONTACT', regionCode: 'v' })).not.toThrow();
    expect(() => assertActsOnTask(task, { id: 'v1', role: 'VILLAGE', regionCode: 'v' })).not.toThrow();
    expect(() => assertActsOnTask(task, { id: 'w1', role: 'VILLAGE', regionCode: 'w' })).toThrow(/another village/);
    expect(() => assertActsOnTask(task, { id: 'ctc9', role: 'CONTACT', regionCode: 'v' })).toThrow(/assigned to another official/);
    expect(() => assertTransferable(task, { toOfficialId: 'ctc2', toRole: 'CONTACT', toRegionCode: 'v', actor: { id: 'adm', role: 'ADMIN', regionCode: 'c' } })).not.toThrow();
    expect(() => assertTransferable(task, { toOfficialId: 'v1', toRole: 'VILLAGE', toRegionCode: 'v', actor: { id: 'adm', role: 'ADMIN', regionCode: 'c' } })).toThrow(/CONTACT colleague/);
  });
});
