/**
 * 逐月新增与消除 — households newly monitored (approved by the county) and eliminated per Beijing
 * month over the last twelve months, within an official's scope and the dashboard's filter: the
 * dashboard's chart of where people look rather than read. Two index-only range scans
 * (Case(countyCode, approvedAt) and Case(countyCode, status, eliminatedAt)) read just the months shown.
 */
import { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import type { CaseFilter } from './case-filter-sql';
import { caseFilterSql } from './case-filter-sql';
import type { ServiceContext } from './context';

/** One month of the series. */
export interface MonthPoint {
  /** `2026-11` (Beijing). */
  month: string;
  approved: number;
  eliminated: number;
}

/** The last twelve Beijing months up to and including `now`'s, oldest first, zeros included. */
export function lastTwelveMonths(now: Date): string[] {
  const d = new Date(now.getTime() + 8 * 3_600_000);
  return Array.from({ length: 12 }, (_, i) => {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11 + i, 1));
    return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

/** Counts per month in one statement over the cases of the scope. */
export async function monthlySeries(ctx: ServiceContext, official: AuthOfficial | null, filter: CaseFilter, now = new Date()): Promise<MonthPoint[]> {
  const months = lastTwelveMonths(now);
  const since = new Date(Date.parse(`${months[0]}-01T00:00:00+08:00`)).toISOString().slice(0, 23);
  const month = (col: Prisma.Sql): Prisma.Sql => Prisma.sql`to_char(${col} + interval '8 hours', 'YYYY-MM')`;
  const rows = await ctx.prisma.$queryRaw<{ month: string; approved: number; eliminated: number }[]>`
    SELECT m.month, sum(m.approved)::int AS approved, sum(m.eliminated)::int AS eliminated FROM (
      SELECT ${month(Prisma.sql`c."approvedAt"`)} AS month, 1 AS approved, 0 AS eliminated FROM "Case" c
        WHERE ${caseFilterSql(official, filter)} AND c."approvedAt" >= ${since}::timestamp
      UNION ALL
      SELECT ${month(Prisma.sql`c."eliminatedAt"`)}, 0, 1 FROM "Case" c
        WHERE ${caseFilterSql(official, filter)} AND c.status = 'ELIMINATED' AND c."eliminatedAt" >= ${since}::timestamp
    ) m GROUP BY m.month`;
  const by = new Map(rows.map((r) => [r.month, r]));
  return months.map((m) => ({ month: m, approved: by.get(m)?.approved ?? 0, eliminated: by.get(m)?.eliminated ?? 0 }));
}
