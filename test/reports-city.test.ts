/**
 * Reports beyond one county's monitoring figures, on a real Temporal server and PostgreSQL, in a
 * private city of two counties of its own (so every count is this file's): the city's 月调度 runs on
 * its own Temporal Schedule (compressed to seconds) and ranks its counties, naming the bottom one;
 * a county report carries the figures of the screening campaigns (集中排查) and of the fund projects
 * and assets (衔接资金项目、帮扶资产), each equal to a direct count, on its page, XLSX and PDF; a
 * re-run is a new version saying which of them changed.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import ExcelJS from 'exceljs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { createCaseWorker } from '../worker/create-worker';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { ReportInput, ReportResult, UnitFigures } from '../workflows/report/contracts';
import { CITY_REPORT_WORKFLOW, REPORT_WORKFLOW } from '../workflows/report/contracts';
import { periodOfKey } from '../workflows/report/rules';
import { ensureReportSchedules, reportScheduleId, scheduledRegions } from '../api/services/ensure-report-schedules';
import type { Harness } from './support/harness';
import { eventually, startHarness } from './support/harness';
import { seedCases } from './support/seed-cases';
import { adminLogin } from './support/admin';
import { textOf } from './support/link-client';

const EVERY = 6;
const policy: TPolicy = {
  ...compressedPolicy(),
  processSteps: { INTERVIEW: { HOLD_INTERVIEW: { unit: 'SECONDS', amount: 3600 } } },
  reports: {
    monthly: { every: 'SECONDS', seconds: EVERY }, quarterly: { every: 'SECONDS', seconds: EVERY },
    bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: 4, catchupWindowSeconds: 120,
  },
};

/** A private region tree: city → two counties → one township each → two villages each. */
const rr = String(10 + Math.floor(Math.random() * 89));
const CITY = `47${rr}00000000`;
const C1 = `47${rr}01000000`;
const C2 = `47${rr}02000000`;
const T1 = `47${rr}01100000`;
const T2 = `47${rr}02100000`;
const V1 = `47${rr}01100201`;
const V2 = `47${rr}01100202`;
const W1 = `47${rr}02100201`;
const CITY_ADMIN = `off-city-admin-${rr}`;
const C2_OFFICIAL = `off-cty-c2-${rr}`;
const year = 1960 + Math.floor(Math.random() * 25);
const at = (month: number, day: number, y = year): Date => new Date(`${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:00:00+08:00`);

let h: Harness;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let caseA: string;
let caseB: string;

