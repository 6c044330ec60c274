/**
 * 公益岗位 admin pages, over plain HTTP as a browser without scripts: the county sets a township's
 * posts on /admin/welfare-jobs/quotas, the township announces them there (乡镇公告), the table and
 * the figures show it; bad form values are a 4xx page naming the field, never a 500; an early exit
 * (提前退出) through the job's page ends the job and its measure on the case as the API does. A
 * county of this file's own (prefix 44), with real Temporal, worker and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { makeResidentId } from '../core/resident-id';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { AdminClient } from './support/admin';
import { adminLogin } from './support/admin';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { createCase, driveToMonitored } from './support/driver';
import { decideProcessTask, openProcessTask, todayBeijing } from './support/microcredit-driver';

let h: Harness;
const base = compressedPolicy({ notice: 1, reminder: 1, escalationRepeat: 30 });
// Real months: a job stays in post for the whole test (no month closes, no end of term).
const policy: TPolicy = { ...base, welfareJobs: { minAge: 16, maxAge: 65, maxTermMonths: 12, notice: { unit: 'SECONDS', amount: 2 }, monthUnit: 'MONTHS' } };
const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

let rr = '';
const code = (rest: string): string => `44${rr}${rest}`;
let COUNTY = '';
let T1 = '';
let T2 = '';
let T3 = '';
let V1 = '';
let V3 = '';
const off = (c: string, role: string): string => `off-wjp-${role.toLowerCase()}-${c}`;

beforeAll(async () => {
  h = await startHarness({ policy });
  for (;;) {
    rr = String(randomInt(10, 100));
    if (!(await h.prisma.region.findUnique({ where: { code: code('01000000') } }))) break;
  }
  [COUNTY, T1, T2, T3, V1, V3] = [code('01000000'), code('01100000'), code('01200000'), code('01300000'), code('01100201'), code('01300201')];
  const regions = [
    { code: COUNTY, name: `岗位县${rr}`, level: 'COUNTY', parentCode: null },
    { code: T1, name: `甲岗镇${rr}`, level: 'TOWNSHIP', parentCode: COUNTY },
    { code: T2, name: `乙岗镇${rr}`, level: 'TOWNSHIP', parentCode: COUNTY },
    { code: T3, name: `丙岗镇${rr}`, level: 'TOWNSHIP', parentCode: COUNTY },
    { code: V1, name: `甲岗村${rr}`, level: 'VILLAGE', parentCode: T1 },
    { code: V3, name: `丙岗村${rr}`, level: 'VILLAGE', parentCode: T3 },
  ];
  for (const r of regions) await h.prisma.region.create({ data: r });
  for (const [c, role] of [[COUNTY, 'COUNTY'], [COUNTY, 'ADMIN'], [T1, 'TOWNSHIP'], [T2, 'TOWNSHIP'], [T3, 'TOWNSHIP'], [V1, 'VILLAGE'], [V3, 'VILLAGE']] as const) {
    await h.prisma.official.create({ data: { id: off(c, role), name: `岗位${role}干部`, email: `${off(c, role)}@test.bangfu.local`, role, regionCode: c } });
  }
});
afterAll(async () => {
  await h?.stop();
});

const idOf = (birth: string): string => makeResidentId('410599', birth, String(randomInt(0, 1000)).padStart(3, '0'));

async function monitoredCaseIn(village: string): Promise<string> {
  const caseId = await createCase(h, { household: { villageCode: village } });
  await driveToMonitored(h, caseId);
  return caseId;
}

function apply(village: string, caseId: string, termMonths = 2) {
  return h.api('POST', '/api/welfare-jobs', { as: off(village, 'VILLAGE'), body: { caseId, idNumber: idOf('19800101'), post: '护林员', monthlyWage: 800, termMonths, member: '户主' } });
}

/** The quota table's row of a township (its data attributes), or null when not listed. */
function rowOf(pageHtml: string, township: string): Record<string, string> | null {
  const m = new RegExp(`<tr data-township="${township}"([^>]*)>`).exec(pageHtml);
  if (!m) return null;
  return Object.fromEntries([...m[1].matchAll(/data-([a-z]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
}

/** The announce form of a township's row is on the page. */
const hasAnnounceForm = (pageHtml: string, township: string): boolean => pageHtml.includes(`action="/admin/welfare-jobs/quotas/${township}/announce"`);
const hasSetForm = (pageHtml: string): boolean => pageHtml.includes('action="/admin/welfare-jobs/quotas"');

describe('公益岗位指标 pages', () => {
  it('the county sets a township\'s posts on the page, only that township announces them there, and the table and the figures show it (applications wait for the announcement)', async () => {
    const county = await adminLogin(h, off(COUNTY, 'ADMIN'));
    const csrf = await county.csrf();
    const caseId = await monitoredCaseIn(V1);

    const list = await county.get('/admin/welfare-jobs');
    expect(list.status).toBe(200);
    expect(list.text).toContain('href="/admin/welfare-jobs/quotas"');
    const before = await county.get('/admin/welfare-jobs/quotas');
    expect(before.status).toBe(200);
    expect(before.text).toContain('公益岗位指标');
    expect(rowOf(before.text, T1)).toMatchObject({ quota: '', announced: '0' });
    expect(rowOf(before.text, DEMO.townshipA), 'only the official\'s county').toBeNull();
    expect(hasSetForm(before.text)).toBe(true);

    const set = await county.post('/admin/welfare-jobs/quotas', { _csrf: csrf, year: String(year), townshipCode: T1, posts: '1', postNames: '护林员、保洁员' });
    expect(set.status, set.text).toBe(303);
    expect(set.location).toBe('/admin/welfare-jobs/quotas?done=1');
    expect(await h.prisma.welfareJobQuota.findUnique({ where: { year_townshipCode: { year, townshipCode: T1 } } })).toMatchObject({ posts: 1, postNames: ['护林员', '保洁员'], announcedAt: null });
    const afterSet = await county.get('/admin/welfare-jobs/quotas?done=1');
    expect(rowOf(afterSet.text, T1)).toMatchObject({ quota: '1', announced: '0' });
    expect(afterSet.text).toContain('未公布');

    // The quota set on the page holds: the village waits for the announcement.
    const early = await apply(V1, caseId);
    expect(early.status, JSON.stringify(early.body)).toBe(422);
    expect(early.body.error.details?.refusal).toBe('QUOTA_NOT_ANNOUNCED');

    // Another township neither sees a button for it nor may announce it; nor may a township set posts.
    const other = await adminLogin(h, off(T2, 'TOWNSHIP'));
    const otherCsrf = await other.csrf();
    const otherPage = await other.get('/admin/welfare-jobs/quotas');
    expect(otherPage.status).toBe(200);
    expect(hasAnnounceForm(otherPage.text, T1)).toBe(false);
    expect(hasSetForm(otherPage.text)).toBe(false);
    const foreign = await other.post(`/admin/welfare-jobs/quotas/${T1}/announce`, { _csrf: otherCsrf, year: String(year), announcedOn: todayBeijing(), announcementText: '公告' });
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('乡镇代码：不在您的辖区内');
    const townshipSets = await other.post('/admin/welfare-jobs/quotas', { _csrf: otherCsrf, year: String(year), townshipCode: T2, posts: '5' });
    expect(townshipSets.status).toBe(403);
    expect(townshipSets.text).toContain('只有县级干部或管理员可以设定公益岗位指标');
    expect(await h.prisma.welfareJobQuota.count({ where: { townshipCode: T2 } })).toBe(0);

    // The township announces on the page.
    const township = await adminLogin(h, off(T1, 'TOWNSHIP'));
    const tPage = await township.get('/admin/welfare-jobs/quotas');
    expect(hasAnnounceForm(tPage.text, T1)).toBe(true);
    expect(hasSetForm(tPage.text)).toBe(false);
    const announced = await township.post(`/admin/welfare-jobs/quotas/${T1}/announce`, { _csrf: await township.csrf(), year: String(year), announcedOn: todayBeijing(), announcementText: '本镇设护林员公益岗位1个' });
    expect(announced.status, announced.text).toBe(303);
    const row = await h.prisma.welfareJobQuota.findUniqueOrThrow({ where: { year_townshipCode: { year, townshipCode: T1 } } });
    expect(row).toMatchObject({ announcedOn: todayBeijing(), announcementText: '本镇设护林员公益岗位1个', announcedById: off(T1, 'TOWNSHIP') });

    // Now the village applies; the table counts the job and the figures agree.
    const ok = await apply(V1, caseId);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const after = await county.get('/admin/welfare-jobs/quotas');
    expect(rowOf(after.text, T1)).toMatchObject({ quota: '1', announced: '1', jobs: '1', filled: '0' });
    expect(after.text).toContain(`已公布 ${todayBeijing()}`);
    expect(after.text).toContain('本镇设护林员公益岗位1个');
    const figures = await h.api('GET', '/api/welfare-jobs/figures', { as: off(COUNTY, 'COUNTY') });
    expect(figures.body.townships.find((t: { townshipCode: string }) => t.townshipCode === T1)).toMatchObject({ quota: 1, announced: true, jobs: 1 });

    // English where the pages offer it.
    const en = await county.get('/admin/welfare-jobs/quotas?lang=en');
    expect(en.text).toContain(`Posts per township in ${year}`);

    // Next year's quotas on their own page (?year=), set through the same form; a bad year is a 400 naming 年度.
    const next = await county.post('/admin/welfare-jobs/quotas', { _csrf: csrf, year: String(year + 1), townshipCode: T1, posts: '3' });
    expect(next.status, next.text).toBe(303);
    const nextPage = await county.get(`/admin/welfare-jobs/quotas?year=${year + 1}`);
    expect(nextPage.status).toBe(200);
    expect(nextPage.text).toContain(`${year + 1}年度各乡镇公益岗位指标`);
    expect(rowOf(nextPage.text, T1)).toMatchObject({ quota: '3', announced: '0' });
    expect(rowOf((await county.get('/admin/welfare-jobs/quotas')).text, T1)).toMatchObject({ quota: '1', announced: '1' });
    for (const [q, says] of [['abc', '年度：应为整数'], ['1999', '年度：不能小于 2000'], ['99999999999999999999', '年度：不能大于 2100']] as const) {
      const bad = await county.get(`/admin/welfare-jobs/quotas?year=${q}`);
      expect(bad.status, q).toBe(400);
      expect(bad.text, q).toContain(says);
    }
  });

  it('bad form values (non-digits, negative, huge, NUL bytes, an unknown township, a village, a bad date, no text, no CSRF) are a 4xx page naming the field, never a 500, and store nothing', async () => {
    const county = await adminLogin(h, off(COUNTY, 'COUNTY'));
    const csrf = await county.csrf();
    const form = (over: Record<string, string>) => ({ _csrf: csrf, year: String(year), townshipCode: T2, posts: '3', ...over });
    const cases: [Record<string, string>, number, string][] = [
      [{ posts: 'abc' }, 400, '岗位数：应为整数'],
      [{ posts: '1e3' }, 400, '岗位数：应为整数'],
      [{ posts: '1.5' }, 400, '岗位数：应为整数'],
      [{ posts: '-1' }, 400, '岗位数：不能小于 0'],
      [{ posts: '100001' }, 400, '岗位数：不能大于 100000'],
      [{ posts: '99999999999999999999' }, 400, '岗位数：不能大于 100000'],
      [{ posts: '9'.repeat(500) }, 400, '岗位数'],
      [{ posts: '' }, 400, '岗位数：必填'],
      [{ posts: '3\u0000' }, 400, 'posts'],
      [{ year: '二〇二六' }, 400, '年度：应为整数'],
      [{ year: '99999' }, 400, '年度：不能大于 2100'],
      [{ townshipCode: '419999999000' }, 400, '乡镇代码：不是已知的乡镇'],
      [{ townshipCode: V1 }, 400, '乡镇代码：不是已知的乡镇'],
      [{ townshipCode: '../etc' }, 400, '乡镇代码'],
      [{ townshipCode: `${T2}\u0000` }, 400, 'townshipCode'],
      [{ townshipCode: DEMO.townshipA }, 403, '乡镇代码：不在您的辖区内'],
      [{ postNames: 'x'.repeat(41) }, 400, '岗位名称'],
    ];
    for (const [over, status, text] of cases) {
      const r = await county.post('/admin/welfare-jobs/quotas', form(over));
      expect(r.status, `${JSON.stringify(over).slice(0, 80)}: ${r.text.slice(0, 300)}`).toBe(status);
      expect(r.text, JSON.stringify(over).slice(0, 80)).toContain(text);
    }
    const noCsrf = await county.post('/admin/welfare-jobs/quotas', { year: String(year), townshipCode: T2, posts: '3' });
    expect(noCsrf.status).toBe(403);
    expect(await h.prisma.welfareJobQuota.count({ where: { townshipCode: { in: [T2, V1, DEMO.townshipA, '419999999000'] } } })).toBe(0);

    // The announcement form.
    const announce = (township: string, over: Record<string, string>) =>
      county.post(`/admin/welfare-jobs/quotas/${encodeURIComponent(township)}/announce`, { _csrf: csrf, year: String(year), announcedOn: todayBeijing(), announcementText: '公告', ...over });
    const announceCases: [string, Record<string, string>, number, string][] = [
      [T2, {}, 404, '乡镇代码：' + `${year}年度尚未设定公益岗位指标`],
      [T2, { announcementText: '' }, 400, '公告内容：必填'],
      [T2, { announcedOn: '2026-13-40' }, 400, '公告日期'],
      [T2, { year: '-5' }, 400, '年度'],
      ['abc', {}, 400, '乡镇代码'],
      ['419999999000', {}, 400, '乡镇代码：不是已知的乡镇'],
    ];
    for (const [township, over, status, text] of announceCases) {
      const r = await announce(township, over);
      expect(r.status, `${township} ${JSON.stringify(over)}: ${r.text.slice(0, 300)}`).toBe(status);
      expect(r.text).toContain(text);
    }
    // In English the page names the route's field.
    const en = await county.post('/admin/welfare-jobs/quotas?lang=en', form({ posts: '-1' }));
    expect(en.status).toBe(400);
    expect(en.text).toContain('townships.0.posts');
  });
});

describe('提前退出 on the job page', () => {
  it('an early exit through the job page ends the job EXITED and its PUBLIC_WELFARE_JOB measure on the case, as the API path does, and the timeline shows it', async () => {
    const caseId = await monitoredCaseIn(V3);
    const res = await apply(V3, caseId, 12);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const processId = res.body.process.id as string;
    // Village officials have no admin pages (ADMIN_PAGE_ROLES); the township records the exit there.
    const township: AdminClient = await adminLogin(h, off(T3, 'TOWNSHIP'));
    const csrf = await township.csrf();
    const jobPath = `/admin/welfare-jobs/${encodeURIComponent(processId)}`;

    // Not in post yet: no form, and a post is refused by the workflow (409).
    expect((await township.get(jobPath)).text).not.toContain(`action="${jobPath}/exit"`);
    const tooEarly = await township.post(`${jobPath}/exit`, { _csrf: csrf, reason: '辞职' });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.text).toContain('只有在岗期间才能办理提前退出');

    await decideProcessTask(h, await openProcessTask(h, processId, 'VILLAGE_REVIEW'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, processId, 'TOWNSHIP_APPROVAL'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, processId, 'AGREEMENT'), 'DONE', { startOn: todayBeijing(), termMonths: 12 });
    await eventually(async () => ((await h.state(caseId)).measures.some((m) => m.measureId === `${processId}-M`) ? true : null), 'the measure on the case');
    await eventually(async () => (await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).status === 'IN_POST', 'the job in post');

    const page = await township.get(jobPath);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="${jobPath}/exit"`);
    expect(page.text).toContain('提前退出');

    const noReason = await township.post(`${jobPath}/exit`, { _csrf: csrf, reason: '   ' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('理由：必填');
    const nul = await township.post(`${jobPath}/exit`, { _csrf: csrf, reason: '辞\u0000职' });
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('reason');
    expect((await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).status).toBe('IN_POST');

    const exit = await township.post(`${jobPath}/exit`, { _csrf: csrf, reason: '外出务工' });
    expect(exit.status, exit.text).toBe(303);
    expect(exit.location).toBe(`${jobPath}?done=1`);
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(row.status).toBe('EXITED');
    expect(row.closedAt).not.toBeNull();
    expect((row.data as any).exit).toMatchObject({ early: true, reason: '外出务工' });
    expect(await h.prisma.task.count({ where: { processId, status: 'OPEN' } })).toBe(0);
    expect(await h.client.workflow.getHandle(row.workflowId).result()).toMatchObject({ processId, status: 'EXITED', measureRecorded: true });
    expect((await h.prisma.measure.findUniqueOrThrow({ where: { id: `${processId}-M` } })).endedOn).not.toBeNull();
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['JOB_EXITED_EARLY', 'MEASURE_ENDED_ON_CASE']));

    const done = await township.get(`${jobPath}?done=1`);
    expect(done.text).toContain('data-status="EXITED"');
    expect(done.text).toContain('data-action="JOB_EXITED_EARLY"');
    expect(done.text).not.toContain(`action="${jobPath}/exit"`);
    // Once ended, a second exit is refused (409), not a 500.
    const again = await township.post(`${jobPath}/exit`, { _csrf: csrf, reason: '辞职' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('该岗位已结束');
  });
});
