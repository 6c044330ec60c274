/**
 * 小额信贷 rules — pure: what each step's decision must carry and what it does, the repayment
 * schedule (reminders, due date, overdue grades) computed at disbursement, which milestones are
 * due at a time, and the interest subsidy. Unit-tested without a server.
 */
import type { Refusal } from '../refusals';
import type { TMicrocreditPolicy } from '../policy-schema';
import type { ProcessDraft } from '../process/draft';
import type { ProcessStepRules } from '../process/transitions';
import type { LoanApplication, LoanDisbursement, LoanExtensionArgs, MicrocreditInput, MicrocreditStep } from './contracts';
import { LOAN_USES, MICROCREDIT_STEPS as S, OVERDUE_GRADE_LEVEL, OVERDUE_GRADE_STATUS } from './contracts';

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3_600_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Statuses of a loan that may be extended: disbursed and not yet repaid or handed over. */
const EXTENDABLE = ['DISBURSED', 'DUE', 'OVERDUE_1_30', 'OVERDUE_31_90', 'OVERDUE_90_PLUS'];

/** Why an extension cannot be asked for, or null: a disbursed loan without one pending, whole months within the policy's longest term, a reason. */
export function extensionRefusal(s: { status: string; finished: boolean; data: Record<string, unknown> }, a: LoanExtensionArgs, p: TMicrocreditPolicy): Refusal | null {
  if (s.finished || !EXTENDABLE.includes(s.status)) return { code: 'WRONG_STATE', message: `only a disbursed loan not yet repaid can be extended (it is ${s.status})` };
  if (s.data.extensionPending) return { code: 'DUPLICATE', message: 'an extension is already waiting for approval' };
  if (!['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'].includes(a.actor.role)) return { code: 'WRONG_LEVEL', message: 'an official asks for an extension' };
  const term = (s.data.loan as { termMonths?: number } | undefined)?.termMonths ?? 0;
  if (!(Number.isInteger(a.months) && a.months > 0 && term + a.months <= p.maxTermMonths)) {
    return { code: 'ACTION_NOT_ALLOWED', message: `months: the term with the extension is at most ${p.maxTermMonths} months`, field: 'months' };
  }
  if (typeof a.reason !== 'string' || a.reason.trim() === '') return { code: 'REASON_REQUIRED', message: 'reason: say why', field: 'reason' };
  return null;
}

/** Records the request and opens the county's approval task. */
export function requestExtension(d: ProcessDraft, a: LoanExtensionArgs, limit: Parameters<ProcessDraft['openTask']>[0]['limit']): void {
  d.setData({ extensionPending: { months: a.months, reason: a.reason.trim(), requestedById: a.actor.id } });
  d.event({ action: 'LOAN_EXTENSION_REQUESTED', actorId: a.actor.id, comment: a.reason.trim(), data: { months: a.months } });
  d.openTask({ step: S.EXTENSION_APPROVAL, level: 'COUNTY', limit });
}

/** An approved extension: the term grows, repayment and overdue tasks close, the schedule starts again from the new due date. */
function applyExtension(d: ProcessDraft, p: TMicrocreditPolicy): void {
  const pending = d.s.data.extensionPending as { months: number };
  const loan = d.s.data.loan as { termMonths: number; disbursedOn: string };
  const schedule = scheduleOf(d.s.data) as LoanSchedule;
  const termMonths = loan.termMonths + pending.months;
  const oldDue = Date.parse(schedule.dueAt);
  const dueAt = p.termUnit === 'SECONDS' ? oldDue + pending.months * 1000 : repaymentSchedule(p, termMonths, loan.disbursedOn, d.now).dueAt;
  const milestones: LoanMilestone[] = [];
  p.repaymentReminders.forEach((r, i) => {
    const at = dueAt - spanMs(r);
    if (at > d.now) milestones.push({ name: `REMIND_${i + 1}`, at, summary: `还款提醒 repayment reminder ${i + 1}` });
  });
  milestones.push({ name: 'DUE', at: dueAt, summary: '贷款到期 loan due' });
  p.overdueGrades.forEach((g, i) => milestones.push({ name: `GRADE_${i + 1}`, at: dueAt + spanMs(g), summary: `逾期第${i + 1}档 overdue grade ${i + 1}` }));
  for (const t of d.s.openTasks.filter((x) => [S.REPAYMENT_REMINDER, S.REPAYMENT_CHECK, S.OVERDUE_FOLLOW_UP].includes(x.step as never))) {
    d.event({ action: 'TASK_CANCELLED', taskId: t.taskId, step: t.step, taskClose: { taskId: t.taskId, status: 'CANCELLED', outcome: 'EXTENDED' } });
    d.closeTask(t.taskId);
  }
  d.setData({
    loan: { ...loan, termMonths }, extensionPending: null, extensions: ((d.s.data.extensions as number | undefined) ?? 0) + 1, overdueGrade: 0, riskCompensation: false,
    schedule: { dueAt: d.iso(dueAt), milestones: milestones.sort((x, y) => x.at - y.at).map((m) => ({ ...m, at: d.iso(m.at) })), done: [] } satisfies LoanSchedule,
  });
  d.setStatus('DISBURSED', null);
  d.event({ action: 'LOAN_EXTENDED', data: { termMonths, dueAt: d.iso(dueAt) } });
}

