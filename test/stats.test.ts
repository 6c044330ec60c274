/**
 * Figures (GET /api/stats, the dashboard, /metrics): each equals a count computed directly from
 * the database for a seeded set of cases, each links to exactly the cases behind it, and region
 * and period filters hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy, DEFAULT_POLICY } from '../workflows/policy';
import type { TStatsResponse } from '../api/routes/stats/stats.types';
import type { AdminClient } from './support/admin';
import { adminLogin, listedTotal } from './support/admin';
import type { Harness } from './support/harness';
import { DEMO, leadBody, startHarness } from './support/harness';
import type { SeedCase } from './support/seed-cases';
import { privatePeriod, seedCases } from './support/seed-cases';

let h: Harness;
let admin: string;
let web: AdminClient;
const period = privatePeriod();
const DAY = 86_400_000;
const now = Date.now();
const ago = (days: number): Date => new Date(now - days * DAY);

/** One case in every state the figures distinguish. */
function seedSet(): SeedCase[] {
  const d = period.day;
  const measure = (at: Date) => [{ status: 'IMPLEMENTED' as const, implementedOn: at }];
  return [
    { village: DEMO.villageA1, status: 'IDENTIFYING', step: 'VERIFICATION', openedAt: d(1), tasks: [{ step: 'VERIFICATION', level: 'VILLAGE', dueAt: ago(2) }] },
    { village: DEMO.villageA2, status: 'IDENTIFYING', step: 'TOWNSHIP_REVIEW', openedAt: d(2), slaBreached: true, tasks: [{ step: 'TOWNSHIP_REVIEW', level: 'TOWNSHIP', dueAt: new Date(now + 3 * DAY) }] },
    { village: DEMO.villageB1, status: 'MONITORED', openedAt: d(2, 15), approvedAt: d(9), measures: measure(d(10)), lastContactAt: ago(5) },
    { village: DEMO.villageA1, status: 'MONITORED', openedAt: d(3), approvedAt: d(8), slaBreached: true, lastContactAt: ago(45) },
    { village: DEMO.villageA1, status: 'MONITORED', openedAt: d(3, 16), approvedAt: ago(400), measures: [{ status: 'PLANNED' }], lastContactAt: ago(40) },
    { village: DEMO.villageB1, status: 'ELIMINATING', step: 'ELIM_ASSESSMENT', openedAt: d(4), approvedAt: ago(200), annualCheck: true, measures: measure(ago(150)), lastContactAt: ago(1), tasks: [{ step: 'ELIM_ASSESSMENT', level: 'VILLAGE', dueAt: ago(1) }] },
    // Compliant: eliminated after the (compressed, 4 s) waiting time from approval, with a measure.
    { village: DEMO.villageA2, status: 'ELIMINATED', openedAt: d(5), approvedAt: ago(30), eliminatedAt: new Date(ago(30).getTime() + 60_000), measures: measure(ago(29)), policy: compressedPolicy({ elimination: 4 }) },
    // Too early under the default six months.
    { village: DEMO.villageA1, status: 'ELIMINATED', openedAt: d(5, 14), approvedAt: ago(60), eliminatedAt: ago(10), measures: measure(ago(50)), policy: DEFAULT_POLICY },
    // No implemented measure.
    { village: DEMO.villageB1, status: 'ELIMINATED', openedAt: d(6), approvedAt: ago(400), eliminatedAt: ago(10), measures: [{ status: 'CANCELLED' }], policy: DEFAULT_POLICY },
    // Clock from the first implemented measure: approved long ago, but the measure is three months old.
    { village: DEMO.villageB1, status: 'ELIMINATED', openedAt: d(6, 15), approvedAt: ago(500), eliminatedAt: ago(1), measures: measure(ago(90)), policy: { ...DEFAULT_POLICY, eliminationClock: 'FIRST_MEASURE' } },
    // Compliant under the default policy: seven months after approval.
    { village: DEMO.villageA1, status: 'ELIMINATED', openedAt: d(7), approvedAt: ago(240), eliminatedAt: ago(20), measures: measure(ago(230)), policy: DEFAULT_POLICY },
    { village: DEMO.villageA2, status: 'REJECTED', openedAt: d(7, 12), slaBreached: true },
    { village: DEMO.villageB1, status: 'CLOSED', openedAt: d(8), approvedAt: ago(100) },
  ];
}

