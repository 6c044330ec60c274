/** 公益岗位 pure rules: month boundaries, the agreement's term, the monthly confirmation, late and unpaid months, and age. */
import { describe, expect, it } from 'vitest';
import type { ProcessFacts } from '../../workflows/process/draft';
import { ProcessDraft } from '../../workflows/process/draft';
import { initialProcessState } from '../../workflows/process/state';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { parsePolicy } from '../../workflows/policy-schema';
import {
  DEFAULT_WELFARE_JOB_POLICY, agreementRefusal, exitEarly, fileJobObjection, monthClosesAt, noticeMs, recordWageMonth, validateEarlyExit, validateJobObjection, wageConfirmationRefusal, welfareJobRules,
} from '../../workflows/welfare-job/rules';
import { welfareJobInput, welfareJobPolicyOf } from '../../workflows/welfare-job/input';
import { ageOf } from '../../api/services/apply-welfare-job';

const P = DEFAULT_WELFARE_JOB_POLICY;
const facts: ProcessFacts = { processId: 'GY1', region: { villageCode: 'v', townshipCode: 't', countyCode: 'c' }, limits: { reminderLead: { unit: 'SECONDS', amount: 60 }, escalationRepeat: { unit: 'SECONDS', amount: 60 } } };
const state = () => initialProcessState({ processId: 'GY1', kind: 'PUBLIC_WELFARE_JOB', status: 'IN_POST', step: 'WAGE_CONFIRMATION', data: { wages: [] } });

