/**
 * Rules of the reporting cycle (月调度、季通报), pure and workflow-safe: the period a scheduled run
 * reports on, whether it is late, the ranking of townships, the bottom ones, and who is due an
 * 约谈 for being at the bottom several rankings in a row.
 */
import type { TPolicy, TReportCadence, TReportPolicy } from '../policy';
import type { RankedUnit, ReportKind, ReportPeriod, UnitFigures } from './contracts';

const BEIJING_MS = 8 * 3_600_000;

/**
 * The defaults of DESIGN §5.1: the county's 月调度 on the 1st (villages by the 25th and townships by
 * the 28th report before it), the 季通报 on the 1st of a quarter, two townships named at the
 * bottom, an 约谈 after two rankings in a row there; a run more than an hour late says so; a
 * schedule catches up runs missed in the last 31 days.
 */
export const DEFAULT_REPORT_POLICY: TReportPolicy = {
  monthly: { every: 'MONTH', day: 1, hour: 1 },
  quarterly: { every: 'QUARTER', day: 1, hour: 2 },
  bottomCount: 2,
  interviewAfterBottomRuns: 2,
  lateAfterSeconds: 3600,
  catchupWindowSeconds: 31 * 86_400,
};

/** The report policy of a policy (its own section, or the defaults). */
export function reportPolicyOf(policy: Pick<TPolicy, 'reports'>): TReportPolicy {
  return policy.reports ?? DEFAULT_REPORT_POLICY;
}

/** The cadence of a report kind. */
export function cadenceOf(policy: TReportPolicy, kind: ReportKind): TReportCadence {
  return kind === 'MONTHLY' ? policy.monthly : policy.quarterly;
}

/** Midnight (Beijing) of the first day of a Beijing month, as an instant. */
function beijingMonthStart(year: number, month0: number): number {
  return Date.UTC(year, month0, 1) - BEIJING_MS;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The period of a label: `2026-11` (month), `2026-Q3` (quarter), `2026-H1` (half year); null when it is none. */
export function periodOfKey(key: string): ReportPeriod | null {
  let m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) {
    const [y, mo] = [Number(m[1]), Number(m[2]) - 1];
    if (mo < 0 || mo > 11) return null;
    return { key, from: new Date(beijingMonthStart(y, mo)).toISOString(), to: new Date(beijingMonthStart(y, mo + 1)).toISOString() };
  }
  m = /^(\d{4})-([QH])([1-4])$/.exec(key);
  if (m) {
    const [y, span, n] = [Number(m[1]), m[2] === 'Q' ? 3 : 6, Number(m[3])];
    if (span === 6 && n > 2) return null;
    const start = (n - 1) * span;
    return { key, from: new Date(beijingMonthStart(y, start)).toISOString(), to: new Date(beijingMonthStart(y, start + span)).toISOString() };
  }
  return null;
}

/**
 * The period a run scheduled at `scheduledAt` reports on: the Beijing month (or quarter) before the
 * one it runs in, or for a compressed cadence the `seconds` that ended at the scheduled time.
 */
export function periodBefore(cadence: TReportCadence, scheduledAt: number): ReportPeriod {
  if (cadence.every === 'SECONDS') {
    const from = new Date(scheduledAt - cadence.seconds * 1000).toISOString();
    return { key: from, from, to: new Date(scheduledAt).toISOString() };
  }
  const d = new Date(scheduledAt + BEIJING_MS);
  const y = d.getUTCFullYear();
  const month0 = d.getUTCMonth();
  if (cadence.every === 'MONTH') {
    const prev = new Date(Date.UTC(y, month0 - 1, 1));
    return periodOfKey(`${prev.getUTCFullYear()}-${pad(prev.getUTCMonth() + 1)}`) as ReportPeriod;
  }
  const q = Math.floor(month0 / 3); // this quarter, 0-based
  const prevY = q === 0 ? y - 1 : y;
  const prevQ = q === 0 ? 4 : q;
  return periodOfKey(`${prevY}-Q${prevQ}`) as ReportPeriod;
}