/** The microcredit policy defaults (DESIGN §5.3); the schema fills the same when a deployment sets part of them. */
export const DEFAULT_MICROCREDIT_POLICY: TMicrocreditPolicy = {
  maxAmount: 50_000,
  maxTermMonths: 36,
  interestSubsidyShare: 1,
  refusedUses: ['ENTERPRISE_USE', 'CONSUMPTION', 'BUILDING', 'NOT_USED'],
  termUnit: 'MONTHS',
  repaymentReminders: [{ unit: 'CALENDAR_DAYS', amount: 30 }, { unit: 'CALENDAR_DAYS', amount: 7 }],
  overdueGrades: [{ unit: 'CALENDAR_DAYS', amount: 1 }, { unit: 'CALENDAR_DAYS', amount: 31 }, { unit: 'CALENDAR_DAYS', amount: 91 }],
};

/** Milliseconds of a span counted without the calendar. */
export function spanMs(s: { unit: 'CALENDAR_DAYS' | 'SECONDS'; amount: number }): number {
  return s.unit === 'SECONDS' ? s.amount * 1000 : s.amount * DAY_MS;
}

/** Today's date in Beijing (YYYY-MM-DD) at `ms`. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING_MS).toISOString().slice(0, 10);
}

function validDate(v: unknown): v is string {
  return typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00+08:00`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
}

/** Why an application (or a bank's amount and term) breaks the policy, or null. */
export function applicationRefusal(a: Pick<LoanApplication, 'amount' | 'termMonths'>, p: TMicrocreditPolicy, prefix = ''): Refusal | null {
  if (!(typeof a.amount === 'number' && a.amount > 0 && a.amount <= p.maxAmount)) {
    return { code: 'ACTION_NOT_ALLOWED', message: `${prefix}amount: at most ${p.maxAmount} yuan (policy maximum)`, field: `${prefix}amount` };
  }
  if (!(Number.isInteger(a.termMonths) && a.termMonths > 0 && a.termMonths <= p.maxTermMonths)) {
    return { code: 'ACTION_NOT_ALLOWED', message: `${prefix}termMonths: at most ${p.maxTermMonths} months (policy maximum)`, field: `${prefix}termMonths` };
  }
  return null;
}

/** 贴息 — interest subsidy, yuan: amount × annual rate × term in years × the policy's share, rounded to fen. */
export function interestSubsidy(amount: number, annualRatePct: number, termMonths: number, share: number): number {
  return Math.round(amount * (annualRatePct / 100) * (termMonths / 12) * share * 100) / 100;
}

/** A milestone of a disbursed loan: reminders before the due date, the due date, the overdue grades. */
export interface LoanMilestone {
  name: string;
  at: number;
  summary: string;
}

