/**
 * Approvers act from their email, in a real browser (Chromium, 360 px wide, JavaScript off):
 * the mailed link opens a confirm page, a click decides, the workflow moves on — and the whole
 * identification chain to county approval runs on emailed links alone.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy } from '../workflows/policy';
import { launchBrowser, phoneContext, screenshotPath } from './support/browser';
import type { Harness } from './support/harness';
import { DEMO, eventually, leadBody, startHarness } from './support/harness';
import { csrfOf, getPage, postForm } from './support/link-client';
import type { CapturedMail, TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';
import { endCasesOf } from './support/end-cases';

let h: Harness;
let smtp: TestSmtp;
let browser: Browser;
const households: { idNumber: string; phone: string; health: string }[] = [];
/** Cases this file started: test files share one database, so reads are scoped to them. */
const caseIds: string[] = [];

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ policy: compressedPolicy({ notice: 2 }), mail: { smtpUrl: smtp.url } });
  browser = await launchBrowser();
});
afterAll(async () => {
  if (h) await endCasesOf(h);
  await browser?.close();
  await h?.stop();
  await smtp?.stop();
});

async function emailOf(officialId: string): Promise<string> {
  return (await h.prisma.official.findUniqueOrThrow({ where: { id: officialId } })).email;
}

async function newCase(): Promise<{ caseId: string; caseNo: string }> {
  const village = await h.officialOf('VILLAGE', DEMO.villageA1);
  const body = leadBody({ incomePerCapita: 5200 });
  households.push({ idNumber: body.household.idNumber, phone: body.household.phone, health: body.healthDetails });
  const res = await h.api('POST', '/api/cases', { as: village, body });
  expect(res.status).toBe(201);
  caseIds.push(res.body.case.id);
  return { caseId: res.body.case.id, caseNo: res.body.case.id };
}

function mailFor(to: string, caseNo: string, kind: string): Promise<CapturedMail> {
  return smtp.waitFor((m) => m.to.includes(to) && m.kind === kind && m.text.includes(caseNo), `${kind} to ${to} for ${caseNo}`);
}

async function approveInBrowser(page: Page, link: string, o: { consent?: boolean; button: string; shots?: [string, string] }): Promise<void> {
  const res = await page.goto(link);
  expect(res?.status()).toBe(200);
  if (o.shots) await page.screenshot({ path: screenshotPath(o.shots[0]), fullPage: true });
  if (o.consent) await page.getByLabel(/承诺授权书|signed its consent/).check();
  await Promise.all([page.waitForURL(/\/done/), page.getByRole('button', { name: o.button, exact: true }).click()]);
  if (o.shots) await page.screenshot({ path: screenshotPath(o.shots[1]), fullPage: true });
}

