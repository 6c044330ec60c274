/**
 * Lists and figures over many cases: keyset (cursor) paging returns exactly the rows of the
 * newest-first order — ties on the opening instant included — forwards and backwards, through the
 * API and the admin pages; a forged cursor is refused naming `cursor`; and the SQL rule of
 * elimination compliance behind the figures agrees with the workflow's JS rule.
 *
 * Runs on a throwaway database of its own (same PostgreSQL server as the suite), filled with 5,000
 * cases at SQL speed by scripts/bench/seed-read-model.ts — rows only, no workflows.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { Prisma } from '@prisma/client';
import { storeComplianceSql } from '../activities/elimination-compliance';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../api/app';
import { issueToken } from '../api/auth/tokens';
import type { ServiceContext } from '../api/services/context';
import { caseSetWhere, eliminationCompliant } from '../api/services/compute-stats';
import { DEMO_ADMIN_ID, DEMO_CODES, seedDemo } from '../prisma/seed/demo';
import { applyMigrations } from '../runtime/migrate';
import { createPrisma } from '../runtime/prisma';
import { DEFAULT_POLICY, compressedPolicy } from '../workflows/policy';
import { createThrowawayDatabase, dropThrowawayDatabase, seedReadModel } from '../scripts/bench/seed-read-model';
import { pinPolicy } from './support/seed-cases';

const CASES = 5_000;
const DB_NAME = `keyset_${randomUUID().slice(0, 8)}`;
let prisma: PrismaClient;
let temporal: Client;
let server: Server;
let base: string;
let token: string;
let townships: string[];
let ctx: ServiceContext;

beforeAll(async () => {
  const url = await createThrowawayDatabase(inject('databaseUrl'), DB_NAME);
  await applyMigrations(url, () => undefined);
  prisma = createPrisma(url);
  await seedDemo(prisma, { dataDir: inject('dataDir') });
  townships = (await seedReadModel(url, { cases: CASES, countyCode: DEMO_CODES.county, townships: 4, villagesPerTownship: 5 })).townshipCodes;
  temporal = new Client({ connection: Connection.lazy({ address: inject('temporalAddress') }) });
  ctx = { prisma, temporal, taskQueue: 'keyset', policy: compressedPolicy(), secret: 'keyset-secret-0123456789', namespace: 'default' };
  const app = createApp(ctx);
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  token = await issueToken(prisma, DEMO_ADMIN_ID, 'keyset');
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await temporal?.connection.close().catch(() => undefined);
  await prisma?.$disconnect();
  await dropThrowawayDatabase(inject('databaseUrl'), DB_NAME);
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

/** Ids in the list order, straight from the table. */
async function orderedIds(where: Record<string, unknown> = {}): Promise<string[]> {
  const rows = await prisma.case.findMany({ where: { countyCode: DEMO_CODES.county, ...where }, orderBy: [{ openedAt: 'desc' }, { id: 'asc' }], select: { id: true } });
  return rows.map((r) => r.id);
}