beforeAll(async () => {
  h = await startHarness({ policy, startWorker: false });
  native = await NativeConnection.connect({ address: inject('temporalAddress') });
  const code = await fs.readFile(inject('workflowBundlePath'), 'utf8');
  worker = await createCaseWorker({ connection: native, namespace: 'default', prisma: h.prisma, taskQueue: h.taskQueue, workflowBundle: { code }, maxCachedWorkflows: 20 });
  running = worker.run();

  const regions = [
    { code: CITY, name: `测试市${rr}`, level: 'CITY', parentCode: null },
    { code: C1, name: `甲县${rr}`, level: 'COUNTY', parentCode: CITY },
    { code: C2, name: `乙县${rr}`, level: 'COUNTY', parentCode: CITY },
    { code: T1, name: `甲镇${rr}`, level: 'TOWNSHIP', parentCode: C1 },
    { code: T2, name: `乙镇${rr}`, level: 'TOWNSHIP', parentCode: C2 },
    { code: V1, name: `甲一村${rr}`, level: 'VILLAGE', parentCode: T1 },
    { code: V2, name: `甲二村${rr}`, level: 'VILLAGE', parentCode: T1 },
    { code: W1, name: `乙一村${rr}`, level: 'VILLAGE', parentCode: T2 },
  ];
  for (const r of regions) await h.prisma.region.create({ data: r });
  await h.prisma.official.create({ data: { id: CITY_ADMIN, name: '市管理员', email: `city-admin-${rr}@test.bangfu.local`, role: 'ADMIN', regionCode: CITY } });
  await h.prisma.official.create({ data: { id: C2_OFFICIAL, name: '乙县干部', email: `cty-c2-${rr}@test.bangfu.local`, role: 'COUNTY', regionCode: C2 } });
  // A city without counties gets no schedule.
  await h.prisma.region.create({ data: { code: `47${rr}90000000`, name: `空市${rr}`, level: 'CITY', parentCode: null } });

  // County 甲 covers its monitored household; county 乙 does not (it is the bottom of the city's ranking).
  [caseA, caseB] = await seedCases(h.prisma, [
    { village: V1, township: T1, county: C1, status: 'MONITORED', openedAt: at(10, 6), approvedAt: at(11, 1), measures: [{ status: 'IMPLEMENTED', implementedOn: at(11, 10) }] },
    { village: V1, township: T1, county: C1, status: 'IDENTIFYING', step: 'VERIFICATION', openedAt: at(11, 2) },
    { village: W1, township: T2, county: C2, status: 'MONITORED', openedAt: at(1, 2), approvedAt: at(1, 10) },
  ]);

  // 集中排查: a campaign of county 甲 running in Q4, one closed before it, and one of county 乙.
  const campaign = (id: string, county: string, createdAt: Date, closedAt: Date | null) => h.prisma.process.create({
    data: { id, kind: 'SCREENING_CAMPAIGN', workflowId: `wf-${id}`, title: '集中排查', status: closedAt ? 'CLOSED' : 'RUNNING', countyCode: county, createdAt, closedAt },
  });
  await campaign(`CAMP-${rr}-0`, C1, at(1, 1), at(2, 1));
  await campaign(`CAMP-${rr}-1`, C1, at(10, 2), null);
  await campaign(`CAMP-${rr}-2`, C2, at(10, 2), null);
  const visit = (campaignId: string, n: number, village: string, township: string, result: string | null, visitedAt: Date | null, caseId: string | null = null) => h.prisma.campaignVisit.create({
    data: { campaignId, householdId: `hh-${rr}-${campaignId}-${n}`, gridId: `grid-${village}`, villageCode: village, townshipCode: township, category: 'ORDINARY', result, visits: result ? 1 : 0, caseId, visitedAt },
  });
  await visit(`CAMP-${rr}-0`, 1, V1, T1, 'RISK_FOUND', at(1, 5));
  await visit(`CAMP-${rr}-1`, 1, V1, T1, 'NO_RISK', at(10, 5));
  await visit(`CAMP-${rr}-1`, 2, V1, T1, 'RISK_FOUND', at(10, 6), caseA);
  await visit(`CAMP-${rr}-1`, 3, V1, T1, 'RISK_FOUND', at(11, 2), caseB);
  await visit(`CAMP-${rr}-1`, 4, V1, T1, 'NOT_HOME', at(10, 7));
  await visit(`CAMP-${rr}-1`, 5, V2, T1, 'NO_RISK', at(10, 8));
  await visit(`CAMP-${rr}-1`, 6, V2, T1, null, null);
  await visit(`CAMP-${rr}-1`, 7, V2, T1, 'NO_RISK', at(1, 5, year + 1));
  await visit(`CAMP-${rr}-2`, 1, W1, T2, 'NO_RISK', at(10, 9));
  const ledger = (campaignId: string, village: string, township: string, closedAt: Date) => h.prisma.villageLedger.create({
    data: { campaignId, villageCode: village, townshipCode: township, meetingOn: closedAt.toISOString().slice(0, 10), attendees: 9, minutes: '村两委会议研究排查结果', closedById: 'off-vil-dongfeng', closedAt },
  });
  await ledger(`CAMP-${rr}-1`, V1, T1, at(11, 20));
  await ledger(`CAMP-${rr}-1`, V2, T1, at(1, 20, year + 1));

  // 衔接资金项目 and 帮扶资产 of county 甲 (one project without a village; a budget beyond 32 bits of fen).
  const proc = (id: string, kind: string, village: string | null, status: string, data: object) => h.prisma.process.create({
    data: { id, kind, workflowId: `wf-${id}`, title: id, status, villageCode: village, townshipCode: T1, countyCode: C1, data, createdAt: at(3, 1) },
  });
  await proc(`P-${rr}-1`, 'FUND_PROJECT', V1, 'IN_PROGRESS', { budgetFen: 1_000_000, paidFen: 200_000, startedOn: `${year}-04-10`, behind: true });
  await proc(`P-${rr}-2`, 'FUND_PROJECT', V2, 'APPROVED', { budgetFen: 500_000, paidFen: 0, startedOn: null, notStartedFlagged: true });
  await proc(`P-${rr}-3`, 'FUND_PROJECT', V1, 'PROPOSED', { budgetFen: 300_000 });
  await proc(`P-${rr}-4`, 'FUND_PROJECT', null, 'IN_PROGRESS', { budgetFen: 3_000_000_000, paidFen: 2_500_000_000, startedOn: `${year}-05-01` });
  await proc(`A-${rr}-1`, 'PROJECT_ASSET', V1, 'IN_USE', { assetClass: 'INCOME', idle: true });
  await proc(`A-${rr}-2`, 'PROJECT_ASSET', V2, 'IN_USE', { assetClass: 'PUBLIC', idle: false });
  await proc(`A-${rr}-3`, 'PROJECT_ASSET', V1, 'DISPOSED', { assetClass: 'INCOME', idle: true });
  await proc(`A-${rr}-4`, 'PROJECT_ASSET', V1, 'IN_USE', { assetClass: 'PUBLIC' });
  const inspection = (id: string, processId: string, village: string, dueAt: Date, closedAt: Date | null) => h.prisma.task.create({
    data: { id, processId, step: 'INSPECTION', level: 'VILLAGE', regionCode: village, allowedIds: [], status: closedAt ? 'DONE' : 'OPEN', openedAt: at(11, 1), dueAt, closedAt },
  });
  await inspection(`T-${rr}-1`, `A-${rr}-2`, V2, at(12, 1), null);
  await inspection(`T-${rr}-2`, `A-${rr}-4`, V1, at(11, 20), at(12, 5));
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await native?.close();
  await h?.stop();
});

