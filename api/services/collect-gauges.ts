/**
 * Prometheus gauges with the same figures as `GET /api/stats`, over every case, computed at most
 * every {@link GAUGE_TTL_MS} so frequent scrapes do not load the database.
 */
import type { Gauge } from '../http/metrics';
import { gaugeLines } from '../http/metrics';
import type { Stats } from './compute-stats';
import { computeStats } from './compute-stats';
import type { ServiceContext } from './context';

/** How long computed gauges are reused. @default 15 s */
export const GAUGE_TTL_MS = 15_000;

const cache = new WeakMap<ServiceContext, { at: number; lines: Promise<string[]> }>();

/** The gauge families of a set of figures. */
export function statsGauges(s: Stats): Gauge[] {
  const g = (name: string, help: string, value: number | null): Gauge => ({ name, help, values: [{ value: value ?? 0 }] });
  return [
    { name: 'bangfu_cases', help: 'Cases by status and step.', values: s.cases.byStep.map((c) => ({ labels: { status: c.status, step: c.step ?? '' }, value: c.count })) },
    { name: 'bangfu_open_tasks', help: 'Open tasks by township.', values: s.tasks.byTownship.map((t) => ({ labels: { township: t.townshipCode }, value: t.open })) },
    { name: 'bangfu_overdue_tasks', help: 'Overdue open tasks by township.', values: s.tasks.byTownship.map((t) => ({ labels: { township: t.townshipCode }, value: t.overdue })) },
    g('bangfu_sla_approved_cases', 'Cases approved by the county.', s.identificationSla.approved),
    g('bangfu_sla_within_cases', 'Cases approved within the identification SLA.', s.identificationSla.withinSla),
    g('bangfu_sla_breached_cases', 'Cases whose identification SLA was breached.', s.identificationSla.breaches),
    g('bangfu_sla_compliance_ratio', 'Share of approved cases approved within the SLA.', s.identificationSla.compliance),
    g('bangfu_monitored_cases', 'Cases under monitoring (MONITORED or ELIMINATING).', s.planCoverage.monitored),
    g('bangfu_plan_covered_cases', 'Monitored cases with at least one implemented measure.', s.planCoverage.covered),
    g('bangfu_plan_coverage_ratio', 'Share of monitored cases with an implemented measure (应帮尽帮).', s.planCoverage.compliance),
    g('bangfu_contacted_cases', 'Monitored cases contacted in the last month.', s.contactCompliance.contacted),
    g('bangfu_contact_compliance_ratio', 'Share of monitored cases contacted in the last month.', s.contactCompliance.compliance),
    g('bangfu_eliminated_cases', 'Eliminated cases.', s.eliminationCompliance.eliminated),
    g('bangfu_elimination_early_cases', 'Cases eliminated earlier than their policy allows (should be 0).', s.eliminationCompliance.early),
    g('bangfu_elimination_compliance_ratio', 'Share of eliminations that respected the policy (should be 1).', s.eliminationCompliance.compliance),
    g('bangfu_monitored_over_year_cases', 'Cases monitored for over a year without elimination.', s.monitoredOverYear.count),
  ];
}

/** Gauge lines for `/metrics`; a database failure yields no gauges rather than a failed scrape. */
export async function collectGauges(ctx: ServiceContext): Promise<string[]> {
  const cached = cache.get(ctx);
  if (cached && Date.now() - cached.at <= GAUGE_TTL_MS) return cached.lines;
  const fresh = {
    at: Date.now(),
    lines: computeStats(ctx, null, {}).then(
      (s) => gaugeLines(statsGauges(s)),
      (err: unknown) => {
        console.error(`[metrics] gauges unavailable: ${(err as Error).message}`);
        cache.delete(ctx);
        return [];
      },
    ),
  };
  cache.set(ctx, fresh);
  return fresh.lines;
}
