/**
 * 月调度数据确认 — the monthly confirmation on a real Temporal server, PostgreSQL and SMTP, in a
 * private county of its own (two townships, four villages), with a compressed policy: every village
 * gets a task by mail; through the task links one village confirms with a note, one flags a
 * discrepancy with its reason, one is late — reminded, escalated to its township — and confirms
 * after the due time; the township confirms having seen its villages (the late one listed as not
 * confirmed); the other township and its village never answer. The county's 月调度 of the period
 * then records who confirmed on time, late or not at all, in its figures, on its page, XLSX and PDF.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { ConfirmationInput, ConfirmationResult, ReportConfirmations } from '../workflows/confirmation/contracts';
import { CONFIRMATION_WORKFLOW, confirmationProcessId } from '../workflows/confirmation/contracts';
import { unitsOf } from '../workflows/confirmation/rules';
import { processWorkflowId } from '../workflows/process-contracts';
import type { ReportInput, ReportResult } from '../workflows/report/contracts';
import { REPORT_WORKFLOW } from '../workflows/report/contracts';
import { confirmationScheduleId, ensureReportSchedules } from '../api/services/ensure-report-schedules';
import type { Harness } from './support/harness';
import { startHarness } from './support/harness';
import { seedCases } from './support/seed-cases';
import { adminLogin } from './support/admin';
import { csrfOf, getPage, postForm, textOf } from './support/link-client';
import type { TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';

/** Villages due 15 s after the opening, townships 35 s; reminders 3 s before; the month closes 50 s after the opening. */
const VILLAGE_S = 15;
const TOWNSHIP_S = 35;
const CLOSE_S = 50;
const policy: TPolicy = {
  ...compressedPolicy({ reminder: 3, escalationRepeat: 3600 }),
  reports: {
    monthly: { every: 'SECONDS', seconds: CLOSE_S }, quarterly: { every: 'SECONDS', seconds: 3600 },
    bottomCount: 1, interviewAfterBottomRuns: 2, lateAfterSeconds: 60, catchupWindowSeconds: 120,
    confirmation: { every: 'SECONDS', villageSeconds: VILLAGE_S, townshipSeconds: TOWNSHIP_S },
  },
};

const rr = String(10 + Math.floor(Math.random() * 89));
const CITY = `46${rr}00000000`;
const COUNTY = `46${rr}01000000`;
const T1 = `46${rr}01100000`;
const T2 = `46${rr}01200000`;
const V1 = `46${rr}01100201`;
const V2 = `46${rr}01100202`;
const V3 = `46${rr}01100203`;
const W1 = `46${rr}01200201`;
const NAMES: Record<string, string> = { [T1]: `甲镇${rr}`, [T2]: `乙镇${rr}`, [V1]: `一村${rr}`, [V2]: `二村${rr}`, [V3]: `三村${rr}`, [W1]: `四村${rr}` };
const email = (code: string): string => `qr-${code}@test.bangfu.local`;
const ADMIN = `off-qr-admin-${rr}`;

let h: Harness;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ policy, mail: { smtpUrl: smtp.url } });
  const regions = [
    { code: CITY, name: `确认市${rr}`, level: 'CITY', parentCode: null },
    { code: COUNTY, name: `确认县${rr}`, level: 'COUNTY', parentCode: CITY },
    { code: T1, name: NAMES[T1], level: 'TOWNSHIP', parentCode: COUNTY },
    { code: T2, name: NAMES[T2], level: 'TOWNSHIP', parentCode: COUNTY },
    ...[V1, V2, V3].map((code) => ({ code, name: NAMES[code], level: 'VILLAGE', parentCode: T1 })),
    { code: W1, name: NAMES[W1], level: 'VILLAGE', parentCode: T2 },
  ];
  for (const r of regions) await h.prisma.region.create({ data: r });
  for (const [code, level] of [[V1, 'VILLAGE'], [V2, 'VILLAGE'], [V3, 'VILLAGE'], [W1, 'VILLAGE'], [T1, 'TOWNSHIP'], [T2, 'TOWNSHIP'], [COUNTY, 'COUNTY']] as const) {
    await h.prisma.official.create({ data: { id: `off-qr-${code}`, name: `${NAMES[code] ?? '县'}干部`, email: email(code), role: level, regionCode: code } });
  }
  await h.prisma.official.create({ data: { id: ADMIN, name: '确认县管理员', email: `qr-admin-${rr}@test.bangfu.local`, role: 'ADMIN', regionCode: COUNTY } });
});
afterAll(async () => {
  await h?.stop();
  await smtp?.stop();
});

