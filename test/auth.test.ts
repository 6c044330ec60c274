/**
 * Authentication, region scope, tokens, the demo seed and embedded Postgres, against a real
 * PostgreSQL: this file starts its own embedded Postgres on a free port in a temp directory.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@prisma/client';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthOfficial } from '../api/auth/authenticate';
import {
  assertRegionAccess,
  authenticate,
  caseScopeWhere,
  currentOfficial,
  regionChain,
  requireRole,
} from '../api/auth/authenticate';
import { generateToken, hashToken, issueToken, revokeTokens, TOKEN_PREFIX } from '../api/auth/tokens';
import { errorMiddleware } from '../api/http/app-error';
import {
  DEMO_ADMIN_ID,
  DEMO_CODES,
  DEMO_OFFICIALS,
  DEMO_REGIONS,
  demoAdminTokenFile,
  seedDemo,
} from '../prisma/seed/demo';
import { applyMigrations } from '../runtime/migrate';
import { getFreePort } from '../runtime/net';
import type { EmbeddedPostgresHandle } from '../runtime/postgres';
import { makeTempDataDir, startEmbeddedPostgres } from '../runtime/postgres';
import { createPrisma } from '../runtime/prisma';

const quiet = () => undefined;
const VILLAGES = DEMO_REGIONS.filter((r) => r.level === 'VILLAGE');
const TOWNSHIP_OF: Record<string, string> = Object.fromEntries(VILLAGES.map((v) => [v.code, v.parentCode as string]));

let dataDir: string;
let pgHandle: EmbeddedPostgresHandle;
let prisma: PrismaClient;
let server: Server;
let baseUrl: string;
const tokens = new Map<string, string>();

/** A token of a demo official, issued once per file. */
async function tokenOf(officialId: string): Promise<string> {
  let t = tokens.get(officialId);
  if (!t) {
    t = await issueToken(prisma, officialId, 'test');
    tokens.set(officialId, t);
  }
  return t;
}

async function get(path: string, auth?: string | null): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: auth ? { authorization: auth } : {} });
  return { status: res.status, body: await res.json() };
}

const as = async (officialId: string) => `Bearer ${await tokenOf(officialId)}`;

function official(id: string): AuthOfficial {
  const o = DEMO_OFFICIALS.find((x) => x.id === id);
  if (!o) throw new Error(`no demo official ${id}`);
  const level = DEMO_REGIONS.find((r) => r.code === o.regionCode)?.level ?? 'VILLAGE';
  return { id: o.id, name: o.name, role: o.role, regionCode: o.regionCode, language: o.language, regionLevel: level };
}

/** One case in each demo village, so scopes can be checked with real queries. */
async function seedCases(): Promise<void> {
  for (const v of VILLAGES) {
    const householdId = `hh-test-${v.code}`;
    await prisma.household.upsert({
      where: { id: householdId },
      create: { id: householdId, idKey: `key-${v.code}`, headName: '测试户主', idNumberSealed: '410599190001010004', villageCode: v.code },
      update: {},
    });
    await prisma.case.upsert({
      where: { id: `case-test-${v.code}` },
      create: {
        id: `case-test-${v.code}`, caseNo: `T-${v.code}`, householdId, workflowId: `wf-test-${v.code}`,
        channel: 'CADRE_SCREENING', category: 'MARGINAL', riskTypes: ['ILLNESS'], status: 'IDENTIFYING',
        villageCode: v.code, townshipCode: TOWNSHIP_OF[v.code], countyCode: DEMO_CODES.county,
        policyVersion: 'test', openedAt: new Date(),
      },
      update: {},
    });
  }
}

