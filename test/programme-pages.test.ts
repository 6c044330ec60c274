/**
 * The bureau's pages of the household programmes in a real Chromium (no JavaScript): the loan
 * list filtered by status, overdue grade, village and overdue tasks, paged; a loan's page with its
 * timeline (audit lines and the workflow's named timers); the post list with its late-confirmation
 * filter; the settlement list by completeness; readable at 360 px; English on request. Real worker,
 * Temporal and PostgreSQL with a compressed policy (a loan "month" is a second).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { makeResidentId } from '../core/resident-id';
import type { TPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { createCase, driveToMonitored } from './support/driver';
import { applyForLoan, decideProcessTask, microcreditTestPolicy, openProcessTask, todayBeijing, townshipAndBank } from './support/microcredit-driver';
import { launchBrowser, phoneContext, screenshotPath } from './support/browser';

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let caseId: string;
const base = microcreditTestPolicy();
const policy: TPolicy = {
  ...base,
  processSteps: { ...base.processSteps, PUBLIC_WELFARE_JOB: { ...base.processSteps.PUBLIC_WELFARE_JOB, WAGE_CONFIRMATION: { unit: 'SECONDS', amount: 2 } } },
  welfareJobs: { minAge: 16, maxAge: 65, maxTermMonths: 12, notice: { unit: 'SECONDS', amount: 1 }, monthUnit: 'SECONDS' },
};

async function signIn(p: Page): Promise<void> {
  await p.goto(`${h.baseUrl}/admin/login`);
  await p.fill('#token', await h.token(await h.officialOf('ADMIN', DEMO.county)));
  await p.click('button[type=submit]');
  await p.waitForURL(`${h.baseUrl}/admin`);
}

/** The page's scroll width: at most the viewport when nothing overflows sideways. */
function pageWidth(): Promise<number> {
  return page.locator('html').evaluate((el) => el.scrollWidth);
}

/** The rows of the list at `path` (process ids). */
async function rowsOf(path: string): Promise<string[]> {
  await page.goto(`${h.baseUrl}${path}`);
  return page.locator('tr[data-process]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-process') ?? ''));
}

beforeAll(async () => {
  h = await startHarness({ policy });
  caseId = await createCase(h);
  await driveToMonitored(h, caseId);
  browser = await launchBrowser();
  context = await phoneContext(browser);
  page = await context.newPage();
  await signIn(page);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await h?.stop();
});