describe('keyset paging at 5,000 cases', () => {
  it('the seeded list has many cases sharing an opening instant, so ties must be broken by id', async () => {
    const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT "openedAt" FROM "Case" GROUP BY 1 HAVING count(*) > 1) t`;
    expect(n).toBeGreaterThan(100);
  });

  it('following nextCursor from the first page returns every case exactly once, in the list order', async () => {
    const expected = await orderedIds();
    expect(expected.length).toBeGreaterThanOrEqual(CASES);
    const seen: string[] = [];
    let r = await get('/api/cases?pageSize=200');
    for (let page = 1; ; page++) {
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(expected.length);
      seen.push(...r.body.items.map((c: { id: string }) => c.id));
      if (!r.body.nextCursor) break;
      r = await get(`/api/cases?pageSize=200&page=${page + 1}&cursor=${r.body.nextCursor}`);
      expect(r.body.page).toBe(page + 1);
    }
    expect(seen).toEqual(expected);
  });

  it('a deep page by cursor holds the same rows as the same page by number, and prevCursor leads back to the page before', async () => {
    const expected = await orderedIds();
    const page = 180; // rows 3,581–3,600
    const byNumber = await get(`/api/cases?pageSize=20&page=${page}`);
    expect(byNumber.body.items.map((c: { id: string }) => c.id)).toEqual(expected.slice((page - 1) * 20, page * 20));
    const previous = await get(`/api/cases?pageSize=20&page=${page - 1}`);
    const byCursor = await get(`/api/cases?pageSize=20&page=${page}&cursor=${previous.body.nextCursor}`);
    expect(byCursor.body.items).toEqual(byNumber.body.items);
    const back = await get(`/api/cases?pageSize=20&page=${page - 1}&cursor=${byCursor.body.prevCursor}`);
    expect(back.body.items.map((c: { id: string }) => c.id)).toEqual(expected.slice((page - 2) * 20, (page - 1) * 20));
    // Back to the very first page: no previous page any more.
    const first = await get(`/api/cases?pageSize=20&page=2`);
    const top = await get(`/api/cases?pageSize=20&page=1&cursor=${first.body.prevCursor}`);
    expect(top.body.items.map((c: { id: string }) => c.id)).toEqual(expected.slice(0, 20));
    expect(top.body.prevCursor).toBeNull();
  });

  it('cursor paging keeps the filters: a township, a status and a step walk their own cases only', async () => {
    for (const [query, where] of [
      [`townshipCode=${townships[1]}`, { townshipCode: townships[1] }],
      ['status=ELIMINATED', { status: 'ELIMINATED' }],
      ['step=VILLAGE_REVIEW', { step: 'VILLAGE_REVIEW' }],
    ] as const) {
      const expected = await orderedIds(where);
      const seen: string[] = [];
      let r = await get(`/api/cases?pageSize=100&${query}`);
      for (;;) {
        seen.push(...r.body.items.map((c: { id: string }) => c.id));
        if (!r.body.nextCursor) break;
        r = await get(`/api/cases?pageSize=100&${query}&cursor=${r.body.nextCursor}`);
      }
      expect(seen, query).toEqual(expected);
    }
  });

  it('a cursor that this list did not make is refused with 400 naming cursor', async () => {
    for (const bad of ['nope!', Buffer.from('x1700000000000.id').toString('base64url'), 'A'.repeat(300)]) {
      const r = await get(`/api/cases?cursor=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
      expect(JSON.stringify(r.body)).toContain('cursor');
    }
  });

  it('the admin list links its next page by cursor, and that page shows the next cases', async () => {
    const expected = await orderedIds();
    const cookies = (res: Response): string[] => res.headers.getSetCookie().map((c) => c.split(';')[0]);
    const form = await fetch(`${base}/admin/login`);
    const login = cookies(form).find((c) => c.startsWith('bf_login='))!;
    const nonce = /name="_login" value="([^"]+)"/.exec(await form.text())![1];
    const signIn = await fetch(`${base}/admin/login`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: login },
      body: new URLSearchParams({ token, _login: nonce, next: '/admin' }).toString(),
    });
    const cookie = cookies(signIn).find((c) => c.startsWith('bf_admin=') && c.length > 'bf_admin='.length)!;
    const page = async (path: string): Promise<string> => (await fetch(base + path, { headers: { cookie } })).text();
    const ids = (html: string): string[] => [...html.matchAll(/<tr data-case-id="([^"]+)"/g)].map((m) => m[1]);
    const first = await page('/admin/cases');
    expect(ids(first)).toEqual(expected.slice(0, 20));
    const next = /<a rel="next" href="([^"]+)"/.exec(first)![1].replace(/&amp;/g, '&');
    expect(next).toContain('cursor=');
    const second = await page(next);
    expect(ids(second)).toEqual(expected.slice(20, 40));
    expect(second).toContain('2 / ');
  });
});

