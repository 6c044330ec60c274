/**
 * The county's figures (统计): cases per state and step, open and overdue tasks per township,
 * identification-SLA compliance, plan coverage (应帮尽帮), contact compliance, elimination
 * compliance and cases monitored over a year. Every count is defined by a named case set
 * ({@link CASE_SETS}) that the admin case list accepts too, so each figure links to exactly the
 * cases behind it.
 */
import { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import type { CaseInput } from '../../workflows/contracts';
import type { CaseState } from '../../workflows/case/state';
import { DEFAULT_POLICY, addLimitWithoutCalendar } from '../../workflows/policy';
import { parsePolicy } from '../../workflows/policy-schema';
import type { TPolicy } from '../../workflows/policy';
import { eliminationEarliest } from '../../workflows/case/validators';
import type { ServiceContext } from './context';
import type { CaseFilter } from './case-filter-sql';
import { caseFilterSql } from './case-filter-sql';
import { caseListWhere } from './list-cases';

/** Statuses of a case under monitoring (监测帮扶中). */
export const MONITORED_STATUSES = ['MONITORED', 'ELIMINATING'];

/** Named case sets behind the figures. */
export const CASE_SETS = [
  'sla-approved', 'sla-met', 'sla-breached', 'monitored', 'plan-covered', 'plan-missing', 'contact-ok', 'contact-missing',
  'eliminated', 'elim-compliant', 'elim-early', 'over-year',
] as const;
export type CaseSet = (typeof CASE_SETS)[number];

/** Filters of a figure: region (any level) and opening period (Beijing dates, inclusive). */
export type StatsFilter = CaseFilter;

/** Instants the time-relative sets are measured against. */
export function statsClock(now: Date): { now: Date; contactSince: Date; overYearBefore: Date } {
  const minusMonths = (n: number): Date => new Date(addLimitWithoutCalendar(now.getTime(), { unit: 'MONTHS', amount: -n }) as number);
  return { now, contactSince: minusMonths(1), overYearBefore: minusMonths(12) };
}

function policyOf(json: unknown): TPolicy {
  try {
    return parsePolicy(json);
  } catch {
    return DEFAULT_POLICY;
  }
}

/**
 * Whether an eliminated case respected the policy it was pinned to: at least one implemented
 * measure, and eliminated no earlier than the elimination clock (county approval or first
 * implemented measure) plus the waiting time. Same rule as the workflow's validator.
 */
export function eliminationCompliant(c: { policy: unknown; approvedAt: Date | null; eliminatedAt: Date | null; measures: { status: string; implementedOn: Date | null }[] }): boolean {
  if (!c.eliminatedAt) return false;
  if (!c.measures.some((m) => m.status === 'IMPLEMENTED')) return false;
  const input = { policy: policyOf(c.policy) } as CaseInput;
  const state = {
    approvedAt: c.approvedAt?.toISOString() ?? null,
    measures: c.measures.map((m) => ({ status: m.status, implementedOn: m.implementedOn?.toISOString() })),
  } as unknown as CaseState;
  const earliest = eliminationEarliest(input, state);
  return earliest !== null && c.eliminatedAt.getTime() >= earliest;
}

/** A stored instant as a SQL `timestamp` literal parameter. */
const ts = (d: Date): Prisma.Sql => Prisma.sql`${d.toISOString().slice(0, 23)}::timestamp`;

/**
 * Prisma filter of a named set; the caller intersects every set with its list filter (and the
 * official's region). The elimination sets read the compliance the commit activity stored.
 */
export async function caseSetWhere(ctx: ServiceContext, set: CaseSet, official: AuthOfficial | null, now = new Date()): Promise<Prisma.CaseWhereInput> {
  const clock = statsClock(now);
  const monitored: Prisma.CaseWhereInput = { status: { in: MONITORED_STATUSES } };
  const implemented: Prisma.CaseWhereInput = { measureImplemented: true };
  const contacted: Prisma.CaseWhereInput = { lastContactAt: { gte: clock.contactSince } };
  switch (set) {
    case 'sla-approved':
      return { approvedAt: { not: null } };
    case 'sla-met':
      return { approvedAt: { not: null }, slaBreached: false };
    case 'sla-breached':
      return { slaBreached: true };
    case 'monitored':
      return monitored;
    case 'plan-covered':
      return { AND: [monitored, implemented] };
    case 'plan-missing':
      return { AND: [monitored, { NOT: implemented }] };
    case 'contact-ok':
      return { AND: [monitored, contacted] };
    case 'contact-missing':
      return { AND: [monitored, { NOT: contacted }] };
    case 'eliminated':
      return { status: 'ELIMINATED', eliminatedAt: { not: null } };
    case 'elim-compliant':
      return { status: 'ELIMINATED', eliminatedAt: { not: null }, eliminationCompliant: true };
    case 'elim-early':
      return { status: 'ELIMINATED', eliminatedAt: { not: null }, OR: [{ eliminationCompliant: false }, { eliminationCompliant: null }] };
    case 'over-year':
      return { AND: [monitored, { OR: [{ annualCheck: true }, { approvedAt: { lte: clock.overYearBefore } }] }] };
  }
}

/** Link to the admin case list showing the cases behind a count. */
export function casesHref(filter: StatsFilter, extra: Record<string, string | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, ...extra })) if (v) p.set(k, v);
  const q = p.toString();
  return `/admin/cases${q ? `?${q}` : ''}`;
}