type Period = { from: string; to: string };

/** Direct counts of the campaign figures of a place (Prisma queries, not the report's SQL). */
async function campaignDirect(county: string, where: { villageCode?: string; townshipCode?: string }, p: Period): Promise<Partial<UnitFigures>> {
  const from = new Date(p.from);
  const to = new Date(p.to);
  const campaigns = (await h.prisma.process.findMany({
    where: { kind: 'SCREENING_CAMPAIGN', countyCode: county, createdAt: { lt: to }, OR: [{ closedAt: null }, { closedAt: { gte: from } }] }, select: { id: true },
  })).map((c) => c.id);
  const visits = await h.prisma.campaignVisit.findMany({ where: { campaignId: { in: campaigns }, ...where } });
  const done = visits.filter((v) => v.visitedAt && v.visitedAt < to);
  const risks = done.filter((v) => v.result === 'RISK_FOUND');
  const leads = risks.filter((v) => v.caseId);
  const approved = await h.prisma.case.count({ where: { id: { in: leads.map((v) => v.caseId!) }, approvedAt: { lt: to } } });
  const pairs = [...new Set(visits.map((v) => `${v.campaignId}|${v.villageCode}`))];
  const meetings = await h.prisma.villageLedger.count({ where: { campaignId: { in: campaigns }, ...where, closedAt: { lt: to } } });
  return {
    campaignHouseholds: visits.length,
    campaignScreened: done.filter((v) => ['NO_RISK', 'RISK_FOUND', 'ALREADY_MONITORED'].includes(v.result ?? '')).length,
    campaignRisks: risks.length, campaignLeads: leads.length, campaignMonitored: approved, campaignVillages: pairs.length,
    campaignZeroVillages: pairs.filter((k) => !risks.some((v) => `${v.campaignId}|${v.villageCode}` === k)).length,
    campaignMeetings: meetings,
  };
}

