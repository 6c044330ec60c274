/**
 * 公益岗位指标 (posts per township, set by the county) and 乡镇公告 (the township's announcement), with a
 * real worker, Temporal and PostgreSQL: an application in a township with a quota for this year is
 * refused until the township announced it and once its open jobs fill it; a township without a
 * quota applies as before. Two townships of this file's own, so no other test's applications are affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { makeResidentId } from '../core/resident-id';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, startHarness } from './support/harness';
import { createCase, driveToMonitored } from './support/driver';

let h: Harness;
const base = compressedPolicy({ notice: 1, reminder: 1, escalationRepeat: 30 });
const policy: TPolicy = { ...base, welfareJobs: { minAge: 16, maxAge: 65, maxTermMonths: 12, notice: { unit: 'SECONDS', amount: 60 }, monthUnit: 'SECONDS' } };
const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Two townships of this file (one village each) under the demo county, with a township and a village official. */
async function ownTownship(): Promise<{ township: string; village: string; villageOfficial: string; townshipOfficial: string }> {
  for (;;) {
    const n = String(randomInt(300, 1000));
    const township = `410599${n}000`;
    const village = `410599${n}201`;
    if (await h.prisma.region.findUnique({ where: { code: township } })) continue;
    await h.prisma.region.create({ data: { code: township, name: `指标镇${n}`, level: 'TOWNSHIP', parentCode: DEMO.county } });
    await h.prisma.region.create({ data: { code: village, name: `指标村${n}`, level: 'VILLAGE', parentCode: township } });
    const townshipOfficial = `quota-t-${n}-${randomInt(1e6)}`;
    const villageOfficial = `quota-v-${n}-${randomInt(1e6)}`;
    await h.prisma.official.create({ data: { id: townshipOfficial, name: '指标镇干部', email: `${townshipOfficial}@test.bangfu.local`, role: 'TOWNSHIP', regionCode: township } });
    await h.prisma.official.create({ data: { id: villageOfficial, name: '指标村干部', email: `${villageOfficial}@test.bangfu.local`, role: 'VILLAGE', regionCode: village } });
    return { township, village, villageOfficial, townshipOfficial };
  }
}

const idOf = (birth: string): string => makeResidentId('410599', birth, String(randomInt(0, 1000)).padStart(3, '0'));

async function monitoredCaseIn(village: string): Promise<string> {
  const caseId = await createCase(h, { household: { villageCode: village } });
  await driveToMonitored(h, caseId);
  return caseId;
}

function apply(as: string, caseId: string) {
  return h.api('POST', '/api/welfare-jobs', { as, body: { caseId, idNumber: idOf('19800101'), post: '护林员', monthlyWage: 800, termMonths: 2, member: '户主' } });
}

beforeAll(async () => {
  h = await startHarness({ policy });
});
afterAll(async () => {
  await h?.stop();
});

