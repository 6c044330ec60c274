/**
 * 小额信贷统计 — loans lent in a year per village (with their township), overdue loans per grade,
 * and the villages that lent nothing (零贷款村, which the seed complains of), within the official's
 * region. Read from the process read model (one statement).
 */
import { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import type { ServiceContext } from './context';

/** One village's lending in the year. */
export interface VillageLending {
  villageCode: string;
  villageName: string;
  townshipCode: string;
  townshipName: string;
  loans: number;
  amount: number;
  /** Loans now overdue, by grade (1–30, 31–90, > 90 days; > 90 includes those handed to the risk-compensation fund). */
  overdue: [number, number, number];
}

/** The figures of a year. */
export interface MicrocreditFigures {
  year: string;
  villages: VillageLending[];
  townships: { townshipCode: string; townshipName: string; loans: number; amount: number }[];
  /** Villages with no loan disbursed in the year. */
  zeroLendingVillages: { villageCode: string; villageName: string; townshipCode: string }[];
  /** Overdue loans as a share of the year's loans, by grade. */
  overdueRate: [number, number, number];
}

/** Which villages an official's figures cover. */
function villageScope(o: AuthOfficial): Prisma.Sql {
  if (o.role === 'ADMIN' && o.regionLevel === 'CITY') return Prisma.sql`TRUE`;
  if (o.role === 'ADMIN' || o.role === 'COUNTY') return Prisma.sql`t."parentCode" = ${o.regionCode}`;
  if (o.role === 'TOWNSHIP') return Prisma.sql`t.code = ${o.regionCode}`;
  return Prisma.sql`v.code = ${o.regionCode}`;
}

/** The figures of `year` (YYYY) in the official's region. */
export async function microcreditFigures(ctx: ServiceContext, official: AuthOfficial, year: string): Promise<MicrocreditFigures> {
  const rows = await ctx.prisma.$queryRaw<{ villageCode: string; villageName: string; townshipCode: string; townshipName: string; loans: number; amount: number; g1: number; g2: number; g3: number }[]>`
    SELECT v.code AS "villageCode", v.name AS "villageName", t.code AS "townshipCode", t.name AS "townshipName",
      COUNT(p.id)::int AS loans, COALESCE(SUM((p.data->'loan'->>'amount')::numeric), 0)::float8 AS amount,
      COUNT(p.id) FILTER (WHERE p.status = 'OVERDUE_1_30')::int AS g1,
      COUNT(p.id) FILTER (WHERE p.status = 'OVERDUE_31_90')::int AS g2,
      COUNT(p.id) FILTER (WHERE p.status IN ('OVERDUE_90_PLUS', 'RISK_COMPENSATION'))::int AS g3
    FROM "Region" v
    JOIN "Region" t ON t.code = v."parentCode"
    LEFT JOIN "Process" p ON p.kind = 'MICROCREDIT' AND p."villageCode" = v.code AND p.data->>'disbursedYear' = ${year}
    WHERE v.level = 'VILLAGE' AND ${villageScope(official)}
    GROUP BY v.code, v.name, t.code, t.name
    ORDER BY t.code, v.code`;
  const villages: VillageLending[] = rows.map((r) => ({
    villageCode: r.villageCode, villageName: r.villageName, townshipCode: r.townshipCode, townshipName: r.townshipName, loans: r.loans, amount: r.amount, overdue: [r.g1, r.g2, r.g3],
  }));
  const townships = new Map<string, MicrocreditFigures['townships'][number]>();
  for (const v of villages) {
    const t = townships.get(v.townshipCode) ?? { townshipCode: v.townshipCode, townshipName: v.townshipName, loans: 0, amount: 0 };
    t.loans += v.loans;
    t.amount += v.amount;
    townships.set(v.townshipCode, t);
  }
  const total = villages.reduce((n, v) => n + v.loans, 0);
  const rate = (g: 0 | 1 | 2): number => (total === 0 ? 0 : villages.reduce((n, v) => n + v.overdue[g], 0) / total);
  return {
    year, villages, townships: [...townships.values()],
    zeroLendingVillages: villages.filter((v) => v.loans === 0).map((v) => ({ villageCode: v.villageCode, villageName: v.villageName, townshipCode: v.townshipCode })),
    overdueRate: [rate(0), rate(1), rate(2)],
  };
}