/** The figures computed directly from the rows, independently of the service. */
async function expectedFigures(where: { townshipCode?: string }, since: Date, yearBefore: Date) {
  const rows = await h.prisma.case.findMany({
    where: { openedAt: { gte: new Date(`${period.from}T00:00:00+08:00`), lt: new Date(new Date(`${period.to}T00:00:00+08:00`).getTime() + DAY) }, ...where },
    include: { measures: true, tasks: true, pinnedPolicy: true },
  });
  const monitored = rows.filter((c) => c.status === 'MONITORED' || c.status === 'ELIMINATING');
  const eliminated = rows.filter((c) => c.status === 'ELIMINATED' && c.eliminatedAt);
  const MONTH = (d: Date, n: number): number => { const x = new Date(d); x.setUTCMonth(x.getUTCMonth() + n); return x.getTime(); };
  const compliant = eliminated.filter((c) => {
    const p = c.pinnedPolicy?.body as any;
    const implemented = c.measures.filter((m) => m.status === 'IMPLEMENTED' && m.implementedOn).map((m) => m.implementedOn!.getTime()).sort((a, b) => a - b);
    if (implemented.length === 0) return false;
    const start = p.eliminationClock === 'FIRST_MEASURE' ? implemented[0] : c.approvedAt!.getTime();
    const earliest = p.eliminationAfter.unit === 'SECONDS' ? start + p.eliminationAfter.amount * 1000 : MONTH(new Date(start), p.eliminationAfter.amount);
    return c.eliminatedAt!.getTime() >= earliest;
  });
  const openTasks = rows.flatMap((c) => c.tasks.filter((t) => t.status === 'OPEN').map((t) => ({ township: c.townshipCode, overdue: t.dueAt.getTime() <= Date.now() })));
  const townships = [...new Set(openTasks.map((t) => t.township))].sort();
  return {
    total: rows.length,
    byStatus: Object.fromEntries([...new Set(rows.map((c) => c.status))].map((s) => [s, rows.filter((c) => c.status === s).length])),
    approved: rows.filter((c) => c.approvedAt).length,
    withinSla: rows.filter((c) => c.approvedAt && !c.slaBreached).length,
    breaches: rows.filter((c) => c.slaBreached).length,
    monitored: monitored.length,
    covered: monitored.filter((c) => c.measures.some((m) => m.status === 'IMPLEMENTED')).length,
    contacted: monitored.filter((c) => c.lastContactAt && c.lastContactAt >= since).length,
    eliminated: eliminated.length,
    compliant: compliant.length,
    overYear: monitored.filter((c) => c.annualCheck || (c.approvedAt && c.approvedAt <= yearBefore)).length,
    tasks: townships.map((t) => ({ townshipCode: t, open: openTasks.filter((x) => x.township === t).length, overdue: openTasks.filter((x) => x.township === t && x.overdue).length })),
  };
}

