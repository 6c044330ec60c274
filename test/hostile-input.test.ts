/**
 * Hostile input gets a clear 4xx naming the field, never a 5xx: undecodable percent-encoding,
 * unsupported charsets and content types, NUL bytes and unpaired surrogates, LIKE metacharacters,
 * invalid resident ID numbers; refusals read as a person would write them, in the reader's
 * language; the admin search never puts an ID number into a URL; an outage answers 503.
 */
import { Client, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app';
import { makeResidentId, residentIdProblem } from '../core/resident-id';
import { escapeLike, findUnsafeText, textProblem } from '../core/text';
import { getFreePort } from '../runtime/net';
import { createPrisma } from '../runtime/prisma';
import type { AdminClient } from './support/admin';
import { adminLogin, listedCaseIds } from './support/admin';
import type { Harness } from './support/harness';
import { DEMO, TEST_SECRET, leadBody, randomIdNumber, startHarness } from './support/harness';
import { seedCases } from './support/seed-cases';
import { createCase, openTaskOf } from './support/driver';

let h: Harness;
let admin: string;
let village: string;
let adminPages: AdminClient;

beforeAll(async () => {
  h = await startHarness();
  admin = await h.officialOf('ADMIN', DEMO.county);
  village = await h.officialOf('VILLAGE', DEMO.villageA1);
  adminPages = await adminLogin(h, admin);
});
afterAll(async () => {
  await h?.stop();
});

async function raw(path: string, init: RequestInit & { as?: string } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (init.as) headers.authorization = `Bearer ${await h.token(init.as)}`;
  const res = await fetch(h.baseUrl + path, { ...init, headers, redirect: 'manual' });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* a page */
  }
  return { status: res.status, body, headers: res.headers };
}