/** The repayment schedule from the disbursement: due date, reminders before it (skipped when already past), overdue grades after it. */
export function repaymentSchedule(p: TMicrocreditPolicy, termMonths: number, disbursedOn: string, now: number): { dueAt: number; milestones: LoanMilestone[] } {
  let dueAt: number;
  if (p.termUnit === 'SECONDS') {
    dueAt = now + termMonths * 1000;
  } else {
    const [y, m, d] = disbursedOn.split('-').map(Number);
    const last = new Date(Date.UTC(y, m - 1 + termMonths + 1, 0)).getUTCDate();
    dueAt = Date.UTC(y, m - 1 + termMonths, Math.min(d, last)) - BEIJING_MS;
  }
  const milestones: LoanMilestone[] = [];
  p.repaymentReminders.forEach((r, i) => {
    const at = dueAt - spanMs(r);
    if (at > now) milestones.push({ name: `REMIND_${i + 1}`, at, summary: `还款提醒 repayment reminder ${i + 1}` });
  });
  milestones.push({ name: 'DUE', at: dueAt, summary: '贷款到期 loan due' });
  p.overdueGrades.forEach((g, i) => milestones.push({ name: `GRADE_${i + 1}`, at: dueAt + spanMs(g), summary: `逾期第${i + 1}档 overdue grade ${i + 1}` }));
  return { dueAt, milestones: milestones.sort((a, b) => a.at - b.at) };
}

/** The facts a loan keeps in its process data once disbursed. */
export interface LoanSchedule {
  dueAt: string;
  milestones: { name: string; at: string; summary: string }[];
  done: string[];
}

/** The schedule kept in the data, or null before disbursement. */
export function scheduleOf(data: Record<string, unknown>): LoanSchedule | null {
  return (data.schedule as LoanSchedule | undefined) ?? null;
}

/** The next milestone not yet applied (for the named timer), or null. */
export function nextMilestone(data: Record<string, unknown>): LoanMilestone | null {
  const s = scheduleOf(data);
  const m = s?.milestones.find((x) => !s.done.includes(x.name));
  return m ? { name: m.name, at: Date.parse(m.at), summary: m.summary } : null;
}

/** The milestones due at `now` and not yet applied, in order. */
export function dueMilestones(data: Record<string, unknown>, now: number): string[] {
  const s = scheduleOf(data);
  return s ? s.milestones.filter((m) => !s.done.includes(m.name) && Date.parse(m.at) <= now).map((m) => m.name) : [];
}

/** Applies the milestones due: reminders and the due date open tasks, each overdue grade sets the status and opens its follow-up; > 90 days lists the loan for the risk-compensation fund. */
export function applyMilestones(d: ProcessDraft, input: Pick<MicrocreditInput, 'stepLimits'>, names: string[]): void {
  const s = scheduleOf(d.s.data);
  if (!s || names.length === 0) return;
  for (const name of names) {
    if (name.startsWith('REMIND_')) {
      d.event({ action: 'REPAYMENT_REMINDER_DUE', data: { dueAt: s.dueAt, reminder: name } });
      d.openTask({ step: S.REPAYMENT_REMINDER, level: 'VILLAGE', limit: input.stepLimits.REPAYMENT_REMINDER });
    } else if (name === 'DUE') {
      d.setStatus('DUE', S.REPAYMENT_CHECK);
      d.event({ action: 'LOAN_DUE', data: { dueAt: s.dueAt } });
      d.openTask({ step: S.REPAYMENT_CHECK, level: 'COUNTY', limit: input.stepLimits.REPAYMENT_CHECK });
    } else if (name.startsWith('GRADE_')) {
      const grade = Number(name.slice(6));
      d.setStatus(OVERDUE_GRADE_STATUS[grade - 1], S.OVERDUE_FOLLOW_UP);
      d.setData({ overdueGrade: grade, ...(grade === 3 ? { riskCompensation: true } : {}) });
      d.event({ action: grade === 3 ? 'LOAN_LISTED_FOR_RISK_COMPENSATION' : 'LOAN_OVERDUE', data: { grade, dueAt: s.dueAt } });
      d.openTask({ step: S.OVERDUE_FOLLOW_UP, level: OVERDUE_GRADE_LEVEL[grade - 1], limit: input.stepLimits.OVERDUE_FOLLOW_UP });
    }
  }
  d.setData({ schedule: { ...s, done: [...s.done, ...names] } });
}

function notesRefusal(data: Record<string, unknown>, required: boolean): Refusal | null {
  const n = data.notes;
  if (n === undefined && !required) return null;
  if (typeof n !== 'string' || (required && n.trim() === '')) return { code: 'REASON_REQUIRED', message: 'data.notes: required', field: 'data.notes' };
  if (n.length > 1000) return { code: 'ACTION_NOT_ALLOWED', message: 'data.notes: at most 1000 characters', field: 'data.notes' };
  return null;
}

