/**
 * Admin sign-in and the case list: filters and paging return the right cases for a township
 * official, and nothing outside its region.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from './support/admin';
import { adminLogin, listedCaseIds, listedTotal } from './support/admin';
import type { Harness } from './support/harness';
import { DEMO, startHarness } from './support/harness';
import type { SeedCase } from './support/seed-cases';
import { privatePeriod, seedCases } from './support/seed-cases';

let h: Harness;
let township: AdminClient;
const period = privatePeriod();
const DAY = 86_400_000;
let seeded: (SeedCase & { id: string; township: string })[] = [];

const B2 = '410599101202';
const past = new Date(Date.now() - 2 * DAY);
const future = new Date(Date.now() + 2 * DAY);

function specs(): SeedCase[] {
  const d = period.day;
  const t = (step: string, dueAt: Date) => [{ step, level: 'VILLAGE', dueAt }];
  return [
    { village: DEMO.villageA1, status: 'IDENTIFYING', step: 'VERIFICATION', openedAt: d(1), category: 'MARGINAL', tasks: t('VERIFICATION', past), headName: '甲一号' },
    { village: DEMO.villageA1, status: 'IDENTIFYING', step: 'VERIFICATION', openedAt: d(2), category: 'SUDDEN_HARDSHIP', tasks: t('VERIFICATION', future) },
    { village: DEMO.villageA2, status: 'IDENTIFYING', step: 'VILLAGE_REVIEW', openedAt: d(3), category: 'MARGINAL', tasks: t('VILLAGE_REVIEW', past) },
    { village: DEMO.villageA2, status: 'MONITORED', openedAt: d(4), category: 'UNSTABLE_LIFTED' },
    { village: DEMO.villageA1, status: 'MONITORED', openedAt: d(5), category: 'MARGINAL' },
    { village: DEMO.villageA1, status: 'REJECTED', openedAt: d(6), category: 'MARGINAL' },
    { village: DEMO.villageA2, status: 'ELIMINATED', openedAt: d(7), category: 'SUDDEN_HARDSHIP' },
    { village: DEMO.villageA1, status: 'IDENTIFYING', step: 'TOWNSHIP_REVIEW', openedAt: d(8), category: 'MARGINAL', tasks: [{ step: 'TOWNSHIP_REVIEW', level: 'TOWNSHIP', dueAt: past }] },
    // Township B: never visible to township A.
    { village: DEMO.villageB1, status: 'IDENTIFYING', step: 'VERIFICATION', openedAt: d(1, 12), category: 'MARGINAL', tasks: t('VERIFICATION', past) },
    { village: DEMO.villageB1, status: 'MONITORED', openedAt: d(4, 12), category: 'MARGINAL' },
    { village: B2, status: 'IDENTIFYING', step: 'VILLAGE_REVIEW', openedAt: d(5, 12), category: 'SUDDEN_HARDSHIP' },
  ];
}

const inPeriod = `openedFrom=${period.from}&openedTo=${period.to}`;
const mine = (): typeof seeded => seeded.filter((s) => s.township === DEMO.townshipA);
const ids = (list: typeof seeded): string[] => list.map((s) => s.id).sort();

async function listAll(query: string): Promise<string[]> {
  const page = await township.get(`/admin/cases?${inPeriod}&pageSize=200&${query}`);
  expect(page.status, query).toBe(200);
  return listedCaseIds(page.text).sort();
}

beforeAll(async () => {
  h = await startHarness();
  const list = specs();
  const created = await seedCases(h.prisma, list);
  seeded = list.map((s, i) => ({ ...s, id: created[i], township: s.village.startsWith('4105991002') || s.village === DEMO.villageA1 || s.village === DEMO.villageA2 ? DEMO.townshipA : DEMO.townshipB }));
  township = await adminLogin(h, await h.officialOf('TOWNSHIP', DEMO.townshipA));
});
afterAll(async () => {
  await h?.stop();
});

describe('admin sign-in', () => {
  it('pages need a session: without one the browser is sent to the sign-in page', async () => {
    const res = await fetch(`${h.baseUrl}/admin/cases`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fcases');
  });

  it('the session cookie is HttpOnly and SameSite=Strict and holds no token', async () => {
    const form = await fetch(`${h.baseUrl}/admin/login`);
    const login = form.headers.getSetCookie()[0].split(';')[0];
    const nonce = /name="_login" value="([^"]+)"/.exec(await form.text())![1];
    const token = await h.token(await h.officialOf('ADMIN', DEMO.county));
    const res = await fetch(`${h.baseUrl}/admin/login`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: login },
      body: new URLSearchParams({ token, _login: nonce }).toString(),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('bf_admin='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(token);
  });

  it('a village token, an unknown token, or a login without the form nonce is refused', async () => {
    const form = await fetch(`${h.baseUrl}/admin/login`);
    const login = form.headers.getSetCookie()[0].split(';')[0];
    const nonce = /name="_login" value="([^"]+)"/.exec(await form.text())![1];
    const post = (token: string, withNonce = true) => fetch(`${h.baseUrl}/admin/login`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(withNonce ? { cookie: login } : {}) },
      body: new URLSearchParams({ token, _login: nonce }).toString(),
    });
    expect((await post(await h.token(await h.officialOf('VILLAGE', DEMO.villageA1)))).status).toBe(401);
    expect((await post('bf_not-a-real-token')).status).toBe(401);
    expect((await post(await h.token(await h.officialOf('ADMIN', DEMO.county)), false)).status).toBe(401);
  });

  it('a POST without the CSRF token is refused and changes nothing', async () => {
    const res = await township.post(`/admin/cases/${seeded[0].id}/close`, { reason: 'MOVED_AWAY' });
    expect(res.status).toBe(403);
    expect((await h.prisma.case.findUniqueOrThrow({ where: { id: seeded[0].id } })).status).toBe('IDENTIFYING');
  });

  it('signing out ends the session', async () => {
    const other = await adminLogin(h, await h.officialOf('COUNTY', DEMO.county));
    const out = await other.post('/admin/logout', { _csrf: await other.csrf() });
    expect(out.status).toBe(303);
    expect((await other.get('/admin/cases')).status).toBe(303);
  });
});

describe('case list for a township official', () => {
  it('shows every case of its township in the period and none of another township', async () => {
    expect(await listAll('')).toEqual(ids(mine()));
  });

  it.each([
    ['status=MONITORED', (s: SeedCase) => s.status === 'MONITORED'],
    ['step=VERIFICATION', (s: SeedCase) => s.step === 'VERIFICATION'],
    [`villageCode=${DEMO.villageA2}`, (s: SeedCase) => s.village === DEMO.villageA2],
    ['category=SUDDEN_HARDSHIP', (s: SeedCase) => s.category === 'SUDDEN_HARDSHIP'],
    ['overdue=true', (s: SeedCase) => (s.tasks ?? []).some((t) => t.dueAt.getTime() <= Date.now())],
    ['overdue=false', (s: SeedCase) => !(s.tasks ?? []).some((t) => t.dueAt.getTime() <= Date.now())],
    ['status=IDENTIFYING&category=MARGINAL', (s: SeedCase) => s.status === 'IDENTIFYING' && s.category === 'MARGINAL'],
    ['q=甲一号', (s: SeedCase) => s.headName === '甲一号'],
  ])('filter %s returns exactly the matching cases of the township', async (query, match) => {
    expect(await listAll(query)).toEqual(ids(mine().filter(match)));
  });

  it('opened between narrows by Beijing date, inclusive', async () => {
    const from = period.day(3).toISOString().slice(0, 10);
    const to = period.day(5).toISOString().slice(0, 10);
    const page = await township.get(`/admin/cases?openedFrom=${from}&openedTo=${to}&pageSize=200`);
    const expected = mine().filter((s) => s.openedAt >= new Date(`${from}T00:00:00+08:00`) && s.openedAt < new Date(new Date(`${to}T00:00:00+08:00`).getTime() + DAY));
    expect(expected.length).toBe(3);
    expect(listedCaseIds(page.text).sort()).toEqual(ids(expected));
  });

  it('pages of three walk through every case once, newest first', async () => {
    const expected = mine().sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime()).map((s) => s.id);
    const seen: string[] = [];
    for (let p = 1; p <= 3; p++) {
      const page = await township.get(`/admin/cases?${inPeriod}&pageSize=3&page=${p}`);
      expect(listedTotal(page.text)).toBe(expected.length);
      seen.push(...listedCaseIds(page.text));
      expect(page.text.includes('rel="next"')).toBe(p < 3);
    }
    expect(seen).toEqual(expected);
  });

  it('filters naming another township return nothing, and its cases cannot be opened', async () => {
    expect(await listAll(`townshipCode=${DEMO.townshipB}`)).toEqual([]);
    expect(await listAll(`villageCode=${DEMO.villageB1}`)).toEqual([]);
    expect(await listAll(`region=${DEMO.townshipB}`)).toEqual([]);
    const other = seeded.find((s) => s.township === DEMO.townshipB)!;
    const page = await township.get(`/admin/cases/${other.id}`);
    expect(page.status).toBe(403);
    expect(page.text).not.toContain('测**'); // no household data of the other township
  });

  it('the JSON list agrees with the page for the same filters', async () => {
    const official = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const res = await h.api('GET', `/api/cases?${inPeriod}&pageSize=200&status=IDENTIFYING`, { as: official });
    expect(res.body.items.map((c: { id: string }) => c.id).sort()).toEqual(await listAll('status=IDENTIFYING'));
  });

  it('the overdue view lists the township’s overdue tasks grouped by level, none of another township', async () => {
    const page = await township.get(`/admin/tasks?${inPeriod}`);
    expect(page.status).toBe(200);
    const listed = [...page.text.matchAll(/<tr data-task-id="([^"]+)"/g)].map((m) => m[1]).sort();
    const expected = mine().flatMap((s) => (s.tasks ?? []).map((t, i) => ({ id: `${s.id}-t${i}`, overdue: t.dueAt.getTime() <= Date.now() }))).filter((t) => t.overdue).map((t) => t.id).sort();
    expect(listed).toEqual(expected);
    expect(page.text).toContain('data-level="VILLAGE"');
    expect(page.text).toContain('data-level="TOWNSHIP"');
  });
});