/** Pids of the postmaster and its children (checkpointer, walwriter, …). */
function postgresProcessTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number.parseInt(s, 10))
      .filter(Number.isInteger);
  } catch {
    // ps exits 1 when nothing matches
  }
  return [pid, ...children];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dataDir = await makeTempDataDir('bangfu-auth-test-');
  pgHandle = await startEmbeddedPostgres({ dataDir, port: await getFreePort(), log: quiet });
  await applyMigrations(pgHandle.url, quiet);
  prisma = createPrisma(pgHandle.url);
  await seedDemo(prisma, { dataDir });
  await seedCases();

  const app = express();
  app.use(authenticate(prisma));
  app.get('/me', (req, res) => {
    res.json(currentOfficial(req));
  });
  app.get('/regions/:villageCode', async (req, res) => {
    const chain = await regionChain(prisma, req.params.villageCode);
    assertRegionAccess(currentOfficial(req), chain);
    res.json(chain);
  });
  app.get('/cases', async (req, res) => {
    const rows = await prisma.case.findMany({ where: caseScopeWhere(currentOfficial(req)), select: { villageCode: true } });
    res.json(rows.map((r) => r.villageCode).sort());
  });
  app.get('/admin-only', requireRole('ADMIN'), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(errorMiddleware);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await prisma?.$disconnect();
  await pgHandle?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('authentication', () => {
  it('a request without a token is refused with 401', async () => {
    const r = await get('/me');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');
    expect(r.body.error.message).toMatch(/bearer token is required/);
  });

  it('a malformed Authorization header or an unknown token is refused with 401', async () => {
    const malformed = await get('/me', `Basic ${Buffer.from('a:b').toString('base64')}`);
    expect(malformed.status).toBe(401);
    expect(malformed.body.error.message).toMatch(/Bearer <token>/);
    const unknown = await get('/me', `Bearer ${generateToken()}`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toMatch(/unknown token/);
  });

  it('a valid token resolves the official with role, region and its level', async () => {
    const r = await get('/me', await as('off-twp-qingshan'));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: 'off-twp-qingshan', name: '李娜', role: 'TOWNSHIP', regionCode: DEMO_CODES.qingshanTownship, language: 'zh-CN', regionLevel: 'TOWNSHIP',
    });
    const en = await get('/me', await as('off-cty'));
    expect(en.body).toMatchObject({ role: 'COUNTY', language: 'en', regionLevel: 'COUNTY' });
  });

  it('a revoked token is refused', async () => {
    const token = await issueToken(prisma, 'off-vil-hongqi', 'to-revoke');
    expect((await get('/me', `Bearer ${token}`)).status).toBe(200);
    expect(await revokeTokens(prisma, { token })).toBe(1);
    const r = await get('/me', `Bearer ${token}`);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/revoked/);
  });

  it('a token of a deactivated official is refused', async () => {
    const id = `off-test-${randomUUID().slice(0, 8)}`;
    await prisma.official.create({ data: { id, name: '临时', email: `${id}@test.local`, role: 'VILLAGE', regionCode: DEMO_CODES.shiqiaoVillage } });
    const token = await issueToken(prisma, id);
    expect((await get('/me', `Bearer ${token}`)).status).toBe(200);
    await prisma.official.update({ where: { id }, data: { active: false } });
    const r = await get('/me', `Bearer ${token}`);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/deactivated/);
  });

  it('lastUsedAt is recorded at most once a minute', async () => {
    const token = await issueToken(prisma, 'off-vil-qingshan', 'last-used');
    const row = () => prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    expect((await row()).lastUsedAt).toBeNull();
    await get('/me', `Bearer ${token}`);
    const first = (await row()).lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    await get('/me', `Bearer ${token}`);
    expect((await row()).lastUsedAt).toEqual(first);
    const old = new Date(Date.now() - 61_000);
    await prisma.apiToken.update({ where: { tokenHash: hashToken(token) }, data: { lastUsedAt: old } });
    await get('/me', `Bearer ${token}`);
    expect((await row()).lastUsedAt!.getTime()).toBeGreaterThan(old.getTime());
  });

  it('requireRole refuses other roles with 403', async () => {
    expect((await get('/admin-only', await as(DEMO_ADMIN_ID))).status).toBe(200);
    const r = await get('/admin-only', await as('off-cty'));
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(r.body.error.message).toMatch(/ADMIN.*COUNTY/);
  });
});

