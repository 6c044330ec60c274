/**
 * 个人信息加密存储: ID numbers, phones, addresses and health details reach PostgreSQL only sealed
 * (AES-256-GCM, key id with each value), look-ups go through the keyed hash, and keys rotate.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminCasesWhere } from '../api/pages/admin/case-list';
import { householdIdFromKey, householdKey } from '../api/services/ids';
import { resealPersonalData } from '../api/services/reseal-personal-data';
import { PROJECT_ROOT, applyMigrations } from '../runtime/migrate';
import { PersonalDataError, SEALED, keyFromSecret, parseDataKeys, personalDataCipher } from '../runtime/personal-data';
import { createPrisma } from '../runtime/prisma';
import type { Harness } from './support/harness';
import { DEMO, TEST_SECRET, leadBody, randomIdNumber, startHarness } from './support/harness';
import { debianPostgresBin, startDebianPostgres } from './support/debian-postgres';
import type { DebianPostgres } from './support/debian-postgres';
import { dumpDatabase, pgDump } from './support/pg-dump';
import { seedDemo } from '../prisma/seed/demo';

const hexKey = () => randomBytes(32).toString('hex');

describe('the personal-data cipher', () => {
  it('a sealed value names its key, opens to the same text, and differs each time', () => {
    const c = personalDataCipher({ secret: TEST_SECRET });
    const a = c.seal('410599190001123456', SEALED.idNumber('hh-1'));
    const b = c.seal('410599190001123456', SEALED.idNumber('hh-1'));
    expect(a).not.toBe(b);
    expect(a).not.toContain('410599190001123456');
    expect(c.keyIdOf(a)).toBe(keyFromSecret(TEST_SECRET).id);
    expect(c.open(a, SEALED.idNumber('hh-1'))).toBe('410599190001123456');
  });

  it('a sealed value moved to another row or column, or altered, does not open', () => {
    const c = personalDataCipher({ secret: TEST_SECRET });
    const a = c.seal('13800001111', SEALED.phone('hh-1'));
    expect(() => c.open(a, SEALED.phone('hh-2'))).toThrow(PersonalDataError);
    expect(() => c.open(a, SEALED.address('hh-1'))).toThrow(PersonalDataError);
    const parts = a.split('.');
    parts[3] = `A${parts[3].slice(1)}` === parts[3] ? `B${parts[3].slice(1)}` : `A${parts[3].slice(1)}`;
    expect(() => c.open(parts.join('.'), SEALED.phone('hh-1'))).toThrow(/does not open/);
  });

  it('the first configured key seals, older keys and the secret’s key still open, and an unknown key is named', () => {
    const old = personalDataCipher({ secret: TEST_SECRET });
    const sealedOld = old.seal('白血病化疗', SEALED.healthDetails('BF-1'));
    const keys = parseDataKeys(`k2026:${hexKey()},k2025:${randomBytes(32).toString('base64')}`);
    const next = personalDataCipher({ keys, secret: TEST_SECRET });
    expect(next.keyId).toBe('k2026');
    expect(next.open(sealedOld, SEALED.healthDetails('BF-1'))).toBe('白血病化疗');
    const sealedNew = next.seal('白血病化疗', SEALED.healthDetails('BF-1'));
    expect(next.keyIdOf(sealedNew)).toBe('k2026');
    expect(() => old.open(sealedNew, SEALED.healthDetails('BF-1'))).toThrow(/key k2026/);
  });

  it('a wrong BANGFU_DATA_KEYS entry is refused naming the entry, never echoing the key', () => {
    const material = 'c2hvcnQ=';
    expect(() => parseDataKeys(`k1:${material}`)).toThrow(/entry 1 \(k1\): the key must be 32 bytes/);
    try {
      parseDataKeys(`k1:${material}`);
    } catch (err) {
      expect((err as Error).message).not.toContain(material);
    }
    expect(() => parseDataKeys(`bad id:${hexKey()}`)).toThrow(/entry 1/);
    expect(() => parseDataKeys(`a:${hexKey()},a:${hexKey()}`)).toThrow(/appears twice/);
  });

  it('a value stored before sealing existed opens as it is (until rotate-key seals it)', () => {
    expect(personalDataCipher({ secret: TEST_SECRET }).open('410599190001000000', SEALED.idNumber('hh-x'))).toBe('410599190001000000');
  });
});

describe('personal data in PostgreSQL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('a dump of the database after filing households holds none of their ID numbers, phones, addresses or health texts; search by ID number still finds them', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const filed: { idNumber: string; phone: string; address: string; health: string; caseId: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const tag = randomUUID().slice(0, 8);
      const body = leadBody({
        household: { idNumber: randomIdNumber(), phone: `139${String(10_000_000 + Math.floor(Math.random() * 89_999_999)).slice(0, 8)}`, address: `东风村${tag}号院` },
        healthDetails: `慢性肾衰竭透析-${tag}`,
      });
      const res = await h.api('POST', '/api/cases', { as: village, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      // What the API shows is opened from the sealed columns.
      expect(res.body.case.household.idNumberMasked).toBe(`${body.household.idNumber.slice(0, 4)}**********${body.household.idNumber.slice(-4)}`);
      expect(res.body.case.household.address).toBe(body.household.address);
      filed.push({ idNumber: body.household.idNumber, phone: body.household.phone, address: body.household.address, health: body.healthDetails, caseId: res.body.case.id });
    }

    const dump = await dumpDatabase(inject('databaseUrl'));
    console.log(`[personal-data] dump via ${dump.via}: ${(dump.text.length / 1024).toFixed(0)} KiB`);
    expect(dump.text).toContain(filed[0].caseId); // the dump does hold the cases
    for (const f of filed) {
      for (const secret of [f.idNumber, f.phone, f.address, f.health]) expect(dump.text.includes(secret), `${secret.slice(0, 3)}… in the dump`).toBe(false);
    }
    expect((dump.text.match(/pd1\.s[0-9a-f]{10}\./g) ?? []).length).toBeGreaterThanOrEqual(filed.length * 4);

    // The files of the cluster itself (heap, WAL) after a checkpoint: nothing in clear at rest either.
    const cluster = path.join(inject('dataDir'), 'postgres');
    if (!process.env.TEST_DATABASE_URL && fs.existsSync(cluster)) {
      const client = new pg.Client({ connectionString: inject('databaseUrl') });
      await client.connect();
      await client.query('CHECKPOINT');
      await client.end();
      const needles = filed.flatMap((f) => [f.idNumber, f.phone, f.address, f.health]).map((s) => Buffer.from(s, 'utf8'));
      // The cluster serves the other test files meanwhile: a file or folder PostgreSQL removes between
      // the listing and the read (pg_internal.init, a temp file) holds nothing at rest and is skipped.
      const gone = <T>(fn: () => T, none: T): T => {
        try {
          return fn();
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return none;
          throw err;
        }
      };
      const walk = (dir: string): string[] => gone(() => fs.readdirSync(dir, { withFileTypes: true }), []).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
      let files = 0;
      for (const file of walk(cluster)) {
        const bytes = gone(() => fs.readFileSync(file), null);
        if (!bytes) continue;
        files += 1;
        for (const n of needles) expect(bytes.includes(n), `personal data in clear in ${path.relative(cluster, file)}`).toBe(false);
      }
      expect(files).toBeGreaterThan(100);
    }

    // Search by ID number goes through the keyed hash.
    const admin = { id: 'off-admin', name: 'a', role: 'ADMIN' as const, regionCode: DEMO.county, language: 'zh-CN', regionLevel: 'COUNTY' as const };
    const ctx = { secret: TEST_SECRET } as Parameters<typeof adminCasesWhere>[0];
    const found = await h.prisma.case.findMany({ where: await adminCasesWhere(ctx, admin, { q: filed[1].idNumber } as never), select: { id: true } });
    expect(found.map((c) => c.id)).toEqual([filed[1].caseId]);
    expect((await h.prisma.household.findUniqueOrThrow({ where: { idKey: householdKey(TEST_SECRET, filed[1].idNumber) } })).id).toBe(householdIdFromKey(householdKey(TEST_SECRET, filed[1].idNumber)));
  }, 120_000);
});

/** Rows of one table in a plain pg_dump: the lines between `COPY public."<table>"` and `\.`. */
function copyRows(dump: string, table: string): string[] {
  const start = dump.indexOf(`COPY public."${table}" (`);
  if (start < 0) return [];
  const body = dump.slice(dump.indexOf('\n', start) + 1);
  return body.slice(0, body.indexOf('\n\\.\n')).split('\n').filter(Boolean);
}