/** Direct counts of the project and asset figures of a place. */
async function fundDirect(county: string, where: { villageCode?: string; townshipCode?: string }, p: Period): Promise<Partial<UnitFigures>> {
  const to = new Date(p.to);
  const rows = await h.prisma.process.findMany({ where: { countyCode: county, kind: { in: ['FUND_PROJECT', 'PROJECT_ASSET'] }, createdAt: { lt: to }, ...where } });
  const d = (r: (typeof rows)[number]): Record<string, any> => (r.data ?? {}) as Record<string, any>;
  const projects = rows.filter((r) => r.kind === 'FUND_PROJECT');
  const approved = projects.filter((r) => ['APPROVED', 'NOT_STARTED_FLAGGED', 'IN_PROGRESS', 'COMPLETED', 'ACCEPTED', 'HANDING_OVER', 'HANDED_OVER'].includes(r.status));
  const assets = rows.filter((r) => r.kind === 'PROJECT_ASSET' && r.status !== 'DISPOSED');
  const overdue = await h.prisma.task.findMany({
    where: { processId: { in: rows.filter((r) => r.kind === 'PROJECT_ASSET').map((r) => r.id) }, step: 'INSPECTION', openedAt: { lt: to }, dueAt: { lt: to }, OR: [{ status: 'OPEN' }, { closedAt: { gte: to } }] },
    select: { processId: true },
  });
  return {
    projectsApproved: approved.length, projectsStarted: approved.filter((r) => d(r).startedOn).length,
    projectBudgetFen: approved.reduce((s, r) => s + Number(d(r).budgetFen ?? 0), 0), projectPaidFen: approved.reduce((s, r) => s + Number(d(r).paidFen ?? 0), 0),
    projectsBehind: projects.filter((r) => d(r).behind === true).length, projectsNotStarted: projects.filter((r) => d(r).notStartedFlagged === true && !d(r).startedOn).length,
    assets: assets.length, assetsIdle: assets.filter((r) => d(r).idle === true).length, assetsInspectionOverdue: new Set(overdue.map((t) => t.processId)).size,
  };
}

