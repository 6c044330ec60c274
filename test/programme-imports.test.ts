/**
 * Imports of a county's existing loans (存量小额信贷) and public-welfare posts (存量公益岗位): CSV in
 * GBK with the bureau's Chinese headers, a report line per row naming the column of a broken row
 * (never its value), loans entering disbursed and posts in post with their measures on the case,
 * bank accounts and ID numbers sealed at rest, and the same file again starting nothing new. Real
 * worker, Temporal and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import iconv from 'iconv-lite';
import { makeResidentId } from '../core/resident-id';
import type { Harness } from './support/harness';
import { DEMO, eventually, randomIdNumber, startHarness } from './support/harness';
import { createCase, driveToMonitored } from './support/driver';
import { microcreditTestPolicy, todayBeijing } from './support/microcredit-driver';

let h: Harness;
let county: string;
const run = Date.now().toString(36).toUpperCase();

beforeAll(async () => {
  h = await startHarness({ policy: microcreditTestPolicy() });
  county = await h.officialOf('COUNTY', DEMO.county);
});
afterAll(async () => {
  await h?.stop();
});

async function post(path: string, body: Uint8Array | string, as = county): Promise<{ status: number; body: any }> {
  const res = await fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${await h.token(as)}` }, body });
  return { status: res.status, body: await res.json() };
}

const outcomes = (r: any): [string | null, string, string | null][] => r.rows.map((x: any) => [x.reference, x.outcome, x.field ?? null]);

describe('existing loans and posts imported', () => {
  it('a loan ledger in GBK imports row by row: valid loans enter disbursed with their measure on the case, broken rows name their column, and a re-import starts nothing new', async () => {
    const headId = randomIdNumber();
    const caseId = await createCase(h, { household: { idNumber: headId } });
    await driveToMonitored(h, caseId);
    const lead = await createCase(h); // still being identified: no loans
    const account = '6228480099887766554';
    const csv = [
      '贷款编号,帮扶案件编号,户主身份证号码,贷款金额（元）,贷款期限（月）,年利率（%）,放款日期,贷款用途,用途说明,银行账号',
      `L1-${run},${caseId},,30000,36,3.45,2026-01-15,养殖,养牛,${account}`,
      `L2-${run},,${headId},20000,24,3.45,2025-12-01,种植,,6228480011112222333`,
      `L3-${run},${caseId},,60000,36,3.45,2026-01-15,养殖,,6228480011112222444`,
      `L4-${run},${caseId},,10000,12,3.45,2026-01-15,养殖,,62284-not-digits`,
      `L5-${run},BF-NOPE-${run},,10000,12,3.45,2026-01-15,养殖,,6228480011112222555`,
      `L6-${run},${lead},,10000,12,3.45,2026-01-15,养殖,,6228480011112222666`,
      `L7-${run},${caseId},,10000,12,3.45,2099-01-15,养殖,,6228480011112222777`,
      `L8-${run},,,10000,12,3.45,2026-01-15,养殖,,6228480011112222888`,
    ].join('\r\n');
    const first = await post('/api/imports/loans', iconv.encode(csv, 'gbk'));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.encoding).toMatch(/^(gbk|gb18030)$/i);
    expect(outcomes(first.body)).toEqual([
      [`L1-${run}`, 'STARTED', null], [`L2-${run}`, 'STARTED', null], [`L3-${run}`, 'REJECTED', 'amount'], [`L4-${run}`, 'REJECTED', 'bankAccount'],
      [`L5-${run}`, 'REJECTED', 'caseId'], [`L6-${run}`, 'REJECTED', 'caseId'], [`L7-${run}`, 'REJECTED', 'disbursedOn'], [`L8-${run}`, 'REJECTED', 'caseId'],
    ]);
    expect(first.body.summary).toMatchObject({ rows: 8, STARTED: 2, REJECTED: 6 });
    // A refused row names its column, never the value.
    expect(JSON.stringify(first.body)).not.toMatch(/62284-not-digits|6228480011112222/);
    expect(JSON.stringify(first.body)).not.toContain(headId);

    const l1 = await h.prisma.process.findUniqueOrThrow({ where: { id: `MC-L1-${run}` } });
    expect(l1).toMatchObject({ kind: 'MICROCREDIT', caseId, villageCode: DEMO.villageA1 });
    expect(['DISBURSED', 'DUE']).toContain(l1.status);
    expect(l1.data).toMatchObject({ imported: true, loan: { amount: 30_000, termMonths: 36, annualRatePct: 3.45, disbursedOn: '2026-01-15' } });
    expect((await h.prisma.process.findUniqueOrThrow({ where: { id: `MC-L2-${run}` } })).caseId).toBe(caseId);
    // No checks, no bank decision, no use check: those happened before Bangfu.
    expect(await h.prisma.task.count({ where: { processId: `MC-L1-${run}`, step: { in: ['VILLAGE_CHECK', 'TOWNSHIP_CHECK', 'BANK_DECISION', 'USE_CHECK'] } } })).toBe(0);
    await eventually(async () => {
      const s = await h.state(caseId);
      return s.measures.filter((m) => m.type === 'MICROCREDIT' && m.status === 'IMPLEMENTED').length === 2 ? s : null;
    }, 'both MICROCREDIT measures on the case');
    expect((await h.prisma.auditEvent.findMany({ where: { processId: `MC-L1-${run}` } })).map((e) => e.action)).toContain('LOAN_IMPORTED');
    // Sealed at rest, nowhere else.
    const pd = await h.prisma.programmePersonalData.findUniqueOrThrow({ where: { processId: `MC-L1-${run}` } });
    expect(pd.bankAccountSealed).toMatch(/^pd1\./);
    expect(JSON.stringify(l1)).not.toContain(account);
    expect(JSON.stringify((await h.prisma.auditEvent.findMany({ where: { processId: `MC-L1-${run}` } })).map((e) => [e.action, e.comment, e.data]))).not.toContain(account);

    const runsBefore = await h.prisma.process.count({ where: { id: { startsWith: 'MC-L' , endsWith: run } } });
    const tasksBefore = await h.prisma.task.count({ where: { processId: { in: [`MC-L1-${run}`, `MC-L2-${run}`] } } });
    const again = await post('/api/imports/loans', iconv.encode(csv, 'gbk'));
    expect(again.body.summary).toMatchObject({ rows: 8, STARTED: 0, ALREADY_IMPORTED: 2, REJECTED: 6 });
    expect(await h.prisma.process.count({ where: { id: { startsWith: 'MC-L', endsWith: run } } })).toBe(runsBefore);
    expect(await h.prisma.task.count({ where: { processId: { in: [`MC-L1-${run}`, `MC-L2-${run}`] } } })).toBe(tasksBefore);
    expect((await h.state(caseId)).measures.filter((m) => m.type === 'MICROCREDIT')).toHaveLength(2);
  });

  it('a post ledger imports row by row: valid posts enter in post with their measure, the ID number sealed; age, one post per person and dates are checked; a re-import starts nothing new', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const holder = makeResidentId('410599', '19800101', String(randomInt(0, 1000)).padStart(3, '0'));
    const tooOld = makeResidentId('410599', '19400101', String(randomInt(0, 1000)).padStart(3, '0'));
    const csv = [
      'reference,caseId,idNumber,post,monthlyWage,startOn,termMonths,monthsConfirmed,member',
      `P1-${run},${caseId},${holder},护林员,800,${todayBeijing()},12,0,户主`,
      `P2-${run},${caseId},${holder},保洁员,800,${todayBeijing()},12,0,户主`,
      `P3-${run},${caseId},${tooOld},保洁员,800,${todayBeijing()},12,0,`,
      `P4-${run},${caseId},${makeResidentId('410599', '19900101', '123')},保洁员,800,${todayBeijing()},13,0,`,
      `P5-${run},${caseId},${makeResidentId('410599', '19900101', '124')},保洁员,800,2026-02-30,6,0,`,
    ].join('\n');
    const first = await post('/api/imports/welfare-jobs', `\uFEFF${csv}`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(outcomes(first.body)).toEqual([
      [`P1-${run}`, 'STARTED', null], [`P2-${run}`, 'REJECTED', 'idNumber'], [`P3-${run}`, 'REJECTED', 'idNumber'], [`P4-${run}`, 'REJECTED', 'termMonths'], [`P5-${run}`, 'REJECTED', 'startOn'],
    ]);
    expect(JSON.stringify(first.body)).not.toContain(holder);
    const p1 = await h.prisma.process.findUniqueOrThrow({ where: { id: `GY-P1-${run}` } });
    expect(p1).toMatchObject({ kind: 'PUBLIC_WELFARE_JOB', status: 'IN_POST', step: 'WAGE_CONFIRMATION' });
    expect(p1.data).toMatchObject({ agreement: { startOn: todayBeijing(), termMonths: 12 } });
    expect(JSON.stringify(p1)).not.toContain(holder);
    const pd = await h.prisma.programmePersonalData.findUniqueOrThrow({ where: { processId: `GY-P1-${run}` } });
    expect(pd.idNumberSealed).toMatch(/^pd1\./);
    await eventually(async () => ((await h.state(caseId)).measures.some((m) => m.type === 'PUBLIC_WELFARE_JOB' && m.status === 'IMPLEMENTED') ? true : null), 'the PUBLIC_WELFARE_JOB measure');

    const again = await post('/api/imports/welfare-jobs', `\uFEFF${csv}`);
    expect(again.body.summary).toMatchObject({ rows: 5, STARTED: 0, ALREADY_IMPORTED: 1, REJECTED: 4 });
    expect(await h.prisma.programmePersonalData.count({ where: { processId: { startsWith: 'GY-P', endsWith: run } } })).toBe(1);
  });

  it('an unreadable body is a 400 naming the body; a village official may not import', async () => {
    const empty = await post('/api/imports/loans', '');
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('body');
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await post('/api/imports/welfare-jobs', 'reference\nx', village)).status).toBe(403);
  });
});