describe('a real pg_dump (Debian PostgreSQL 15 cluster of its own)', () => {
  // The suite's embedded Postgres is 17 and Debian 12's pg_dump is 15, which refuses it: this
  // block runs the application against a throwaway cluster of Debian's own postgresql-15, so the
  // dump below is made by the real pg_dump, as a backup would be.
  let cluster: DebianPostgres | undefined;
  let h: Harness | undefined;
  let seedDir: string | undefined;
  beforeAll(async () => {
    cluster = await startDebianPostgres({ major: 15, log: (m) => console.log(`[pg15] ${m}`) });
    await applyMigrations(cluster.url, () => undefined);
    seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-pg15-seed-'));
    const prisma = createPrisma(cluster.url);
    try {
      await seedDemo(prisma, { dataDir: seedDir });
    } finally {
      await prisma.$disconnect();
    }
    h = await startHarness({ databaseUrl: cluster.url });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await cluster?.stop();
    if (seedDir) fs.rmSync(seedDir, { recursive: true, force: true });
  }, 30_000);

  it('pg_dump 15 of a database with filed households holds their rows but none of their ID numbers, phones, addresses or health texts', async () => {
    const village = await h!.officialOf('VILLAGE', DEMO.villageA1);
    const filed: { idNumber: string; phone: string; address: string; health: string; caseId: string; householdId: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const tag = randomUUID().slice(0, 8);
      const body = leadBody({
        household: { idNumber: randomIdNumber(), phone: `137${String(10_000_000 + Math.floor(Math.random() * 89_999_999)).slice(0, 8)}`, address: `石桥村${tag}号` },
        healthDetails: `尿毒症血液透析-${tag}`,
      });
      const res = await h!.api('POST', '/api/cases', { as: village, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.case.household.address).toBe(body.household.address);
      filed.push({
        idNumber: body.household.idNumber, phone: body.household.phone, address: body.household.address, health: body.healthDetails,
        caseId: res.body.case.id, householdId: householdIdFromKey(householdKey(TEST_SECRET, body.household.idNumber)),
      });
    }

    const dump = pgDump(debianPostgresBin(15, 'pg_dump'), cluster!.url);
    console.log(`[personal-data] dump via ${dump.via}: ${(dump.text.length / 1024).toFixed(0)} KiB`);
    expect(dump.text).toMatch(/^-- Dumped by pg_dump version 15\./m);
    // Non-trivial: the Household and Case tables are there, with the filed rows.
    const households = copyRows(dump.text, 'Household');
    const cases = copyRows(dump.text, 'Case');
    for (const f of filed) {
      expect(households.some((r) => r.startsWith(`${f.householdId}\t`)), `household ${f.householdId} in the dump`).toBe(true);
      expect(cases.some((r) => r.startsWith(`${f.caseId}\t`)), `case ${f.caseId} in the dump`).toBe(true);
    }
    for (const f of filed) {
      for (const secret of [f.idNumber, f.phone, f.address, f.health]) expect(dump.text.includes(secret), `${secret.slice(0, 3)}… in the dump`).toBe(false);
    }
    // Each of them is there, sealed (key id with the value).
    expect((dump.text.match(/pd1\.s[0-9a-f]{10}\./g) ?? []).length).toBeGreaterThanOrEqual(filed.length * 4);
  }, 60_000);
});

describe('npm run setup -- rotate-key', () => {
  // (run as a command below, with BANGFU_DATA_KEYS and DATABASE_URL in its environment)
  // A database of its own: re-sealing the shared one would take keys away from other test files.
  const dbName = `rotate_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let url: string;
  let admin: pg.Client;
  beforeAll(async () => {
    const base = new URL(inject('databaseUrl'));
    admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    base.pathname = `/${dbName}`;
    url = base.toString();
    await applyMigrations(url, () => undefined);
  }, 120_000);
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  });

  it('re-seals values of an older key and values in clear with the new key, and a second run changes nothing', async () => {
    const prisma = createPrisma(url);
    try {
      const old = personalDataCipher({ secret: TEST_SECRET });
      await prisma.region.create({ data: { code: '410599000000', name: '示范县', level: 'COUNTY' } });
      await prisma.region.create({ data: { code: '410599100201', name: '东风村', level: 'VILLAGE', parentCode: '410599000000' } });
      await prisma.household.create({
        data: {
          id: 'hh-a', idKey: 'ka', headName: '甲', villageCode: '410599100201',
          idNumberSealed: old.seal('410599190001111111', SEALED.idNumber('hh-a')), phoneSealed: old.seal('13911112222', SEALED.phone('hh-a')),
        },
      });
      // Written before this release: in clear.
      await prisma.household.create({ data: { id: 'hh-b', idKey: 'kb', headName: '乙', villageCode: '410599100201', idNumberSealed: '410599190002222222', addressSealed: '石桥村1号' } });
      await prisma.case.create({
        data: {
          id: 'BF-R1', caseNo: 'BF-R1', householdId: 'hh-a', workflowId: 'wf-r1', channel: 'CADRE_SCREENING', category: 'MARGINAL', riskTypes: ['ILLNESS'],
          status: 'MONITORED', villageCode: '410599100201', townshipCode: '410599100000', countyCode: '410599000000', policyVersion: 't',
          openedAt: new Date(), healthDetailsSealed: old.seal('糖尿病', SEALED.healthDetails('BF-R1')),
        },
      });
      // A loan application's bank account (小额信贷), sealed for its process.
      await prisma.programmePersonalData.create({
        data: { processId: 'XD-R1', kind: 'MICROCREDIT', householdId: 'hh-a', bankAccountSealed: old.seal('6228480012345678901', SEALED.bankAccount('XD-R1')) },
      });

      const material = hexKey();
      const next = personalDataCipher({ keys: parseDataKeys(`k2027:${material}`), secret: TEST_SECRET });
      // Run as an operator would: the command, with the keys and the database in its environment.
      const rotate = (): { code: number; out: string } => {
        const r = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), [path.join(PROJECT_ROOT, 'scripts', 'setup.ts'), 'rotate-key'], {
          cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000,
          env: { ...process.env, DATABASE_URL: url, BANGFU_DATA_KEYS: `k2027:${material}`, BANGFU_SECRET: TEST_SECRET },
        });
        return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
      };
      const first = rotate();
      expect(first.code, first.out).toBe(0);
      expect(first.out).toContain(`re-sealed 4 from key ${old.keyId}, 2 from clear text with key k2027; 0 already were`);
      const a = await prisma.household.findUniqueOrThrow({ where: { id: 'hh-a' } });
      const b = await prisma.household.findUniqueOrThrow({ where: { id: 'hh-b' } });
      const c = await prisma.case.findUniqueOrThrow({ where: { id: 'BF-R1' } });
      for (const v of [a.idNumberSealed, a.phoneSealed!, b.idNumberSealed, b.addressSealed!, c.healthDetailsSealed!]) expect(next.keyIdOf(v)).toBe('k2027');
      expect(next.open(a.idNumberSealed, SEALED.idNumber('hh-a'))).toBe('410599190001111111');
      expect(next.open(b.addressSealed!, SEALED.address('hh-b'))).toBe('石桥村1号');
      expect(next.open(c.healthDetailsSealed!, SEALED.healthDetails('BF-R1'))).toBe('糖尿病');
      const loan = await prisma.programmePersonalData.findUniqueOrThrow({ where: { processId: 'XD-R1' } });
      expect(next.keyIdOf(loan.bankAccountSealed!)).toBe('k2027');
      expect(next.open(loan.bankAccountSealed!, SEALED.bankAccount('XD-R1'))).toBe('6228480012345678901');
      // The new key alone opens everything now: the old one can be retired.
      const onlyNew = personalDataCipher({ keys: parseDataKeys(`k2027:${material}`) });
      expect(onlyNew.open(a.phoneSealed!, SEALED.phone('hh-a'))).toBe('13911112222');

      const second = rotate();
      expect(second.code, second.out).toBe(0);
      expect(second.out).toContain('nothing to change: all 6 personal values are sealed with key k2027');
      expect(await resealPersonalData(prisma, next)).toMatchObject({ resealed: {}, current: 6, raced: 0 });
      expect((await prisma.household.findUniqueOrThrow({ where: { id: 'hh-a' } })).idNumberSealed).toBe(a.idNumberSealed);
    } finally {
      await prisma.$disconnect();
    }
  }, 60_000);
});
