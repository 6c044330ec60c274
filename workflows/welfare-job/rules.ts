/**
 * 公益岗位 rules — pure: what each step's decision must carry and what it does, the month
 * boundaries of an agreement, and the notice. Unit-tested without a server.
 */
import type { Refusal } from '../refusals';
import type { TWelfareJobPolicy } from '../policy-schema';
import type { ProcessDraft } from '../process/draft';
import type { ProcessStepRules } from '../process/transitions';
import type { ProcessCoreState } from '../process/state';
import { refuse } from '../refusals';
import type { ImportedPost, WelfareJobExitArgs, WelfareJobObjectionArgs } from './contracts';
import { WELFARE_JOB_STEPS as S } from './contracts';

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3_600_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The welfare-job policy defaults (DESIGN §5.3). */
export const DEFAULT_WELFARE_JOB_POLICY: TWelfareJobPolicy = {
  minAge: 16, maxAge: 65, maxTermMonths: 12, notice: { unit: 'CALENDAR_DAYS', amount: 10 }, monthUnit: 'MONTHS',
};

function validDate(v: unknown): v is string {
  return typeof v === 'string' && DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
}

/** The notice's length in milliseconds. */
export function noticeMs(p: TWelfareJobPolicy): number {
  return p.notice.unit === 'SECONDS' ? p.notice.amount * 1000 : p.notice.amount * DAY_MS;
}

/**
 * When month `n` (from 1) of an agreement closes: the first day (Beijing) of the n-th calendar
 * month after the start month, so the confirmation is due by the 10th of the next month; with
 * `monthUnit: SECONDS`, `n` seconds after the agreement was recorded.
 */
export function monthClosesAt(p: TWelfareJobPolicy, startOn: string, agreedAtMs: number, n: number): number {
  if (p.monthUnit === 'SECONDS') return agreedAtMs + n * 1000;
  const [y, m] = startOn.split('-').map(Number);
  return Date.UTC(y, m - 1 + n, 1) - BEIJING_MS;
}

/** Why an agreement cannot be recorded, or null: a start date, a term within the policy. */
export function agreementRefusal(data: Record<string, unknown>, p: TWelfareJobPolicy): Refusal | null {
  if (!validDate(data.startOn)) return { code: 'INVALID_DATE', message: 'data.startOn: the first day in post (YYYY-MM-DD)', field: 'data.startOn' };
  const t = data.termMonths;
  if (!(typeof t === 'number' && Number.isInteger(t) && t > 0 && t <= p.maxTermMonths)) {
    return { code: 'ACTION_NOT_ALLOWED', message: `data.termMonths: at most ${p.maxTermMonths} months (an agreement lasts at most a year)`, field: 'data.termMonths' };
  }
  return null;
}

/** Why a month's confirmation cannot be recorded, or null. */
export function wageConfirmationRefusal(data: Record<string, unknown>): Refusal | null {
  const days = data.attendanceDays;
  if (!(typeof days === 'number' && Number.isInteger(days) && days >= 0 && days <= 31)) {
    return { code: 'ACTION_NOT_ALLOWED', message: 'data.attendanceDays: days worked (0–31)', field: 'data.attendanceDays' };
  }
  if (typeof data.wagePaid !== 'boolean') return { code: 'ACTION_NOT_ALLOWED', message: 'data.wagePaid: say whether the wage was paid', field: 'data.wagePaid' };
  if (!data.wagePaid && (typeof data.notes !== 'string' || data.notes.trim() === '')) {
    return { code: 'REASON_REQUIRED', message: 'data.notes: say why the wage was not paid', field: 'data.notes' };
  }
  return null;
}

/** One month as confirmed. */
export interface WageMonth {
  month: number;
  attendanceDays: number;
  wagePaid: boolean;
  late: boolean;
  confirmedAt: string;
}

