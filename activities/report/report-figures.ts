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
 * - overdue tasks: tasks of the unit's cases opened and due before the end and not closed by it;
 * - 集中排查 and 衔接资金项目/资产: see ./programme-figures (campaign ledgers as at the end; projects
 *   and assets as they stand when the report is produced).
 * A city's figures (市级) are its counties' figures, each county a unit ranked like a township.
 */
import type { ReportConfirmations } from '../../workflows/confirmation/contracts';
import { Prisma } from '@prisma/client';
import type { PrismaClient } from '@prisma/client';
import type { ReportPeriod, UnitFigures } from '../../workflows/report/contracts';
import { beijingDate, DEFAULT_PACE_CURVE, expectedPaidPct } from '../../workflows/project/rules';
import { CAMPAIGN_KEYS, FUND_KEYS, campaignFiguresByVillage, fundFiguresByPlace } from './programme-figures';

/** A stored instant as a SQL `timestamp` parameter (columns are UTC wall times). */
const ts = (iso: string): Prisma.Sql => Prisma.sql`${new Date(iso).toISOString().slice(0, 23)}::timestamp`;

type Counts = Required<Omit<UnitFigures, 'code' | 'name' | 'level' | 'townshipCode'>>;
/** Every counted figure of a unit (monitoring, then campaign, then projects and assets): summed upwards and compared between versions. */
export const COUNT_KEYS: (keyof Counts)[] = [
  'newHouseholds', 'newPeople', 'totalHouseholds', 'totalPeople', 'measuresMade', 'measuresImplemented', 'eliminated', 'eliminatedTotal',
  'slaApproved', 'slaMet', 'monitored', 'planCovered', 'contacted', 'overdueTasks', ...CAMPAIGN_KEYS, ...FUND_KEYS,
];
const zero = (): Counts => Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as Counts;
const add = (into: UnitFigures, from: object): void => {
  const src = from as Record<string, unknown>;
  for (const k of COUNT_KEYS) if (typeof src[k] === 'number') into[k] = (into[k] ?? 0) + (src[k] as number);
};

/** The figures of a county for a period: the county, its townships and its villages (every one, zeros included). */
export interface CountyFigures {
  county: UnitFigures;
  townships: UnitFigures[];
  villages: UnitFigures[];
  /** The share of funds the pace curve (序时进度) expects paid by the period's last day, %. Absent in reports before 0.4. */
  fundExpectedPct?: number;
  /** 月调度数据确认: which villages and townships confirmed the month's figures on time, late or not at all (monthly reports from 0.4). */
  confirmations?: ReportConfirmations;
}

/** The figures of a city for a period (市级): the city, its counties (the ranked units) and their townships. */
export interface CityFigures {
  level: 'CITY';
  city: UnitFigures;
  counties: UnitFigures[];
  townships: UnitFigures[];
  fundExpectedPct: number;
}

/** The share of funds the default pace curve expects paid by the last Beijing day of a period, %. */
export function expectedPctAt(period: ReportPeriod): number {
  return expectedPaidPct(beijingDate(Date.parse(period.to) - 1), DEFAULT_PACE_CURVE);
}