describe('region scope', () => {
  it("a village official cannot read another village's case region (403)", async () => {
    const own = await get(`/regions/${DEMO_CODES.dongfengVillage}`, await as('off-vil-dongfeng'));
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ villageCode: DEMO_CODES.dongfengVillage, townshipCode: DEMO_CODES.dongfengTown, countyCode: DEMO_CODES.county });
    // Same township, other village: still outside.
    const other = await get(`/regions/${DEMO_CODES.hongqiVillage}`, await as('off-vil-dongfeng'));
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('FORBIDDEN');
    expect(other.body.error.message).toMatch(/outside your region/);
  });

  it("a township official's scope covers exactly its own villages", async () => {
    for (const township of ['off-twp-dongfeng', 'off-twp-qingshan']) {
      const me = official(township);
      const own = VILLAGES.filter((v) => v.parentCode === me.regionCode).map((v) => v.code).sort();
      expect(own).toHaveLength(2);
      for (const v of VILLAGES) {
        const r = await get(`/regions/${v.code}`, await as(township));
        expect(r.status, `${township} → ${v.code}`).toBe(own.includes(v.code) ? 200 : 403);
      }
      expect(caseScopeWhere(me)).toEqual({ townshipCode: me.regionCode });
      expect((await get('/cases', await as(township))).body).toEqual(own);
    }
  });

  it('village officials and contacts see their village; county officials and county admins their county', async () => {
    expect((await get('/cases', await as('off-vil-shiqiao'))).body).toEqual([DEMO_CODES.shiqiaoVillage]);
    expect((await get('/cases', await as('off-ctc-hongqi'))).body).toEqual([DEMO_CODES.hongqiVillage]);
    const all = VILLAGES.map((v) => v.code).sort();
    expect((await get('/cases', await as('off-cty'))).body).toEqual(all);
    expect((await get('/cases', await as(DEMO_ADMIN_ID))).body).toEqual(all);
    expect(caseScopeWhere(official('off-cty'))).toEqual({ countyCode: DEMO_CODES.county });
  });

  it('an administrator at city level sees every county; one at county level only that county', () => {
    const cityAdmin: AuthOfficial = { ...official(DEMO_ADMIN_ID), regionCode: DEMO_CODES.city, regionLevel: 'CITY' };
    expect(caseScopeWhere(cityAdmin)).toEqual({});
    expect(() => assertRegionAccess(cityAdmin, { villageCode: 'x', townshipCode: 'y', countyCode: '410501000000' })).not.toThrow();
    expect(() => assertRegionAccess(official(DEMO_ADMIN_ID), { villageCode: 'x', townshipCode: 'y', countyCode: '410501000000' })).toThrow(
      /outside your region/,
    );
  });

  it('an official whose region does not match the role sees nothing (fails closed)', async () => {
    const misplaced: AuthOfficial = { ...official('off-vil-dongfeng'), regionCode: DEMO_CODES.dongfengTown, regionLevel: 'TOWNSHIP' };
    expect(await prisma.case.count({ where: caseScopeWhere(misplaced) })).toBe(0);
  });

  it('regionChain names villageCode when the code is unknown or not a village (404)', async () => {
    for (const code of ['410599999999', DEMO_CODES.dongfengTown]) {
      await expect(regionChain(prisma, code)).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'villageCode' });
    }
    const r = await get('/regions/410599999999', await as(DEMO_ADMIN_ID));
    expect(r.status).toBe(404);
    expect(r.body.error.message).toMatch(/^villageCode: /);
  });
});

