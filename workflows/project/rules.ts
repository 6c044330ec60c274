/**
 * 衔接资金项目规则 — the pure rules of DESIGN §5.2 for fund projects: the spending pace
 * (序时进度) against the policy curve, the run of months behind it, the start deadline (开工期限)
 * and the annual plan's industry share. Money is in fen (分, integers). Workflow-safe and pure.
 */

/** One point of the pace curve: by `month`/`day` (Beijing) at least `pct` % of the funds are paid. */
export interface PacePoint {
  month: number;
  day: number;
  pct: number;
}

/** 序时进度 — the default curve: 30 % by 31 March, 60 % by 30 June, 80 % by 30 September, 95 % by 30 November. */
export const DEFAULT_PACE_CURVE: readonly PacePoint[] = [
  { month: 3, day: 31, pct: 30 },
  { month: 6, day: 30, pct: 60 },
  { month: 9, day: 30, pct: 80 },
  { month: 11, day: 30, pct: 95 },
];

/** Default share of the year's funds for industry projects (产业项目占比), in %. */
export const DEFAULT_INDUSTRY_SHARE_PCT = 60;

/** Consecutive monthly reports behind the pace that open a 约谈. */
export const DEFAULT_BEHIND_MONTHS_FOR_INTERVIEW = 3;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar date YYYY-MM-DD. */
export function isDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The Beijing date (YYYY-MM-DD) of an instant. */
export function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The share (%) of the funds expected paid by `date` (YYYY-MM-DD): the highest curve point on or before it, 0 before the first. */
export function expectedPaidPct(date: string, curve: readonly PacePoint[] = DEFAULT_PACE_CURVE): number {
  const md = date.slice(5);
  let pct = 0;
  for (const p of curve) {
    const point = `${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    if (md >= point) pct = Math.max(pct, p.pct);
  }
  return pct;
}

/** Paid share in whole per-mille precision as %, e.g. 12.5. A budget of 0 counts as fully paid. */
export function paidPct(paidFen: number, budgetFen: number): number {
  if (budgetFen <= 0) return 100;
  return Math.round((paidFen / budgetFen) * 1000) / 10;
}

/** The result of a pace check (序时进度检查). */
export interface PaceCheck {
  asOf: string;
  expectedPct: number;
  actualPct: number;
  /** Behind the curve. */
  behind: boolean;
  /** Percentage points short of the curve (0 when on pace). */
  gapPct: number;
  /** Fen still to be paid to reach the curve (0 when on pace). */
  shortFen: number;
}

/** Checks a project's payments against the curve at `asOf`. */
export function checkPace(p: { budgetFen: number; paidFen: number }, asOf: string, curve: readonly PacePoint[] = DEFAULT_PACE_CURVE): PaceCheck {
  const expectedPct = expectedPaidPct(asOf, curve);
  const actualPct = paidPct(p.paidFen, p.budgetFen);
  const expectedFen = Math.ceil((p.budgetFen * expectedPct) / 100);
  const shortFen = Math.max(0, expectedFen - p.paidFen);
  const behind = shortFen > 0;
  return { asOf, expectedPct, actualPct, behind, gapPct: behind ? Math.round((expectedPct - actualPct) * 10) / 10 : 0, shortFen };
}

/** The run of consecutive reports behind the pace after one more report. */
export function nextBehindStreak(streak: number, behind: boolean): number {
  return behind ? streak + 1 : 0;
}

/** What a monthly report behind the pace leads to: a reminder (a task for the township, escalated to the county when overdue), and an 约谈 on the n-th month in a row. */
export function behindPaceEffects(streak: number, behindMonthsForInterview: number = DEFAULT_BEHIND_MONTHS_FOR_INTERVIEW): { remind: boolean; interview: boolean } {
  return { remind: streak > 0, interview: streak > 0 && streak % behindMonthsForInterview === 0 };
}

/** A project not started by its start deadline is flagged for fund recall (收回资金). */
export function notStartedByDeadline(p: { startedOn: string | null }, deadlineMs: number, nowMs: number): boolean {
  return p.startedOn === null && nowMs >= deadlineMs;
}

/** 项目类型 — industry (产业) or infrastructure/public service (基础设施/公益). */
export type ProjectType = 'INDUSTRY' | 'INFRASTRUCTURE';

/** The annual plan's industry share (产业资金占比) against the policy minimum. */
export interface IndustryShare {
  totalFen: number;
  industryFen: number;
  sharePct: number;
  minPct: number;
  meets: boolean;
  /** Fen of the plan that would have to move to industry to meet the minimum (0 when it does). */
  missingFen: number;
}

/** Checks the industry share of a plan's projects. */
export function industryShare(projects: readonly { type: ProjectType; budgetFen: number }[], minPct: number = DEFAULT_INDUSTRY_SHARE_PCT): IndustryShare {
  const totalFen = projects.reduce((s, p) => s + p.budgetFen, 0);
  const industryFen = projects.filter((p) => p.type === 'INDUSTRY').reduce((s, p) => s + p.budgetFen, 0);
  const sharePct = totalFen === 0 ? 0 : Math.round((industryFen / totalFen) * 1000) / 10;
  const missingFen = Math.max(0, Math.ceil((totalFen * minPct) / 100) - industryFen);
  return { totalFen, industryFen, sharePct, minPct, meets: missingFen === 0, missingFen };
}

/** 开工率 — share (%) of approved projects that started. */
export function startRate(projects: readonly { approved: boolean; started: boolean }[]): { approved: number; started: number; pct: number } {
  const approved = projects.filter((p) => p.approved).length;
  const started = projects.filter((p) => p.approved && p.started).length;
  return { approved, started, pct: approved === 0 ? 0 : Math.round((started / approved) * 1000) / 10 };
}

/** Yuan text (元) of fen, e.g. 1234567 → "12345.67". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** Fen of a yuan text ("12,345.6" → 1234560); null when it is not an amount with at most two decimals. */
export function fenOf(text: string): number | null {
  const t = text.replace(/[,，\s]/g, '');
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
