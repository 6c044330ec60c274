/** 小额信贷 pure rules: policy maximums, the interest subsidy, the repayment schedule and its milestones, and what each step's decision takes and does. */
import { describe, expect, it } from 'vitest';
import type { ProcessFacts } from '../../workflows/process/draft';
import { ProcessDraft } from '../../workflows/process/draft';
import { initialProcessState } from '../../workflows/process/state';
import type { ProcessCoreState } from '../../workflows/process/state';
import { parsePolicy } from '../../workflows/policy-schema';
import { DEFAULT_POLICY } from '../../workflows/policy';
import {
  DEFAULT_MICROCREDIT_POLICY, applicationRefusal, applyMilestones, bankDecisionRefusal, dueMilestones, extensionRefusal, interestSubsidy, microcreditRules,
  nextMilestone, repaymentRefusal, repaymentSchedule, requestExtension, useCheckRefusal,
} from '../../workflows/microcredit/rules';
import { microcreditInput, microcreditPolicyOf } from '../../workflows/microcredit/input';

const DAY = 86_400_000;
const P = DEFAULT_MICROCREDIT_POLICY;
const NOW = Date.parse('2026-03-15T02:00:00Z');
const facts: ProcessFacts = { processId: 'MC1', region: { villageCode: 'v', townshipCode: 't', countyCode: 'c' }, limits: { reminderLead: { unit: 'SECONDS', amount: 60 }, escalationRepeat: { unit: 'SECONDS', amount: 60 } } };
const limits = Object.fromEntries(['VILLAGE_CHECK', 'TOWNSHIP_CHECK', 'BANK_DECISION', 'USE_CHECK', 'REPAYMENT_REMINDER', 'REPAYMENT_CHECK', 'OVERDUE_FOLLOW_UP'].map((s) => [s, { unit: 'SECONDS' as const, amount: 100 }])) as any;

describe('microcredit policy', () => {
  it('an application above 50,000 yuan or 36 months is refused naming the field', () => {
    expect(applicationRefusal({ amount: 50_000, termMonths: 36 }, P)).toBeNull();
    expect(applicationRefusal({ amount: 50_001, termMonths: 12 }, P)?.field).toBe('amount');
    expect(applicationRefusal({ amount: 1000, termMonths: 37 }, P)?.field).toBe('termMonths');
    expect(applicationRefusal({ amount: 1000, termMonths: 1.5 }, P)?.field).toBe('termMonths');
    expect(applicationRefusal({ amount: 60_000, termMonths: 12 }, { ...P, maxAmount: 80_000 })).toBeNull();
  });

  it('a deployment overrides part of the microcredit values and keeps the defaults for the rest', () => {
    const p = parsePolicy({ microcredit: { maxAmount: 80_000 } });
    expect(p.microcredit).toMatchObject({ maxAmount: 80_000, maxTermMonths: 36, termUnit: 'MONTHS' });
    expect(microcreditPolicyOf(DEFAULT_POLICY)).toEqual(P);
    expect(() => parsePolicy({ microcredit: { interestSubsidyShare: 2 } })).toThrow();
  });

  it('the interest subsidy is amount × rate × years × the policy share, in fen', () => {
    expect(interestSubsidy(50_000, 3.45, 36, 1)).toBe(5175);
    expect(interestSubsidy(30_000, 3.45, 14, 0.5)).toBe(603.75);
  });
});

describe('repayment schedule', () => {
  it('a loan is due the same Beijing date n months later, reminded 30 and 7 days before and graded 1, 31 and 91 days after', () => {
    const { dueAt, milestones } = repaymentSchedule(P, 12, '2026-03-15', NOW);
    expect(new Date(dueAt).toISOString()).toBe('2027-03-14T16:00:00.000Z');
    expect(milestones.map((m) => m.name)).toEqual(['REMIND_1', 'REMIND_2', 'DUE', 'GRADE_1', 'GRADE_2', 'GRADE_3']);
    expect(milestones[0].at).toBe(dueAt - 30 * DAY);
    expect(milestones[5].at).toBe(dueAt + 91 * DAY);
    // Month ends clamp (31 January + 1 month = 28 February).
    expect(new Date(repaymentSchedule(P, 1, '2026-01-31', NOW).dueAt + 8 * 3_600_000).toISOString().slice(0, 10)).toBe('2026-02-28');
  });

  it('reminders already past at disbursement are skipped', () => {
    const { milestones } = repaymentSchedule({ ...P, termUnit: 'SECONDS', repaymentReminders: [{ unit: 'SECONDS', amount: 30 }, { unit: 'SECONDS', amount: 5 }] }, 20, '2026-03-15', NOW);
    expect(milestones.map((m) => m.name)).toEqual(['REMIND_2', 'DUE', 'GRADE_1', 'GRADE_2', 'GRADE_3']);
  });
});