describe('公益岗位指标 public-welfare posts per township', () => {
  it('a township with a quota takes applications only once it announced it and while its open jobs are fewer than the quota; a township without a quota is unaffected', async () => {
    const a = await ownTownship();
    const b = await ownTownship();
    const county = await h.officialOf('COUNTY', DEMO.county);
    const [c1, c2, c3] = await Promise.all([monitoredCaseIn(a.village), monitoredCaseIn(a.village), monitoredCaseIn(b.village)]);

    // Only the county (or an administrator) sets quotas.
    const byTownship = await h.api('POST', '/api/welfare-jobs/quotas', { as: a.townshipOfficial, body: { year, townships: [{ townshipCode: a.township, posts: 1 }] } });
    expect(byTownship.status).toBe(403);
    const set = await h.api('POST', '/api/welfare-jobs/quotas', { as: county, body: { year, townships: [{ townshipCode: a.township, posts: 1, postNames: ['护林员'] }] } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.quotas).toEqual([{ year, townshipCode: a.township, posts: 1, postNames: ['护林员'], announcedOn: null, announcementText: null }]);
    // Setting it again is idempotent: one row, the same numbers.
    const again = await h.api('POST', '/api/welfare-jobs/quotas', { as: county, body: { year, townships: [{ townshipCode: a.township, posts: 1 }] } });
    expect(again.status).toBe(200);
    expect(await h.prisma.welfareJobQuota.count({ where: { townshipCode: a.township } })).toBe(1);
    expect(again.body.quotas[0].postNames).toEqual(['护林员']);

    // Not announced yet: refused, naming caseId.
    const early = await apply(a.villageOfficial, c1);
    expect(early.status, JSON.stringify(early.body)).toBe(422);
    expect(early.body.error.field).toBe('caseId');
    expect(early.body.error.details?.refusal).toBe('QUOTA_NOT_ANNOUNCED');

    // Another township cannot announce it; its own township does.
    const foreign = await h.api('POST', `/api/welfare-jobs/quotas/${a.township}/announce`, { as: b.townshipOfficial, body: { year, announcedOn: today, text: '公益岗位公告' } });
    expect(foreign.status).toBe(403);
    const announced = await h.api('POST', `/api/welfare-jobs/quotas/${a.township}/announce`, { as: a.townshipOfficial, body: { year, announcedOn: today, text: '本镇设护林员公益岗位1个' } });
    expect(announced.status, JSON.stringify(announced.body)).toBe(200);
    expect(announced.body).toMatchObject({ townshipCode: a.township, announcedOn: today, announcementText: '本镇设护林员公益岗位1个' });

    const ok = await apply(a.villageOfficial, c1);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);

    // The one post is taken by the open job: the next application is refused.
    const full = await apply(a.villageOfficial, c2);
    expect(full.status, JSON.stringify(full.body)).toBe(422);
    expect(full.body.error.field).toBe('caseId');
    expect(full.body.error.details?.refusal).toBe('QUOTA_FULL');

    // A township without a quota applies as before.
    const other = await apply(b.villageOfficial, c3);
    expect(other.status, JSON.stringify(other.body)).toBe(201);

    const figures = await h.api('GET', '/api/welfare-jobs/figures', { as: county });
    expect(figures.status).toBe(200);
    const rows = figures.body.townships as { townshipCode: string; quota: number | null; announced: boolean; postsFilled: number }[];
    expect(rows.find((t) => t.townshipCode === a.township)).toMatchObject({ quota: 1, announced: true });
    expect(rows.find((t) => t.townshipCode === b.township)).toMatchObject({ quota: null, announced: false });
  });

  it('the last post goes to one of two applications arriving at once (the quota holds under concurrency)', async () => {
    const t = await ownTownship();
    const county = await h.officialOf('COUNTY', DEMO.county);
    const [c1, c2] = await Promise.all([monitoredCaseIn(t.village), monitoredCaseIn(t.village)]);
    expect((await h.api('POST', '/api/welfare-jobs/quotas', { as: county, body: { year, townships: [{ townshipCode: t.township, posts: 1 }] } })).status).toBe(200);
    // The county above may announce for the township.
    expect((await h.api('POST', `/api/welfare-jobs/quotas/${t.township}/announce`, { as: county, body: { year, announcedOn: today, text: '公益岗位公告' } })).status).toBe(200);
    const both = await Promise.all([apply(t.villageOfficial, c1), apply(t.villageOfficial, c2)]);
    expect(both.map((r) => r.status).sort(), JSON.stringify(both.map((r) => r.body))).toEqual([201, 422]);
    expect(both.find((r) => r.status === 422)!.body.error.details?.refusal).toBe('QUOTA_FULL');
  });

  it('hostile quota values (a negative count, an unknown township, a township twice, an announcement without a quota) are refused with a 4xx naming the field', async () => {
    const county = await h.officialOf('COUNTY', DEMO.county);
    const negative = await h.api('POST', '/api/welfare-jobs/quotas', { as: county, body: { year, townships: [{ townshipCode: DEMO.townshipA, posts: -1 }] } });
    expect(negative.status).toBe(400);
    expect(negative.body.error.field).toBe('body.townships.0.posts');
    const fraction = await h.api('POST', '/api/welfare-jobs/quotas', { as: county, body: { year, townships: [{ townshipCode: DEMO.townshipA, posts: 1.5 }] } });
    expect(fraction.status).toBe(400);
    expect(fraction.body.error.field).toBe('body.townships.0.posts');
    const unknown = await h.api('POST', '/api/welfare-jobs/quotas', { as: county, body: { year, townships: [{ townshipCode: '419999999000', posts: 3 }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('body.townships.0.townshipCode');
    const village = await h.api('POST', '/api/welfare-jobs/quotas', { as: county, body: { year, townships: [{ townshipCode: DEMO.villageA1, posts: 3 }] } });
    expect(village.status).toBe(400);
    expect(village.body.error.field).toBe('body.townships.0.townshipCode');
    const malformed = await h.api('POST', '/api/welfare-jobs/quotas', { as: county, body: { year, townships: [{ townshipCode: '../etc', posts: 3 }] } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe('body.townships.0.townshipCode');
    const badYear = await h.api('POST', '/api/welfare-jobs/quotas', { as: county, body: { year: 99999, townships: [{ townshipCode: DEMO.townshipA, posts: 3 }] } });
    expect(badYear.status).toBe(400);
    expect(badYear.body.error.field).toBe('body.year');
    // Nothing was stored for the demo townships by these refusals.
    expect(await h.prisma.welfareJobQuota.count({ where: { townshipCode: { in: [DEMO.townshipA, DEMO.villageA1, '419999999000'] } } })).toBe(0);
    // An announcement in a year without a quota: 404 naming the township.
    const none = await h.api('POST', `/api/welfare-jobs/quotas/${DEMO.townshipB}/announce`, { as: county, body: { year: 2001, announcedOn: today, text: '公告' } });
    expect(none.status).toBe(404);
    expect(none.body.error.field).toBe('params.townshipCode');
    const badDate = await h.api('POST', `/api/welfare-jobs/quotas/${DEMO.townshipB}/announce`, { as: county, body: { year, announcedOn: '2026-13-40', text: '公告' } });
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.field).toBe('body.announcedOn');
  });
});
