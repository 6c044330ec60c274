/**
 * The figures of a report (月调度数据): per village, summed to townships and the county, for a
 * period `[from, to)`, each a count over the read model as it stood at the period's end — so a
 * report of a past period can be produced late, or again, with the same figures. Definitions:
 * - new households / people (新增监测对象 X户X人): cases approved by the county in the period;
 *   cumulative: approved before its end;
 * - measures made / implemented (帮扶措施 X条): measures recorded / implemented in the period;
 * - eliminations (风险消除): cases eliminated in the period; cumulative: before its end;
 * - identification SLA: of the cases approved in the period, those approved within the SLA;
 * - monitored at the end: approved before it, not eliminated or closed before it;
 *   plan coverage (应帮尽帮): of those, with a measure implemented before the end;
 *   contact (按时走访): of those, with a contact recorded in the period;
 * - overdue tasks: tasks of the unit's cases opened and due before the end and not closed by it.
 */
import { Prisma } from '@prisma/client';
import type { PrismaClient } from '@prisma/client';
import type { ReportPeriod, UnitFigures } from '../../workflows/report/contracts';

/** A stored instant as a SQL `timestamp` parameter (columns are UTC wall times). */
const ts = (iso: string): Prisma.Sql => Prisma.sql`${new Date(iso).toISOString().slice(0, 23)}::timestamp`;

type Counts = Omit<UnitFigures, 'code' | 'name' | 'level' | 'townshipCode'>;
const COUNT_KEYS: (keyof Counts)[] = [
  'newHouseholds', 'newPeople', 'totalHouseholds', 'totalPeople', 'measuresMade', 'measuresImplemented', 'eliminated', 'eliminatedTotal',
  'slaApproved', 'slaMet', 'monitored', 'planCovered', 'contacted', 'overdueTasks',
];
const zero = (): Counts => Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as Counts;

/** The figures of a county for a period: the county, its townships and its villages (every one, zeros included). */
export interface CountyFigures {
  county: UnitFigures;
  townships: UnitFigures[];
  villages: UnitFigures[];
}