/** Records a confirmed month (late when confirmed after its task's due time); an unpaid month opens a township task. */
export function recordWageMonth(d: ProcessDraft, month: number, data: Record<string, unknown>, late: boolean, arrearsLimit: Parameters<ProcessDraft['openTask']>[0]['limit']): void {
  const wages = [...((d.s.data.wages as WageMonth[] | undefined) ?? [])];
  wages.push({ month, attendanceDays: data.attendanceDays as number, wagePaid: data.wagePaid === true, late, confirmedAt: d.iso() });
  d.setData({ wages, monthsConfirmed: wages.length, monthsLate: wages.filter((w) => w.late).length });
  if (late) d.event({ action: 'WAGE_CONFIRMED_LATE', data: { month } });
  if (data.wagePaid !== true) {
    d.event({ action: 'WAGE_UNPAID', comment: typeof data.notes === 'string' ? data.notes : undefined, data: { month } });
    d.openTask({ step: S.WAGE_ARREARS, level: 'TOWNSHIP', limit: arrearsLimit });
  }
}

/** 存量岗位导入 — a post held before Bangfu enters in post: its agreement recorded, the months confirmed elsewhere counted. */
export function importPost(d: ProcessDraft, post: ImportedPost, actorId: string): void {
  const confirmed = post.monthsConfirmed ?? 0;
  d.setData({ agreement: { startOn: post.startOn, termMonths: post.termMonths, agreedAt: d.iso() }, wages: [], monthsConfirmed: 0, monthsLate: 0, imported: { monthsConfirmedBefore: confirmed } });
  d.setStatus('IN_POST', S.WAGE_CONFIRMATION);
  d.event({ action: 'JOB_IMPORTED', actorId, data: { startOn: post.startOn, termMonths: post.termMonths, monthsConfirmedBefore: confirmed } });
}

/** Refuses an early exit (提前退出) outside the term, or without a reason. */
export function validateEarlyExit(s: ProcessCoreState, args: WelfareJobExitArgs): void {
  if (s.finished || s.status !== 'IN_POST') refuse('WRONG_STATE', `an exit is recorded only while the holder is in post (the job is ${s.status})`);
  if (typeof args.reason !== 'string' || args.reason.trim() === '' || args.reason.length > 1000) refuse('REASON_REQUIRED', 'reason: why the holder leaves (1 to 1000 characters)', 'reason');
}

/** 提前退出: the job ends EXITED (its open tasks cancelled), the month it left in recorded. */
export function exitEarly(d: ProcessDraft, args: WelfareJobExitArgs): void {
  const monthsConfirmed = (d.s.data.monthsConfirmed as number | undefined) ?? 0;
  d.setData({ exit: { early: true, reason: args.reason.trim(), at: d.iso(), by: { id: args.actor.id, role: args.actor.role, regionCode: args.actor.regionCode }, afterMonths: monthsConfirmed } });
  d.event({ action: 'JOB_EXITED_EARLY', actorId: args.actor.id, comment: args.reason.trim(), data: { afterMonths: monthsConfirmed } });
  d.finish('EXITED');
}

/** Refuses an objection outside the notice (公示期), or without a text. */
export function validateJobObjection(s: ProcessCoreState, args: WelfareJobObjectionArgs): void {
  if (s.finished || s.status !== 'NOTICE') refuse('WRONG_STATE', `objections are taken only during the notice (the job is ${s.status})`);
  if (typeof args.text !== 'string' || args.text.trim() === '' || args.text.length > 1000) refuse('REASON_REQUIRED', 'text: the objection (1 to 1000 characters)', 'text');
}

/** 公示异议: recorded, and a township investigation opens; the notice ends only once it is settled. */
export function fileJobObjection(d: ProcessDraft, args: WelfareJobObjectionArgs, limit: Parameters<ProcessDraft['openTask']>[0]['limit']): void {
  d.event({ action: 'OBJECTION_FILED', actorId: args.actor.id, comment: args.text.trim() });
  d.openTask({ step: S.INVESTIGATION, level: 'TOWNSHIP', limit });
}

/** One finished term as kept in the job's data when it is renewed. */
export interface WelfareJobTerm {
  term: number;
  agreement: unknown;
  monthsConfirmed: number;
  monthsLate: number;
}

