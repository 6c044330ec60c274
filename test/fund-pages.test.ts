/**
 * The bureau's pages of fund projects and assets in a real Chromium: the project library with
 * filters, the start-rate and spending-pace charts (SVG, rendered with a size), the ranking, a
 * project's timeline, and the asset ledger with its filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { compressedPolicy } from '../workflows/policy';
import { beijingDate, expectedPaidPct } from '../workflows/project/rules';
import type { Harness } from './support/harness';
import { DEMO, startHarness } from './support/harness';
import { launchBrowser, screenshotPath } from './support/browser';

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let admin: string;
const run = Date.now().toString(36);

async function importCsv(path: string, csv: string): Promise<any> {
  const token = await h.token(admin);
  const res = await fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: csv });
  expect(res.status).toBe(200);
  return res.json();
}

beforeAll(async () => {
  h = await startHarness({ policy: compressedPolicy() });
  admin = await h.officialOf('ADMIN', DEMO.county);
  await importCsv('/api/imports/projects', [
    'reference,name,type,villageCode,location,budgetYuan,fundingSource,beneficiaries,farmerLinkage,performanceTargets,year,startedOn,paidYuan,physicalPct',
    `GA-${run},大棚,INDUSTRY,${DEMO.villageA1},一村,100000,中央,10,分红,收益,2026,2026-03-01,90000,80`,
    `GB-${run},道路,INFRASTRUCTURE,${DEMO.villageB1},三村,100000,省级,10,务工,道路,2026,,0,0`,
  ].join('\n'));
  await importCsv('/api/imports/assets', [
    'reference,name,assetClass,assetKind,valueYuan,fundingSource,ownerName,villageCode,handedOverOn',
    `GS-${run},光伏电站${run},经营性,光伏,500000,中央,一村村集体,${DEMO.villageA1},2025-06-30`,
    `GR-${run},便民桥${run},公益性,,100000,省级,一村村集体,${DEMO.villageA1},2025-06-30`,
    `GP1-${run},分页甲${run},公益性,,100000,省级,分页业主${run},${DEMO.villageA1},2025-06-30`,
    `GP2-${run},分页乙${run},公益性,,100000,省级,分页业主${run},${DEMO.villageA1},2025-06-30`,
    `GP3-${run},分页丙${run},经营性,,100000,省级,分页业主${run},${DEMO.villageA1},2025-06-30`,
  ].join('\n'));
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', javaScriptEnabled: false });
  page = await context.newPage();
  await page.goto(`${h.baseUrl}/admin/login`);
  await page.fill('#token', await h.token(admin));
  await page.click('button[type=submit]');
  await page.waitForURL(`${h.baseUrl}/admin`);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await h?.stop();
});

describe('fund project and asset pages in Chromium', () => {
  it('the project library draws the start rate and the spending pace against the curve per township as SVG charts, with the ranking and filters', async () => {
    await page.goto(`${h.baseUrl}/admin/projects`);
    for (const id of ['#chart-start-rate svg', '#chart-pace svg']) {
      const box = await page.locator(id).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(40);
    }
    const expected = expectedPaidPct(beijingDate(Date.now()));
    const paceBars = page.locator('#chart-pace g.bar');
    expect(await paceBars.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator(`#chart-pace g.bar[data-key="${DEMO.townshipA}"]`).getAttribute('data-target')).toBe(String(expected));
    // The pace marker is drawn where the expected share lies.
    const marker = await page.locator(`#chart-pace g.bar[data-key="${DEMO.townshipB}"] line.target`).boundingBox();
    expect(marker).not.toBeNull();
    expect(await page.locator(`#chart-start-rate g.bar[data-key="${DEMO.townshipA}"]`).count()).toBe(1);
    expect(await page.locator('#fig-ranking tr[data-township]').count()).toBeGreaterThanOrEqual(2);
    // The annual plan's industry share against the policy minimum, and by how much it misses.
    expect(await page.locator('#fig-industry-share p[data-share]').innerText()).toMatch(/≥ 60%/);
    await page.screenshot({ path: screenshotPath('fund-projects.png'), fullPage: true });
    expect(await page.locator(`tr[data-project="XM-GA-${run}"]`).count()).toBe(1);

    // Filters: by type, by township.
    await page.goto(`${h.baseUrl}/admin/projects?type=INFRASTRUCTURE`);
    expect(await page.locator(`tr[data-project="XM-GB-${run}"]`).count()).toBe(1);
    expect(await page.locator(`tr[data-project="XM-GA-${run}"]`).count()).toBe(0);
    await page.goto(`${h.baseUrl}/admin/projects?township=${DEMO.townshipA}`);
    expect(await page.locator(`tr[data-project="XM-GA-${run}"]`).count()).toBe(1);
    expect(await page.locator(`tr[data-project="XM-GB-${run}"]`).count()).toBe(0);

    // A project's timeline.
    await page.click(`tr[data-project="XM-GA-${run}"] a`);
    await page.waitForURL(`${h.baseUrl}/admin/processes/XM-GA-${run}`);
    expect(await page.locator('.timeline li[data-action="PROJECT_IMPORTED"]').innerText()).toContain('项目导入');
    expect(await page.locator('main').innerText()).toContain('月度进度报告');
  });

  it('the asset ledger filters by class and owner and links to the asset\'s timeline', async () => {
    await page.goto(`${h.baseUrl}/admin/assets?assetClass=INCOME`);
    expect(await page.locator(`tr[data-asset="ZC-GS-${run}"]`).count()).toBe(1);
    expect(await page.locator(`tr[data-asset="ZC-GR-${run}"]`).count()).toBe(0);
    await page.goto(`${h.baseUrl}/admin/assets?owner=${encodeURIComponent('一村村集体')}`);
    expect(await page.locator(`tr[data-asset="ZC-GR-${run}"]`).count()).toBe(1);
    await page.click(`tr[data-asset="ZC-GS-${run}"] a`);
    expect(await page.locator('.timeline li[data-action="ASSET_REGISTERED"]').innerText()).toContain('资产登记');
    await page.goto(`${h.baseUrl}/admin/assets?idle=1`);
    expect(await page.locator(`tr[data-asset="ZC-GS-${run}"]`).count()).toBe(0);
  });

  it('the ledger and the library filter in the database and page by cursor: each page keeps the filters, no row twice, none lost; a forged cursor is refused', async () => {
    const owner = encodeURIComponent(`分页业主${run}`);
    await page.goto(`${h.baseUrl}/admin/assets?owner=${owner}`);
    expect(await page.locator('#asset-list tr[data-asset]').count()).toBe(3);
    expect(await page.locator('#asset-list h2').innerText()).toContain('(3)');
    const seen: string[] = [];
    await page.goto(`${h.baseUrl}/admin/assets?owner=${owner}&limit=2`);
    for (;;) {
      seen.push(...await page.locator('#asset-list tr[data-asset]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-asset') as string)));
      const next = page.locator('#asset-list a[rel=next]');
      if (await next.count() === 0) break;
      expect(await next.getAttribute('href')).toContain(`owner=${owner}`);
      await next.click();
    }
    expect(seen.sort()).toEqual([`ZC-GP1-${run}`, `ZC-GP2-${run}`, `ZC-GP3-${run}`]);
    // Filters combine in SQL: class and owner.
    await page.goto(`${h.baseUrl}/admin/assets?owner=${owner}&assetClass=INCOME`);
    expect(await page.locator('#asset-list tr[data-asset]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-asset')))).toEqual([`ZC-GP3-${run}`]);
    // The library pages the same way; the not-started filter needs the flag and no start.
    await page.goto(`${h.baseUrl}/admin/projects?township=${DEMO.townshipA}&limit=1`);
    expect(await page.locator('#project-list tr[data-project]').count()).toBe(1);
    await page.goto(`${h.baseUrl}/admin/projects?notStarted=1`);
    expect(await page.locator(`tr[data-project="XM-GA-${run}"]`).count()).toBe(0);
    const forged = await page.goto(`${h.baseUrl}/admin/assets?after=bm90LWEtY3Vyc29y`);
    expect(forged?.status()).toBe(400);
    expect(await page.locator('main').innerText()).toContain('after');
    // A cursor of the right shape around a date PostgreSQL would not take (["1","x"]) is refused the same way, not a 500.
    expect((await page.goto(`${h.baseUrl}/admin/projects?after=WyIxIiwieCJd`))?.status()).toBe(400);
  });
});
