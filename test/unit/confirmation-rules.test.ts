/** The monthly confirmation's pure rules (月调度数据确认): periods, due days, townships ready, answers and their timing in the report. */
import { describe, expect, it } from 'vitest';
import type { ConfirmationUnit } from '../../workflows/confirmation/contracts';
import { confirmationProcessId } from '../../workflows/confirmation/contracts';
import {
  CONFIRMATION_RULES, DEFAULT_CONFIRMATION_POLICY, allAnswered, answerKey, unitsOf, confirmationPolicyOf, confirmationRefusal, dueDateOf, limitUntil, periodStarting, reportConfirmations,
  timingOf, townshipsReady, withAnswer,
} from '../../workflows/confirmation/rules';
import { parsePolicy } from '../../workflows/policy-schema';
import { periodBefore, periodOfKey } from '../../workflows/report/rules';
import { dueAtOfDay } from '../../activities/confirmation/plan-confirmation';
import { getDefaultCalendar } from '../../activities/calendar/calendar';

const T = 'T1';
const units = (over: Partial<Record<string, Partial<ConfirmationUnit>>> = {}): Record<string, ConfirmationUnit> => {
  const base: Record<string, ConfirmationUnit> = {
    T1: { level: 'TOWNSHIP', code: 'T1', name: '甲镇', dueAt: '2026-11-28T16:00:00.000Z' },
    T2: { level: 'TOWNSHIP', code: 'T2', name: '乙镇', dueAt: '2026-11-28T16:00:00.000Z' },
    V1: { level: 'VILLAGE', code: 'V1', name: '一村', townshipCode: T, taskId: 'k1', dueAt: '2026-11-25T16:00:00.000Z' },
    V2: { level: 'VILLAGE', code: 'V2', name: '二村', townshipCode: T, taskId: 'k2', dueAt: '2026-11-25T16:00:00.000Z' },
    W1: { level: 'VILLAGE', code: 'W1', name: '三村', townshipCode: 'T2', taskId: 'k3', dueAt: '2026-11-25T16:00:00.000Z' },
  };
  for (const [k, v] of Object.entries(over)) base[k] = { ...base[k], ...v };
  return base;
};
const VILLAGE_DUE = Date.parse('2026-11-25T16:00:00.000Z');

