/**
 * The reporting cycle (月调度、季通报) on a real Temporal server, PostgreSQL and SMTP server: a
 * county's report runs on its Temporal Schedule (compressed to seconds), once per due moment, also
 * when the worker was down through one (then late, and it says so); a report's figures equal
 * direct counts over the read model; a township at the bottom of two quarterly rankings in a row
 * gets an 约谈 task, driven to its outcome through its link.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { createCaseWorker } from '../worker/create-worker';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { ReportInput, ReportResult, UnitFigures } from '../workflows/report/contracts';
import { REPORT_WORKFLOW } from '../workflows/report/contracts';
import { periodOfKey, reportInterviewId } from '../workflows/report/rules';
import { ensureReportSchedules, reportScheduleId } from '../api/services/ensure-report-schedules';
import type { Harness } from './support/harness';
import { DEMO, TEST_MAIL_FROM, TEST_SECRET, eventually, startHarness } from './support/harness';
import { startMailDispatcher } from '../activities/mail/dispatcher';
import { smtpSender } from '../activities/mail/smtp';
import { taskLinkOptions } from '../api/links/link-token';
import { loadCalendar } from '../activities/calendar/calendar';
import { seedCases } from './support/seed-cases';
import { createCase, driveToMonitored, implementMeasure } from './support/driver';
import { leadBody } from './support/harness';
import { csrfOf, getPage, postForm, textOf } from './support/link-client';
import ExcelJS from 'exceljs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { adminLogin } from './support/admin';
import { launchBrowser, phoneContext, screenshotPath } from './support/browser';
import type { TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';
import JSZip from 'jszip';
import { statsClock } from '../api/services/compute-stats';
import { reassignContactUpdate } from '../workflows/contracts';

const EVERY = 6;
const LATE_AFTER = 4;
const policy: TPolicy = {
  ...compressedPolicy(),
  processSteps: { INTERVIEW: { HOLD_INTERVIEW: { unit: 'SECONDS', amount: 3600 } } },
  reports: {
    monthly: { every: 'SECONDS', seconds: EVERY }, quarterly: { every: 'SECONDS', seconds: EVERY },
    bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: LATE_AFTER, catchupWindowSeconds: 120,
  },
};
const COUNTY_OFFICIAL = 'off-cty';
const COUNTY_EMAIL = 'xian@demo.bangfu.local';

let h: Harness;
let smtp: TestSmtp;
let native: NativeConnection;
let worker: Worker | null = null;
let running: Promise<void> = Promise.resolve();

async function startWorker(): Promise<void> {
  const code = await fs.readFile(inject('workflowBundlePath'), 'utf8');
  worker = await createCaseWorker({ connection: native, namespace: 'default', prisma: h.prisma, taskQueue: h.taskQueue, workflowBundle: { code }, maxCachedWorkflows: 20 });
  running = worker.run();
}
async function stopWorker(): Promise<void> {
  worker?.shutdown();
  await running;
  worker = null;
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ policy, startWorker: false, mail: { smtpUrl: smtp.url } });
  native = await NativeConnection.connect({ address: inject('temporalAddress') });
  await startWorker();
});
afterAll(async () => {
  await stopWorker();
  await native?.close();
  await h?.stop();
  await smtp?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('月调度 on a Temporal Schedule', () => {
  it('a scheduled report is produced once per due moment, on time; one due while the worker was down is produced once, late, and says so', async () => {
    const suffix = h.taskQueue.slice(5, 13);
    const scheduleId = reportScheduleId('MONTHLY', DEMO.county, suffix);
    const made = await ensureReportSchedules({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy, counties: [DEMO.county], kinds: ['MONTHLY'], idSuffix: suffix });
    expect(made).toEqual([{ scheduleId, outcome: 'created' }]);
    // Running it again brings the schedule up to date instead of failing.
    expect(await ensureReportSchedules({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy, counties: [DEMO.county], kinds: ['MONTHLY'], idSuffix: suffix }))
      .toEqual([{ scheduleId, outcome: 'updated' }]);
    const mine = () => h.prisma.report.findMany({ where: { requestKey: { startsWith: `${scheduleId}-` } }, orderBy: { scheduledAt: 'asc' } });
    try {
      const first = (await eventually(async () => ((await mine()).length >= 1 ? mine() : null), 'the first scheduled report', 30_000))[0];
      expect(first.late).toBe(false);
      expect(first.scheduledAt).not.toBeNull();
      expect(first.periodTo.getTime()).toBe(first.scheduledAt!.getTime());
      expect(first.periodTo.getTime() - first.periodFrom.getTime()).toBe(EVERY * 1000);
      expect(first.kind).toBe('MONTHLY');

      // The worker is down through at least one due moment: the schedule still starts the run, which waits for a worker.
      await stopWorker();
      const stoppedAt = Date.now();
      await sleep(EVERY * 1000 + (LATE_AFTER + 3) * 1000);
      const restartedAt = Date.now();
      await startWorker();
      const all = await eventually(async () => {
        const rows = await mine();
        return rows.some((r) => r.scheduledAt!.getTime() > restartedAt + 500) ? rows : null;
      }, 'a report due after the restart', 40_000);

      // Once per due moment: no scheduled time twice, no period missed (each starts where the one before ended).
      const times = all.map((r) => r.scheduledAt!.getTime());
      expect(new Set(times).size).toBe(times.length);
      for (let i = 1; i < all.length; i++) expect(all[i].periodFrom.getTime(), `period ${i} follows period ${i - 1}`).toBe(all[i - 1].periodTo.getTime());
      expect(all.every((r) => r.version === 1)).toBe(true);
      const duringOutage = all.filter((r) => r.scheduledAt!.getTime() > stoppedAt && r.scheduledAt!.getTime() < restartedAt - LATE_AFTER * 1000);
      expect(duringOutage.length, 'a due moment fell in the outage').toBeGreaterThanOrEqual(1);
      for (const r of duringOutage) {
        expect(r.late, `run of ${r.scheduledAt!.toISOString()} says it is late`).toBe(true);
        expect(r.lateSeconds!).toBeGreaterThan(LATE_AFTER);
        expect(r.producedAt.getTime()).toBeGreaterThanOrEqual(restartedAt);
      }
      const after = all.filter((r) => r.scheduledAt!.getTime() > restartedAt + 500);
      expect(after.every((r) => !r.late)).toBe(true);
      // The schedule is a Temporal Schedule (visible in the Web UI), running the report workflow.
      const desc = await h.client.schedule.getHandle(scheduleId).describe();
      expect(desc.action).toMatchObject({ type: 'startWorkflow', workflowType: REPORT_WORKFLOW });
      expect(desc.info.recentActions.length).toBeGreaterThanOrEqual(all.length > 10 ? 10 : all.length);
    } finally {
      await h.client.schedule.getHandle(scheduleId).delete();
    }
  });
});

describe('季通报 and its 约谈', () => {
  /** A private year (before any other test's seeded data) and its first two quarters. */
  const year = 1960 + Math.floor(Math.random() * 25);
  const q1 = periodOfKey(`${year}-Q1`)!;
  const q2 = periodOfKey(`${year}-Q2`)!;
  const at = (month: number, day: number): Date => new Date(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:00:00+08:00`);

  const input = (period: typeof q1): ReportInput => ({
    countyCode: DEMO.county, kind: 'QUARTERLY', cadence: policy.reports!.quarterly, period, bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: LATE_AFTER,
    interviewPolicy: { processSteps: h.policy.processSteps, reminderLead: h.policy.reminderLead, escalationRepeat: h.policy.escalationRepeat, version: h.policy.version },
  });
  const run = (period: typeof q1, n: number): Promise<ReportResult> =>
    h.client.workflow.execute(REPORT_WORKFLOW, { taskQueue: h.taskQueue, workflowId: `report-test-${year}-${period.key}-${n}-${h.taskQueue}`, args: [input(period)] });

  /** Direct counts over the read model for a unit (Prisma, not the report's SQL). */
  async function directCounts(where: { townshipCode?: string; villageCode?: string }, p: typeof q1): Promise<Partial<UnitFigures>> {
    const from = new Date(p.from);
    const to = new Date(p.to);
    const unit = { countyCode: DEMO.county, ...where };
    const monitoredAtEnd = { ...unit, approvedAt: { lt: to }, OR: [{ eliminatedAt: null }, { eliminatedAt: { gte: to } }], AND: [{ OR: [{ closedAt: null }, { closedAt: { gte: to } }] }] };
    return {
      newHouseholds: await h.prisma.case.count({ where: { ...unit, approvedAt: { gte: from, lt: to } } }),
      newPeople: (await h.prisma.case.findMany({ where: { ...unit, approvedAt: { gte: from, lt: to } }, select: { household: { select: { memberCount: true } } } })).reduce((a, c) => a + c.household.memberCount, 0),
      totalHouseholds: await h.prisma.case.count({ where: { ...unit, approvedAt: { lt: to } } }),
      eliminated: await h.prisma.case.count({ where: { ...unit, status: 'ELIMINATED', eliminatedAt: { gte: from, lt: to } } }),
      slaMet: await h.prisma.case.count({ where: { ...unit, approvedAt: { gte: from, lt: to }, slaBreached: false } }),
      monitored: await h.prisma.case.count({ where: monitoredAtEnd }),
      planCovered: await h.prisma.case.count({ where: { ...monitoredAtEnd, measures: { some: { status: 'IMPLEMENTED', implementedOn: { lt: to } } } } }),
      contacted: await h.prisma.case.count({ where: { ...monitoredAtEnd, lastContactAt: { gte: from, lt: to } } }),
      measuresImplemented: await h.prisma.measure.count({ where: { case: unit, status: 'IMPLEMENTED', implementedOn: { gte: from, lt: to } } }),
      overdueTasks: await h.prisma.task.count({ where: { case: unit, openedAt: { lt: to }, dueAt: { lt: to }, OR: [{ status: 'OPEN' }, { closedAt: { gte: to } }] } }),
    };
  }

  it('a quarterly report\'s figures equal direct counts; a township at the bottom twice in a row gets an 约谈 driven to its outcome by its link; a re-run is a new version that says what changed', async () => {
    // 东风镇 (A) covers and contacts its households; B does neither and breaches the SLA.
    await seedCases(h.prisma, [
      ...[1, 2, 3].map(() => ({ village: DEMO.villageA1, status: 'MONITORED', openedAt: at(1, 20), approvedAt: at(2, 1), lastContactAt: at(3, 1), measures: [{ status: 'IMPLEMENTED' as const, implementedOn: at(2, 15) }] })),
      { village: DEMO.villageA2, status: 'ELIMINATED', openedAt: at(1, 2), approvedAt: at(1, 10), eliminatedAt: at(3, 20), measures: [{ status: 'IMPLEMENTED' as const, implementedOn: at(1, 20) }] },
      { village: DEMO.villageA1, status: 'MONITORED', openedAt: at(4, 1), approvedAt: at(4, 10), lastContactAt: at(5, 5) },
      ...[1, 2, 3].map(() => ({ village: DEMO.villageB1, status: 'MONITORED', openedAt: at(1, 5), approvedAt: at(2, 2), slaBreached: true, tasks: [{ step: 'PLAN', level: 'VILLAGE', dueAt: at(3, 1) }] })),
    ]);

    // The county's administrators are mailed each version through the outbox (a dispatcher for this test's reports only).
    const reportMail = startMailDispatcher({
      prisma: h.prisma, sender: smtpSender({ url: smtp.url, timeoutMs: 5000 }), from: TEST_MAIL_FROM, publicBaseUrl: h.baseUrl,
      links: taskLinkOptions({ secret: TEST_SECRET }), calendar: () => loadCalendar({}), pollMs: 200, leaseMs: 3000, backoff: { initialMs: 300, maxMs: 1500 },
      revokeEveryMs: 60_000, log: () => undefined, scope: () => ({ kind: 'REPORT_READY', idempotencyKey: { startsWith: `report:RPT-${DEMO.county}-Q-${year}-` } }),
    });
    const first = await run(q1, 1);
    expect(first).toMatchObject({ version: 1, late: false, interviews: [] });
    const ready = await smtp.waitFor((m) => m.kind === 'REPORT_READY' && m.to.includes('admin@demo.bangfu.local') && m.subject.includes(`${year}-Q1`), 'the report mail');
    expect(ready.subject).toContain('季通报（第1版）');
    await reportMail.stop();
    const r1 = await h.prisma.report.findUniqueOrThrow({ where: { id: first.reportId } });
    expect(r1.bottom).toEqual([DEMO.townshipB]);
    const figures = r1.figures as unknown as { county: UnitFigures; townships: UnitFigures[]; villages: UnitFigures[] };
    for (const [unit, where] of [[figures.county, {}], ...figures.townships.map((t) => [t, { townshipCode: t.code }]), ...figures.villages.map((v) => [v, { villageCode: v.code }])] as [UnitFigures, object][]) {
      expect(unit, `figures of ${unit.code}`).toMatchObject(await directCounts(where, q1));
    }
    expect(figures.county).toMatchObject({ newHouseholds: 7, newPeople: 14, eliminated: 1, slaApproved: 7, slaMet: 4, monitored: 6, planCovered: 3, contacted: 3, overdueTasks: 3 });

    const second = await run(q2, 1);
    const r2 = await h.prisma.report.findUniqueOrThrow({ where: { id: second.reportId } });
    for (const t of (r2.figures as any).townships as UnitFigures[]) expect(t).toMatchObject(await directCounts({ townshipCode: t.code }, q2));
    expect(r2.bottom).toEqual([DEMO.townshipB]);
    const interviewId = reportInterviewId(DEMO.county, 'QUARTERLY', q2, DEMO.townshipB);
    expect(second.interviews).toEqual([interviewId]);

    // The 约谈: a task for the county supervisor, mailed with a link, decided through it.
    const task = await eventually(() => h.prisma.task.findFirst({ where: { processId: interviewId, status: 'OPEN' } }), 'the 约谈 task');
    expect(task).toMatchObject({ level: 'COUNTY', assigneeId: COUNTY_OFFICIAL, step: 'HOLD_INTERVIEW' });
    const townshipName = (await h.prisma.region.findUniqueOrThrow({ where: { code: DEMO.townshipB } })).name;
    const mail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(COUNTY_EMAIL) && m.text.includes(`约谈：${townshipName}`), 'the 约谈 mail');
    const page = await getPage(`${mail.link!}?lang=zh-CN`);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('季度通报连续2期排名末位');
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const done = await postForm(mail.link!, { csrf: csrfOf(page.html), action: 'DONE', f_held: 'on', f_heldOn: today, f_notes: '约谈乡镇负责人，限期整改走访和帮扶措施' });
    expect(done.status, textOf(done.html).slice(0, 300)).toBe(303);
    const process = await eventually(async () => {
      const p = await h.prisma.process.findUnique({ where: { id: interviewId } });
      return p?.status === 'HELD' ? p : null;
    }, 'the 约谈 held');
    expect((process.data as any).outcome).toEqual({ held: true, heldOn: today, notes: '约谈乡镇负责人，限期整改走访和帮扶措施' });
    // Township A was not at the bottom: no interview.
    expect(await h.prisma.process.count({ where: { id: reportInterviewId(DEMO.county, 'QUARTERLY', q2, DEMO.townshipA) } })).toBe(0);

    // A late-recorded case changes Q2; the re-run is version 2, says what changed, and interviews nobody again.
    await seedCases(h.prisma, [{ village: DEMO.villageB1, status: 'MONITORED', openedAt: at(4, 2), approvedAt: at(4, 12), lastContactAt: at(5, 1) }]);
    const again = await run(q2, 2);
    expect(again).toMatchObject({ version: 2, interviews: [] });
    const r3 = await h.prisma.report.findUniqueOrThrow({ where: { id: again.reportId } });
    expect(r3.periodKey).toBe(r2.periodKey);
    expect((r3.changes as any).previousVersion).toBe(1);
    expect((r3.changes as any).figures).toContainEqual({ unit: DEMO.townshipB, figure: 'newHouseholds', before: 0, after: 1 });
    expect(await h.prisma.process.count({ where: { id: interviewId } })).toBe(1);
    // A version is immutable.
    await expect(h.prisma.report.update({ where: { id: r2.id }, data: { late: true } })).rejects.toThrow(/immutable/);
  });

  it('a report downloads as XLSX and PDF with the figures of direct counts, and its page shows the ranking chart at 360 px in Chromium', async () => {
    await seedCases(h.prisma, [
      ...[1, 2].map(() => ({ village: DEMO.villageA1, status: 'MONITORED', openedAt: at(7, 2), approvedAt: at(7, 10), lastContactAt: at(8, 1), measures: [{ status: 'IMPLEMENTED' as const, implementedOn: at(7, 20) }] })),
      { village: DEMO.villageB1, status: 'MONITORED', openedAt: at(7, 5), approvedAt: at(8, 2), slaBreached: true },
    ]);
    const q3 = periodOfKey(`${year}-Q3`)!;
    const result = await run(q3, 1);
    const admin = await adminLogin(h, 'off-admin');
    const id = encodeURIComponent(result.reportId);

    const xlsx = await fetch(`${h.baseUrl}/admin/reports/${id}/xlsx`, { headers: { cookie: admin.cookie } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as any);
    const summary = wb.getWorksheet('汇总')!;
    const header = (summary.getRow(1).values as unknown[]).map(String);
    const col = (label: string): number => header.indexOf(label);
    for (let i = 2; i <= summary.rowCount; i++) {
      const row = summary.getRow(i);
      const code = String(row.getCell(1).value);
      const direct = await directCounts(code === DEMO.county ? {} : { townshipCode: code }, q3);
      expect(row.getCell(col('新增监测户')).value, `${code} new households`).toBe(direct.newHouseholds);
      expect(row.getCell(col('新增监测人口')).value, `${code} new people`).toBe(direct.newPeople);
      expect(row.getCell(col('期末监测户')).value, `${code} monitored`).toBe(direct.monitored);
      expect(row.getCell(col('已落实措施户')).value, `${code} covered`).toBe(direct.planCovered);
      expect(row.getCell(col('本期已走访户')).value, `${code} contacted`).toBe(direct.contacted);
    }
    expect(wb.getWorksheet('排名')!.rowCount).toBeGreaterThanOrEqual(3);

    const pdf = await fetch(`${h.baseUrl}/admin/reports/${id}/pdf`, { headers: { cookie: admin.cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const doc = await getDocument({ data: new Uint8Array(await pdf.arrayBuffer()) }).promise;
    let text = '';
    for (let p = 1; p <= doc.numPages; p++) text += (await (await doc.getPage(p)).getTextContent()).items.map((x: any) => x.str).join(' ');
    const townshipA = (await h.prisma.region.findUniqueOrThrow({ where: { code: DEMO.townshipA } })).name;
    expect(text).toContain('季通报');
    expect(text).toContain(townshipA);
    expect(text.replace(/\s+/g, '')).toContain(`新增监测户:${(await directCounts({}, q3)).newHouseholds}`);
    expect(text).toContain('末位');

    // The page: chart drawn on the server as SVG, no script, fits 360 px.
    const browser = await launchBrowser();
    try {
      const context = await phoneContext(browser);
      const [name, value] = admin.cookie.split('=');
      await context.addCookies([{ name, value, url: h.baseUrl }]);
      const page = await context.newPage();
      await page.goto(`${h.baseUrl}/admin/reports/${id}`);
      const svg = page.locator('#report-chart svg');
      expect(await svg.count()).toBe(1);
      const box = (await svg.boundingBox())!;
      expect(box.width).toBeGreaterThan(200);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      expect(await page.locator('#report-chart').innerText()).toContain('末位');
      // SLA and contact compliance per township: each bar's label is the stored figures' rate and counts.
      const compliance = page.locator('#report-compliance svg');
      expect(await compliance.count()).toBe(1);
      const stored = (await h.prisma.report.findUniqueOrThrow({ where: { id: result.reportId } })).figures as unknown as { townships: UnitFigures[] };
      for (const tw of stored.townships) {
        const direct = await directCounts({ townshipCode: tw.code }, q3);
        const sla = await compliance.locator(`g[data-unit="${tw.code}"] text[data-series="sla"]`).textContent();
        const contactText = await compliance.locator(`g[data-unit="${tw.code}"] text[data-series="contact"]`).textContent();
        expect(sla, `SLA of ${tw.code}`).toContain(`(${direct.slaMet}/${await h.prisma.case.count({ where: { countyCode: DEMO.county, townshipCode: tw.code, approvedAt: { gte: new Date(q3.from), lt: new Date(q3.to) } } })})`);
        expect(contactText, `contact of ${tw.code}`).toContain(`(${direct.contacted}/${direct.monitored})`);
      }
      const cbox = (await compliance.boundingBox())!;
      expect(cbox.x + cbox.width).toBeLessThanOrEqual(360);
      await page.locator('#report-compliance').screenshot({ path: screenshotPath('report-compliance-360.png') });
      // Works in grey: the series differ by fill (solid vs hatched pattern), not by hue alone, and each bar is labelled.
      const fills = await compliance.locator('g[data-unit] rect').evaluateAll((rs) => rs.map((r) => r.getAttribute('fill')));
      for (const f of fills) expect(['#1b3a5c', 'url(#chatch)']).toContain(f);
      expect(fills).toContain('url(#chatch)');
      await page.screenshot({ path: screenshotPath('report-quarterly-360.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    // The county's supervisor finds it in the list; an unknown report is a 404.
    const county = await adminLogin(h, COUNTY_OFFICIAL);
    expect((await county.get('/admin/reports')).text).toContain(`/admin/reports/${id}`);
    expect((await county.get('/admin/reports/RPT-none')).status).toBe(404);
  });

  it('the half-year draft fills every figure of the monitoring section from live data, names the problems per township, and downloads as PDF', async () => {
    const h2 = periodOfKey(`${year}-H2`)!;
    const admin = await adminLogin(h, 'off-admin');
    const page = await admin.get(`/admin/reports/draft?period=${year}-H2`);
    expect(page.status).toBe(200);
    const draft = textOf(/<article[^>]*id="draft"[\s\S]*?<\/article>/.exec(page.text)![0]);
    const direct = await directCounts({}, h2);
    expect(draft).toContain(`${year}年下半年`);
    expect(draft).toContain(`共新增监测对象${direct.newHouseholds}户${direct.newPeople}人`);
    expect(draft).toContain(`期末在监测${direct.monitored}户，已落实至少一项帮扶措施${direct.planCovered}户`);
    expect(draft).toContain(`本期有走访记录${direct.contacted}户`);
    // No figure left as X; the township that did not cover its household is named with its count.
    expect(draft).not.toMatch(/X[户人条]/);
    const townshipB = (await h.prisma.region.findUniqueOrThrow({ where: { code: DEMO.townshipB } })).name;
    const bDirect = await directCounts({ townshipCode: DEMO.townshipB }, h2);
    expect(draft).toContain(`监测户未落实帮扶措施：`);
    expect(draft).toContain(`${townshipB}${bDirect.monitored! - bDirect.planCovered!}户`);
    expect(draft).toContain('口径');
    const pdf = await fetch(`${h.baseUrl}/admin/reports/draft/pdf?period=${year}-H2`, { headers: { cookie: admin.cookie } });
    expect(pdf.status).toBe(200);
    const doc = await getDocument({ data: new Uint8Array(await pdf.arrayBuffer()) }).promise;
    const text = (await (await doc.getPage(1)).getTextContent()).items.map((x: any) => x.str).join('').replace(/\s+/g, '');
    expect(text).toContain(`共新增监测对象${direct.newHouseholds}户${direct.newPeople}人`);
    // And as a Word document (DOCX), read back from its word/document.xml: every figure filled, no X left.
    expect(page.text).toContain(`/admin/reports/draft/docx?period=${year}-H2`);
    const docx = await fetch(`${h.baseUrl}/admin/reports/draft/docx?period=${year}-H2`, { headers: { cookie: admin.cookie } });
    expect(docx.status).toBe(200);
    expect(docx.headers.get('content-type')).toContain('wordprocessingml');
    const zip = await JSZip.loadAsync(Buffer.from(await docx.arrayBuffer()));
    const xml = await zip.file('word/document.xml')!.async('string');
    const words = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(words).toContain(`${year}年下半年`);
    expect(words).toContain(`共新增监测对象${direct.newHouseholds}户${direct.newPeople}人`);
    expect(words).toContain(`期末在监测${direct.monitored}户，已落实至少一项帮扶措施${direct.planCovered}户`);
    expect(words).toContain(`本期有走访记录${direct.contacted}户`);
    expect(words).toContain(`${townshipB}${bDirect.monitored! - bDirect.planCovered!}户`);
    expect(words).not.toMatch(/X[户人条件]/);
    expect(words).toContain('存在的问题');
    // A wrong period names the field.
    const bad = await admin.get('/admin/reports/draft?period=2026-H3');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('period');
    const badDocx = await admin.get('/admin/reports/draft/docx?period=2026-13');
    expect(badDocx.status).toBe(400);
    expect(badDocx.text).toContain('period');
  });
});

describe('帮扶手册', () => {
  it('a household\'s handbook page and PDF show its measures, contacts and history, and no raw ID number or phone', async () => {
    const body = leadBody({ household: { headName: '欧阳手册' } });
    const caseId = await createCase(h, body);
    await driveToMonitored(h, caseId);
    await implementMeasure(h, caseId);
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const contact = await h.api('POST', `/api/cases/${caseId}/contacts`, { as: row.contactId!, body: { contactedOn: today, method: 'VISIT', note: '入户了解务工情况' } });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);

    const admin = await adminLogin(h, 'off-admin');
    const casePage = await admin.get(`/admin/cases/${encodeURIComponent(caseId)}`);
    expect(casePage.text).toContain(`/admin/cases/${encodeURIComponent(caseId)}/handbook`);
    // The process map: identification steps done (with their dates), monitoring current, elimination not started.
    const map = /<section class="card" id="process-map">[\s\S]*?<\/section>/.exec(casePage.text)![0];
    for (const step of ['VERIFICATION', 'VILLAGE_REVIEW', 'PUBLIC_NOTICE', 'TOWNSHIP_REVIEW', 'COUNTY_APPROVAL']) expect(map).toContain(`data-step="${step}" data-state="DONE"`);
    expect(map).toContain('data-step="MONITORED" data-state="CURRENT"');
    expect(map).not.toContain('ELIM_');
    expect(textOf(map)).toMatch(/核实[\s\S]*已完成[\s\S]*期限 \d\d-\d\d \d\d:\d\d · 完成 \d\d-\d\d/);
    const page = await admin.get(`/admin/cases/${encodeURIComponent(caseId)}/handbook`);
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    for (const want of ['家庭基本情况', '公益岗位安置', '已落实', '入户了解务工情况', '办理经过', '户主签字', '欧**']) expect(text).toContain(want);

    const pdf = await fetch(`${h.baseUrl}/admin/cases/${encodeURIComponent(caseId)}/handbook/pdf`, { headers: { cookie: admin.cookie } });
    expect(pdf.status).toBe(200);
    const doc = await getDocument({ data: new Uint8Array(await pdf.arrayBuffer()) }).promise;
    let pdfText = '';
    for (let p = 1; p <= doc.numPages; p++) pdfText += (await (await doc.getPage(p)).getTextContent()).items.map((x: any) => x.str).join('');
    pdfText = pdfText.replace(/\s+/g, '');
    for (const want of ['帮扶措施', '公益岗位安置', `已落实${today}`, '走访记录', '入户了解务工情况', today]) expect(pdfText).toContain(want);
    // No raw ID number, phone or full name; the masked ones are there.
    for (const raw of [body.household.idNumber, body.household.phone, '欧阳手册']) {
      expect(pdfText).not.toContain(raw);
      expect(page.text).not.toContain(raw);
    }
    expect(pdfText).toContain(body.household.idNumber.slice(0, 4));
  });
});

describe('帮扶手册 from the assistance contact\'s link', () => {
  it('the contact opens the handbook from their task link without an admin session: it shows each contact with the date it changed, and no raw ID number or phone', async () => {
    const body = leadBody({ household: { headName: '司马链接' } });
    const caseId = await createCase(h, body);
    await driveToMonitored(h, caseId);
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const firstContact = await h.prisma.official.findUniqueOrThrow({ where: { id: row.contactId! } });
    const tag = h.taskQueue.slice(5, 13);
    const next = await h.prisma.official.create({ data: { id: `off-ctc-hb-${tag}`, name: '诸葛新', email: `ctc-hb-${tag}@demo.bangfu.local`, role: 'CONTACT', regionCode: row.villageCode } });
    // The county replaces the contact through the case workflow's reassignContact Update (CONTACT_REASSIGNED).
    await h.client.workflow.getHandle(row.workflowId).executeUpdate(reassignContactUpdate, {
      args: [{ fromOfficialId: firstContact.id, toOfficialId: next.id, reason: '原责任人工作调动', actor: { id: COUNTY_OFFICIAL, role: 'COUNTY', regionCode: DEMO.county } }],
    });
    const changedOn = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const mail = await smtp.waitFor((m) => m.kind === 'CASE_ASSIGNED_TO_CONTACT' && m.to.includes(next.email) && !!m.link, 'the new contact\'s mail with the link');

    // The task link's page links to the handbook; the handbook is authorised by the link alone (no cookie).
    const task = await getPage(`${mail.link!}?lang=zh-CN`);
    expect(task.status).toBe(200);
    expect(task.html).toContain(`${new URL(mail.link!).pathname}/handbook`);
    const page = await getPage(`${mail.link!}/handbook?lang=zh-CN`);
    expect(page.status, page.html.slice(0, 300)).toBe(200);
    const text = textOf(page.html).replace(/\s+/g, '');
    expect(text).toContain('二、帮扶责任人');
    expect(text).toContain(`诸葛新·自${changedOn}`);
    expect(text).toContain('变更记录');
    expect(text).toMatch(new RegExp(`${firstContact.name}·\\d{4}-\\d{2}-\\d{2}起·至${changedOn}`));
    expect(text).toContain(`诸葛新·${changedOn}起·至今·变更原因:原责任人工作调动`);
    expect(text).toContain('更换帮扶责任人'); // the case history names the change too
    for (const raw of [body.household.idNumber, body.household.phone, '司马链接']) expect(page.html).not.toContain(raw);
    // Printable from the link too.
    const pdf = await fetch(`${mail.link!}/handbook/pdf`);
    expect(pdf.status).toBe(200);
    const doc = await getDocument({ data: new Uint8Array(await pdf.arrayBuffer()) }).promise;
    let pdfText = '';
    for (let p = 1; p <= doc.numPages; p++) pdfText += (await (await doc.getPage(p)).getTextContent()).items.map((x: any) => x.str).join('');
    pdfText = pdfText.replace(/\s+/g, '');
    expect(pdfText).toContain('变更记录');
    for (const raw of [body.household.idNumber, body.household.phone, '司马链接']) expect(pdfText).not.toContain(raw);
    // The contact records a visit through the link; the done page leads on to the handbook, which the used link still opens and which lists the visit.
    const posted = await postForm(mail.link!, { csrf: csrfOf(task.html), action: 'CONTACT', contactedOn: changedOn, method: 'VISIT', note: '新责任人首次入户' });
    expect(posted.status, textOf(posted.html).slice(0, 300)).toBe(303);
    const done = await getPage(`${mail.link!}/done`);
    expect(done.html).toContain(`${new URL(mail.link!).pathname}/handbook`);
    const again = await eventually(async () => {
      const p = await getPage(`${mail.link!}/handbook`);
      expect(p.status).toBe(200);
      return textOf(p.html).includes('新责任人首次入户') ? p : null;
    }, 'the handbook with the new visit');
    expect(again.html).not.toContain(body.household.idNumber);
    // A forged token is refused (4xx).
    const forged = await getPage(`${h.baseUrl}/t/not-a-token/handbook`);
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
  });
});

describe('charts on the dashboard', () => {
  it('the dashboard shows new and eliminated households per month over 12 months and tasks per township as SVG, readable at 360 px without JavaScript', async () => {
    const admin = await adminLogin(h, 'off-admin');
    const browser = await launchBrowser();
    try {
      const context = await phoneContext(browser);
      const [name, value] = admin.cookie.split('=');
      await context.addCookies([{ name, value, url: h.baseUrl }]);
      const page = await context.newPage();
      await page.goto(`${h.baseUrl}/admin`);
      const months = page.locator('#chart-months svg');
      expect(await months.count()).toBe(1);
      const labels = await months.locator('text[text-anchor="middle"][font-size="10"]').allTextContents();
      expect(labels).toHaveLength(12);
      const thisMonth = `${Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(5, 7))}月`;
      expect(labels[11]).toBe(thisMonth);
      // The handbook's case was approved this month: the current month's column is not empty.
      const current = await months.locator('rect title').allTextContents();
      const approvedNow = Number(current[22].split(' ')[1]);
      expect(approvedNow).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#chart-tasks svg').count()).toBe(1);
      // SLA and contact compliance per township, with the same counts as the dashboard's own figures.
      const compliance = page.locator('#chart-compliance svg');
      expect(await compliance.count()).toBe(1);
      const since = statsClock(new Date()).contactSince;
      for (const tw of [DEMO.townshipA, DEMO.townshipB]) {
        const approved = await h.prisma.case.count({ where: { townshipCode: tw, countyCode: DEMO.county, approvedAt: { not: null } } });
        const met = await h.prisma.case.count({ where: { townshipCode: tw, countyCode: DEMO.county, approvedAt: { not: null }, slaBreached: false } });
        const monitored = await h.prisma.case.count({ where: { townshipCode: tw, countyCode: DEMO.county, status: { in: ['MONITORED', 'ELIMINATING'] } } });
        expect(await compliance.locator(`g[data-unit="${tw}"] text[data-series="sla"]`).textContent(), `SLA of ${tw}`).toContain(`(${met}/${approved})`);
        const contactText = (await compliance.locator(`g[data-unit="${tw}"] text[data-series="contact"]`).textContent())!;
        expect(contactText, `contact of ${tw}`).toContain(`/${monitored})`);
        const contacted = Number(/\((\d+)\//.exec(contactText)![1]);
        expect(contacted).toBe(await h.prisma.case.count({ where: { townshipCode: tw, countyCode: DEMO.county, status: { in: ['MONITORED', 'ELIMINATING'] }, lastContactAt: { gte: since } } }));
      }
      await page.locator('#chart-compliance').screenshot({ path: screenshotPath('dashboard-compliance-360.png') });
      for (const id of ['#chart-months svg', '#chart-tasks svg', '#chart-compliance svg']) {
        const box = (await page.locator(id).boundingBox())!;
        expect(box.x + box.width, id).toBeLessThanOrEqual(360);
      }
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await page.locator('#chart-months').screenshot({ path: screenshotPath('dashboard-charts-360.png') });
      await page.screenshot({ path: screenshotPath('dashboard-360.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