const newTaskMail = (code: string) => smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(email(code)) && !!m.link && m.subject.includes('月调度数据确认'), `the task mail to ${code}`, 30_000);

describe('月调度数据确认 through task links', () => {
  it('villages confirm, flag a discrepancy or answer late after an escalation; the township confirms seeing its villages; the 月调度 records on time, late and not at all', async () => {
    const openedAt = Date.now();
    const from = new Date(openedAt - 3_600_000).toISOString();
    const period = { key: from, from, to: new Date(openedAt + CLOSE_S * 1000).toISOString() };
    // One household of village 一村 approved in the period: its figures show it.
    await seedCases(h.prisma, [{ village: V1, township: T1, county: COUNTY, status: 'MONITORED', openedAt: new Date(openedAt - 3_000_000), approvedAt: new Date(openedAt - 1_800_000) }]);
    const processId = confirmationProcessId(COUNTY, period.key);
    const input: ConfirmationInput = {
      countyCode: COUNTY, cadence: policy.reports!.monthly, period, due: policy.reports!.confirmation!,
      limits: { reminderLead: h.policy.reminderLead, escalationRepeat: h.policy.escalationRepeat }, policyVersion: h.policy.version,
    };
    const handle = await h.client.workflow.start(CONFIRMATION_WORKFLOW, { taskQueue: h.taskQueue, workflowId: processWorkflowId(processId), args: [input] });

    // Every village has a task by mail; no township yet.
    const [m1, m2, m3] = await Promise.all([newTaskMail(V1), newTaskMail(V2), newTaskMail(V3), newTaskMail(W1)]);
    const tasks = await h.prisma.task.findMany({ where: { processId }, orderBy: { regionCode: 'asc' } });
    expect(tasks.map((t) => `${t.step}:${t.regionCode}`)).toEqual([V1, V2, V3, W1].map((c) => `VILLAGE_CONFIRMATION:${c}`));
    for (const t of tasks) expect(Math.abs(t.dueAt.getTime() - (openedAt + VILLAGE_S * 1000))).toBeLessThan(5_000);

    // 一村: its figures of the month on the link page (zh-CN by default), confirmed with a note and its employment figure.
    const p1 = await getPage(m1.link!);
    expect(p1.status).toBe(200);
    const t1 = textOf(p1.html);
    expect(t1).toContain(`${NAMES[V1]} ${period.key} 月调度数据`);
    expect(t1).toMatch(/新增监测户\s*1\b/);
    expect(t1).toContain('确认无误');
    const bad = await postForm(m1.link!, { csrf: csrfOf(p1.html), action: 'APPROVE', f_employed: '-3' });
    expect(bad.status).toBe(400);
    expect(textOf(bad.html)).toContain('employed');
    const ok1 = await postForm(m1.link!, { csrf: csrfOf(p1.html), action: 'APPROVE', f_employed: '12', f_note: '务工就业12人，无其他问题' });
    expect(ok1.status, textOf(ok1.html)).toBe(303);

    // 二村 flags a discrepancy: refused without a reason, recorded with one.
    const p2 = await getPage(m2.link!);
    const noReason = await postForm(m2.link!, { csrf: csrfOf(p2.html), action: 'REJECT' });
    expect(noReason.status).toBeGreaterThanOrEqual(400);
    expect(noReason.status).toBeLessThan(500);
    const ok2 = await postForm(m2.link!, { csrf: csrfOf(p2.html), action: 'REJECT', reason: '新增监测户少计1户（王某家）' });
    expect(ok2.status, textOf(ok2.html)).toBe(303);

    // 三村 does nothing: reminded, then escalated to its township at the due time, by mail.
    const v3Task = tasks.find((t) => t.regionCode === V3)!;
    await smtp.waitFor((m) => m.kind === 'REMINDER' && m.to.includes(email(V3)), 'the reminder to 三村', 30_000);
    await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes(email(T1)), 'the escalation of 三村 to its township', 40_000);
    const escalated = await h.prisma.auditEvent.findFirst({ where: { processId, taskId: v3Task.id, action: 'TASK_ESCALATED' } });
    expect(escalated).not.toBeNull();

    // At the villages' due time the townships' tasks open; 甲镇's page lists its villages, 三村 as not confirmed.
    const mt = await newTaskMail(T1);
    await newTaskMail(T2);
    const pt = await getPage(mt.link!);
    const tt = textOf(pt.html);
    expect(tt).toContain('各村确认情况');
    expect(tt).toContain(`${NAMES[V1]} · 已确认（按时）`);
    expect(tt).toContain(`${NAMES[V2]} · 报告数据有误（按时）`);
    expect(tt).toContain('新增监测户少计1户');
    expect(tt).toMatch(new RegExp(`未确认的村： ?${NAMES[V3]}`));

    // 三村 confirms late through its link (still open after the escalation).
    const p3 = await getPage(m3.link!);
    const ok3 = await postForm(m3.link!, { csrf: csrfOf(p3.html), action: 'APPROVE' });
    expect(ok3.status, textOf(ok3.html)).toBe(303);
    // 甲镇 confirms its own figures.
    const ptt = await getPage(mt.link!);
    expect(textOf(ptt.html)).toContain(`${NAMES[V3]} · 已确认（逾期）`);
    const okT = await postForm(mt.link!, { csrf: csrfOf(ptt.html), action: 'APPROVE', f_note: '已核对各村数据' });
    expect(okT.status, textOf(okT.html)).toBe(303);

    // 乙镇 and 四村 never answer: at the period's end the confirmation closes, their tasks cancelled.
    const result = await handle.result() as ConfirmationResult;
    expect(result).toMatchObject({ processId, status: 'CLOSED' });
    const open = await h.prisma.task.count({ where: { processId, status: 'OPEN' } });
    expect(open).toBe(0);

    // The county's 月调度 of the period records the confirmations.
    const reportInput: ReportInput = {
      countyCode: COUNTY, kind: 'MONTHLY', cadence: policy.reports!.monthly, period, bottomCount: 1, interviewAfterBottomRuns: 2, lateAfterSeconds: 60,
      interviewPolicy: { processSteps: h.policy.processSteps, reminderLead: h.policy.reminderLead, escalationRepeat: h.policy.escalationRepeat, version: h.policy.version },
    };
    const rep = await h.client.workflow.execute(REPORT_WORKFLOW, { taskQueue: h.taskQueue, workflowId: `report-qr-${rr}-${h.taskQueue}`, args: [reportInput] }) as ReportResult;
    const row = await h.prisma.report.findUniqueOrThrow({ where: { id: rep.reportId } });
    const c = (row.figures as { confirmations?: ReportConfirmations }).confirmations!;
    expect(c.processId).toBe(processId);
    expect(c.villages).toEqual({ onTime: 2, late: 1, none: 1, discrepancies: 1 });
    expect(c.townships).toEqual({ onTime: 1, late: 0, none: 1, discrepancies: 0 });
    expect(c.employed).toEqual({ total: 12, villages: 1 });
    expect(Object.fromEntries(c.units.map((u) => [u.code, u.timing]))).toEqual({ [V1]: 'ON_TIME', [V2]: 'ON_TIME', [V3]: 'LATE', [W1]: 'NONE', [T1]: 'ON_TIME', [T2]: 'NONE' });
    // The stored answers hold what the links recorded.
    const units = unitsOf((await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).data as Record<string, unknown>);
    expect(units[V1]).toMatchObject({ outcome: 'CONFIRMED', note: '务工就业12人，无其他问题', employed: 12, byId: `off-qr-${V1}` });
    expect(units[V2]).toMatchObject({ outcome: 'DISCREPANCY', note: '新增监测户少计1户（王某家）' });

    // On the report's page: the chart and the counts, the units not on time named.
    const admin = await adminLogin(h, ADMIN);
    const page = await admin.get(`/admin/reports/${encodeURIComponent(rep.reportId)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="report-confirmations"');
    expect(page.text).toMatch(/data-level="villages" data-on-time="2" data-late="1" data-none="1"/);
    expect(page.text).toMatch(/data-level="townships" data-on-time="1" data-late="0" data-none="1"/);
    expect(page.text).toContain(`data-unit="${V3}" data-timing="LATE"`);
    expect(page.text).toContain(`data-unit="${W1}" data-timing="NONE"`);
    expect(page.text).toContain('<svg');
    expect(page.text).toContain(`data-discrepancy="${V2}"`);
    expect(page.text).toContain('data-employed="12"');

    // In its XLSX (a 数据确认 sheet, one row per unit) and its PDF (the counts and the units not on time).
    const xlsx = await fetch(`${h.baseUrl}/admin/reports/${encodeURIComponent(rep.reportId)}/xlsx`, { headers: { cookie: admin.cookie } });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as any);
    const ws = wb.getWorksheet('数据确认')!;
    const rows = new Map<string, string[]>();
    ws.eachRow((row, n) => { if (n > 1 && /^\d{12}$/.test(String(row.getCell(2).value))) rows.set(String(row.getCell(2).value), [String(row.getCell(4).value), String(row.getCell(5).value ?? '')]); });
    expect(rows.get(V1)).toEqual(['按时确认', '确认无误']);
    expect(rows.get(V2)).toEqual(['按时确认', '报告数据有误']);
    expect(rows.get(V3)).toEqual(['逾期确认', '确认无误']);
    expect(rows.get(W1)?.[0]).toBe('未确认');
    expect(rows.get(T2)?.[0]).toBe('未确认');
    const pdf = await fetch(`${h.baseUrl}/admin/reports/${encodeURIComponent(rep.reportId)}/pdf`, { headers: { cookie: admin.cookie } });
    expect(pdf.status).toBe(200);
    const doc = await getDocument({ data: new Uint8Array(await pdf.arrayBuffer()) }).promise;
    let text = '';
    for (let p = 1; p <= doc.numPages; p++) text += (await (await doc.getPage(p)).getTextContent()).items.map((x: any) => x.str).join('');
    expect(text.replace(/\s+/g, '')).toContain('村：按时确认2，逾期确认1，未确认1（其中报告数据有误1）');
    expect(text.replace(/\s+/g, '')).toContain(`${NAMES[V3]}：逾期确认`);
  });

  it('each county gets a monthly confirmation schedule beside its reports unless the kinds are named', async () => {
    const suffix = h.taskQueue.slice(5, 13);
    // A monthly (calendar) cadence: no run during the test.
    const monthly: TPolicy = { ...policy, reports: { ...policy.reports!, monthly: { every: 'MONTH', day: 1, hour: 1 }, confirmation: { every: 'MONTH', villageDay: 25, townshipDay: 28 } } };
    const made = await ensureReportSchedules({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy: monthly, counties: [COUNTY], confirmations: true, kinds: [], idSuffix: suffix });
    const id = confirmationScheduleId(COUNTY, suffix);
    expect(made).toEqual([{ scheduleId: id, outcome: 'created' }]);
    try {
      const desc = await h.client.schedule.getHandle(id).describe();
      expect(desc.action).toMatchObject({ type: 'startWorkflow', workflowType: CONFIRMATION_WORKFLOW });
      expect((desc.action as { args?: ConfirmationInput[] }).args?.[0]).toMatchObject({ countyCode: COUNTY, due: { every: 'MONTH', villageDay: 25, townshipDay: 28 } });
      expect(await ensureReportSchedules({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy: monthly, counties: [COUNTY], kinds: ['MONTHLY'], idSuffix: suffix }))
        .toEqual([{ scheduleId: `report-monthly-${COUNTY}-${suffix}`, outcome: 'created' }]);
    } finally {
      await h.client.schedule.getHandle(id).delete();
      await h.client.schedule.getHandle(`report-monthly-${COUNTY}-${suffix}`).delete().catch(() => undefined);
    }
  });
});
