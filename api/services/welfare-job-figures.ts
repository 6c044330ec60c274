/**
 * 公益岗位统计 — per township: posts filled now, jobs in total, months confirmed, months confirmed
 * late and the on-time rate, within the official's region. Read from the process read model.
 */
import { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import type { ServiceContext } from './context';
import { quotasOf } from './welfare-job-quota';

/** One township's figures. */
export interface TownshipJobs {
  townshipCode: string;
  townshipName: string;
  /** Jobs in post now. */
  postsFilled: number;
  jobs: number;
  monthsConfirmed: number;
  monthsLate: number;
  /** Months confirmed on time as a share of months confirmed (1 when none). */
  onTimeRate: number;
  /** This year's quota (公益岗位指标), null when none is set. */
  quota: number | null;
  /** Whether the township announced this year's quota. */
  announced: boolean;
}

function townshipScope(o: AuthOfficial): Prisma.Sql {
  if (o.role === 'ADMIN' && o.regionLevel === 'CITY') return Prisma.sql`TRUE`;
  if (o.role === 'ADMIN' || o.role === 'COUNTY') return Prisma.sql`t."parentCode" = ${o.regionCode}`;
  if (o.role === 'TOWNSHIP') return Prisma.sql`t.code = ${o.regionCode}`;
  return Prisma.sql`t.code = (SELECT "parentCode" FROM "Region" WHERE code = ${o.regionCode})`;
}

/** The figures per township in the official's region. */
export async function welfareJobFigures(ctx: ServiceContext, official: AuthOfficial): Promise<{ townships: TownshipJobs[] }> {
  const rows = await ctx.prisma.$queryRaw<Omit<TownshipJobs, 'onTimeRate' | 'quota' | 'announced'>[]>`
    SELECT t.code AS "townshipCode", t.name AS "townshipName",
      COUNT(p.id) FILTER (WHERE p.status = 'IN_POST')::int AS "postsFilled", COUNT(p.id)::int AS jobs,
      COALESCE(SUM(COALESCE((p.data->>'monthsConfirmed')::int, 0) + COALESCE((p.data->>'priorMonthsConfirmed')::int, 0)), 0)::int AS "monthsConfirmed",
      COALESCE(SUM(COALESCE((p.data->>'monthsLate')::int, 0) + COALESCE((p.data->>'priorMonthsLate')::int, 0)), 0)::int AS "monthsLate"
    FROM "Region" t
    LEFT JOIN "Process" p ON p.kind = 'PUBLIC_WELFARE_JOB' AND p."townshipCode" = t.code
    WHERE t.level = 'TOWNSHIP' AND ${townshipScope(official)}
    GROUP BY t.code, t.name
    ORDER BY t.code`;
  const quotas = await quotasOf(ctx, rows.map((r) => r.townshipCode), new Date());
  return {
    townships: rows.map((r) => ({
      ...r, onTimeRate: r.monthsConfirmed === 0 ? 1 : (r.monthsConfirmed - r.monthsLate) / r.monthsConfirmed,
      quota: quotas.get(r.townshipCode)?.posts ?? null, announced: quotas.get(r.townshipCode)?.announced ?? false,
    })),
  };
}