/**
 * 续聘 — the next term: the one ending is kept in `terms`, the post stays held (IN_POST, the job
 * open: one post per person), and the next agreement is due; its months are counted again.
 */
export function renewForNextTerm(d: ProcessDraft): void {
  const term = (d.s.data.term as number | undefined) ?? 1;
  const terms = [...((d.s.data.terms as WelfareJobTerm[] | undefined) ?? [])];
  terms.push({ term, agreement: d.s.data.agreement ?? null, monthsConfirmed: (d.s.data.monthsConfirmed as number | undefined) ?? 0, monthsLate: (d.s.data.monthsLate as number | undefined) ?? 0 });
  // Earlier terms' months, so the township's figures still count them once this term's restart from 0.
  const priorMonthsConfirmed = terms.reduce((n, t) => n + t.monthsConfirmed, 0);
  const priorMonthsLate = terms.reduce((n, t) => n + t.monthsLate, 0);
  d.setData({ terms, term: term + 1, renewal: null, priorMonthsConfirmed, priorMonthsLate });
  d.setStatus('IN_POST', S.AGREEMENT);
  d.event({ action: 'JOB_RENEWED', data: { term: term + 1 } });
}

/** The step rules of a public-welfare job. */
export function welfareJobRules(input: { policy: TWelfareJobPolicy }): ProcessStepRules {
  const reject = (dec: { action: string }, d: ProcessDraft) => {
    if (dec.action === 'REJECT') d.finish('REJECTED');
  };
  return {
    [S.VILLAGE_REVIEW]: { actions: ['APPROVE', 'REJECT'], onDecision: reject },
    [S.TOWNSHIP_APPROVAL]: { actions: ['APPROVE', 'REJECT', 'RETURN'], onDecision: reject },
    [S.AGREEMENT]: {
      actions: ['DONE'],
      check: (dec) => agreementRefusal(dec.data, input.policy),
      auditAction: () => 'JOB_AGREEMENT_SIGNED',
      onDecision: (dec, d) => {
        d.setData({ agreement: { startOn: dec.data.startOn, termMonths: dec.data.termMonths, agreedAt: d.iso() }, wages: [], monthsConfirmed: 0, monthsLate: 0 });
        d.setStatus('IN_POST', S.WAGE_CONFIRMATION);
      },
    },
    [S.WAGE_CONFIRMATION]: {
      actions: ['DONE'],
      check: (dec) => wageConfirmationRefusal(dec.data),
      auditAction: (dec) => (dec.data.wagePaid === true ? 'WAGE_CONFIRMED' : 'WAGE_CONFIRMED_UNPAID'),
    },
    [S.WAGE_ARREARS]: { actions: ['DONE'], auditAction: () => 'WAGE_ARREARS_SETTLED' },
    [S.INVESTIGATION]: {
      actions: ['APPROVE', 'REJECT'],
      auditAction: (dec) => (dec.action === 'APPROVE' ? 'OBJECTION_DISMISSED' : 'OBJECTION_UPHELD_REJECTED'),
      onDecision: reject,
    },
    [S.END_OF_TERM]: {
      actions: ['DONE'],
      check: (dec) => (dec.data.outcome === 'EXIT' || dec.data.outcome === 'RENEW' ? null : { code: 'ACTION_NOT_ALLOWED', message: 'data.outcome: EXIT or RENEW', field: 'data.outcome' }),
      auditAction: (dec) => (dec.data.outcome === 'RENEW' ? 'JOB_RENEWAL_REQUESTED' : 'JOB_EXITED'),
      onDecision: (dec, d) => {
        if (dec.data.outcome === 'RENEW' && d.s.data.renewal === 'NEXT_TERM') renewForNextTerm(d);
        else d.finish(dec.data.outcome === 'RENEW' ? 'RENEWAL_REQUESTED' : 'EXITED');
      },
    },
  };
}

/** Title of a job (no personal data): `公益岗位：东风村 护林员 GY20261203-7KQ2MX`. */
export function welfareJobTitle(villageName: string, post: string, processId: string): string {
  return `公益岗位：${villageName} ${post} ${processId}`;
}