/** Why a repayment record cannot be taken, or null: `repaid` said, a date when repaid, not in the future. */
export function repaymentRefusal(data: Record<string, unknown>, now: number): Refusal | null {
  if (typeof data.repaid !== 'boolean') return { code: 'ACTION_NOT_ALLOWED', message: 'data.repaid: say whether the loan was repaid', field: 'data.repaid' };
  if (data.repaid) {
    if (!validDate(data.repaidOn)) return { code: 'INVALID_DATE', message: 'data.repaidOn: the date repaid (YYYY-MM-DD)', field: 'data.repaidOn' };
    if (data.repaidOn > beijingDate(now + DAY_MS)) return { code: 'INVALID_DATE', message: 'data.repaidOn: cannot be in the future', field: 'data.repaidOn' };
  }
  return notesRefusal(data, !data.repaid);
}

/** Why the bank's decision cannot be recorded, or null. */
export function bankDecisionRefusal(data: Record<string, unknown>, p: TMicrocreditPolicy, now: number): Refusal | null {
  if (typeof data.approved !== 'boolean') return { code: 'ACTION_NOT_ALLOWED', message: 'data.approved: say whether the bank lent', field: 'data.approved' };
  if (!data.approved) return notesRefusal(data, true);
  const r = applicationRefusal({ amount: data.amount as number, termMonths: data.termMonths as number }, p, 'data.');
  if (r) return r;
  if (typeof data.annualRatePct !== 'number' || !(data.annualRatePct >= 0 && data.annualRatePct <= 20)) {
    return { code: 'ACTION_NOT_ALLOWED', message: 'data.annualRatePct: the annual rate in percent (0–20)', field: 'data.annualRatePct' };
  }
  if (!validDate(data.disbursedOn)) return { code: 'INVALID_DATE', message: 'data.disbursedOn: the date lent (YYYY-MM-DD)', field: 'data.disbursedOn' };
  if (data.disbursedOn > beijingDate(now + DAY_MS)) return { code: 'INVALID_DATE', message: 'data.disbursedOn: cannot be in the future', field: 'data.disbursedOn' };
  return null;
}

/** Why a use-check finding cannot be recorded, or null. */
export function useCheckRefusal(data: Record<string, unknown>): Refusal | null {
  if (!(LOAN_USES as readonly unknown[]).includes(data.use)) return { code: 'ACTION_NOT_ALLOWED', message: `data.use: one of ${LOAN_USES.join(', ')}`, field: 'data.use' };
  return notesRefusal(data, data.use !== 'PRODUCTION');
}

/** Records a repayment (ends the loan REPAID) or a follow-up without one. */
function onRepayment(d: ProcessDraft, data: Record<string, unknown>, actorId: string, lastFollowUp: boolean): void {
  if (data.repaid === true) {
    d.setData({ repaidOn: data.repaidOn, repaidRecordedById: actorId });
    d.event({ action: 'LOAN_REPAID', actorId, data: { repaidOn: data.repaidOn } });
    d.finish('REPAID');
  } else if (lastFollowUp) {
    d.event({ action: 'LOAN_HANDED_TO_RISK_COMPENSATION', actorId });
    d.finish('RISK_COMPENSATION');
  }
}

/** What the bank lent. */
export type Disbursement = LoanDisbursement;

/** Records a disbursement: the loan with its interest subsidy and the repayment schedule from the date lent. */
export function disburse(d: ProcessDraft, p: TMicrocreditPolicy, l: Disbursement): void {
  const { amount, termMonths, annualRatePct, disbursedOn } = l;
  const { dueAt, milestones } = repaymentSchedule(p, termMonths, disbursedOn, d.now);
  d.setData({
    loan: { amount, termMonths, annualRatePct, disbursedOn, subsidy: interestSubsidy(amount, annualRatePct, termMonths, p.interestSubsidyShare) },
    disbursedYear: disbursedOn.slice(0, 4), overdueGrade: 0,
    schedule: { dueAt: d.iso(dueAt), milestones: milestones.map((m) => ({ ...m, at: d.iso(m.at) })), done: [] } satisfies LoanSchedule,
  });
}

/**
 * 存量贷款导入 — a loan lent before Bangfu enters disbursed: its checks, the bank's decision and the
 * use check happened elsewhere; the schedule runs from its date lent (milestones already past are
 * applied at once by the workflow).
 */