describe('public-welfare job rules', () => {
  it('each month closes on the 1st (Beijing) of the next calendar month, so its confirmation is due by the 10th', () => {
    expect(new Date(monthClosesAt(P, '2026-03-15', 0, 1)).toISOString()).toBe('2026-03-31T16:00:00.000Z');
    expect(new Date(monthClosesAt(P, '2026-12-01', 0, 2)).toISOString()).toBe('2027-01-31T16:00:00.000Z');
    expect(monthClosesAt({ ...P, monthUnit: 'SECONDS' }, '2026-03-15', 5000, 2)).toBe(7000);
    expect(noticeMs(P)).toBe(10 * 86_400_000);
    expect(DEFAULT_POLICY.processSteps.PUBLIC_WELFARE_JOB.WAGE_CONFIRMATION).toEqual({ unit: 'CALENDAR_DAYS', amount: 9 });
  });

  it('an agreement lasts at most a year and needs a real start date', () => {
    expect(agreementRefusal({ startOn: '2026-03-15', termMonths: 12 }, P)).toBeNull();
    expect(agreementRefusal({ startOn: '2026-03-15', termMonths: 13 }, P)?.field).toBe('data.termMonths');
    expect(agreementRefusal({ startOn: '2026-02-30', termMonths: 6 }, P)?.field).toBe('data.startOn');
    expect(() => parsePolicy({ welfareJobs: { maxTermMonths: 13 } })).toThrow();
  });

  it('a month confirmation needs the days worked, whether the wage was paid, and notes when it was not', () => {
    expect(wageConfirmationRefusal({ attendanceDays: 22, wagePaid: true })).toBeNull();
    expect(wageConfirmationRefusal({ attendanceDays: 40, wagePaid: true })?.field).toBe('data.attendanceDays');
    expect(wageConfirmationRefusal({ attendanceDays: 22 })?.field).toBe('data.wagePaid');
    expect(wageConfirmationRefusal({ attendanceDays: 22, wagePaid: false })?.field).toBe('data.notes');
  });

  it('a late month is counted and recorded; an unpaid month opens a township task', () => {
    const d = new ProcessDraft(state(), facts, 1000);
    recordWageMonth(d, 1, { attendanceDays: 20, wagePaid: false, notes: '资金未到位' }, true, { unit: 'SECONDS', amount: 10 });
    expect(d.s.data).toMatchObject({ monthsConfirmed: 1, monthsLate: 1 });
    expect(d.fx.events.map((e) => e.action)).toEqual(['WAGE_CONFIRMED_LATE', 'WAGE_UNPAID']);
    expect(d.fx.openTasks.map((t) => `${t.step}:${t.level}`)).toEqual(['WAGE_ARREARS:TOWNSHIP']);
  });

  it('the end of term ends the job EXITED or RENEWAL_REQUESTED', () => {
    const rules = welfareJobRules({ policy: P });
    const d = new ProcessDraft(state(), facts, 1000);
    rules.END_OF_TERM.onDecision!({ taskId: 'x', step: 'END_OF_TERM', action: 'DONE', data: { outcome: 'EXIT' }, actorId: 't', at: '' }, d);
    expect(d.s).toMatchObject({ status: 'EXITED', finished: true });
    expect(rules.END_OF_TERM.check!({ taskId: 'x', action: 'DONE', data: { outcome: 'MAYBE' } }, 0)?.field).toBe('data.outcome');
  });

  it('an early exit (提前退出) during the term ends the job EXITED with its reason and cancels its open tasks', () => {
    const actor = { id: 'v1', role: 'VILLAGE' as const, regionCode: 'v' };
    const s = { ...state(), data: { wages: [], monthsConfirmed: 1 } };
    const open = { ...s, openTasks: [{ taskId: 'GY1-T1', step: 'WAGE_CONFIRMATION', level: 'VILLAGE', regionCode: 'v' }] } as unknown as typeof s;
    const e = new ProcessDraft(open, facts, 2000);
    validateEarlyExit(e.s, { reason: '外出务工', actor });
    exitEarly(e, { reason: ' 外出务工 ', actor });
    expect(e.s).toMatchObject({ status: 'EXITED', finished: true });
    expect(e.s.data.exit).toMatchObject({ early: true, reason: '外出务工', afterMonths: 1, by: actor });
    expect(e.fx.events.map((x) => x.action)).toEqual(expect.arrayContaining(['TASK_CANCELLED', 'JOB_EXITED_EARLY']));
    expect(e.s.openTasks).toEqual([]);
  });

  it('an early exit is refused without a reason, or outside the term', () => {
    const actor = { id: 'v1', role: 'VILLAGE' as const, regionCode: 'v' };
    expect(() => validateEarlyExit(state(), { reason: ' ', actor })).toThrow(/reason/);
    expect(() => validateEarlyExit({ ...state(), status: 'NOTICE' }, { reason: '辞职', actor })).toThrow(/in post/);
    expect(() => validateEarlyExit({ ...state(), status: 'EXITED', finished: true }, { reason: '辞职', actor })).toThrow(/in post/);
  });

  it('an objection is taken only during the notice and opens a township investigation; upheld, the application is rejected; dismissed, nothing ends', () => {
    const actor = { id: 'v1', role: 'VILLAGE' as const, regionCode: 'v' };
    const notice = { ...state(), status: 'NOTICE', step: 'PUBLIC_NOTICE' };
    expect(() => validateJobObjection(state(), { text: '异议', actor })).toThrow(/notice/);
    expect(() => validateJobObjection(notice, { text: '  ', actor })).toThrow(/text/);
    const d = new ProcessDraft(notice, facts, 1000);
    validateJobObjection(d.s, { text: '异议', actor });
    fileJobObjection(d, { text: ' 收入超标 ', actor }, { unit: 'SECONDS', amount: 10 });
    expect(d.fx.events.map((e) => [e.action, e.comment])).toEqual([['OBJECTION_FILED', '收入超标']]);
    expect(d.fx.openTasks.map((t) => `${t.step}:${t.level}`)).toEqual(['INVESTIGATION:TOWNSHIP']);
    const rules = welfareJobRules({ policy: P });
    const up = new ProcessDraft(notice, facts, 1000);
    rules.INVESTIGATION.onDecision!({ taskId: 'x', step: 'INVESTIGATION', action: 'REJECT', data: {}, actorId: 't', at: '' }, up);
    expect(up.s).toMatchObject({ status: 'REJECTED', finished: true });
    const down = new ProcessDraft(notice, facts, 1000);
    rules.INVESTIGATION.onDecision!({ taskId: 'x', step: 'INVESTIGATION', action: 'APPROVE', data: {}, actorId: 't', at: '' }, down);
    expect(down.s).toMatchObject({ status: 'NOTICE', finished: false });
  });

  it('a renewal at the end of the term keeps the term ending and makes the next agreement due, the job still in post; without the patch flag it ends RENEWAL_REQUESTED', () => {
    const rules = welfareJobRules({ policy: P });
    const ending = { ...state(), step: 'END_OF_TERM', data: { renewal: 'NEXT_TERM', agreement: { startOn: '2026-01-01', termMonths: 12 }, wages: [], monthsConfirmed: 12, monthsLate: 2 } };
    const d = new ProcessDraft(ending, facts, 1000);
    rules.END_OF_TERM.onDecision!({ taskId: 'x', step: 'END_OF_TERM', action: 'DONE', data: { outcome: 'RENEW' }, actorId: 't', at: '' }, d);
    expect(d.s).toMatchObject({ status: 'IN_POST', step: 'AGREEMENT', finished: false });
    expect(d.s.data).toMatchObject({ term: 2, renewal: null, priorMonthsConfirmed: 12, priorMonthsLate: 2, terms: [{ term: 1, monthsConfirmed: 12, monthsLate: 2, agreement: { startOn: '2026-01-01', termMonths: 12 } }] });
    expect(d.fx.events.map((e) => e.action)).toContain('JOB_RENEWED');
    const old = new ProcessDraft({ ...ending, data: { ...ending.data, renewal: undefined } }, facts, 1000);
    rules.END_OF_TERM.onDecision!({ taskId: 'x', step: 'END_OF_TERM', action: 'DONE', data: { outcome: 'RENEW' }, actorId: 't', at: '' }, old);
    expect(old.s).toMatchObject({ status: 'RENEWAL_REQUESTED', finished: true });
  });

  it('age is counted in Beijing whole years from the ID number', () => {
    expect(ageOf('410599198003150011', new Date('2026-03-14T16:00:00Z'))).toBe(46);
    expect(ageOf('410599198003150011', new Date('2026-03-14T15:59:59Z'))).toBe(45);
  });

  it('the input pins the step limits and the policy values', () => {
    const input = welfareJobInput({ processId: 'GY1', householdId: 'hh', region: { villageCode: 'v', townshipCode: 't', countyCode: 'c' }, villageName: '村', application: { post: '护林员', monthlyWage: 800, termMonths: 12 }, appliedById: 'o' }, DEFAULT_POLICY);
    expect(input.stepLimits.END_OF_TERM).toEqual({ unit: 'WORKING_DAYS', amount: 10 });
    expect(input.policy).toEqual(welfareJobPolicyOf(DEFAULT_POLICY));
  });
});