describe('市级月调度 on its own Temporal Schedule', () => {
  it('a city\'s scheduled report ranks its counties on the county figures, names the bottom one, and reaches the city\'s administrator', async () => {
    const suffix = h.taskQueue.slice(5, 13);
    const scheduleId = reportScheduleId('MONTHLY', CITY, suffix, 'CITY');
    expect(scheduleId).toBe(`report-city-monthly-${CITY}-${suffix}`);
    const made = await ensureReportSchedules({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy, counties: [], cities: [CITY], kinds: ['MONTHLY'], idSuffix: suffix });
    expect(made).toEqual([{ scheduleId, outcome: 'created' }]);
    try {
      const desc = await h.client.schedule.getHandle(scheduleId).describe();
      expect(desc.action).toMatchObject({ type: 'startWorkflow', workflowType: CITY_REPORT_WORKFLOW });
      const report = await eventually(() => h.prisma.report.findFirst({ where: { requestKey: { startsWith: `${scheduleId}-` } }, orderBy: { scheduledAt: 'asc' } }), 'the first city report', 40_000);
      expect(report).toMatchObject({ countyCode: CITY, kind: 'MONTHLY', version: 1, late: false });
      expect(report.periodTo.getTime() - report.periodFrom.getTime()).toBe(EVERY * 1000);
      const f = report.figures as any;
      expect(f.level).toBe('CITY');
      expect(f.counties.map((c: UnitFigures) => c.code)).toEqual([C1, C2]);
      const period = { from: report.periodFrom.toISOString(), to: report.periodTo.toISOString() };
      const to = report.periodTo;
      for (const c of f.counties as UnitFigures[]) {
        const unit = { countyCode: c.code };
        const monitoredAtEnd = { ...unit, approvedAt: { lt: to }, OR: [{ eliminatedAt: null }, { eliminatedAt: { gte: to } }], AND: [{ OR: [{ closedAt: null }, { closedAt: { gte: to } }] }] };
        expect(c, `figures of county ${c.code}`).toMatchObject({
          totalHouseholds: await h.prisma.case.count({ where: { ...unit, approvedAt: { lt: to } } }),
          monitored: await h.prisma.case.count({ where: monitoredAtEnd }),
          planCovered: await h.prisma.case.count({ where: { ...monitoredAtEnd, measures: { some: { status: 'IMPLEMENTED', implementedOn: { lt: to } } } } }),
          ...(await campaignDirect(c.code, {}, period)),
          ...(await fundDirect(c.code, {}, period)),
        });
      }
      expect(f.city.totalHouseholds).toBe(f.counties.reduce((s: number, c: UnitFigures) => s + c.totalHouseholds, 0));
      expect(f.city.campaignHouseholds).toBe(8);
      // 乙 covers none of its monitored households: ranked below 甲 and named at the bottom.
      expect((report.ranking as any).counties.map((r: any) => [r.code, r.rank])).toEqual([[C1, 1], [C2, 2]]);
      expect(report.bottom).toEqual([C2]);

      // Mailed to the city's administrator through the outbox; listed and shown to them.
      expect(await h.prisma.notification.count({ where: { idempotencyKey: `report:${report.id}:${CITY_ADMIN}`, kind: 'REPORT_READY' } })).toBe(1);
      const admin = await adminLogin(h, CITY_ADMIN);
      expect((await admin.get('/admin/reports')).text).toContain(`/admin/reports/${encodeURIComponent(report.id)}`);
      const page = await admin.get(`/admin/reports/${encodeURIComponent(report.id)}`);
      expect(page.status).toBe(200);
      const chart = textOf(/<section class="card" id="report-chart"[\s\S]*?<\/section>/.exec(page.text)![0]).replace(/\s+/g, '');
      expect(chart).toContain('县排名');
      expect(chart).toContain(`末位：乙县${rr}`);
      expect(page.text).toContain('id="report-compliance"');
      // The XLSX and PDF of a city report: the city and its counties, then their townships.
      const xlsx = await fetch(`${h.baseUrl}/admin/reports/${encodeURIComponent(report.id)}/xlsx`, { headers: { cookie: admin.cookie } });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as any);
      const codes = (ws: string) => wb.getWorksheet(ws)!.getColumn(1).values.slice(2).map(String);
      expect(codes('汇总')).toEqual([CITY, C1, C2]);
      expect(codes('乡镇')).toEqual([T1, T2]);
      const pdf = await fetch(`${h.baseUrl}/admin/reports/${encodeURIComponent(report.id)}/pdf`, { headers: { cookie: admin.cookie } });
      const doc = await getDocument({ data: new Uint8Array(await pdf.arrayBuffer()) }).promise;
      let text = '';
      for (let p = 1; p <= doc.numPages; p++) text += (await (await doc.getPage(p)).getTextContent()).items.map((x: any) => x.str).join('');
      expect(text.replace(/\s+/g, '')).toContain(`乙县${rr}（末位）`);
      // A county administrator of another county does not read the city's report.
      const county = await adminLogin(h, 'off-admin');
      expect((await county.get(`/admin/reports/${encodeURIComponent(report.id)}`)).status).toBe(403);
    } finally {
      await h.client.schedule.getHandle(scheduleId).delete();
    }
  });
});

describe('市级季通报 and its 约谈', () => {
  it('start-up and `setup -- schedules` schedule every county and every city with counties; a county at the bottom of two city rankings in a row gets an 约谈 held by its county bureau', async () => {
    const regions = await scheduledRegions({ prisma: h.prisma });
    expect(regions).toEqual(expect.arrayContaining([[C1, 'COUNTY'], [C2, 'COUNTY'], [CITY, 'CITY']]));
    expect(regions.some(([c]) => c === `47${rr}90000000`)).toBe(false);
    expect(await scheduledRegions({ prisma: h.prisma, counties: [C1] })).toEqual([[C1, 'COUNTY']]);

    const run = (key: string): Promise<ReportResult> => h.client.workflow.execute(CITY_REPORT_WORKFLOW, {
      taskQueue: h.taskQueue, workflowId: `city-report-${key}-${h.taskQueue}`,
      args: [{
        cityCode: CITY, kind: 'QUARTERLY', cadence: policy.reports!.quarterly, period: periodOfKey(key)!, bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: 4,
        interviewPolicy: { processSteps: h.policy.processSteps, reminderLead: h.policy.reminderLead, escalationRepeat: h.policy.escalationRepeat, version: h.policy.version },
      }],
    });
    // In the year after the seeded one both counties carry their monitored households; 乙 covers none.
    const first = await run(`${year + 1}-Q1`);
    expect(first.interviews).toEqual([]);
    const second = await run(`${year + 1}-Q2`);
    expect(second.interviews).toHaveLength(1);
    const r2 = await h.prisma.report.findUniqueOrThrow({ where: { id: second.reportId } });
    expect(r2.bottom).toEqual([C2]);
    const task = await eventually(() => h.prisma.task.findFirst({ where: { processId: second.interviews[0], status: 'OPEN' } }), 'the county\'s 约谈 task');
    expect(task).toMatchObject({ level: 'COUNTY', regionCode: C2, assigneeId: C2_OFFICIAL });
    const process = await h.prisma.process.findUniqueOrThrow({ where: { id: second.interviews[0] } });
    expect(process.title).toContain(`乙县${rr}`);
  });
});