/** Computes the figures of {@link CountyFigures} in three statements, each one pass grouped by village. */
export async function computeReportFigures(prisma: PrismaClient, countyCode: string, period: ReportPeriod): Promise<CountyFigures> {
  const from = ts(period.from);
  const to = ts(period.to);
  const approvedIn = Prisma.sql`c."approvedAt" >= ${from} AND c."approvedAt" < ${to}`;
  const monitored = Prisma.sql`c."approvedAt" < ${to} AND (c."eliminatedAt" IS NULL OR c."eliminatedAt" >= ${to}) AND (c."closedAt" IS NULL OR c."closedAt" >= ${to})`;
  const eliminated = Prisma.sql`c.status = 'ELIMINATED' AND c."eliminatedAt" IS NOT NULL`;
  const [cases, measures, tasks, regions] = await Promise.all([
    prisma.$queryRaw<({ village: string; township: string } & Record<string, number>)[]>`
      SELECT c."villageCode" AS village, min(c."townshipCode") AS township,
        count(*) FILTER (WHERE ${approvedIn})::int AS "newHouseholds",
        coalesce(sum(h."memberCount") FILTER (WHERE ${approvedIn}), 0)::int AS "newPeople",
        count(*)::int AS "totalHouseholds",
        coalesce(sum(h."memberCount"), 0)::int AS "totalPeople",
        count(*) FILTER (WHERE ${eliminated} AND c."eliminatedAt" >= ${from} AND c."eliminatedAt" < ${to})::int AS eliminated,
        count(*) FILTER (WHERE ${eliminated} AND c."eliminatedAt" < ${to})::int AS "eliminatedTotal",
        count(*) FILTER (WHERE ${approvedIn})::int AS "slaApproved",
        count(*) FILTER (WHERE ${approvedIn} AND NOT c."slaBreached")::int AS "slaMet",
        count(*) FILTER (WHERE ${monitored})::int AS monitored,
        count(*) FILTER (WHERE ${monitored} AND EXISTS (
          SELECT 1 FROM "Measure" x WHERE x."caseId" = c.id AND x.status = 'IMPLEMENTED' AND x."implementedOn" < ${to}))::int AS "planCovered",
        count(*) FILTER (WHERE ${monitored} AND ((c."lastContactAt" >= ${from} AND c."lastContactAt" < ${to}) OR EXISTS (
          SELECT 1 FROM "Contact" k WHERE k."caseId" = c.id AND k."contactedOn" >= ${from} AND k."contactedOn" < ${to})))::int AS contacted
      FROM "Case" c JOIN "Household" h ON h.id = c."householdId"
      WHERE c."countyCode" = ${countyCode} AND c."approvedAt" < ${to}
      GROUP BY c."villageCode"`,
    prisma.$queryRaw<{ village: string; township: string; measuresMade: number; measuresImplemented: number }[]>`
      SELECT c."villageCode" AS village, min(c."townshipCode") AS township,
        count(*) FILTER (WHERE m."createdAt" >= ${from} AND m."createdAt" < ${to})::int AS "measuresMade",
        count(*) FILTER (WHERE m.status = 'IMPLEMENTED' AND m."implementedOn" >= ${from} AND m."implementedOn" < ${to})::int AS "measuresImplemented"
      FROM "Measure" m JOIN "Case" c ON c.id = m."caseId"
      WHERE c."countyCode" = ${countyCode} AND (m."createdAt" < ${to} OR m."implementedOn" < ${to})
      GROUP BY c."villageCode"`,
    prisma.$queryRaw<{ village: string; township: string; overdueTasks: number }[]>`
      SELECT c."villageCode" AS village, min(c."townshipCode") AS township, count(*)::int AS "overdueTasks"
      FROM "Task" t JOIN "Case" c ON c.id = t."caseId"
      WHERE c."countyCode" = ${countyCode} AND t."openedAt" < ${to} AND t."dueAt" < ${to}
        AND (t.status = 'OPEN' OR t."closedAt" >= ${to})
      GROUP BY c."villageCode"`,
    prisma.$queryRaw<{ code: string; name: string; level: string; parentCode: string | null }[]>`
      SELECT r.code, r.name, r.level, r."parentCode" FROM "Region" r WHERE r.code = ${countyCode} OR r."parentCode" = ${countyCode}
      UNION SELECT v.code, v.name, v.level, v."parentCode" FROM "Region" v JOIN "Region" t ON t.code = v."parentCode" WHERE t."parentCode" = ${countyCode}`,
  ]);

  const names = new Map(regions.map((r) => [r.code, r.name]));
  const villages = new Map<string, UnitFigures>();
  const village = (code: string, township: string): UnitFigures => {
    let v = villages.get(code);
    if (!v) villages.set(code, (v = { code, name: names.get(code) ?? code, level: 'VILLAGE', townshipCode: township, ...zero() }));
    return v;
  };
  for (const r of regions) if (r.level === 'VILLAGE' && r.parentCode) village(r.code, r.parentCode);
  for (const rows of [cases, measures, tasks] as ({ village: string; township: string } & Record<string, unknown>)[][]) {
    for (const row of rows) {
      const v = village(row.village, row.township);
      for (const k of COUNT_KEYS) if (typeof row[k] === 'number') v[k] += row[k] as number;
    }
  }
  const townships = new Map<string, UnitFigures>();
  for (const r of regions) if (r.level === 'TOWNSHIP') townships.set(r.code, { code: r.code, name: r.name, level: 'TOWNSHIP', ...zero() });
  const county: UnitFigures = { code: countyCode, name: names.get(countyCode) ?? countyCode, level: 'COUNTY', ...zero() };
  for (const v of villages.values()) {
    const code = v.townshipCode as string;
    let t = townships.get(code);
    if (!t) townships.set(code, (t = { code, name: names.get(code) ?? code, level: 'TOWNSHIP', ...zero() }));
    for (const k of COUNT_KEYS) {
      t[k] += v[k];
      county[k] += v[k];
    }
  }
  const byCode = (a: UnitFigures, b: UnitFigures): number => a.code.localeCompare(b.code);
  return { county, townships: [...townships.values()].sort(byCode), villages: [...villages.values()].sort(byCode) };
}

/** The figures that changed between two versions of a report (county and townships): `[unit, figure, before, after]`. */
export function figureChanges(before: CountyFigures, after: CountyFigures): { unit: string; figure: string; before: number; after: number }[] {
  const changes: { unit: string; figure: string; before: number; after: number }[] = [];
  const old = new Map([before.county, ...before.townships].map((u) => [u.code, u]));
  for (const u of [after.county, ...after.townships]) {
    const o = old.get(u.code);
    for (const k of COUNT_KEYS) {
      const b = o ? o[k] : 0;
      if (b !== u[k]) changes.push({ unit: u.code, figure: k, before: b, after: u[k] });
    }
  }
  return changes;
}