function tasksHref(filter: StatsFilter, extra: Record<string, string>): string {
  return casesHref(filter, extra).replace('/admin/cases', '/admin/tasks');
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/** The figures (shape of `GET /api/stats`). */
export interface Stats {
  generatedAt: string;
  filter: StatsFilter;
  cases: {
    total: number; href: string;
    byStatus: { status: string; count: number; href: string }[];
    byStep: { status: string; step: string | null; count: number; href: string }[];
  };
  tasks: {
    open: number; overdue: number;
    byTownship: { townshipCode: string; townshipName: string | null; open: number; overdue: number; openHref: string; overdueHref: string }[];
  };
  identificationSla: {
    approved: number; withinSla: number; compliance: number | null; breaches: number;
    approvedHref: string; withinSlaHref: string; breachesHref: string;
    breachList: { caseId: string; href: string; status: string; openedAt: string; slaDueAt: string | null; approvedAt: string | null }[];
  };
  planCoverage: { monitored: number; covered: number; missing: number; compliance: number | null; monitoredHref: string; coveredHref: string; missingHref: string };
  contactCompliance: { since: string; monitored: number; contacted: number; missing: number; compliance: number | null; monitoredHref: string; contactedHref: string; missingHref: string };
  eliminationCompliance: { eliminated: number; compliant: number; early: number; compliance: number | null; eliminatedHref: string; compliantHref: string; earlyHref: string };
  monitoredOverYear: { approvedBefore: string; count: number; href: string };
  /** SLA and contact compliance per township (the chart of who lags). */
  complianceByTownship: TownshipCompliance[];
}

/** 各乡镇认定时限与走访达标 — one township's identification-SLA and contact compliance. */
export interface TownshipCompliance {
  townshipCode: string;
  townshipName: string | null;
  approved: number;
  withinSla: number;
  slaCompliance: number | null;
  monitored: number;
  contacted: number;
  contactCompliance: number | null;
}

/** Counts of one status, step and township. */
interface FigureRow {
  status: string;
  step: string | null;
  township: string;
  n: number;
  approved: number;
  sla_met: number;
  breached: number;
  contacted: number;
  over_year: number;
  eliminated: number;
  compliant: number;
  covered: number;
}

/**
 * Computes every figure over the cases an official may see (`null`: every case), narrowed by the
 * filter. Three statements at once, each one pass over what it needs:
 * - cases by status, step and township, every other count a `FILTER` of the same scan of the
 *   cases (monitored sets summed over MONITORED and ELIMINATING afterwards), elimination
 *   compliance included (the `eliminationCompliant` column, stored when a case is eliminated: no
 *   probe of measures or policies) and plan coverage (the `measureImplemented` column, stored by
 *   the commit activity whenever it writes a measure) included — the one pass over the table's
 *   rows; grouped by township too, so SLA and contact compliance per township cost no other scan;
 * - open and overdue tasks per township: the open tasks (index on status) joined to their cases;
 * - the latest 50 SLA breaches (newest first, on the list indexes).
 * They replaced about ten counts each scanning the table and every eliminated case loaded with
 * its policy into memory. Plans and times at 100,000 cases: `npm run bench`, section "lists".
 */
export async function computeStats(ctx: ServiceContext, official: AuthOfficial | null, filter: StatsFilter, now = new Date()): Promise<Stats> {
  const clock = statsClock(now);
  const href = (set: CaseSet): string => casesHref(filter, { set });
  const where = caseFilterSql(official, filter);
  const base = caseListWhere(official, filter);

  const [figures, taskRows, breachRows] = await Promise.all([
    ctx.prisma.$queryRaw<FigureRow[]>`
      SELECT c.status, c.step, c."townshipCode" AS township, count(*)::int AS n,
        count(*) FILTER (WHERE c."approvedAt" IS NOT NULL)::int AS approved,
        count(*) FILTER (WHERE c."approvedAt" IS NOT NULL AND NOT c."slaBreached")::int AS sla_met,
        count(*) FILTER (WHERE c."slaBreached")::int AS breached,
        count(*) FILTER (WHERE c."lastContactAt" >= ${ts(clock.contactSince)})::int AS contacted,
        count(*) FILTER (WHERE c."annualCheck" OR c."approvedAt" <= ${ts(clock.overYearBefore)})::int AS over_year,
        count(*) FILTER (WHERE c.status = 'ELIMINATED' AND c."eliminatedAt" IS NOT NULL)::int AS eliminated,
        count(*) FILTER (WHERE c.status = 'ELIMINATED' AND c."eliminatedAt" IS NOT NULL AND c."eliminationCompliant")::int AS compliant,
        count(*) FILTER (WHERE c."measureImplemented")::int AS covered
      FROM "Case" c WHERE ${where}
      GROUP BY c.status, c.step, c."townshipCode"`,
    ctx.prisma.$queryRaw<{ townshipCode: string; open: number; overdue: number }[]>`
      SELECT c."townshipCode", count(*)::int AS open, count(*) FILTER (WHERE t."dueAt" <= ${ts(now)})::int AS overdue
      FROM "Task" t JOIN "Case" c ON c.id = t."caseId"
      WHERE t.status = 'OPEN' AND ${where}
      GROUP BY c."townshipCode" ORDER BY c."townshipCode"`,
    ctx.prisma.case.findMany({
      where: { AND: [base, { slaBreached: true }] }, orderBy: [{ openedAt: 'desc' }, { id: 'asc' }], take: 50,
      select: { id: true, status: true, openedAt: true, slaDueAt: true, approvedAt: true },
    }),
  ]);
  const sumOf = (rows: FigureRow[], key: keyof FigureRow, only?: string[]): number =>
    rows.reduce((a, r) => a + (only && !only.includes(r.status) ? 0 : (r[key] as number)), 0);
  const sum = (key: keyof FigureRow, only?: string[]): number => sumOf(figures, key, only);
  const stepKey = (r: FigureRow): string => `${r.status}\u0000${r.step ?? ''}`;
  const bySteps = new Map<string, { status: string; step: string | null; n: number }>();
  for (const r of figures) {
    const g = bySteps.get(stepKey(r)) ?? { status: r.status, step: r.step, n: 0 };
    g.n += r.n;
    bySteps.set(stepKey(r), g);
  }
  const groups = [...bySteps.values()].sort((a, b) => a.status.localeCompare(b.status) || (a.step ?? '').localeCompare(b.step ?? ''));
  const approved = sum('approved');
  const withinSla = sum('sla_met');
  const breaches = sum('breached');
  const monitored = sum('n', MONITORED_STATUSES);
  const covered = sum('covered', MONITORED_STATUSES);
  const contacted = sum('contacted', MONITORED_STATUSES);
  const overYear = sum('over_year', MONITORED_STATUSES);
  const elim = { eliminated: sum('eliminated'), compliant: sum('compliant') };
  const openTasks = { open: taskRows.reduce((a, t) => a + t.open, 0), overdue: taskRows.reduce((a, t) => a + t.overdue, 0) };

  const byStatus = new Map<string, number>();
  for (const g of groups) byStatus.set(g.status, (byStatus.get(g.status) ?? 0) + g.n);
  const perTownship = new Map(taskRows.map((t) => [t.townshipCode, { open: t.open, overdue: t.overdue }]));
  const townshipCodes = [...new Set([...perTownship.keys(), ...figures.map((r) => r.township)])].sort();
  const townships = await ctx.prisma.region.findMany({ where: { code: { in: townshipCodes } }, select: { code: true, name: true } });
  const names = new Map(townships.map((r) => [r.code, r.name]));
  const complianceByTownship = townshipCodes.map((code): TownshipCompliance => {
    const rows = figures.filter((r) => r.township === code);
    const t = { approved: sumOf(rows, 'approved'), withinSla: sumOf(rows, 'sla_met'), monitored: sumOf(rows, 'n', MONITORED_STATUSES), contacted: sumOf(rows, 'contacted', MONITORED_STATUSES) };
    return { townshipCode: code, townshipName: names.get(code) ?? null, ...t, slaCompliance: ratio(t.withinSla, t.approved), contactCompliance: ratio(t.contacted, t.monitored) };
  });
  const eliminated = elim.eliminated;
  const total = [...byStatus.values()].reduce((a, b) => a + b, 0);

  return {
    generatedAt: now.toISOString(),
    filter,
    cases: {
      total, href: casesHref(filter, {}),
      byStatus: [...byStatus].map(([status, n]) => ({ status, count: n, href: casesHref(filter, { status }) })),
      byStep: groups.map((g) => ({ status: g.status, step: g.step, count: g.n, href: casesHref(filter, { status: g.status, step: g.step }) })),
    },
    tasks: {
      open: openTasks.open,
      overdue: openTasks.overdue,
      byTownship: [...perTownship].sort(([a], [b]) => a.localeCompare(b)).map(([code, e]) => ({
        townshipCode: code, townshipName: names.get(code) ?? null, open: e.open, overdue: e.overdue,
        openHref: tasksHref(filter, { townshipCode: code, all: '1' }), overdueHref: tasksHref(filter, { townshipCode: code }),
      })),
    },
    identificationSla: {
      approved, withinSla, compliance: ratio(withinSla, approved), breaches,
      approvedHref: href('sla-approved'), withinSlaHref: href('sla-met'), breachesHref: href('sla-breached'),
      breachList: breachRows.map((c) => ({
        caseId: c.id, href: `/admin/cases/${encodeURIComponent(c.id)}`, status: c.status, openedAt: c.openedAt.toISOString(),
        slaDueAt: c.slaDueAt?.toISOString() ?? null, approvedAt: c.approvedAt?.toISOString() ?? null,
      })),
    },
    planCoverage: {
      monitored, covered, missing: monitored - covered, compliance: ratio(covered, monitored),
      monitoredHref: href('monitored'), coveredHref: href('plan-covered'), missingHref: href('plan-missing'),
    },
    contactCompliance: {
      since: clock.contactSince.toISOString(), monitored, contacted, missing: monitored - contacted, compliance: ratio(contacted, monitored),
      monitoredHref: href('monitored'), contactedHref: href('contact-ok'), missingHref: href('contact-missing'),
    },
    eliminationCompliance: {
      eliminated, compliant: elim.compliant, early: eliminated - elim.compliant, compliance: ratio(elim.compliant, eliminated),
      eliminatedHref: href('eliminated'), compliantHref: href('elim-compliant'), earlyHref: href('elim-early'),
    },
    monitoredOverYear: { approvedBefore: clock.overYearBefore.toISOString(), count: overYear, href: href('over-year') },
    complianceByTownship,
  };
}
