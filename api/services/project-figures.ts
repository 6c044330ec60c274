/**
 * 项目统计（纯函数） — the figures of fund projects per township: start rate (开工率), funds paid
 * against the pace curve (序时进度), projects behind and not started, the ranking that feeds the
 * monthly report, and the project library's filter. Pure.
 */
import type { PacePoint } from '../../workflows/project/rules';
import { DEFAULT_PACE_CURVE, expectedPaidPct, paidPct } from '../../workflows/project/rules';

/** Statuses of a project past its approval (批复). */
export const APPROVED_STATUSES = new Set(['APPROVED', 'NOT_STARTED_FLAGGED', 'IN_PROGRESS', 'COMPLETED', 'ACCEPTED', 'HANDING_OVER', 'HANDED_OVER']);

/** What the figures read of a project. */
export interface ProjectRow {
  id: string;
  townshipCode: string | null;
  status: string;
  data: { budgetFen?: number; paidFen?: number; startedOn?: string | null; behind?: boolean; notStartedFlagged?: boolean; type?: string };
}

/** One township's line. */
export interface TownshipFigures {
  townshipCode: string;
  projects: number;
  approved: number;
  started: number;
  startRatePct: number;
  budgetFen: number;
  paidFen: number;
  paidPct: number;
  expectedPct: number;
  /** Points of pace the township is ahead (+) or behind (−). */
  paceGapPct: number;
  behind: number;
  notStarted: number;
}

/** Figures per township, ranked from the furthest behind the pace (the monthly report's ranking). */
export function projectFigures(rows: readonly ProjectRow[], today: string, curve: readonly PacePoint[] = DEFAULT_PACE_CURVE): { townships: TownshipFigures[]; expectedPct: number } {
  const expectedPct = expectedPaidPct(today, curve);
  const by = new Map<string, ProjectRow[]>();
  for (const r of rows) {
    const k = r.townshipCode ?? '—';
    by.set(k, [...(by.get(k) ?? []), r]);
  }
  const townships = [...by.entries()].map(([townshipCode, rs]): TownshipFigures => {
    const approvedRows = rs.filter((r) => APPROVED_STATUSES.has(r.status));
    const started = approvedRows.filter((r) => r.data.startedOn).length;
    const budgetFen = approvedRows.reduce((s, r) => s + (r.data.budgetFen ?? 0), 0);
    const paidFen = approvedRows.reduce((s, r) => s + (r.data.paidFen ?? 0), 0);
    const paid = approvedRows.length === 0 ? 0 : paidPct(paidFen, budgetFen);
    return {
      townshipCode, projects: rs.length, approved: approvedRows.length, started,
      startRatePct: approvedRows.length === 0 ? 0 : Math.round((started / approvedRows.length) * 1000) / 10,
      budgetFen, paidFen, paidPct: paid, expectedPct, paceGapPct: Math.round((paid - expectedPct) * 10) / 10,
      behind: rs.filter((r) => r.data.behind === true).length, notStarted: rs.filter((r) => r.data.notStartedFlagged === true && !r.data.startedOn).length,
    };
  });
  townships.sort((a, b) => a.paceGapPct - b.paceGapPct || a.startRatePct - b.startRatePct || a.townshipCode.localeCompare(b.townshipCode));
  return { townships, expectedPct };
}

/** Filters of the project library. */
export interface ProjectFilter {
  status?: string;
  township?: string;
  type?: string;
  behind?: boolean;
  notStarted?: boolean;
}

/** Whether a project passes the filter. */
export function projectMatches(r: ProjectRow, f: ProjectFilter): boolean {
  return (!f.status || r.status === f.status) && (!f.township || r.townshipCode === f.township) && (!f.type || r.data.type === f.type)
    && (!f.behind || r.data.behind === true) && (!f.notStarted || (r.data.notStartedFlagged === true && !r.data.startedOn));
}


/** Sums of one township's projects (summed in SQL by list-fund-processes.ts). */
export interface TownshipSums {
  townshipCode: string;
  projects: number;
  approved: number;
  started: number;
  budgetFen: number;
  paidFen: number;
  behind: number;
  notStarted: number;
}

/** The same figures and ranking as {@link projectFigures}, from per-township sums instead of every row. */
export function figuresFromSums(sums: readonly TownshipSums[], today: string, curve: readonly PacePoint[] = DEFAULT_PACE_CURVE): { townships: TownshipFigures[]; expectedPct: number } {
  const expectedPct = expectedPaidPct(today, curve);
  const townships = sums.map((s): TownshipFigures => {
    const paid = s.approved === 0 ? 0 : paidPct(s.paidFen, s.budgetFen);
    return {
      townshipCode: s.townshipCode, projects: s.projects, approved: s.approved, started: s.started,
      startRatePct: s.approved === 0 ? 0 : Math.round((s.started / s.approved) * 1000) / 10,
      budgetFen: s.budgetFen, paidFen: s.paidFen, paidPct: paid, expectedPct, paceGapPct: Math.round((paid - expectedPct) * 10) / 10,
      behind: s.behind, notStarted: s.notStarted,
    };
  });
  townships.sort((a, b) => a.paceGapPct - b.paceGapPct || a.startRatePct - b.startRatePct || a.townshipCode.localeCompare(b.townshipCode));
  return { townships, expectedPct };
}