/** A state after the bank lent, as the BANK_DECISION rule leaves it. */
function disbursed(): ProcessCoreState {
  const s = initialProcessState({ processId: 'MC1', kind: 'MICROCREDIT', status: 'APPLIED', step: 'BANK_DECISION' });
  const d = new ProcessDraft(s, facts, NOW);
  microcreditRules({ policy: P }).BANK_DECISION.onDecision!({ taskId: 'x', step: 'BANK_DECISION', action: 'DONE', data: { approved: true, amount: 30_000, termMonths: 12, annualRatePct: 3.45, disbursedOn: '2026-03-15' }, actorId: 'cty', at: '' }, d);
  return d.done().state;
}

describe('loan milestones', () => {
  it('the bank decision records the loan, its subsidy and schedule, and the status DISBURSED', () => {
    const s = disbursed();
    expect(s.status).toBe('DISBURSED');
    expect(s.data).toMatchObject({ loan: { amount: 30_000, subsidy: 1035 }, disbursedYear: '2026', overdueGrade: 0 });
    expect(nextMilestone(s.data)?.name).toBe('REMIND_1');
  });

  it('milestones due at a time open their tasks: reminders at village level, the due date for the county, each overdue grade one level higher, > 90 days listed for risk compensation', () => {
    const s = disbursed();
    const due = Date.parse((s.data.schedule as any).dueAt);
    const names = dueMilestones(s.data, due + 100 * DAY);
    expect(names).toEqual(['REMIND_1', 'REMIND_2', 'DUE', 'GRADE_1', 'GRADE_2', 'GRADE_3']);
    const d = new ProcessDraft(s, facts, due + 100 * DAY);
    applyMilestones(d, { stepLimits: limits }, names);
    expect(d.fx.openTasks.map((t) => `${t.step}:${t.level}`)).toEqual([
      'REPAYMENT_REMINDER:VILLAGE', 'REPAYMENT_REMINDER:VILLAGE', 'REPAYMENT_CHECK:COUNTY', 'OVERDUE_FOLLOW_UP:VILLAGE', 'OVERDUE_FOLLOW_UP:TOWNSHIP', 'OVERDUE_FOLLOW_UP:COUNTY',
    ]);
    expect(d.s.status).toBe('OVERDUE_90_PLUS');
    expect(d.s.data).toMatchObject({ overdueGrade: 3, riskCompensation: true });
    expect(d.fx.events.map((e) => e.action)).toContain('LOAN_LISTED_FOR_RISK_COMPENSATION');
    expect(dueMilestones(d.s.data, due + 100 * DAY)).toEqual([]);
    expect(nextMilestone(d.s.data)).toBeNull();
  });

  it('a milestone after the loan ended opens nothing', () => {
    const d = new ProcessDraft({ ...disbursed(), data: {} }, facts, NOW);
    applyMilestones(d, { stepLimits: limits }, ['DUE']);
    expect(d.fx.openTasks).toEqual([]);
  });
});

