/**
 * The county's figures (统计): cases per state and step, open and overdue tasks per township,
 * identification-SLA compliance, plan coverage (应帮尽帮), contact compliance, elimination
 * compliance and cases monitored over a year. Every count is defined by a named case set
 * ({@link CASE_SETS}) that the admin case list accepts too, so each figure links to exactly the
 * cases behind it.
 */
import type { Prisma } from '@prisma/client';
import type { CaseInput } from '../../workflows/contracts';
import type { CaseState } from '../../workflows/case/state';
import { DEFAULT_POLICY, addLimitWithoutCalendar, parsePolicy } from '../../workflows/policy';
import type { TPolicy } from '../../workflows/policy';
import { eliminationEarliest } from '../../workflows/case/validators';
import type { ServiceContext } from './context';

/** Statuses of a case under monitoring (监测帮扶中). */
export const MONITORED_STATUSES = ['MONITORED', 'ELIMINATING'];

/** Named case sets behind the figures. */
export const CASE_SETS = [
  'sla-approved', 'sla-met', 'sla-breached', 'monitored', 'plan-covered', 'plan-missing', 'contact-ok', 'contact-missing',
  'eliminated', 'elim-compliant', 'elim-early', 'over-year',
] as const;
export type CaseSet = (typeof CASE_SETS)[number];

/** Filters of a figure: region (any level) and opening period (Beijing dates, inclusive). */
export interface StatsFilter {
  region?: string;
  openedFrom?: string;
  openedTo?: string;
}

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

/** Eliminated cases within `base`, split by compliance. */
async function eliminationSplit(ctx: ServiceContext, base: Prisma.CaseWhereInput): Promise<{ compliant: string[]; early: string[] }> {
  const rows = await ctx.prisma.case.findMany({
    where: { AND: [base, { status: 'ELIMINATED', eliminatedAt: { not: null } }] },
    select: { id: true, policy: true, approvedAt: true, eliminatedAt: true, measures: { select: { status: true, implementedOn: true } } },
  });
  const compliant: string[] = [];
  const early: string[] = [];
  for (const r of rows) (eliminationCompliant(r) ? compliant : early).push(r.id);
  return { compliant, early };
}

/** Prisma filter of a named set (within `base`, needed by the elimination sets). */
export async function caseSetWhere(ctx: ServiceContext, set: CaseSet, base: Prisma.CaseWhereInput, now = new Date()): Promise<Prisma.CaseWhereInput> {
  const clock = statsClock(now);
  const monitored: Prisma.CaseWhereInput = { status: { in: MONITORED_STATUSES } };
  const implemented: Prisma.CaseWhereInput = { measures: { some: { status: 'IMPLEMENTED' } } };
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
      return { id: { in: (await eliminationSplit(ctx, base)).compliant } };
    case 'elim-early':
      return { id: { in: (await eliminationSplit(ctx, base)).early } };
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
}

/** Computes every figure over the cases matching `base` (scope and filters already applied). */
export async function computeStats(ctx: ServiceContext, base: Prisma.CaseWhereInput, filter: StatsFilter, now = new Date()): Promise<Stats> {
  const clock = statsClock(now);
  const count = async (set: CaseSet): Promise<number> => ctx.prisma.case.count({ where: { AND: [base, await caseSetWhere(ctx, set, base, now)] } });
  const href = (set: CaseSet): string => casesHref(filter, { set });

  const [groups, openTasks, approved, withinSla, breaches, breachRows, monitored, covered, contacted, overYear, elim] = await Promise.all([
    ctx.prisma.case.groupBy({ by: ['status', 'step'], where: base, _count: { _all: true }, orderBy: [{ status: 'asc' }, { step: 'asc' }] }),
    ctx.prisma.task.findMany({ where: { status: 'OPEN', case: base }, select: { dueAt: true, case: { select: { townshipCode: true } } } }),
    count('sla-approved'),
    count('sla-met'),
    count('sla-breached'),
    ctx.prisma.case.findMany({
      where: { AND: [base, { slaBreached: true }] }, orderBy: [{ openedAt: 'desc' }, { id: 'asc' }], take: 50,
      select: { id: true, status: true, openedAt: true, slaDueAt: true, approvedAt: true },
    }),
    count('monitored'),
    count('plan-covered'),
    count('contact-ok'),
    count('over-year'),
    eliminationSplit(ctx, base),
  ]);

  const byStatus = new Map<string, number>();
  for (const g of groups) byStatus.set(g.status, (byStatus.get(g.status) ?? 0) + g._count._all);
  const perTownship = new Map<string, { open: number; overdue: number }>();
  for (const t of openTasks) {
    const e = perTownship.get(t.case.townshipCode) ?? { open: 0, overdue: 0 };
    e.open += 1;
    if (t.dueAt <= now) e.overdue += 1;
    perTownship.set(t.case.townshipCode, e);
  }
  const townships = await ctx.prisma.region.findMany({ where: { code: { in: [...perTownship.keys()] } }, select: { code: true, name: true } });
  const names = new Map(townships.map((r) => [r.code, r.name]));
  const eliminated = elim.compliant.length + elim.early.length;
  const total = [...byStatus.values()].reduce((a, b) => a + b, 0);

  return {
    generatedAt: now.toISOString(),
    filter,
    cases: {
      total, href: casesHref(filter, {}),
      byStatus: [...byStatus].map(([status, n]) => ({ status, count: n, href: casesHref(filter, { status }) })),
      byStep: groups.map((g) => ({ status: g.status, step: g.step, count: g._count._all, href: casesHref(filter, { status: g.status, step: g.step }) })),
    },
    tasks: {
      open: openTasks.length,
      overdue: openTasks.filter((t) => t.dueAt <= now).length,
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
      eliminated, compliant: elim.compliant.length, early: elim.early.length, compliance: ratio(elim.compliant.length, eliminated),
      eliminatedHref: href('eliminated'), compliantHref: href('elim-compliant'), earlyHref: href('elim-early'),
    },
    monitoredOverYear: { approvedBefore: clock.overYearBefore.toISOString(), count: overYear, href: href('over-year') },
  };
}