describe('confirmation periods and due days', () => {
  it('a confirmation scheduled on 1 November (Beijing) opens November — the period the 1 December 月调度 reports on', () => {
    const cadence = { every: 'MONTH', day: 1, hour: 1 } as const;
    const p = periodStarting(cadence, Date.parse('2026-11-01T01:00:00+08:00'));
    expect(p).toEqual(periodOfKey('2026-11'));
    expect(periodBefore(cadence, Date.parse('2026-12-01T01:00:00+08:00'))).toEqual(p);
  });
  it('a compressed cadence opens the seconds the next run reports on', () => {
    const at = Date.parse('2026-11-01T00:00:00Z');
    const p = periodStarting({ every: 'SECONDS', seconds: 30 }, at);
    expect(periodBefore({ every: 'SECONDS', seconds: 30 }, at + 30_000)).toEqual(p);
  });
  it('villages are due by the 25th and townships by the 28th unless the policy says otherwise', () => {
    expect(confirmationPolicyOf(undefined)).toEqual({ every: 'MONTH', villageDay: 25, townshipDay: 28 });
    expect(DEFAULT_CONFIRMATION_POLICY).toEqual({ every: 'MONTH', villageDay: 25, townshipDay: 28 });
    const period = periodOfKey('2026-11')!;
    expect(dueDateOf(period, 25)).toBe('2026-11-25');
    expect(dueDateOf(period, 28)).toBe('2026-11-28');
  });
  it('a due day that is a working day ends at its midnight (Beijing); one that is not moves to the end of the next working day', () => {
    const cal = getDefaultCalendar();
    // 25 November 2026 is a Wednesday.
    expect(dueAtOfDay(cal, { period: periodOfKey('2026-11')! }, 25).toISOString()).toBe('2026-11-25T16:00:00.000Z');
    // 28 November 2026 is a Saturday: due at the end of Monday 30 November.
    expect(dueAtOfDay(cal, { period: periodOfKey('2026-11')! }, 28).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    // 25 October 2026 is a Sunday: the end of Monday 26 October.
    expect(dueAtOfDay(cal, { period: periodOfKey('2026-10')! }, 25).toISOString()).toBe('2026-10-26T16:00:00.000Z');
  });
  it('the policy takes its due days and refuses townships before villages, naming the field', () => {
    const reports = { monthly: { every: 'MONTH', day: 1, hour: 1 }, quarterly: { every: 'QUARTER', day: 1, hour: 2 }, bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: 3600, catchupWindowSeconds: 86_400 };
    expect(parsePolicy({ reports: { ...reports, confirmation: { every: 'MONTH', villageDay: 20, townshipDay: 24 } } }).reports?.confirmation).toEqual({ every: 'MONTH', villageDay: 20, townshipDay: 24 });
    expect(() => parsePolicy({ reports: { ...reports, confirmation: { every: 'MONTH', villageDay: 26, townshipDay: 24 } } })).toThrow(/townshipDay/);
    expect(() => parsePolicy({ reports: { ...reports, confirmation: { every: 'MONTH', villageDay: 31, townshipDay: 31 } } })).toThrow();
  });
  it('a task opened now runs out at the due time (never less than a second)', () => {
    expect(limitUntil(10_500, 1_000)).toEqual({ unit: 'SECONDS', amount: 10 });
    expect(limitUntil(0, 5_000)).toEqual({ unit: 'SECONDS', amount: 1 });
  });
  it('one confirmation per county and month', () => {
    expect(confirmationProcessId('420000000000', '2026-11')).toBe('YDQR-420000000000-2026-11');
    expect(confirmationProcessId('420000000000', '2026-11-01T00:00:00.000Z')).toBe('YDQR-420000000000-2026-11-01T000000000Z');
  });
});

describe('townships confirm after their villages', () => {
  it('a township waits while a village of its is unanswered before the villages\' due time', () => {
    expect(townshipsReady(units(), VILLAGE_DUE - 1000, VILLAGE_DUE)).toEqual([]);
  });
  it('a township opens as soon as all its villages answered; the other still waits', () => {
    const u = units({ V1: { outcome: 'CONFIRMED', at: '2026-11-20T01:00:00.000Z' }, V2: { outcome: 'DISCREPANCY', at: '2026-11-21T01:00:00.000Z' } });
    expect(townshipsReady(u, VILLAGE_DUE - 1000, VILLAGE_DUE)).toEqual(['T1']);
  });
  it('at the villages\' due time every township opens, whatever its villages did; an opened one never again', () => {
    expect(townshipsReady(units(), VILLAGE_DUE, VILLAGE_DUE)).toEqual(['T1', 'T2']);
    expect(townshipsReady(units({ T1: { taskId: 'k9' } }), VILLAGE_DUE, VILLAGE_DUE)).toEqual(['T2']);
  });
  it('the confirmation is complete only when every village and township answered', () => {
    const answered = { outcome: 'CONFIRMED' as const, at: '2026-11-20T01:00:00.000Z' };
    expect(allAnswered(units({ V1: answered, V2: answered, W1: answered, T1: answered }))).toBe(false);
    expect(allAnswered(units({ V1: answered, V2: answered, W1: answered, T1: answered, T2: answered }))).toBe(true);
  });
});

describe('answers', () => {
  const base = units().V1;
  it('confirming keeps the note and the employment figure; a discrepancy keeps its reason as the note', () => {
    expect(withAnswer(base, { action: 'APPROVE', data: { note: ' 务工就业 12 人 ', employed: 12 }, actorId: 'o1', at: '2026-11-20T01:00:00.000Z' }))
      .toMatchObject({ outcome: 'CONFIRMED', note: '务工就业 12 人', employed: 12, byId: 'o1' });
    expect(withAnswer(base, { action: 'REJECT', reason: '新增监测户少计1户', data: {}, actorId: 'o1', at: '2026-11-20T01:00:00.000Z' }))
      .toMatchObject({ outcome: 'DISCREPANCY', note: '新增监测户少计1户' });
  });
  it('an answer by the due time is on time, after it late, none when never answered', () => {
    expect(timingOf({ ...base, outcome: 'CONFIRMED', at: '2026-11-25T16:00:00.000Z' })).toBe('ON_TIME');
    expect(timingOf({ ...base, outcome: 'CONFIRMED', at: '2026-11-25T16:00:00.001Z' })).toBe('LATE');
    expect(timingOf(base)).toBe('NONE');
  });
  it('a negative or fractional employment figure and an overlong note are refused naming the field', () => {
    expect(confirmationRefusal({ action: 'APPROVE', data: { employed: -1 } })?.field).toBe('data.employed');
    expect(confirmationRefusal({ action: 'APPROVE', data: { employed: 1.5 } })?.field).toBe('data.employed');
    expect(confirmationRefusal({ action: 'APPROVE', data: { note: 'x'.repeat(1001) } })?.field).toBe('data.note');
    expect(confirmationRefusal({ action: 'APPROVE', data: { note: '正常', employed: 3 } })).toBeNull();
  });
  it('villages and townships confirm (APPROVE) or flag a discrepancy (REJECT, which needs a reason) and nothing else', () => {
    for (const r of Object.values(CONFIRMATION_RULES)) expect([...r.actions]).toEqual(['APPROVE', 'REJECT']);
  });
  it('the report counts each level on time, late and not at all, with the discrepancies, and names each unit', () => {
    const u = units({
      V1: { outcome: 'CONFIRMED', at: '2026-11-20T01:00:00.000Z', employed: 12 },
      V2: { outcome: 'DISCREPANCY', at: '2026-11-21T01:00:00.000Z', note: '少计1户' },
      W1: { outcome: 'CONFIRMED', at: '2026-11-27T01:00:00.000Z', employed: 5 },
      T1: { taskId: 'k4', outcome: 'CONFIRMED', at: '2026-11-27T01:00:00.000Z' },
    });
    const r = reportConfirmations('P', u);
    expect(r.villages).toEqual({ onTime: 2, late: 1, none: 0, discrepancies: 1 });
    expect(r.townships).toEqual({ onTime: 1, late: 0, none: 1, discrepancies: 0 });
    expect(r.units.map((x) => `${x.code}:${x.timing}`)).toEqual(['T1:ON_TIME', 'T2:NONE', 'V1:ON_TIME', 'V2:ON_TIME', 'W1:LATE']);
    expect(r.units.find((x) => x.code === 'V2')).toMatchObject({ outcome: 'DISCREPANCY', note: '少计1户' });
    // 务工就业 where recorded: the villages that gave the number, summed.
    expect(r.employed).toEqual({ total: 17, villages: 2 });
    expect(r.units.find((x) => x.code === 'V1')?.employed).toBe(12);
  });
});

describe('answers in the process data', () => {
  it('an answer is committed as its own top-level key (the read model merges top-level keys), so a county of hundreds of villages writes one answer per commit', () => {
    const data: Record<string, unknown> = { units: units() };
    const draft = { s: { data }, setData(d: Record<string, unknown>) { Object.assign(data, d); this.patch = d; }, patch: {} as Record<string, unknown> };
    CONFIRMATION_RULES.VILLAGE_CONFIRMATION.onDecision!({ taskId: 'k2', step: 'VILLAGE_CONFIRMATION', action: 'REJECT', reason: '少计1户', data: {}, actorId: 'o2', at: '2026-11-20T01:00:00.000Z' }, draft as never);
    expect(Object.keys(draft.patch)).toEqual([answerKey('V2')]);
    expect(unitsOf(data).V2).toMatchObject({ code: 'V2', taskId: 'k2', outcome: 'DISCREPANCY', note: '少计1户', byId: 'o2' });
    expect(unitsOf(data).V1.outcome).toBeUndefined();
  });
});
