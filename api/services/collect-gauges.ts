/**
 * Prometheus gauges with the same figures as `GET /api/stats` (统计), over every case, computed
 * at most every {@link GAUGE_TTL_MS} so frequent scrapes do not load the database.
 */
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Stats } from './compute-stats';
import { computeStats } from './compute-stats';
import type { ServiceContext } from './context';

/** How long computed gauges are reused. @default 15 s */
export const GAUGE_TTL_MS = 15_000;

/** One gauge family and how to read its values from the figures. */
interface StatsFamily {
  name: string;
  help: string;
  labelNames?: string[];
  values(s: Stats): { labels?: Record<string, string>; value: number | null }[];
}

const single = (name: string, help: string, pick: (s: Stats) => number | null): StatsFamily => ({ name, help, values: (s) => [{ value: pick(s) }] });

/** The gauge families of the figures. */
export const STATS_FAMILIES: StatsFamily[] = [
  { name: 'bangfu_cases', help: 'Cases by status and step.', labelNames: ['status', 'step'], values: (s) => s.cases.byStep.map((c) => ({ labels: { status: c.status, step: c.step ?? '' }, value: c.count })) },
  { name: 'bangfu_open_tasks', help: 'Open tasks by township.', labelNames: ['township'], values: (s) => s.tasks.byTownship.map((t) => ({ labels: { township: t.townshipCode }, value: t.open })) },
  { name: 'bangfu_overdue_tasks', help: 'Overdue open tasks by township.', labelNames: ['township'], values: (s) => s.tasks.byTownship.map((t) => ({ labels: { township: t.townshipCode }, value: t.overdue })) },
  single('bangfu_sla_approved_cases', 'Cases approved by the county.', (s) => s.identificationSla.approved),
  single('bangfu_sla_within_cases', 'Cases approved within the identification SLA.', (s) => s.identificationSla.withinSla),
  single('bangfu_sla_breached_cases', 'Cases whose identification SLA was breached.', (s) => s.identificationSla.breaches),
  single('bangfu_sla_compliance_ratio', 'Share of approved cases approved within the SLA.', (s) => s.identificationSla.compliance),
  single('bangfu_monitored_cases', 'Cases under monitoring (MONITORED or ELIMINATING).', (s) => s.planCoverage.monitored),
  single('bangfu_plan_covered_cases', 'Monitored cases with at least one implemented measure.', (s) => s.planCoverage.covered),
  single('bangfu_plan_coverage_ratio', 'Share of monitored cases with an implemented measure (应帮尽帮).', (s) => s.planCoverage.compliance),
  single('bangfu_contacted_cases', 'Monitored cases contacted in the last month.', (s) => s.contactCompliance.contacted),
  single('bangfu_contact_compliance_ratio', 'Share of monitored cases contacted in the last month.', (s) => s.contactCompliance.compliance),
  single('bangfu_eliminated_cases', 'Eliminated cases.', (s) => s.eliminationCompliance.eliminated),
  single('bangfu_elimination_early_cases', 'Cases eliminated earlier than their policy allows (should be 0).', (s) => s.eliminationCompliance.early),
  single('bangfu_elimination_compliance_ratio', 'Share of eliminations that respected the policy (should be 1).', (s) => s.eliminationCompliance.compliance),
  single('bangfu_monitored_over_year_cases', 'Cases monitored for over a year without elimination.', (s) => s.monitoredOverYear.count),
];

/**
 * Registers the figures' gauges on `registry`. They share one computation per
 * {@link GAUGE_TTL_MS}; a database failure fails the scrape of this registry (`/metrics` then
 * leaves the figures out rather than show zeros) and the next scrape tries again.
 */
export function registerStatsGauges(registry: Registry, ctx: ServiceContext): void {
  let cached: { at: number; stats: Promise<Stats> } | null = null;
  const stats = (): Promise<Stats> => {
    if (cached && Date.now() - cached.at <= GAUGE_TTL_MS) return cached.stats;
    const fresh = { at: Date.now(), stats: computeStats(ctx, null, {}) };
    fresh.stats.catch(() => {
      if (cached === fresh) cached = null;
    });
    cached = fresh;
    return fresh.stats;
  };
  for (const family of STATS_FAMILIES) {
    new Gauge({
      name: family.name, help: family.help, labelNames: family.labelNames ?? [], registers: [registry],
      async collect() {
        const s = await stats();
        this.reset();
        for (const v of family.values(s)) this.set(v.labels ?? {}, Number.isFinite(v.value) ? (v.value as number) : 0);
      },
    });
  }
}