describe('集中排查 and 衔接资金项目/资产 in the county report', () => {
  const q4 = periodOfKey(`${year}-Q4`)!;
  const input: () => ReportInput = () => ({
    countyCode: C1, kind: 'QUARTERLY', cadence: policy.reports!.quarterly, period: q4, bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: 4,
    interviewPolicy: { processSteps: h.policy.processSteps, reminderLead: h.policy.reminderLead, escalationRepeat: h.policy.escalationRepeat, version: h.policy.version },
  });
  const run = (n: number): Promise<ReportResult> => h.client.workflow.execute(REPORT_WORKFLOW, { taskQueue: h.taskQueue, workflowId: `report-prog-${year}-${n}-${h.taskQueue}`, args: [input()] });

  it('a report\'s campaign, project and asset figures equal direct counts per village, township and county, in its page, XLSX and PDF; a re-run says which changed', async () => {
    const first = await run(1);
    const r1 = await h.prisma.report.findUniqueOrThrow({ where: { id: first.reportId } });
    const f = r1.figures as any;
    const units: [UnitFigures, object][] = [[f.county, {}], ...f.townships.map((t: UnitFigures) => [t, { townshipCode: t.code }]), ...f.villages.map((v: UnitFigures) => [v, { villageCode: v.code }])];
    for (const [unit, where] of units) {
      // A project without a village counts for its township and the county, not for a village.
      expect(unit, `campaign figures of ${unit.code}`).toMatchObject(await campaignDirect(C1, where, q4));
      expect(unit, `fund figures of ${unit.code}`).toMatchObject(await fundDirect(C1, where, q4));
    }
    // The seeded facts, as numbers.
    expect(f.county).toMatchObject({
      campaignHouseholds: 7, campaignScreened: 4, campaignRisks: 2, campaignLeads: 2, campaignMonitored: 1, campaignVillages: 2, campaignZeroVillages: 1, campaignMeetings: 1,
      projectsApproved: 3, projectsStarted: 2, projectBudgetFen: 3_001_500_000, projectPaidFen: 2_500_200_000, projectsBehind: 1, projectsNotStarted: 1,
      assets: 3, assetsIdle: 1, assetsInspectionOverdue: 1,
    });
    expect(f.villages.find((v: UnitFigures) => v.code === V2)).toMatchObject({ campaignZeroVillages: 1, projectsApproved: 1, projectsStarted: 0 });
    expect(f.fundExpectedPct).toBe(95);

    // The page: campaign and fund tables, the zero-finding village named, the start rate and the pace.
    const admin = await adminLogin(h, CITY_ADMIN);
    const id = encodeURIComponent(first.reportId);
    const page = await admin.get(`/admin/reports/${id}`);
    expect(page.status).toBe(200);
    const campaign = /<section class="card" id="report-campaign">[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(campaign).toMatch(new RegExp(`data-unit="${T1}">[\\s\\S]*?data-figure="campaignRisks">2<`));
    expect(textOf(campaign).replace(/\s+/g, '')).toContain(`零发现村：甲二村${rr}`);
    const fund = textOf(/<section class="card" id="report-fund">[\s\S]*?<\/section>/.exec(page.text)![0]).replace(/\s+/g, '');
    expect(fund).toContain('期末应支付95%');
    expect(fund).toContain('66.7%'); // 开工率 2/3

    // XLSX: the summary sheet's campaign and fund columns hold the direct counts.
    const xlsx = await fetch(`${h.baseUrl}/admin/reports/${id}/xlsx`, { headers: { cookie: admin.cookie } });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as any);
    for (const [sheet, key] of [['汇总', 'townshipCode'], ['村', 'villageCode']] as const) {
      const ws = wb.getWorksheet(sheet)!;
      const header = (ws.getRow(1).values as unknown[]).map(String);
      for (let i = 2; i <= ws.rowCount; i++) {
        const row = ws.getRow(i);
        const code = String(row.getCell(1).value);
        const where = code === C1 ? {} : { [key]: code };
        const direct = { ...(await campaignDirect(C1, where, q4)), ...(await fundDirect(C1, where, q4)) };
        for (const [label, k] of [['发现风险', 'campaignRisks'], ['零发现村', 'campaignZeroVillages'], ['会议记录', 'campaignMeetings'], ['已开工项目', 'projectsStarted'], ['闲置资产', 'assetsIdle'], ['巡查逾期资产', 'assetsInspectionOverdue']] as const) {
          expect(row.getCell(header.indexOf(label)).value, `${sheet} ${code} ${label}`).toBe(direct[k]);
        }
      }
    }
    // PDF: the two sections and their figures.
    const pdf = await fetch(`${h.baseUrl}/admin/reports/${id}/pdf`, { headers: { cookie: admin.cookie } });
    expect(pdf.status).toBe(200);
    const doc = await getDocument({ data: new Uint8Array(await pdf.arrayBuffer()) }).promise;
    let text = '';
    for (let p = 1; p <= doc.numPages; p++) text += (await (await doc.getPage(p)).getTextContent()).items.map((x: any) => x.str).join('');
    text = text.replace(/\s+/g, '');
    for (const want of ['集中排查', '零发现村', '衔接资金项目与资产', '开工率', '66.7%', '期末应支付95%']) expect(text, want).toContain(want);

    // The project of 甲二村 starts; the re-run is version 2 and says so; version 1 is unchanged.
    await h.prisma.process.update({ where: { id: `P-${rr}-2` }, data: { data: { budgetFen: 500_000, paidFen: 100_000, startedOn: `${year}-12-01`, notStartedFlagged: true } } });
    const second = await run(2);
    expect(second.version).toBe(2);
    const r2 = await h.prisma.report.findUniqueOrThrow({ where: { id: second.reportId } });
    expect((r2.changes as any).figures).toEqual(expect.arrayContaining([
      { unit: T1, figure: 'projectsStarted', before: 2, after: 3 },
      { unit: T1, figure: 'projectsNotStarted', before: 1, after: 0 },
      { unit: C1, figure: 'projectPaidFen', before: 2_500_200_000, after: 2_500_300_000 },
    ]));
    expect((r2.changes as any).figures.some((c: any) => c.figure.startsWith('campaign'))).toBe(false);
    expect((await h.prisma.report.findUniqueOrThrow({ where: { id: first.reportId } })).figures).toEqual(r1.figures);
    const changed = textOf(/<section class="card" id="report-changes">[\s\S]*?<\/section>/.exec((await admin.get(`/admin/reports/${encodeURIComponent(second.reportId)}`)).text)![0]).replace(/\s+/g, '');
    expect(changed).toContain('已开工项目:2→3');

    // The half-year draft (drafted for county 甲 by the city's administrator) carries the campaign with every figure filled.
    const draftPage = await admin.get(`/admin/reports/draft?period=${year}-H2&county=${C1}`);
    expect(draftPage.status).toBe(200);
    const draft = textOf(/<article[^>]*id="draft"[\s\S]*?<\/article>/.exec(draftPage.text)![0]).replace(/\s+/g, '');
    const h2 = periodOfKey(`${year}-H2`)!;
    const c = await campaignDirect(C1, {}, h2);
    expect(draft).toContain(`本期纳入排查农户${c.campaignHouseholds}户，已排查${c.campaignScreened}户，发现风险${c.campaignRisks}户，转入识别${c.campaignLeads}户，其中已纳入监测${c.campaignMonitored}户；参与排查${c.campaignVillages}村次，召开会议并形成记录${c.campaignMeetings}村次`);
    expect(draft).toContain(`集中排查零发现：甲镇${rr}1个村次`);
    expect(draft).toContain(`排查未形成会议记录：甲镇${rr}1个村次`);
    expect(draft).not.toMatch(/X[户人条件个]/);
  });
});
