/**
 * Admin pages in a real browser: an administrator signs in with a token, finds a household's
 * case, and reads its whole history — return, objection, a rejected elimination, elimination —
 * as a readable timeline merged with the Temporal history (timers and reminders named as such),
 * plus the raw events and the Temporal Web UI link; then acts on cases (transfer, nudge, close,
 * roll back), each recorded with who did it.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app';
import { compressedPolicy } from '../workflows/policy';
import { launchBrowser, screenshotPath } from './support/browser';
import { approve, createCase, decide, driveElimination, implementMeasure, openTaskOf, waitForCase, untilEliminationStarts } from './support/driver';
import type { Harness } from './support/harness';
import { DEMO, TEST_SECRET, eventually, randomIdNumber, startHarness } from './support/harness';

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let server: Server;
let base: string;
let admin: string;
const UI = 'http://temporal-ui.example:8233';

/** Lead → return → objection (dismissed) → approval → rejected elimination → elimination. */
async function driveRichCase(idNumber: string): Promise<string> {
  const caseId = await createCase(h, { household: { idNumber, headName: '欧阳明' } });
  // Let the reminder before the verification deadline go out first.
  await eventually(() => h.prisma.auditEvent.findFirst({ where: { caseId, action: 'REMINDER_SENT' } }), 'reminder of the verification task');
  await approve(h, caseId, 'VERIFICATION');
  await approve(h, caseId, 'VILLAGE_REVIEW');
  await waitForCase(h, caseId, 'IDENTIFYING', 'PUBLIC_NOTICE');
  const village = await h.officialOf('VILLAGE', DEMO.villageA1);
  const obj = await h.api('POST', `/api/cases/${caseId}/objections`, { as: village, body: { text: '村民反映该户有营运车辆' } });
  expect(obj.status, JSON.stringify(obj.body)).toBe(201);
  expect((await decide(h, caseId, 'INVESTIGATION', 'DISMISS')).status).toBe(200);
  const ret = await decide(h, caseId, 'TOWNSHIP_REVIEW', 'RETURN', { reason: '评议记录不全，请补充' });
  expect(ret.status, JSON.stringify(ret.body)).toBe(200);
  await approve(h, caseId, 'VILLAGE_REVIEW');
  await approve(h, caseId, 'TOWNSHIP_REVIEW');
  await approve(h, caseId, 'COUNTY_APPROVAL');
  await waitForCase(h, caseId, 'MONITORED');
  await implementMeasure(h, caseId);
  await approve(h, caseId, 'ELIM_ASSESSMENT');
  const rej = await decide(h, caseId, 'ELIM_VILLAGE_REVIEW', 'REJECT', { reason: '收入尚不稳定' });
  expect(rej.status, JSON.stringify(rej.body)).toBe(200);
  await untilEliminationStarts(h, caseId);
  await driveElimination(h, caseId);
  return caseId;
}