describe('tokens', () => {
  it('tokens are stored only as hashes', async () => {
    const token = await issueToken(prisma, 'off-ctc-qingshan', 'hash-check');
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);

    const row = await prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token.slice(TOKEN_PREFIX.length));
    // Nowhere in the table, in any column.
    const dump = await prisma.$queryRaw<{ t: string }[]>`SELECT row_to_json(a)::text AS t FROM "ApiToken" a`;
    expect(dump.some((d) => d.t.includes(token.slice(TOKEN_PREFIX.length)))).toBe(false);
  });

  it('generated tokens are unique', () => {
    const many = new Set(Array.from({ length: 1000 }, generateToken));
    expect(many.size).toBe(1000);
  });

  it('tokens are issued only to active officials', async () => {
    await expect(issueToken(prisma, 'off-nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('demo seed', () => {
  it('the demo seed is idempotent and creates an official for every role', async () => {
    const counts = async () => ({
      regions: await prisma.region.count(),
      officials: await prisma.official.count({ where: { id: { in: DEMO_OFFICIALS.map((o) => o.id) } } }),
      liveDemoTokens: await prisma.apiToken.count({ where: { officialId: DEMO_ADMIN_ID, label: 'demo-admin', revokedAt: null } }),
    });
    const before = await counts();
    const first = await seedDemo(prisma, { dataDir });
    const second = await seedDemo(prisma, { dataDir });
    expect(await counts()).toEqual(before);
    expect(before).toEqual({ regions: DEMO_REGIONS.length, officials: DEMO_OFFICIALS.length, liveDemoTokens: 1 });
    expect(first.tokenIssued).toBe(false);
    expect(second.adminToken).toBe(first.adminToken);

    for (const role of ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN', 'CONTACT']) {
      expect(await prisma.official.count({ where: { role, active: true } }), role).toBeGreaterThan(0);
    }
    for (const v of VILLAGES) {
      expect(await prisma.official.count({ where: { role: 'VILLAGE', regionCode: v.code, standsInForId: null } }), v.code).toBeGreaterThanOrEqual(1);
      expect(await prisma.official.count({ where: { role: 'CONTACT', regionCode: v.code } }), v.code).toBe(1);
    }
    // Two same-level village officials in one village (for transfers), stand-ins at village and township level.
    expect(await prisma.official.count({ where: { role: 'VILLAGE', regionCode: DEMO_CODES.dongfengVillage, standsInForId: null } })).toBe(2);
    const standIns = await prisma.official.findMany({ where: { standsInForId: { not: null } }, include: { standsInFor: true } });
    expect(standIns.map((s) => s.role).sort()).toEqual(['TOWNSHIP', 'VILLAGE']);
    for (const s of standIns) expect(s.standsInFor).toMatchObject({ role: s.role, regionCode: s.regionCode });
    expect(await prisma.official.count({ where: { language: 'en' } })).toBeGreaterThanOrEqual(1);
  });

  it('the demo admin token is kept only in a mode-600 file; the database has its hash', async () => {
    const file = demoAdminTokenFile(dataDir);
    const plain = (await fs.readFile(file, 'utf8')).trim();
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(plain) } });
    expect(row).toMatchObject({ officialId: DEMO_ADMIN_ID, revokedAt: null });
    expect((await get('/me', `Bearer ${plain}`)).body).toMatchObject({ id: DEMO_ADMIN_ID, role: 'ADMIN' });
  });

  it('a revoked demo admin token is replaced on the next seed', async () => {
    const before = (await fs.readFile(demoAdminTokenFile(dataDir), 'utf8')).trim();
    await revokeTokens(prisma, { token: before });
    const after = await seedDemo(prisma, { dataDir });
    expect(after.tokenIssued).toBe(true);
    expect(after.adminToken).not.toBe(before);
    expect((await fs.readFile(demoAdminTokenFile(dataDir), 'utf8')).trim()).toBe(after.adminToken);
    expect((await get('/me', `Bearer ${after.adminToken}`)).status).toBe(200);
    expect((await get('/me', `Bearer ${before}`)).status).toBe(401);
  });
});

describe('embedded Postgres', () => {
  it('embedded Postgres keeps data across a restart and leaves no processes behind', async () => {
    const dir = await makeTempDataDir('bangfu-pg-restart-');
    try {
      const port = await getFreePort();
      const first = await startEmbeddedPostgres({ dataDir: dir, port, log: quiet });
      expect(first.initialised).toBe(true);
      const tree = postgresProcessTree(first.pid);
      expect(tree.length).toBeGreaterThan(1);
      const c1 = new pg.Client({ connectionString: first.url });
      await c1.connect();
      await c1.query('CREATE TABLE keep (v text)');
      await c1.query("INSERT INTO keep VALUES ('帮扶')");
      await c1.end();
      await first.stop();
      expect(tree.filter(isAlive)).toEqual([]);
      await expect(fs.stat(`${first.pgDataDir}/postmaster.pid`)).rejects.toThrow();

      const second = await startEmbeddedPostgres({ dataDir: dir, port, log: quiet });
      expect(second.initialised).toBe(false);
      expect(second.url).toBe(first.url); // same password, same port
      const c2 = new pg.Client({ connectionString: second.url });
      await c2.connect();
      expect((await c2.query('SELECT v FROM keep')).rows).toEqual([{ v: '帮扶' }]);
      await c2.end();
      const tree2 = postgresProcessTree(second.pid);
      await second.stop();
      await second.stop(); // idempotent
      expect(tree2.filter(isAlive)).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a second start on a running cluster attaches instead of starting another postmaster', async () => {
    const dir = await makeTempDataDir('bangfu-pg-attach-');
    try {
      const owner = await startEmbeddedPostgres({ dataDir: dir, port: await getFreePort(), log: quiet });
      const other = await startEmbeddedPostgres({ dataDir: dir, log: quiet });
      expect(other).toMatchObject({ attached: true, pid: owner.pid, url: owner.url });
      await other.stop(); // leaves the owner's cluster running
      expect(isAlive(owner.pid)).toBe(true);
      await owner.stop();
      expect(isAlive(owner.pid)).toBe(false);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