describe('task links in the browser', () => {
  it('the new-task email carries a working link: the Chinese confirm page approves, shows the result, and the workflow moves on', async () => {
    const { caseId, caseNo } = await newCase();
    const villageOfficial = await h.officialOf('VILLAGE', DEMO.villageA1);
    const mail = await mailFor(await emailOf(villageOfficial), caseNo, 'NEW_TASK');
    expect(mail.subject).toContain('入户核实');
    expect(mail.text).toMatch(/办理期限：(\d{4}年)?\d{1,2}月\d{1,2}日（周.）\d{2}:\d{2}前/);
    expect(mail.link).toMatch(new RegExp(`^${h.baseUrl}/t/`));

    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    await page.goto(mail.link!);
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.locator('h1').innerText()).toContain('入户核实');
    const body = await page.locator('main').innerText();
    expect(body).toContain('王**');
    expect(body).toContain('办理经过');
    expect(body).not.toContain('慢性肾病');
    expect(body).not.toContain('13800001111');
    // Readable at 360 px: nothing wider than the screen.
    // (JavaScript is off for the page, so ask the layout through the protocol instead of page.evaluate.)
    const cdp = await ctx.newCDPSession(page);
    const metrics = (await cdp.send('Page.getLayoutMetrics')) as { cssContentSize: { width: number } };
    expect(metrics.cssContentSize.width).toBeLessThanOrEqual(360);

    await approveInBrowser(page, mail.link!, { consent: true, button: '同意', shots: ['task-page-360.png', 'result-page-360.png'] });
    const result = await page.locator('main').innerText();
    expect(result).toContain('您对「入户核实」的决定：同意');
    expect(result).toContain('村级民主评议');
    await eventually(async () => (await h.state(caseId)).step === 'VILLAGE_REVIEW', 'case at village review');

    // A reload of the result page changes nothing.
    await page.reload();
    expect(await page.locator('main').innerText()).toContain('您对「入户核实」的决定：同意');
    await ctx.close();

    // A second POST shows the first outcome (409) and makes no second decision.
    const decided = await h.prisma.task.findFirstOrThrow({ where: { caseId, step: 'VERIFICATION' } });
    const again = await postForm(mail.link!, { csrf: 'x'.repeat(43), action: 'REJECT', reason: 'second try' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('同意');
    const after = await h.prisma.task.findFirstOrThrow({ where: { id: decided.id } });
    expect(after.outcome).toBe('APPROVE');
    expect((await h.state(caseId)).step).toBe('VILLAGE_REVIEW');
    expect(await h.prisma.auditEvent.count({ where: { caseId, taskId: decided.id, action: { in: ['APPROVED', 'REJECTED'] } } })).toBe(1);
  });

  it('the whole identification chain to county approval is driven by emailed links alone', async () => {
    const { caseId, caseNo } = await newCase();
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const village = await emailOf(await h.officialOf('VILLAGE', DEMO.villageA1));
    const township = await emailOf(await h.officialOf('TOWNSHIP', DEMO.townshipA));
    const county = await emailOf(await h.officialOf('COUNTY', DEMO.county));

    const verification = await mailFor(village, caseNo, 'NEW_TASK');
    await approveInBrowser(page, verification.link!, { consent: true, button: '同意' });

    const review = await smtp.waitFor((m) => m.to.includes(village) && m.kind === 'NEW_TASK' && m.text.includes(caseNo) && m.subject.includes('村级民主评议'), 'village review mail');
    await approveInBrowser(page, review.link!, { button: '同意' });

    // The public notice runs on its own timer; then the township gets its mail.
    const twp = await mailFor(township, caseNo, 'NEW_TASK');
    expect(twp.subject).toContain('乡镇审核');
    await approveInBrowser(page, twp.link!, { button: '同意' });

    // The county official reads English (official.language = en).
    const cty = await mailFor(county, caseNo, 'NEW_TASK');
    expect(cty.subject).toContain('County approval');
    expect(cty.text).toMatch(/Due by \d{2}:\d{2} \w{3} \d{1,2} \w{3}.*\(Beijing time\)/);
    await page.goto(cty.link!);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await Promise.all([page.waitForURL(/\/done/), page.getByRole('button', { name: 'Approve', exact: true }).click()]);
    expect(await page.locator('main').innerText()).toContain('now monitored');
    await eventually(async () => (await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).status === 'MONITORED', 'case monitored');

    // The assistance contact's mail links to recording a contact.
    const contact = await emailOf((await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).contactId!);
    const assigned = await mailFor(contact, caseNo, 'CASE_ASSIGNED_TO_CONTACT');
    await page.goto(assigned.link!);
    await page.getByLabel('情况记录', { exact: false }).fill('入户了解生产生活情况');
    await Promise.all([page.waitForURL(/\/done/), page.getByRole('button', { name: '保存走访记录' }).click()]);
    expect(await page.locator('main').innerText()).toContain('走访记录已保存');
    await eventually(async () => (await h.prisma.contact.count({ where: { caseId } })) === 1, 'contact recorded');
    await ctx.close();

    // Each decision was taken by the emailed official, through an Update, once.
    const decided = await h.prisma.task.findMany({ where: { caseId, status: 'DONE' }, orderBy: { openedAt: 'asc' } });
    expect(decided.map((t) => [t.step, t.outcome])).toEqual([
      ['VERIFICATION', 'APPROVE'], ['VILLAGE_REVIEW', 'APPROVE'], ['TOWNSHIP_REVIEW', 'APPROVE'], ['COUNTY_APPROVAL', 'APPROVE'],
    ]);
  });

  it('a used link opened again shows the first outcome with 409, in the official’s language', async () => {
    const used = await h.prisma.taskLink.findFirstOrThrow({ where: { usedAt: { not: null }, purpose: 'DECIDE', officialId: 'off-cty', caseId: { in: caseIds } } });
    const mail = smtp.messages.find((m) => m.link && m.kind === 'NEW_TASK' && m.to.includes('xian@demo.bangfu.local'));
    expect(mail).toBeTruthy();
    const res = await getPage(mail!.link!);
    expect(res.status).toBe(409);
    expect(res.html).toContain('This link has already been used');
    expect(res.html).toContain('Approve');
    expect(used.outcome).toMatchObject({ action: 'APPROVE' });
    expect(() => csrfOf(res.html)).toThrow();
  });

  it("no email contains the household's ID number, phone number, bank account or health details", async () => {
    expect(smtp.messages.length).toBeGreaterThan(8);
    for (const m of smtp.messages) {
      const readable = `${m.subject}\n${m.text}\n${m.html}`;
      for (const hh of households) {
        expect(m.raw).not.toContain(hh.idNumber);
        expect(readable).not.toContain(hh.idNumber);
        expect(readable).not.toContain(hh.phone);
        expect(readable).not.toContain(hh.health);
      }
      // No bank-card-like digit runs either.
      expect(readable).not.toMatch(/\d{16,19}/);
    }
  });
});