describe('elimination compliance in SQL', () => {
  it('the stored compliance agrees with the workflow rule for every eliminated case, month ends, day limits and the first-measure clock included', async () => {
    const bj = (s: string): Date => new Date(`${s}+08:00`);
    const edge = [
      // Six months from 31 August (Beijing) ends on 28 February: exactly then is allowed, a millisecond before is not.
      { policy: DEFAULT_POLICY, approvedAt: bj('2023-08-31T10:00:00'), eliminatedAt: bj('2024-02-29T10:00:00') },
      { policy: DEFAULT_POLICY, approvedAt: bj('2022-08-31T10:00:00'), eliminatedAt: bj('2023-02-28T10:00:00') },
      { policy: DEFAULT_POLICY, approvedAt: bj('2022-08-31T10:00:00'), eliminatedAt: new Date(bj('2023-02-28T10:00:00').getTime() - 1) },
      // 23:30 Beijing is the next UTC day's 15:30: the Beijing date counts.
      { policy: DEFAULT_POLICY, approvedAt: bj('2023-01-31T23:30:00'), eliminatedAt: bj('2023-07-31T23:30:00') },
      { policy: { ...DEFAULT_POLICY, eliminationAfter: { unit: 'CALENDAR_DAYS' as const, amount: 10 } }, approvedAt: bj('2023-03-01T22:00:00'), eliminatedAt: bj('2023-03-12T00:00:00') },
      { policy: { ...DEFAULT_POLICY, eliminationAfter: { unit: 'CALENDAR_DAYS' as const, amount: 10 } }, approvedAt: bj('2023-03-01T22:00:00'), eliminatedAt: bj('2023-03-11T23:59:59') },
      { policy: { ...DEFAULT_POLICY, eliminationAfter: { unit: 'WORKING_DAYS' as const, amount: 3 } }, approvedAt: bj('2023-03-01T08:00:00'), eliminatedAt: bj('2023-03-05T00:00:00') },
      { policy: compressedPolicy({ elimination: 4 }), approvedAt: bj('2023-03-01T08:00:00'), eliminatedAt: bj('2023-03-01T08:00:04') },
      { policy: compressedPolicy({ elimination: 4 }), approvedAt: bj('2023-03-01T08:00:00'), eliminatedAt: bj('2023-03-01T08:00:03') },
      { policy: { ...DEFAULT_POLICY, eliminationClock: 'FIRST_MEASURE' as const }, approvedAt: bj('2022-01-01T08:00:00'), eliminatedAt: bj('2023-03-01T08:00:00'), measureOn: bj('2022-10-01T08:00:00') },
      { policy: { ...DEFAULT_POLICY, eliminationClock: 'FIRST_MEASURE' as const }, approvedAt: bj('2022-01-01T08:00:00'), eliminatedAt: bj('2023-03-01T08:00:00'), measureOn: bj('2022-08-01T08:00:00') },
      { policy: DEFAULT_POLICY, approvedAt: bj('2020-01-01T08:00:00'), eliminatedAt: bj('2023-03-01T08:00:00'), noMeasure: true },
    ];
    for (const [i, e] of edge.entries()) {
      const id = `EDGE-${i}`;
      await prisma.household.create({ data: { id: `hh-${id}`, idKey: `edge-${id}`, headName: '边界', idNumberSealed: 'x', villageCode: DEMO_CODES.dongfengVillage } });
      await prisma.case.create({
        data: {
          id, caseNo: id, householdId: `hh-${id}`, workflowId: id, channel: 'CADRE_SCREENING', category: 'MARGINAL', riskTypes: ['ILLNESS'], status: 'ELIMINATED',
          villageCode: DEMO_CODES.dongfengVillage, townshipCode: DEMO_CODES.dongfengTown, countyCode: DEMO_CODES.county, policyVersion: e.policy.version,
          policyHash: await pinPolicy(prisma, e.policy), openedAt: e.approvedAt, approvedAt: e.approvedAt, eliminatedAt: e.eliminatedAt,
        },
      });
      if (!('noMeasure' in e)) {
        await prisma.measure.create({ data: { id: `${id}-m`, caseId: id, type: 'EMPLOYMENT', description: '公益岗位', status: 'IMPLEMENTED', implementedOn: 'measureOn' in e ? e.measureOn : e.approvedAt } });
      }
      // Stored as the commit activity stores it when it eliminates a case.
      await prisma.$executeRaw(storeComplianceSql(Prisma.sql`c.id = ${id}`));
    }
    const where = await caseSetWhere(ctx, 'elim-compliant', null);
    const sqlCompliant = new Set((await prisma.case.findMany({ where, select: { id: true } })).map((c) => c.id));
    const eliminated = await prisma.case.findMany({
      where: { status: 'ELIMINATED', eliminatedAt: { not: null } },
      select: { id: true, pinnedPolicy: { select: { body: true } }, approvedAt: true, eliminatedAt: true, measures: { select: { status: true, implementedOn: true } } },
    });
    const jsCompliant = new Set(eliminated.filter((c) => eliminationCompliant({ ...c, policy: c.pinnedPolicy?.body })).map((c) => c.id));
    expect(eliminated.length).toBeGreaterThan(1000);
    expect([...sqlCompliant].sort()).toEqual([...jsCompliant].sort());
    // The edge cases split both ways (the rule is exercised, not trivially true or false).
    expect(edge.map((_, i) => jsCompliant.has(`EDGE-${i}`))).toEqual([true, true, false, true, true, false, true, true, false, false, true, false]);
  });
});