/** Computes the figures of {@link CountyFigures} in three statements, each one pass grouped by village. */
export async function computeReportFigures(prisma: PrismaClient, countyCode: string, period: ReportPeriod): Promise<CountyFigures> {
  const from = ts(period.from);
  const to = ts(period.to);
  const approvedIn = Prisma.sql`c."approvedAt" >= ${from} AND c."approvedAt" < ${to}`;
  const monitored = Prisma.sql`c."approvedAt" < ${to} AND (c."eliminatedAt" IS NULL OR c."eliminatedAt" >= ${to}) AND (c."closedAt" IS NULL OR c."closedAt" >= ${to})`;
  const eliminated = Prisma.sql`c.status = 'ELIMINATED' AND c."eliminatedAt" IS NOT NULL`;
  const [cases, measures, tasks, regions, campaigns, funds] = await Promise.all([
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
    campaignFiguresByVillage(prisma, countyCode, period),
    fundFiguresByPlace(prisma, countyCode, period),
  ]);

  const names = new Map(regions.map((r) => [r.code, r.name]));
  const villages = new Map<string, UnitFigures>();
  const village = (code: string, township: string): UnitFigures => {
    let v = villages.get(code);
    if (!v) villages.set(code, (v = { code, name: names.get(code) ?? code, level: 'VILLAGE', townshipCode: township, ...zero() }));
    return v;
  };
  for (const r of regions) if (r.level === 'VILLAGE' && r.parentCode) village(r.code, r.parentCode);
  const townships = new Map<string, UnitFigures>();
  for (const r of regions) if (r.level === 'TOWNSHIP') townships.set(r.code, { code: r.code, name: r.name, level: 'TOWNSHIP', ...zero() });
  const township = (code: string): UnitFigures => {
    let t = townships.get(code);
    if (!t) townships.set(code, (t = { code, name: names.get(code) ?? code, level: 'TOWNSHIP', ...zero() }));
    return t;
  };
  const county: UnitFigures = { code: countyCode, name: names.get(countyCode) ?? countyCode, level: 'COUNTY', ...zero() };
  for (const rows of [cases, measures, tasks, campaigns, funds] as ({ village: string | null; township: string | null } & Record<string, unknown>)[][]) {
    for (const row of rows) {
      // A project or asset without a village counts for its township, or for the county alone.
      if (row.village && row.township) add(village(row.village, row.township), row);
      else if (row.township) add(township(row.township), row);
      else add(county, row);
    }
  }
  for (const v of villages.values()) add(township(v.townshipCode as string), v);
  for (const t of townships.values()) add(county, t);
  const byCode = (a: UnitFigures, b: UnitFigures): number => a.code.localeCompare(b.code);
  return { county, townships: [...townships.values()].sort(byCode), villages: [...villages.values()].sort(byCode), fundExpectedPct: expectedPctAt(period) };
}

/** Computes the figures of {@link CityFigures}: each county's own figures, summed to the city. */
export async function computeCityFigures(prisma: PrismaClient, cityCode: string, period: ReportPeriod): Promise<CityFigures> {
  const [city, counties] = await Promise.all([
    prisma.region.findUnique({ where: { code: cityCode }, select: { name: true } }),
    prisma.region.findMany({ where: { parentCode: cityCode, level: 'COUNTY' }, select: { code: true }, orderBy: { code: 'asc' } }),
  ]);
  const each: CountyFigures[] = [];
  // One county at a time: each is three grouped statements; a city has a handful of counties.
  for (const c of counties) each.push(await computeReportFigures(prisma, c.code, period));
  const total: UnitFigures = { code: cityCode, name: city?.name ?? cityCode, level: 'CITY', ...zero() };
  for (const f of each) add(total, f.county);
  return { level: 'CITY', city: total, counties: each.map((f) => f.county), townships: each.flatMap((f) => f.townships), fundExpectedPct: expectedPctAt(period) };
}

/** The reported unit and the units it ranks, of either shape. */
export function headAndRanked(f: CountyFigures | CityFigures): UnitFigures[] {
  return 'city' in f ? [f.city, ...f.counties] : [f.county, ...f.townships];
}

/**
 * The figures that changed between two versions of a report (the reported unit and the units it
 * ranks): `[unit, figure, before, after]`. A figure a version before 0.4 did not carry counts as 0.
 */
export function figureChanges(before: CountyFigures | CityFigures, after: CountyFigures | CityFigures): { unit: string; figure: string; before: number; after: number }[] {
  const changes: { unit: string; figure: string; before: number; after: number }[] = [];
  const old = new Map(headAndRanked(before).map((u) => [u.code, u]));
  for (const u of headAndRanked(after)) {
    const o = old.get(u.code);
    for (const k of COUNT_KEYS) {
      const b = o?.[k] ?? 0;
      const a = u[k] ?? 0;
      if (b !== a) changes.push({ unit: u.code, figure: k, before: b, after: a });
    }
  }
  return changes;
}