async function signIn(officialId: string): Promise<void> {
  await page.goto(`${base}/admin/login`);
  await page.fill('#token', await h.token(officialId));
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/admin`);
}

beforeAll(async () => {
  h = await startHarness({ policy: compressedPolicy({ notice: 3, elimination: 3, review: 3, step: 10, reminder: 5 }) });
  // The same app as the harness's, with a Temporal Web UI configured.
  const app = createApp({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy: h.policy, secret: TEST_SECRET, namespace: 'default', temporalUiUrl: UI });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  admin = await h.officialOf('ADMIN', DEMO.county);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', javaScriptEnabled: false });
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.stop();
});

describe('admin pages in the browser', () => {
  let richCase: string;
  const idNumber = randomIdNumber();

  it('the timeline of a case that went through return, objection, a rejected elimination and elimination reads as a history', async () => {
    richCase = await driveRichCase(idNumber);
    await signIn(admin);
    // Find the household by its ID number, as a new user would.
    await page.goto(`${base}/admin/cases`);
    await page.fill('#f-q', idNumber);
    await page.click('form[role=search] button[type=submit]');
    // The form is posted; the list it leads to carries an opaque search token, never the number.
    await page.waitForURL(/qs=/);
    expect(page.url()).not.toContain(idNumber);
    expect(await page.locator('tr[data-case-id]').count()).toBe(1);
    await page.click(`tr[data-case-id="${richCase}"] a`);
    await page.waitForURL(`${base}/admin/cases/${richCase}`);

    const timeline = page.locator('#timeline');
    const line = (action: string) => timeline.locator(`li[data-action="${action}"]`);
    expect(await line('RETURNED').count()).toBe(1);
    const returned = (await line('RETURNED').innerText()).replace(/\s+/g, ' ');
    expect(returned).toContain('退回 · 乡镇审核 → 村级民主评议');
    expect(returned).toContain('经办 张伟');
    expect(returned).toContain('评议记录不全，请补充');
    expect(await line('OBJECTION_FILED').innerText()).toContain('村民反映该户有营运车辆');
    expect(await line('OBJECTION_DISMISSED').innerText()).toContain('异议不成立');
    const declined = await line('ELIMINATION_DECLINED').innerText();
    expect(declined).toContain('收入尚不稳定');
    expect(await line('APPROVED_ELIMINATED').innerText()).toContain('风险消除');
    // Reminders and timers are named as such.
    const reminder = timeline.locator('li[data-kind="reminder"][data-action="REMINDER_SENT"]').first();
    expect(await reminder.innerText()).toContain('到期前提醒');
    const timers = await timeline.locator('li[data-kind="timer"]').allInnerTexts();
    expect(timers.some((t) => t.includes('计时器启动：公示期'))).toBe(true);
    expect(timers.some((t) => t.includes('计时器到期：公示期'))).toBe(true);
    expect(timers.some((t) => t.includes('风险消除评估'))).toBe(true);
    expect(timers.some((t) => t.includes('待办到期前提醒'))).toBe(true);
    // Every timer is named by the summary the workflow gave it; none is a bare "timer".
    expect(timers.length).toBeGreaterThan(0);
    expect(timers.filter((t) => /计时器(启动|到期|取消)：计时器/.test(t))).toEqual([]);
    // Each decision appears once: as its business line, not again as the Update behind it.
    expect(await timeline.locator('li[data-kind="update"][data-action="UPDATE_ACCEPTED"]').count()).toBe(0);
    // Lines are in time order.
    const times = await timeline.locator('li .when').allInnerTexts();
    expect([...times].sort()).toEqual(times);
    // Household summary is masked; the Temporal Web UI link points at this workflow.
    const body = await page.locator('main').innerText();
    expect(body).toContain('欧**');
    expect(body).not.toContain(idNumber);
    expect(await page.locator('#temporal-ui').getAttribute('href')).toBe(`${UI}/namespaces/default/workflows/${encodeURIComponent(`household-${(await h.prisma.case.findUniqueOrThrow({ where: { id: richCase } })).householdId}`)}`);
    await page.screenshot({ path: screenshotPath('admin-case-timeline.png'), fullPage: true });
    await page.locator('#timeline li').nth(12).scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('admin-case-timeline-view.png') });

    // Every activity on request.
    // A click returns once navigation commits; wait for the whole (large) page to load.
    await page.click('#show-full');
    await page.waitForURL(/view=full/, { waitUntil: 'load' });
    expect(await timeline.locator('li[data-kind="activity"]').count()).toBeGreaterThan(10);
    expect((await timeline.locator('li[data-kind="activity"]').allInnerTexts()).some((t) => t.includes('commitTransition'))).toBe(true);
    // The full view shows the Updates, naming who sent them.
    const updates = await timeline.locator('li[data-kind="update"]').allInnerTexts();
    expect(updates.some((t) => t.includes('审批决定 · 退回上一步') && t.includes('张伟'))).toBe(true);

    // The raw Temporal events on demand.
    await page.click('#show-raw');
    await page.waitForURL(/raw=1/, { waitUntil: 'load' });
    const types = await page.locator('#raw-events tr[data-event-type]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-type')));
    expect(types[0]).toBe('WORKFLOW_EXECUTION_STARTED');
    expect(types).toEqual(expect.arrayContaining(['TIMER_STARTED', 'TIMER_FIRED', 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED', 'MARKER_RECORDED']));

    // English on request.
    await page.goto(`${base}/admin/cases/${richCase}?lang=en`);
    expect(await page.locator('h2#tl').innerText()).toBe('Timeline');
    expect(await line('RETURNED').innerText()).toContain('Returned · Township review → Village democratic review');
    expect((await timeline.locator('li[data-kind="timer"]').allInnerTexts()).some((t) => t.includes('Timer started: public notice period'))).toBe(true);
    await page.goto(`${base}/admin/cases/${richCase}?lang=zh-CN`);
  });

  it('an administrator transfers, nudges and closes a case from its page; each is recorded with who did it', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    await page.goto(`${base}/admin/cases/${caseId}`);
    const colleague = await h.prisma.official.findFirstOrThrow({ where: { role: 'VILLAGE', regionCode: DEMO.villageA1, id: { not: task.assigneeId! } }, orderBy: { id: 'asc' } });
    const row = page.locator(`tr[data-task-id="${task.id}"]`);
    await row.locator('select[name=toOfficialId]').selectOption(colleague.id);
    await row.locator('input[name=reason]').fill('原经办人外出培训');
    await row.locator('form[action$="/transfer"] button').click();
    await page.waitForURL(/done=1/);
    expect(await page.locator('.notice.ok').count()).toBe(1);
    await eventually(async () => (await h.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).assigneeId === colleague.id, 'task transferred');

    await page.locator(`tr[data-task-id="${task.id}"] form[action$="/nudge"] button`).click();
    await page.waitForURL(/done=1/);

    await page.selectOption('#close-reason', 'DECEASED');
    await page.fill('#close-comment', '户主已于上月去世');
    await page.click('#close-form button');
    await page.waitForURL(/done=1/);
    await waitForCase(h, caseId, 'CLOSED');

    const audit = await h.prisma.auditEvent.findMany({ where: { caseId, action: { in: ['TASK_TRANSFERRED', 'TASK_NUDGED', 'CASE_CLOSED'] } }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([['TASK_TRANSFERRED', admin], ['TASK_NUDGED', admin], ['CASE_CLOSED', admin]]);
    expect(audit[0].comment).toBe('原经办人外出培训');
    expect(audit[2].comment).toBe('户主已于上月去世');
    const closed = (await page.locator('#timeline li[data-action="CASE_CLOSED"]').innerText()).replace(/\s+/g, ' ');
    expect(closed).toContain('案件关闭（户主去世/整户消亡）');
    expect(closed).toContain('经办 吴芳');
  });

  it('a refused action shows why and changes nothing', async () => {
    const caseId = await createCase(h);
    await openTaskOf(h, caseId, 'VERIFICATION');
    await page.goto(`${base}/admin/cases/${caseId}`);
    // Pick the colleague, then make the form name the current assignee: the workflow refuses it.
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    await page.locator(`tr[data-task-id="${task.id}"] select[name=toOfficialId] option`).first().evaluate((o, id) => ((o as unknown as { value: string }).value = id), task.assigneeId!);
    await page.locator(`tr[data-task-id="${task.id}"] form[action$="/transfer"] button`).click();
    expect(await page.locator('.notice.error').innerText()).toContain('接收人：只能转交给本级、本辖区的其他同事。'); // the workflow's WRONG_COLLEAGUE, in the page's language
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).assigneeId).toBe(task.assigneeId);
  });

  it("the county rolls back an elimination from the case page, on the case's own workflow run", async () => {
    await page.goto(`${base}/admin/cases/${richCase}`);
    await page.fill('#rollback-reason', '复核发现收入计算有误');
    await page.click('#rollback-form button');
    await page.waitForURL(/done=1/);
    await waitForCase(h, richCase, 'MONITORED');
    const ev = await eventually(() => h.prisma.auditEvent.findFirst({ where: { caseId: richCase, action: 'ELIMINATION_ROLLED_BACK' } }), 'rollback recorded');
    expect(ev.actorId).toBe(admin);
    expect(ev.comment).toBe('复核发现收入计算有误');
    await page.goto(`${base}/admin/cases/${richCase}`);
    expect(await page.locator('#timeline li[data-action="ELIMINATION_ROLLED_BACK"]').innerText()).toContain('复核发现收入计算有误');
    // The rollback is an Update on the run that eliminated the case: no new run starts.
    expect(await page.locator('#timeline li[data-action="RUN_STARTED"]').count()).toBe(1);
    expect(await page.locator('#timeline li[data-action="APPROVED_ELIMINATED"]').count()).toBe(1);
  });

  it('the dashboard, overdue view and outbox render for the administrator', async () => {
    await page.goto(`${base}/admin`);
    expect(await page.locator('#fig-sla h2').innerText()).toContain('识别认定时限');
    await page.goto(`${base}/admin/tasks?all=1`);
    expect(await page.locator('h1').innerText()).toBe('全部在办待办');
    await page.goto(`${base}/admin/outbox`);
    expect(await page.locator('tr[data-notification-id]').count()).toBeGreaterThan(0);
    expect(await page.locator('main').innerText()).toContain('REMINDER');
  });
});