/** The period just before `period` of the same length (for a label, the previous month / quarter / half). */
export function previousPeriod(period: ReportPeriod): ReportPeriod {
  const m = /^(\d{4})-(?:(\d{2})|([QH])([1-4]))$/.exec(period.key);
  if (m && m[2]) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 2, 1));
    return periodOfKey(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`) as ReportPeriod;
  }
  if (m && m[3]) {
    const y = Number(m[1]);
    const n = Number(m[4]);
    return periodOfKey(n === 1 ? `${y - 1}-${m[3]}${m[3] === 'Q' ? 4 : 2}` : `${y}-${m[3]}${n - 1}`) as ReportPeriod;
  }
  const len = Date.parse(period.to) - Date.parse(period.from);
  const from = new Date(Date.parse(period.from) - len).toISOString();
  return { key: from, from, to: period.from };
}

/** How late a run is: seconds after its scheduled time, and whether that is beyond the grace. */
export function latenessOf(scheduledAt: number | null, runAt: number, lateAfterSeconds: number): { late: boolean; lateSeconds: number | null } {
  if (scheduledAt === null) return { late: false, lateSeconds: null };
  const lateSeconds = Math.max(0, Math.round((runAt - scheduledAt) / 1000));
  return { late: lateSeconds > lateAfterSeconds, lateSeconds };
}

const rate = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/**
 * Ranks townships, best first, on their rates: identification SLA, plan coverage (应帮尽帮) and
 * contact (按时走访) — the score is the mean of the rates a township has; ties go against more
 * overdue tasks, then by code. Townships with no rate at all are listed last, unranked (rank 0).
 */
export function rankTownships(townships: UnitFigures[]): RankedUnit[] {
  const scored = townships.map((t) => {
    const slaRate = rate(t.slaMet, t.slaApproved);
    const coverageRate = rate(t.planCovered, t.monitored);
    const contactRate = rate(t.contacted, t.monitored);
    const rates = [slaRate, coverageRate, contactRate].filter((r): r is number => r !== null);
    const score = rates.length === 0 ? null : rates.reduce((a, b) => a + b, 0) / rates.length;
    return { code: t.code, name: t.name, rank: 0, score, slaRate, coverageRate, contactRate, overdueTasks: t.overdueTasks };
  });
  const ranked = scored.filter((s) => s.score !== null)
    .sort((a, b) => (b.score as number) - (a.score as number) || a.overdueTasks - b.overdueTasks || a.code.localeCompare(b.code));
  ranked.forEach((r, i) => (r.rank = i + 1));
  return [...ranked, ...scored.filter((s) => s.score === null).sort((a, b) => a.code.localeCompare(b.code))];
}

/** The townships named at the bottom: the last `count` ranked, never more than half of those ranked. */
export function bottomOf(ranking: RankedUnit[], count: number): RankedUnit[] {
  const ranked = ranking.filter((r) => r.rank > 0);
  const n = Math.min(count, Math.floor(ranked.length / 2));
  return n === 0 ? [] : ranked.slice(-n);
}

/**
 * Townships due an 约谈: at the bottom now and in each of the `runs - 1` rankings before it
 * (`previous`, latest first). A ranking missing from the history breaks the run.
 */
export function interviewsDue(bottom: string[], previous: string[][], runs: number): string[] {
  if (previous.length < runs - 1) return [];
  return bottom.filter((code) => previous.slice(0, runs - 1).every((p) => p.includes(code)));
}

/** Process id of the 约谈 a report opens for a township: one per county, kind, period and township. */
export function reportInterviewId(countyCode: string, kind: ReportKind, period: ReportPeriod, townshipCode: string): string {
  return `YT-${kind === 'MONTHLY' ? 'M' : 'Q'}-${countyCode}-${period.key.replace(/[^0-9A-Za-z-]/g, '')}-${townshipCode}`;
}