export function importDisbursedLoan(d: ProcessDraft, p: TMicrocreditPolicy, l: Disbursement, actorId: string): void {
  disburse(d, p, l);
  d.setData({ imported: true });
  d.setStatus('DISBURSED', null);
  d.event({ action: 'LOAN_IMPORTED', actorId, data: { ...l } });
}

/** The step rules of a loan; decisions open the next steps only through the workflow, except endings. */
export function microcreditRules(input: Pick<MicrocreditInput, 'policy'>): ProcessStepRules {
  const p = input.policy;
  const reject = (status: string) => (dec: { action: string }, d: ProcessDraft) => {
    if (dec.action === 'REJECT') d.finish(status);
  };
  return {
    [S.VILLAGE_CHECK]: { actions: ['APPROVE', 'REJECT'], onDecision: reject('REJECTED') },
    [S.TOWNSHIP_CHECK]: { actions: ['APPROVE', 'REJECT', 'RETURN'], onDecision: reject('REJECTED') },
    [S.BANK_DECISION]: {
      actions: ['DONE'],
      check: (dec, now) => bankDecisionRefusal(dec.data, p, now),
      auditAction: (dec) => (dec.data.approved === true ? 'LOAN_DISBURSED' : 'LOAN_DECLINED_BY_BANK'),
      onDecision: (dec, d) => {
        if (dec.data.approved !== true) {
          d.setData({ bankDeclined: { notes: dec.data.notes } });
          d.finish('BANK_DECLINED');
          return;
        }
        disburse(d, p, dec.data as unknown as Disbursement);
        d.setStatus('DISBURSED', S.USE_CHECK);
      },
    },
    [S.USE_CHECK]: {
      actions: ['DONE'],
      check: (dec) => useCheckRefusal(dec.data),
      auditAction: (dec) => (p.refusedUses.includes(dec.data.use as string) ? 'LOAN_USE_REFUSED' : 'LOAN_USE_CONFIRMED'),
      onDecision: (dec, d) => d.setData({ useCheck: { use: dec.data.use, ok: !p.refusedUses.includes(dec.data.use as string), notes: dec.data.notes ?? null } }),
    },
    [S.REPAYMENT_REMINDER]: { actions: ['DONE'], check: (dec) => notesRefusal(dec.data, false), auditAction: () => 'REPAYMENT_REMINDED' },
    [S.REPAYMENT_CHECK]: {
      actions: ['DONE'],
      check: (dec, now) => repaymentRefusal(dec.data, now),
      auditAction: (dec) => (dec.data.repaid === true ? 'REPAYMENT_RECORDED' : 'REPAYMENT_MISSED'),
      onDecision: (dec, d) => onRepayment(d, dec.data, dec.actorId, false),
    },
    [S.EXTENSION_APPROVAL]: {
      actions: ['APPROVE', 'REJECT'],
      auditAction: (dec) => (dec.action === 'APPROVE' ? 'LOAN_EXTENSION_APPROVED' : 'LOAN_EXTENSION_REJECTED'),
      onDecision: (dec, d) => {
        if (d.s.finished) return;
        if (dec.action === 'APPROVE') applyExtension(d, p);
        else d.setData({ extensionPending: null });
      },
    },
    [S.OVERDUE_FOLLOW_UP]: {
      actions: ['DONE'],
      check: (dec, now) => repaymentRefusal(dec.data, now),
      auditAction: (dec) => (dec.data.repaid === true ? 'REPAYMENT_RECORDED' : 'OVERDUE_FOLLOWED_UP'),
      onDecision: (dec, d) => onRepayment(d, dec.data, dec.actorId, d.s.data.overdueGrade === 3 && d.s.status === 'OVERDUE_90_PLUS'),
    },
  };
}

/** Title of a loan (no personal data): `小额信贷：东风村 MC20261203-7KQ2MX`. */
export function microcreditTitle(villageName: string, processId: string): string {
  return `小额信贷：${villageName} ${processId}`;
}

/** The approval chain before the bank: village check, then township check. */
export const CHECK_CHAIN: readonly { step: MicrocreditStep; level: 'VILLAGE' | 'TOWNSHIP' }[] = [
  { step: S.VILLAGE_CHECK, level: 'VILLAGE' },
  { step: S.TOWNSHIP_CHECK, level: 'TOWNSHIP' },
];