describe('resident ID numbers (GB 11643)', () => {
  it('a real birth date and the right check character pass; a typo in any digit is caught', () => {
    expect(residentIdProblem('11010519491231002X')).toBeUndefined();
    expect(residentIdProblem('11010519491231002x')).toBeUndefined();
    expect(residentIdProblem('110105194912310021')).toBe('CHECK_DIGIT');
    expect(residentIdProblem('410599199002301234')).toBe('BIRTH_DATE'); // 30 February
    expect(residentIdProblem('410599189912311234')).toBe('BIRTH_DATE'); // before 1900
    expect(residentIdProblem(`410599${new Date().getUTCFullYear() + 1}01011234`)).toBe('BIRTH_DATE');
    expect(residentIdProblem('12345')).toBe('FORMAT');
    const id = makeResidentId('410599', '19800101', '123');
    for (let i = 0; i < 17; i++) {
      const typo = id.slice(0, i) + String((Number(id[i]) + 1) % 10) + id.slice(i + 1);
      expect(residentIdProblem(typo), `typo at ${i}`).toBeDefined();
    }
  });

  it('a lead with a mistyped ID number is refused with 400 naming idNumber, and starts no second household', async () => {
    const good = randomIdNumber();
    const typo = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const res = await h.api('POST', '/api/cases', { as: village, body: leadBody({ household: { idNumber: typo } }) });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('body.household.idNumber');
    expect(res.body.error.message).toBe('body.household.idNumber: has a wrong check character (the last one); check the number');
    expect(JSON.stringify(res.body)).not.toContain(typo);
    const zh = await raw('/api/cases', { method: 'POST', as: village, headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN,zh;q=0.9' }, body: JSON.stringify(leadBody({ household: { idNumber: '410599199002301234' } })) });
    expect(zh.body.error.message).toBe('身份证号：出生日期不存在（第 7–14 位）');
  });
});

describe('bytes a browser or a script should never send', () => {
  it('undecodable percent-encoding in a path answers 400 naming the path, on the API and the pages', async () => {
    for (const path of ['/api/cases/%E0%A4%A', '/api/cases/%ED%A0%80/history', '/admin/cases/%E0%A4%A', '/t/%E0%A4%A', '/no/such/%']) {
      const res = await raw(path, { as: admin });
      expect(res.status, path).toBe(400);
      expect(res.body.error, path).toMatchObject({ code: 'INVALID_INPUT', field: 'path', message: 'path: malformed percent-encoding' });
    }
  });

  it('a JSON body in an unsupported charset is refused with 415; a body that is not JSON with 415 too', async () => {
    const gbk = await raw('/api/cases', { method: 'POST', as: village, headers: { 'content-type': 'application/json; charset=gbk' }, body: JSON.stringify(leadBody()) });
    expect(gbk.status).toBe(415);
    expect(gbk.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', field: 'Content-Type' });
    expect(gbk.body.error.message).toContain('gbk');
    const text = await raw('/api/cases', { method: 'POST', as: village, headers: { 'content-type': 'text/plain' }, body: JSON.stringify(leadBody()) });
    expect(text.status).toBe(415);
  });

  it('a NUL byte or an unpaired surrogate in any field is refused with 400 naming that field', async () => {
    const cases: [Record<string, any>, string][] = [
      [leadBody({ household: { headName: '王\u0000测试' } }), 'body.household.headName'],
      [leadBody({ household: { address: 'x\ud800y' } }), 'body.household.address'],
      [leadBody({ summary: '\udfff' }), 'body.summary'],
      [leadBody({ healthDetails: 'a\u0000' }), 'body.healthDetails'],
      [{ ...leadBody(), ['extra\u0000']: 1 }, 'body.extra\u0000'],
    ];
    for (const [body, field] of cases) {
      const res = await h.api('POST', '/api/cases', { as: village, body });
      expect(res.status, field).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect((await h.api('GET', '/api/cases/a%00b', { as: admin })).body.error).toMatchObject({ field: 'path' });
    expect((await h.api('GET', '/api/cases?step=%00', { as: admin })).body.error).toMatchObject({ field: 'query.step' });
    const zh = await raw('/api/cases', { method: 'POST', as: village, headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN' }, body: JSON.stringify(leadBody({ household: { headName: 'a\u0000' } })) });
    expect(zh.body.error.message).toBe('户主姓名：不能包含空字符（NUL）');
    // The admin pages refuse them too, as a page.
    const form = await adminPages.post('/admin/cases/BF-none/close', { _csrf: await adminPages.csrf(), reason: 'OTHER', comment: 'x\u0000' });
    expect(form.status).toBe(400);
    // The shared helpers the workflow core can use as well.
    expect(textProblem('ok 中文 🙂')).toBeUndefined();
    expect(textProblem('\u0000')).toBe('NUL');
    expect(textProblem('\ud83d')).toBe('LONE_SURROGATE');
    expect(findUnsafeText({ a: [{ b: 'x\udc00' }] })).toEqual({ path: ['a', 0, 'b'], problem: 'LONE_SURROGATE' });
  });

  it('search text with LIKE metacharacters is matched literally, never as a pattern', async () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
    const [pct, under, plain] = await seedCases(h.prisma, [
      { village: DEMO.villageA1, status: 'MONITORED', openedAt: new Date(), headName: '百%分' },
      { village: DEMO.villageA1, status: 'MONITORED', openedAt: new Date(), headName: '下_划' },
      { village: DEMO.villageA1, status: 'MONITORED', openedAt: new Date(), headName: '百x分下y划' },
    ]);
    for (const [q, want] of [['\\', []], ['%', [pct]], ['_', [under]], ['百%分', [pct]], ['下_划', [under]]] as const) {
      const res = await adminPages.get(`/admin/cases?q=${encodeURIComponent(q)}&pageSize=200`);
      expect(res.status, q).toBe(200);
      const ids = listedCaseIds(res.text);
      for (const id of want) expect(ids, q).toContain(id);
      expect(ids, q).not.toContain(plain);
    }
  });
});

describe('refusals read as a person would write them', () => {
  it('the import report names an empty head name "户主姓名：必填" in Chinese and "headName: required" in English', async () => {
    const csv = `leadRef,headName,idNumber,villageCode,category,riskTypes\nHOSTILE-${Date.now()},,${randomIdNumber()},${DEMO.villageA1},MARGINAL,ILLNESS\n`;
    for (const [lang, reason] of [['zh-CN', '户主姓名：必填'], ['en', 'headName: required']]) {
      const res = await raw('/api/imports', { method: 'POST', as: admin, headers: { 'content-type': 'text/csv', 'accept-language': lang }, body: csv });
      const row = JSON.parse(String(res.body).split('\n')[0]);
      expect(row).toMatchObject({ outcome: 'REJECTED', field: 'headName', reason });
    }
  });

  it('API refusals in English for machines, in Chinese for a Chinese reader, never zod\'s raw wording', async () => {
    const body = leadBody();
    delete body.household.headName;
    const en = await h.api('POST', '/api/cases', { as: village, body });
    expect(en.body.error.message).toBe('body.household.headName: required');
    const zh = await raw('/api/cases', { method: 'POST', as: village, headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN' }, body: JSON.stringify({ ...body, riskTypes: [] }) });
    expect(zh.body.error.message).toBe('户主姓名：必填');
    expect(zh.body.error.details.issues.map((i: { message: string }) => i.message)).toContain('至少选择一种风险类型');
    expect(JSON.stringify(zh.body)).not.toMatch(/Invalid input|expected string/);
  });
});

describe('workflow refusals are worded in the reader\'s language', () => {
  it('a 422 refusal reads in Chinese to a zh-CN reader and in English (the workflow\'s own words) otherwise, with code, field and refusal unchanged; the admin page words it too', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    const post = (lang: string) => raw(`/api/tasks/${task.id}/decision`, {
      method: 'POST', as: task.assigneeId!, headers: { 'content-type': 'application/json', 'accept-language': lang }, body: JSON.stringify({ action: 'APPROVE', consentSigned: false }),
    });
    const zh = await post('zh-CN,zh;q=0.9');
    expect(zh.status).toBe(422);
    expect(zh.body.error).toMatchObject({ code: 'POLICY_REFUSED', field: 'consentSigned', details: { refusal: 'CONSENT_REQUIRED' } });
    expect(zh.body.error.message).toBe('农户知情同意：核实通过前，须确认农户已签署承诺授权书。');
    const en = await post('en-US,en;q=0.9');
    expect(en.status).toBe(422);
    expect(en.body.error).toMatchObject({ code: 'POLICY_REFUSED', field: 'consentSigned', details: { refusal: 'CONSENT_REQUIRED' } });
    expect(en.body.error.message).toBe("consentSigned: verification needs the household's signed consent");

    // The admin page (zh-CN by default) words the workflow's refusal, not its English message.
    const otherVillage = await h.officialOf('VILLAGE', DEMO.villageA2);
    const page = await adminPages.post(`/admin/tasks/${task.id}/transfer`, { _csrf: await adminPages.csrf(), toOfficialId: otherVillage });
    expect(page.status).toBe(422);
    expect(page.text).toContain('只能转交给本级、本辖区的其他同事。');
    expect(page.text).not.toMatch(/colleague of region/);
  });
});

describe('the admin search by ID number', () => {
  it('is posted and redirected to a URL carrying an opaque token; the number is never in a URL', async () => {
    const idNumber = randomIdNumber();
    const created = await h.api('POST', '/api/cases', { as: village, body: leadBody({ household: { idNumber } }) });
    expect(created.status).toBe(201);
    const posted = await adminPages.post('/admin/cases', { _csrf: await adminPages.csrf(), q: idNumber, status: 'IDENTIFYING' });
    expect(posted.status).toBe(303);
    expect(posted.location).toMatch(/^\/admin\/cases\?status=IDENTIFYING&qs=[\w-]+$/);
    expect(posted.location).not.toContain(idNumber);
    const list = await adminPages.get(posted.location!);
    expect(listedCaseIds(list.text)).toEqual([created.body.case.id]);
    // The token works only in the session that made it.
    const other = await adminLogin(h, admin);
    expect((await other.get(posted.location!)).text).toContain('这次查找已过期');
    // An ID number typed into the address bar is not searched, and not echoed.
    const typed = await adminPages.get(`/admin/cases?q=${idNumber}`);
    expect(typed.status).toBe(200);
    expect(typed.text).not.toContain(idNumber);
    // Without the CSRF token the form is refused.
    expect((await adminPages.post('/admin/cases', { q: idNumber })).status).toBe(403);
  });
});

describe('the root and outages', () => {
  it('GET / leads to the admin sign-in', async () => {
    const root = await raw('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/admin');
    const admin = await raw('/admin');
    expect(admin.headers.get('location')).toMatch(/^\/admin\/login/);
  });

  it('while PostgreSQL or Temporal is down the API answers 503 naming it, with Retry-After, not 500', async () => {
    const deadPort = await getFreePort();
    const prisma = createPrisma(`postgresql://postgres:x@127.0.0.1:${deadPort}/bangfu`);
    const connection = await Connection.connect({ address: `127.0.0.1:${await getFreePort()}`, connectTimeout: 500 }).catch(() => Connection.lazy({ address: `127.0.0.1:${deadPort}` }));
    const app = createApp({ prisma, temporal: new Client({ connection }), taskQueue: h.taskQueue, policy: h.policy, secret: TEST_SECRET, namespace: 'default' });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/api/cases`, { headers: { authorization: `Bearer ${await h.token(admin)}` } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'UNAVAILABLE', details: { dependency: 'postgres' } });
      const t = Date.now();
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ postgres: false, temporal: false });
      expect(Date.now() - t).toBeLessThan(5_000);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await prisma.$disconnect();
      await connection.close().catch(() => undefined);
    }
  });
});