async function stats(query: string): Promise<TStatsResponse> {
  const res = await h.api<TStatsResponse>('GET', `/api/stats?${query}`, { as: admin });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

function compare(s: TStatsResponse, e: Awaited<ReturnType<typeof expectedFigures>>): void {
  expect(s.cases.total).toBe(e.total);
  expect(Object.fromEntries(s.cases.byStatus.map((b) => [b.status, b.count]))).toEqual(e.byStatus);
  expect(s.cases.byStep.reduce((a, b) => a + b.count, 0)).toBe(e.total);
  expect(s.tasks.byTownship.map((t) => ({ townshipCode: t.townshipCode, open: t.open, overdue: t.overdue }))).toEqual(e.tasks);
  expect(s.identificationSla).toMatchObject({ approved: e.approved, withinSla: e.withinSla, breaches: e.breaches });
  expect(s.identificationSla.compliance).toBeCloseTo(e.withinSla / e.approved);
  expect(s.planCoverage).toMatchObject({ monitored: e.monitored, covered: e.covered, missing: e.monitored - e.covered });
  expect(s.contactCompliance).toMatchObject({ monitored: e.monitored, contacted: e.contacted });
  expect(s.eliminationCompliance).toMatchObject({ eliminated: e.eliminated, compliant: e.compliant, early: e.eliminated - e.compliant });
  expect(s.monitoredOverYear.count).toBe(e.overYear);
}

beforeAll(async () => {
  h = await startHarness();
  admin = await h.officialOf('ADMIN', DEMO.county);
  await seedCases(h.prisma, seedSet());
  web = await adminLogin(h, admin);
});
afterAll(async () => {
  await h?.stop();
});

describe('figures', () => {
  it('every figure of GET /api/stats equals the count computed directly from the database for the seeded cases', async () => {
    const s = await stats(`openedFrom=${period.from}&openedTo=${period.to}`);
    const e = await expectedFigures({}, new Date(s.contactCompliance.since), new Date(s.monitoredOverYear.approvedBefore));
    compare(s, e);
    // The seeded set is what the figures say it is.
    expect(s.cases.total).toBe(13);
    expect(s.eliminationCompliance).toMatchObject({ eliminated: 5, compliant: 2, early: 3 });
    expect(s.planCoverage).toMatchObject({ monitored: 4, covered: 2 });
    expect(s.contactCompliance.contacted).toBe(2);
    expect(s.monitoredOverYear.count).toBe(4); // opened in a past decade: every monitored one is over a year
    expect(s.identificationSla).toMatchObject({ approved: 10, withinSla: 9, breaches: 3 });
  });

  it('a region filter narrows every figure to the region', async () => {
    const s = await stats(`openedFrom=${period.from}&openedTo=${period.to}&region=${DEMO.townshipB}`);
    const e = await expectedFigures({ townshipCode: DEMO.townshipB }, new Date(s.contactCompliance.since), new Date(s.monitoredOverYear.approvedBefore));
    compare(s, e);
    expect(s.cases.total).toBe(5);
  });

  it('a township official gets the figures of its own township only', async () => {
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const res = await h.api<TStatsResponse>('GET', `/api/stats?openedFrom=${period.from}&openedTo=${period.to}`, { as: township });
    const e = await expectedFigures({ townshipCode: DEMO.townshipA }, new Date(res.body.contactCompliance.since), new Date(res.body.monitoredOverYear.approvedBefore));
    compare(res.body, e);
    expect((await h.api('GET', '/api/stats', { as: await h.officialOf('VILLAGE', DEMO.villageA1) })).status).toBe(403);
  });

  it('each count links to an admin list showing exactly that many cases', async () => {
    const s = await stats(`openedFrom=${period.from}&openedTo=${period.to}`);
    const links: [string, number][] = [
      [s.cases.href, s.cases.total],
      ...s.cases.byStatus.map((b) => [b.href, b.count] as [string, number]),
      ...s.cases.byStep.map((b) => [b.href, b.count] as [string, number]),
      [s.identificationSla.approvedHref, s.identificationSla.approved], [s.identificationSla.withinSlaHref, s.identificationSla.withinSla],
      [s.identificationSla.breachesHref, s.identificationSla.breaches],
      [s.planCoverage.monitoredHref, s.planCoverage.monitored], [s.planCoverage.coveredHref, s.planCoverage.covered], [s.planCoverage.missingHref, s.planCoverage.missing],
      [s.contactCompliance.contactedHref, s.contactCompliance.contacted], [s.contactCompliance.missingHref, s.contactCompliance.missing],
      [s.eliminationCompliance.eliminatedHref, s.eliminationCompliance.eliminated], [s.eliminationCompliance.compliantHref, s.eliminationCompliance.compliant],
      [s.eliminationCompliance.earlyHref, s.eliminationCompliance.early], [s.monitoredOverYear.href, s.monitoredOverYear.count],
    ];
    for (const [href, count] of links) {
      const page = await web.get(href);
      expect(page.status, href).toBe(200);
      expect(listedTotal(page.text), href).toBe(count);
    }
    for (const t of s.tasks.byTownship) {
      expect(listedTotal((await web.get(t.openHref)).text), t.openHref).toBe(t.open);
      expect(listedTotal((await web.get(t.overdueHref)).text), t.overdueHref).toBe(t.overdue);
    }
  });

  it('the dashboard shows the same figures, each a link', async () => {
    const s = await stats(`openedFrom=${period.from}&openedTo=${period.to}`);
    const page = await web.get(`/admin?openedFrom=${period.from}&openedTo=${period.to}&lang=en`);
    expect(page.status).toBe(200);
    const figure = (name: string): number => Number(new RegExp(`data-figure="${name.replace(/\./g, '\\.')}" data-count="(\\d+)"`).exec(page.text)?.[1]);
    expect(figure('cases.total')).toBe(s.cases.total);
    expect(figure('sla.breaches')).toBe(s.identificationSla.breaches);
    expect(figure('plan.covered')).toBe(s.planCoverage.covered);
    expect(figure('contact.contacted')).toBe(s.contactCompliance.contacted);
    expect(figure('elimination.early')).toBe(s.eliminationCompliance.early);
    expect(figure('overYear')).toBe(s.monitoredOverYear.count);
    expect(page.text).toContain('Elimination compliance');
  });

  it('the dashboard twelve-month chart counts each approval and elimination in its Beijing month, as the rows say', async () => {
    const page = await web.get(`/admin?openedFrom=${period.from}&openedTo=${period.to}`);
    expect(page.status).toBe(200);
    const bars = [...page.text.matchAll(/<title>(\d{4}-\d{2}) (\d+)<\/title>/g)].map((m) => ({ month: m[1], n: Number(m[2]) }));
    expect(bars).toHaveLength(24);
    const rows = await h.prisma.case.findMany({
      where: { openedAt: { gte: new Date(`${period.from}T00:00:00+08:00`), lt: new Date(new Date(`${period.to}T00:00:00+08:00`).getTime() + DAY) } },
      select: { status: true, approvedAt: true, eliminatedAt: true },
    });
    const beijingMonth = (d: Date): string => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
    for (let i = 0; i < 12; i++) {
      const month = bars[2 * i].month;
      expect(bars[2 * i + 1].month).toBe(month);
      expect(bars[2 * i].n, `approved in ${month}`).toBe(rows.filter((c) => c.approvedAt && beijingMonth(c.approvedAt) === month).length);
      expect(bars[2 * i + 1].n, `eliminated in ${month}`).toBe(rows.filter((c) => c.status === 'ELIMINATED' && c.eliminatedAt && beijingMonth(c.eliminatedAt) === month).length);
    }
    // The seeded set approves five cases and eliminates five within the last twelve months.
    expect(bars.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b.n, 0)).toBe(5);
    expect(bars.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b.n, 0)).toBe(5);
  });

  it('SLA and contact compliance per township equal the counts of each township rows', async () => {
    const s = await stats(`openedFrom=${period.from}&openedTo=${period.to}`);
    expect(s.complianceByTownship.map((t) => t.townshipCode)).toEqual([DEMO.townshipA, DEMO.townshipB].sort());
    for (const t of s.complianceByTownship) {
      const e = await expectedFigures({ townshipCode: t.townshipCode }, new Date(s.contactCompliance.since), new Date(s.monitoredOverYear.approvedBefore));
      expect(t, t.townshipCode).toMatchObject({ approved: e.approved, withinSla: e.withinSla, monitored: e.monitored, contacted: e.contacted });
      expect(t.slaCompliance).toBe(e.approved ? e.withinSla / e.approved : null);
      expect(t.contactCompliance).toBe(e.monitored ? e.contacted / e.monitored : null);
    }
    expect(s.complianceByTownship.reduce((a, t) => a + t.approved, 0)).toBe(s.identificationSla.approved);
  });

  it('/metrics exposes the figures as gauges, with request and workflow-start counters and latencies', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('POST', '/api/cases', { as: village, body: leadBody() })).status).toBe(201);
    const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    const all = await h.prisma.case.count({ where: { status: 'ELIMINATED', eliminatedAt: { not: null } } });
    expect(text).toMatch(/^bangfu_cases\{status="IDENTIFYING",step="VERIFICATION"\} \d+$/m);
    expect(text).toContain(`bangfu_eliminated_cases ${all}`);
    expect(text).toMatch(/^bangfu_elimination_compliance_ratio [\d.]+$/m);
    expect(text).toMatch(/^bangfu_overdue_tasks\{township="\d{12}"\} \d+$/m);
    expect(text).toMatch(/^bangfu_workflow_starts_total [1-9]\d*$/m);
    expect(text).toMatch(/^bangfu_workflow_start_seconds_count [1-9]\d*$/m);
    // Label order is not significant in the exposition format (prom-client writes `le` first).
    expect(text).toMatch(/^bangfu_http_request_duration_seconds_bucket\{(?=[^}]*\bmethod="GET")(?=[^}]*\broute="\/api\/stats")(?=[^}]*\ble="\+Inf")[^}]*\} \d+$/m);
    expect(text).toMatch(/^bangfu_http_requests_total\{[^}]*\broute="\/api\/cases"[^}]*\bstatus="201"[^}]*\} [1-9]\d*$/m);
    // The process's own figures come with prom-client.
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
  });

  it('/metrics shows the outbox backlog and the age of its oldest undelivered notification', async () => {
    // A notification left undelivered for ten minutes (no dispatcher sends kind METRICS_PROBE).
    const row = await h.prisma.notification.create({
      data: { idempotencyKey: `metrics-probe-${Date.now()}`, kind: 'METRICS_PROBE', recipientId: 'off-admin', status: 'PENDING', nextAttemptAt: new Date(Date.now() + 3_600_000), createdAt: new Date(Date.now() - 600_000) },
    });
    try {
      const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
      const pending = Number(/^bangfu_outbox_backlog\{status="PENDING"\} (\d+)$/m.exec(text)?.[1]);
      const age = Number(/^bangfu_outbox_oldest_age_seconds ([\d.e+]+)$/m.exec(text)?.[1]);
      expect(pending).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^bangfu_outbox_backlog\{status="SENDING"\} \d+$/m);
      expect(age).toBeGreaterThanOrEqual(600);
    } finally {
      await h.prisma.notification.delete({ where: { id: row.id } });
    }
  });
});