describe('programme pages in Chromium at 360 px', () => {
  it('the loan list filters by status, overdue grade, village and overdue tasks in SQL with paging, and a loan\'s page shows its timeline with named timers', async () => {
    const applied = await applyForLoan(h, caseId);
    const lent = await applyForLoan(h, caseId);
    await decideProcessTask(h, await openProcessTask(h, lent, 'VILLAGE_CHECK'), 'APPROVE');
    await townshipAndBank(h, lent, 3);
    // Three "months" (seconds) to the due date, five more to the first overdue grade.
    await eventually(async () => (await h.prisma.process.findUniqueOrThrow({ where: { id: lent } })).status === 'OVERDUE_1_30', 'the loan overdue (grade 1)', 60_000);

    const all = await rowsOf(`/admin/loans?villageCode=${DEMO.villageA1}`);
    expect(all).toEqual(expect.arrayContaining([applied, lent]));
    expect(await rowsOf('/admin/loans?grade=1')).toContain(lent);
    expect(await rowsOf('/admin/loans?grade=1')).not.toContain(applied);
    const onlyApplied = await rowsOf('/admin/loans?status=APPLIED');
    expect(onlyApplied).toContain(applied);
    expect(onlyApplied).not.toContain(lent);
    expect(await rowsOf(`/admin/loans?villageCode=${DEMO.villageA2}`)).not.toContain(applied);
    // A hostile filter is a readable notice naming the field, not a 500.
    await page.goto(`${h.baseUrl}/admin/loans?grade=9`);
    expect(await page.locator('p.notice.error').innerText()).toMatch(/grade/);

    // Paging: one per page, the next page shows another loan.
    const first = await rowsOf(`/admin/loans?villageCode=${DEMO.villageA1}&pageSize=1`);
    expect(first).toHaveLength(1);
    await page.click('a[rel=next]');
    const second = await page.locator('tr[data-process]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-process')));
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);

    await page.goto(`${h.baseUrl}/admin/loans?grade=1`);
    await page.screenshot({ path: screenshotPath('programme-loans-360.png'), fullPage: true });
    expect(await pageWidth()).toBeLessThanOrEqual(360);

    await page.click(`tr[data-process="${lent}"] a`);
    await page.waitForURL(`${h.baseUrl}/admin/loans/${lent}`);
    expect(await page.locator('[data-status]').innerText()).toContain('逾期1–30天');
    expect(await page.locator('.timeline li[data-action="LOAN_APPLIED"]').innerText()).toContain('提出贷款申请');
    expect(await page.locator('.timeline li[data-action="LOAN_DISBURSED"]').count()).toBe(1);
    // The workflow's own names of its timers (the repayment schedule).
    expect(await page.locator('.timeline li[data-kind="timer"]', { hasText: '贷款到期' }).count()).toBeGreaterThan(0);
    expect(await page.locator('main').innerText()).toContain(caseId);
    await page.screenshot({ path: screenshotPath('programme-loan-360.png'), fullPage: true });
    expect(await pageWidth()).toBeLessThanOrEqual(360);

    await page.goto(`${h.baseUrl}/admin/loans/${lent}?lang=en`);
    expect(await page.locator('main').innerText()).toContain('Overdue 1–30 days');
    expect(await page.locator('.timeline li[data-action="LOAN_APPLIED"]').innerText()).toContain('Loan applied for');
    await page.goto(`${h.baseUrl}/admin/loans?lang=zh-CN`);
    // A post is not a loan.
    const post = await h.prisma.process.findFirst({ where: { kind: 'PUBLIC_WELFARE_JOB' }, select: { id: true } });
    if (post) expect((await page.goto(`${h.baseUrl}/admin/loans/${post.id}`))!.status()).toBe(404);
  });

  it('the post list shows a post with a month confirmed late under "late confirmations", and its page the months', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const idNumber = makeResidentId('410599', '19800101', String(randomInt(0, 1000)).padStart(3, '0'));
    const res = await h.api('POST', '/api/welfare-jobs', { as: village, body: { caseId, idNumber, post: '保洁员', monthlyWage: 800, termMonths: 2 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const job = res.body.process.id as string;
    const other = await h.api('POST', '/api/welfare-jobs', { as: village, body: { caseId, idNumber: makeResidentId('410599', '19810101', String(randomInt(0, 1000)).padStart(3, '0')), post: '护路员', monthlyWage: 700, termMonths: 1 } });
    const fresh = other.body.process.id as string;
    await decideProcessTask(h, await openProcessTask(h, job, 'VILLAGE_REVIEW'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, job, 'TOWNSHIP_APPROVAL'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, job, 'AGREEMENT'), 'DONE', { startOn: todayBeijing(), termMonths: 2 });
    const m1 = await openProcessTask(h, job, 'WAGE_CONFIRMATION');
    // Confirmed after its due time: late.
    await eventually(async () => (m1.dueAt.getTime() < Date.now() - 500 ? true : null), 'month 1 past due', 20_000);
    await decideProcessTask(h, m1, 'DONE', { attendanceDays: 20, wagePaid: true });
    await eventually(async () => Number(((await h.prisma.process.findUniqueOrThrow({ where: { id: job } })).data as any).monthsLate ?? 0) > 0, 'month 1 recorded late');

    const late = await rowsOf('/admin/welfare-jobs?late=1');
    expect(late).toContain(job);
    expect(late).not.toContain(fresh);
    expect(await rowsOf(`/admin/welfare-jobs?townshipCode=${DEMO.townshipA}`)).toEqual(expect.arrayContaining([job, fresh]));
    expect(await rowsOf(`/admin/welfare-jobs?townshipCode=${DEMO.townshipB}`)).not.toContain(job);
    await page.goto(`${h.baseUrl}/admin/welfare-jobs/${job}`);
    expect(await page.locator('#wages tr[data-month="1"]').innerText()).toContain('迟报');
    expect(await page.locator('.timeline li[data-action="WAGE_CONFIRMED_LATE"]').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('programme-post-360.png'), fullPage: true });
    expect(await pageWidth()).toBeLessThanOrEqual(360);
  });

  it('the settlement list filters by completeness and a settlement\'s page shows its checklist', async () => {
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const res = await h.api('POST', '/api/settlements', { as: township, body: { name: `页面安置点${Date.now().toString(36)}`, townshipCode: DEMO.townshipA } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.process.id as string;
    await decideProcessTask(h, await openProcessTask(h, id, 'PARTY_ORGANISATION'), 'DONE', { details: '社区党支部已成立' });
    await eventually(async () => Number(((await h.prisma.process.findUniqueOrThrow({ where: { id } })).data as any)?.completeness?.done ?? 0) === 1, 'one item done');
    expect(await rowsOf('/admin/settlements?completeness=INCOMPLETE')).toContain(id);
    expect(await rowsOf('/admin/settlements?completeness=COMPLETE')).not.toContain(id);
    const reg = await h.api('POST', `/api/settlements/${id}/households`, { as: township, body: { caseId } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    await page.goto(`${h.baseUrl}/admin/settlements/${id}`);
    expect(await page.locator('#checklist tr[data-item="PARTY_ORGANISATION"]').getAttribute('data-done')).toBe('1');
    expect(await page.locator(`#relocated tr[data-relocated="${reg.body.process.id}"]`).count()).toBe(1);
    expect(await page.locator('#checklist tr[data-item="GRID_LEADERS"]').getAttribute('data-done')).toBe('0');
    await page.screenshot({ path: screenshotPath('programme-settlement-360.png'), fullPage: true });
    expect(await pageWidth()).toBeLessThanOrEqual(360);
  });
});