describe('step decisions', () => {
  const rules = microcreditRules({ policy: P });
  it('a repayment needs its date, not in the future; a missed one needs notes', () => {
    expect(repaymentRefusal({ repaid: true }, NOW)?.field).toBe('data.repaidOn');
    expect(repaymentRefusal({ repaid: true, repaidOn: '2026-02-30' }, NOW)?.field).toBe('data.repaidOn');
    expect(repaymentRefusal({ repaid: true, repaidOn: '2099-01-01' }, NOW)?.field).toBe('data.repaidOn');
    expect(repaymentRefusal({ repaid: false }, NOW)?.field).toBe('data.notes');
    expect(repaymentRefusal({ repaid: true, repaidOn: '2026-03-14' }, NOW)).toBeNull();
  });

  it("the bank's decision is checked against the policy maximums; a decline needs notes", () => {
    const ok = { approved: true, amount: 30_000, termMonths: 12, annualRatePct: 3.45, disbursedOn: '2026-03-15' };
    expect(bankDecisionRefusal(ok, P, NOW)).toBeNull();
    expect(bankDecisionRefusal({ ...ok, amount: 80_000 }, P, NOW)?.field).toBe('data.amount');
    expect(bankDecisionRefusal({ ...ok, disbursedOn: '2099-01-01' }, P, NOW)?.field).toBe('data.disbursedOn');
    expect(bankDecisionRefusal({ approved: false }, P, NOW)?.field).toBe('data.notes');
  });

  it('a refused use (户贷企用, consumption, building, unused) needs notes and is recorded as failing the check', () => {
    expect(useCheckRefusal({ use: 'PRODUCTION' })).toBeNull();
    expect(useCheckRefusal({ use: 'ENTERPRISE_USE' })?.field).toBe('data.notes');
    expect(useCheckRefusal({ use: 'GAMBLING' })?.field).toBe('data.use');
    const d = new ProcessDraft(disbursed(), facts, NOW);
    rules.USE_CHECK.onDecision!({ taskId: 'x', step: 'USE_CHECK', action: 'DONE', data: { use: 'CONSUMPTION', notes: '消费' }, actorId: 'v', at: '' }, d);
    expect(d.s.data.useCheck).toEqual({ use: 'CONSUMPTION', ok: false, notes: '消费' });
    expect(rules.USE_CHECK.auditAction!({ taskId: 'x', step: 'USE_CHECK', action: 'DONE', data: { use: 'CONSUMPTION' }, actorId: 'v', at: '' })).toBe('LOAN_USE_REFUSED');
  });

  it('a recorded repayment ends the loan REPAID; the county\'s follow-up past 90 days without one hands it to the fund', () => {
    const d = new ProcessDraft(disbursed(), facts, NOW);
    rules.REPAYMENT_CHECK.onDecision!({ taskId: 'x', step: 'REPAYMENT_CHECK', action: 'DONE', data: { repaid: true, repaidOn: '2026-03-15' }, actorId: 'c', at: '' }, d);
    expect(d.s).toMatchObject({ status: 'REPAID', finished: true });
    const late = new ProcessDraft({ ...disbursed(), status: 'OVERDUE_90_PLUS', data: { ...disbursed().data, overdueGrade: 3 } }, facts, NOW);
    rules.OVERDUE_FOLLOW_UP.onDecision!({ taskId: 'x', step: 'OVERDUE_FOLLOW_UP', action: 'DONE', data: { repaid: false, notes: 'x' }, actorId: 'c', at: '' }, late);
    expect(late.s).toMatchObject({ status: 'RISK_COMPENSATION', finished: true });
  });

  it('the input pins every step limit from the policy', () => {
    const input = microcreditInput({ processId: 'MC1', householdId: 'hh', region: { villageCode: 'v', townshipCode: 't', countyCode: 'c' }, villageName: '村', application: { amount: 1, termMonths: 1, purpose: 'PLANTING' }, appliedById: 'o' }, DEFAULT_POLICY);
    expect(input.stepLimits.USE_CHECK).toEqual({ unit: 'CALENDAR_DAYS', amount: 30 });
    expect(input.policy).toEqual(P);
  });
});


describe('extension (展期)', () => {
  const village = { id: 'v1', role: 'VILLAGE' as const, regionCode: 'v' };
  it('is refused before disbursement, beyond the longest term, without a reason, or while one is pending', () => {
    const s = disbursed();
    expect(extensionRefusal(s, { months: 12, reason: '周期延长', actor: village }, P)).toBeNull();
    expect(extensionRefusal(s, { months: 25, reason: '周期延长', actor: village }, P)?.field).toBe('months');
    expect(extensionRefusal(s, { months: 6, reason: ' ', actor: village }, P)?.field).toBe('reason');
    expect(extensionRefusal({ ...s, status: 'APPLIED' }, { months: 6, reason: 'x', actor: village }, P)?.code).toBe('WRONG_STATE');
    expect(extensionRefusal({ ...s, data: { ...s.data, extensionPending: { months: 1 } } }, { months: 6, reason: 'x', actor: village }, P)?.code).toBe('DUPLICATE');
  });

  it('approved, the term grows, overdue tasks close and the schedule starts again from the new due date', () => {
    const s = disbursed();
    const oldDue = Date.parse((s.data.schedule as any).dueAt);
    const d1 = new ProcessDraft(s, facts, NOW);
    requestExtension(d1, { months: 6, reason: '周期延长', actor: village }, { unit: 'SECONDS', amount: 100 });
    expect(d1.fx.openTasks.map((t) => `${t.step}:${t.level}`)).toEqual(['EXTENSION_APPROVAL:COUNTY']);
    const open = { ...d1.done().state, status: 'OVERDUE_1_30', openTasks: [{ taskId: 'f1', step: 'OVERDUE_FOLLOW_UP', level: 'VILLAGE' } as any] };
    const d2 = new ProcessDraft(open, facts, oldDue + 3 * DAY);
    microcreditRules({ policy: P }).EXTENSION_APPROVAL.onDecision!({ taskId: 'x', step: 'EXTENSION_APPROVAL', action: 'APPROVE', data: {}, actorId: 'c', at: '' }, d2);
    expect(d2.s.status).toBe('DISBURSED');
    expect(d2.s.openTasks).toEqual([]);
    expect(d2.fx.events.map((e) => e.action)).toEqual(['TASK_CANCELLED', 'LOAN_EXTENDED']);
    expect(d2.s.data).toMatchObject({ loan: { termMonths: 18 }, extensions: 1, overdueGrade: 0, extensionPending: null });
    expect(beijingDay((d2.s.data.schedule as any).dueAt)).toBe('2027-09-15');
    expect(nextMilestone(d2.s.data)?.name).toBe('REMIND_1');
  });
});

function beijingDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}
