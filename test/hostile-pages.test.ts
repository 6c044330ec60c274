/**
 * Hostile bytes at what the OpenAPI fuzz does not reach: the admin pages (filters, CSRF forms,
 * downloads), the task-link pages (confirm, decide, the grid worker's visit form, the contact's
 * handbook), and the file imports (leads, roster, fund ledgers). A stranger's request gets an
 * answer below 500 — a 4xx naming the field where it is refused — never echoes an ID number or a
 * phone number, leaves stored rows as they were, and the server stays ready.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from './support/admin';
import { adminLogin } from './support/admin';
import type { Harness } from './support/harness';
import { DEMO, TEST_SECRET, eventually, leadBody, randomIdNumber, startHarness } from './support/harness';
import { csrfOf, textOf } from './support/link-client';
import { issueTaskLink } from '../api/links/issue-link';
import { signLink, taskLinkOptions } from '../api/links/link-token';

let h: Harness;
let admin: string;
let village: string;
let pages: AdminClient;
let caseId: string;
const links = taskLinkOptions({ secret: TEST_SECRET });
const ID_NUMBER = randomIdNumber();
const PHONE = '13912345678';

/** A stranger's private county for the campaign (its own roster, grid worker and township). */
const rr = String(10 + Math.floor(Math.random() * 89));
const COUNTY = `48${rr}01000000`;
const TOWNSHIP = `48${rr}01100000`;
const VILLAGE = `48${rr}01100201`;
const COUNTY_OFF = `off-hp-cty-${rr}`;
const GRID_OFF = `off-hp-gri-${rr}`;
const ROSTER_IDS = [randomIdNumber(), randomIdNumber()];

interface Answer { status: number; text: string; location: string | null; type: string }

let clientAddress = '10.9.0.1';

async function send(path: string, init: RequestInit & { token?: string; cookie?: string } = {}): Promise<Answer> {
  // The task-link pages are rate-limited per address: each block of this file is a stranger of its own
  // (the app trusts its loopback proxy's X-Forwarded-For), so the limit does not answer for the page.
  const headers: Record<string, string> = { 'x-forwarded-for': clientAddress, ...(init.headers as Record<string, string>) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.cookie) headers.cookie = init.cookie;
  const res = await fetch(h.baseUrl + path, { ...init, headers, redirect: 'manual' });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, text: buf.toString('utf8'), location: res.headers.get('location'), type: res.headers.get('content-type') ?? '' };
}

/** No answer leaks a personal number this file stored, and none is a 5xx. */
function expectSafe(a: { status: number; text: string; location?: string | null }, what: string): void {
  expect(a.status, `${what}: ${a.text.slice(0, 300)}`).toBeLessThan(500);
  for (const secret of [ID_NUMBER, PHONE, ...ROSTER_IDS]) {
    expect(a.text.includes(secret), `${what} echoes a personal number`).toBe(false);
    expect((a.location ?? '').includes(secret), `${what} puts a personal number in a URL`).toBe(false);
  }
}

/** The CSRF token of a grid worker's session, read from their grid page (the only page they see). */
async function csrfOfGrid(c: AdminClient): Promise<string> {
  return /name="_csrf" value="([^"]+)"/.exec((await c.get('/admin/grid')).text)?.[1] ?? '';
}

/** The error notice of a page. */
function alertOf(html: string): string {
  return textOf(/role="alert"[^>]*>([\s\S]*?)<\/(?:p|div)>/.exec(html)?.[1] ?? '');
}

async function expectReady(): Promise<void> {
  expect((await fetch(`${h.baseUrl}/readyz`)).status).toBe(200);
}

beforeAll(async () => {
  h = await startHarness();
  admin = await h.officialOf('ADMIN', DEMO.county);
  village = await h.officialOf('VILLAGE', DEMO.villageA1);
  pages = await adminLogin(h, admin);
  const created = await h.api('POST', '/api/cases', { as: village, body: leadBody({ household: { idNumber: ID_NUMBER, phone: PHONE } }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  caseId = created.body.case.id;
});
afterAll(async () => {
  await h?.stop();
});

describe('admin pages under hostile query strings', () => {
  const PATHS = [
    '/admin', '/admin/cases', '/admin/tasks', '/admin/projects', '/admin/assets', '/admin/outbox', '/admin/reports', '/admin/reports/draft',
    '/admin/reports/draft/docx', '/admin/campaigns', '/admin/imports', '/admin/officials', '/admin/grid', '/admin/loans', '/admin/welfare-jobs', '/admin/settlements',
  ];
  const QUERIES = [
    'status=a&status=b', 'status[]=x&page=-1', 'page=1e309&pageSize=99999999', 'pageSize=0', 'cursor=%E0%A4%A', 'q=%ED%A0%80', 'q=%00', 'q=%C0%AF',
    `q=${'x'.repeat(20_000)}`, 'villageCode=..%2F..%2Fetc%2Fpasswd', 'region=410599000000&region=420000000000', 'period=0000-01', 'period=9999-H2', 'period=2026-13',
    'period[]=2026-H1', 'period=2026-H1&period=2026-H2', 'lang=xx&lang=en', 'openedFrom=2026-02-30&openedTo=not-a-date', 'overdue=maybe', 'set=%27%3B--', 'county=410599000000&county=x',
    'status=MONITORED%00', 'qs=AAAA', 'idle=1&class=%7B%7D', `x${'y'.repeat(3000)}=1`,
  ];

  it('every admin page answers a query of arrays, encodings, traversal and overlong values below 500, without a personal number', async () => {
    for (const path of PATHS) {
      for (const q of QUERIES) {
        const a = await pages.get(`${path}?${q}`);
        expectSafe({ ...a }, `GET ${path}?${q.slice(0, 60)}`);
      }
    }
    await expectReady();
  }, 120_000);

  it('a refused query names its field: the half-year draft\'s period, a case list filter', async () => {
    for (const path of ['/admin/reports/draft', '/admin/reports/draft/docx', '/admin/reports/draft/pdf']) {
      const a = await pages.get(`${path}?period=2026-13`);
      expect(a.status, path).toBe(400);
      expect(a.text, path).toMatch(/period|统计期/);
    }
    const list = await pages.get('/admin/cases?openedFrom=2026-02-30');
    expect(list.status).toBeLessThan(500);
    expect(list.text).toMatch(/openedFrom|受理|开始|日期/);
  });

  it('ids that are traversal, overlong, another region\'s or not ids answer 4xx pages', async () => {
    const otherCounty = await h.prisma.case.findFirst({ where: { countyCode: { not: DEMO.county } }, select: { id: true } });
    // ('..' itself is resolved by the client before it is sent.)
    const ids = ['..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f', 'x'.repeat(5000), '%27%20OR%201%3D1--', 'BF-%E4%B8%AD', ...(otherCounty ? [otherCounty.id] : [])];
    for (const id of ids) {
      for (const p of ['/admin/cases/ID', '/admin/cases/ID/handbook', '/admin/cases/ID/handbook/pdf', '/admin/reports/ID', '/admin/reports/ID/xlsx', '/admin/reports/ID/pdf',
        '/admin/campaigns/ID', '/admin/campaigns/ID/ledger.xlsx?villageCode=..%2F', '/admin/imports/ID', '/admin/processes/ID', '/admin/mail/ID',
        '/admin/loans/ID', '/admin/welfare-jobs/ID', '/admin/settlements/ID']) {
        const a = await pages.get(p.replace('ID', id));
        expectSafe(a, `GET ${p} with ${id.slice(0, 30)}`);
        expect(a.status, `${p} ${id.slice(0, 30)}`).toBeGreaterThanOrEqual(300);
      }
    }
    await expectReady();
  }, 60_000);
});

describe('admin forms without, with forged and with hostile CSRF and fields', () => {
  const FORMS = ['/admin/cases', `/admin/cases/CASE/close`, '/admin/cases/CASE/rollback', '/admin/officials', '/admin/logout'];

  it('a POST without the CSRF token, with a forged one, with two, or in another content type is refused with 403 and changes nothing', async () => {
    const before = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    for (const path of FORMS.map((f) => f.replace('CASE', caseId))) {
      for (const body of [{}, { _csrf: 'x'.repeat(43) }, { _csrf: '' }] as Record<string, string>[]) {
        const a = await pages.post(path, { ...body, reason: 'OTHER', comment: 'x' });
        expectSafe(a, `POST ${path}`);
        expect(a.status, `POST ${path} ${JSON.stringify(body)}`).toBe(403);
      }
      const twice = await send(path, { method: 'POST', cookie: pages.cookie, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${await pages.csrf()}&_csrf=${await pages.csrf()}&reason=OTHER` });
      expect(twice.status, `POST ${path} with two tokens`).toBe(403);
      const json = await send(path, { method: 'POST', cookie: pages.cookie, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'OTHER' }) });
      expect(json.status, `POST ${path} as JSON without the token`).toBe(403);
      const text = await send(path, { method: 'POST', cookie: pages.cookie, headers: { 'content-type': 'text/plain' }, body: `_csrf=${await pages.csrf()}&reason=OTHER` });
      expect(text.status, `POST ${path} as text/plain`).toBe(403);
      const none = await send(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=OTHER' });
      expect(none.status, `POST ${path} without a session`).toBeGreaterThanOrEqual(400);
      expect(none.status).toBeLessThan(500);
    }
    const after = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(after.status).toBe(before.status);
    expect(after.updatedAt).toEqual(before.updatedAt);
  });

  it('an official\'s name, e-mail, stand-in or token label with NUL, an unpaired surrogate or 100 kB is refused with 400 naming the field; no official is added', async () => {
    const csrf = await pages.csrf();
    const email = `hostile-${rr}-${Date.now()}@test.bangfu.local`;
    const base = { _csrf: csrf, name: '测试', email, role: 'VILLAGE', regionCode: DEMO.villageA1 };
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...base, name: '王\u0000五' }, /name|姓名/],
      [{ ...base, name: 'x'.repeat(60_000) }, /name|姓名/],
      [{ ...base, email: `a\u0000${email}` }, /email|邮箱/],
      [{ ...base, standsInForId: 'off\u0000x' }, /standsInForId|代理/],
      [{ ...base, regionCode: '../../../etc' }, /regionCode|区划/],
      [{ ...base, role: 'ADMIN\u0000' }, /role|角色/],
    ];
    for (const [form, field] of cases) {
      const a = await pages.post('/admin/officials', form);
      expectSafe(a, `add official ${JSON.stringify(form).slice(0, 80)}`);
      expect(a.status, JSON.stringify(form).slice(0, 120)).toBeGreaterThanOrEqual(400);
      expect(a.text, JSON.stringify(form).slice(0, 120)).toMatch(field);
    }
    // An unpaired surrogate arrives percent-encoded (%ED%A0%80): a browser cannot send it otherwise.
    const surrogate = await send('/admin/officials', { method: 'POST', cookie: pages.cookie, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${new URLSearchParams(base).toString().replace(/name=[^&]*/, 'name=x%ED%A0%80')}` });
    expect(surrogate.status).toBe(400);
    expect(alertOf(surrogate.text)).toMatch(/body|请求内容/);
    expect(await h.prisma.official.count({ where: { email: { contains: `hostile-${rr}` } } })).toBe(0);
    // A token label with NUL, for an official of the county: refused, no token issued.
    const tokensBefore = await h.prisma.apiToken.count({ where: { officialId: village } });
    const label = await pages.post(`/admin/officials/${village}/tokens`, { _csrf: csrf, label: 'a\u0000b' });
    expectSafe(label, 'token label with NUL');
    expect(label.status).toBe(400);
    expect(alertOf(label.text)).toMatch(/label|标签|名称/);
    expect(await h.prisma.apiToken.count({ where: { officialId: village } })).toBe(tokensBefore);
    await expectReady();
  });

  it('the case search form seals hostile search text and the list answers it as a page, never a 500', async () => {
    const nul = await pages.post('/admin/cases', { _csrf: await pages.csrf(), q: 'a\u0000' });
    expect(nul.status).toBe(400);
    expect(alertOf(nul.text)).toMatch(/q|查找|搜索/);
    for (const q of ['%_\\', 'x'.repeat(10_000), ID_NUMBER]) {
      const posted = await pages.post('/admin/cases', { _csrf: await pages.csrf(), q });
      expectSafe(posted, `search ${q.slice(0, 10)}`);
      expect(posted.status).toBe(303);
      const list = await pages.get(posted.location!);
      expectSafe(list, `list after search ${q.slice(0, 10)}`);
    }
  });

  it('wrong methods on pages answer 404 or 405, never 500', async () => {
    for (const [method, path] of [['PUT', '/admin/cases'], ['DELETE', `/admin/cases/${caseId}`], ['PATCH', '/admin/officials'], ['POST', '/admin/reports'], ['DELETE', '/t/x'], ['PUT', '/t/x/visit'], ['POST', '/t/x/handbook']]) {
      const a = await send(path, { method, cookie: pages.cookie, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
      expectSafe(a, `${method} ${path}`);
      expect(a.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('another region, another role', () => {
  it('a township official of another township reads and acts on no case of its villages: 4xx pages, the case unchanged', async () => {
    const other = await adminLogin(h, await h.officialOf('TOWNSHIP', DEMO.townshipB));
    const before = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    for (const p of [`/admin/cases/${caseId}`, `/admin/cases/${caseId}/handbook`, `/admin/cases/${caseId}/handbook/pdf`]) {
      const a = await other.get(p);
      expectSafe(a, `other village GET ${p}`);
      expect(a.status, p).toBeGreaterThanOrEqual(400);
    }
    const close = await other.post(`/admin/cases/${caseId}/close`, { _csrf: await other.csrf(), reason: 'OTHER', comment: '陌生人' });
    expectSafe(close, 'other village closes');
    expect(close.status).toBeGreaterThanOrEqual(400);
    const list = await other.get(`/admin/cases?villageCode=${DEMO.villageA1}&region=${DEMO.county}`);
    expectSafe(list, 'other village lists this village');
    expect(list.text).not.toContain(caseId);
    const after = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(after.updatedAt).toEqual(before.updatedAt);
  });

  it('sign-in refuses a NUL token naming the field, and never sends anyone off the site through next', async () => {
    const form = await fetch(`${h.baseUrl}/admin/login`);
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('bf_login='));
    const nonce = /name="_login" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    for (const next of ['//evil.example/admin', 'https://evil.example/admin', '/admin/\\evil.example', '/admin\r\nSet-Cookie: x=1', 'javascript:alert(1)']) {
      const a = await send('/admin/login', { method: 'POST', cookie, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: await h.token(admin), _login: nonce, next }).toString() });
      expectSafe(a, `login next ${next}`);
      if (a.location) expect(new URL(a.location, h.baseUrl).origin, next).toBe(new URL(h.baseUrl).origin);
    }
    const nul = await send('/admin/login', { method: 'POST', cookie, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=a%00b&_login=${nonce}` });
    expect(nul.status).toBe(400);
    expect(alertOf(nul.text)).toMatch(/token|令牌/);
  });
});

describe('task links: missing, forged, expired and hostile', () => {
  beforeAll(() => {
    clientAddress = '10.9.1.1';
  });
  it('forged, garbled, overlong and traversal tokens answer 4xx problem pages on every link route', async () => {
    const unknown = signLink(links.keys, { v: 1, l: 'lk-none', p: 'CONTACT', c: caseId, o: village, e: Math.floor(Date.now() / 1000) + 3600 });
    const oddClaims = signLink(links.keys, { v: 1, l: ['x'] as unknown as string, p: 'DECIDE', c: caseId, o: village, e: 1e300 } as never);
    const tokens = ['x', '..%2F..%2Fadmin', encodeURIComponent('"><script>alert(1)</script>'), `${'A'.repeat(5000)}.${'B'.repeat(43)}`, `${'A'.repeat(20)}.${'B'.repeat(43)}`, unknown, oddClaims, '%00', `${unknown}x`];
    for (const t of tokens) {
      for (const [method, suffix] of [['GET', ''], ['GET', '/done'], ['GET', '/handbook'], ['GET', '/handbook/pdf'], ['POST', ''], ['POST', '/visit']] as const) {
        const a = await send(`/t/${t}${suffix}`, method === 'POST' ? { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x&action=APPROVE' } : {});
        expectSafe(a, `${method} /t/${t.slice(0, 20)}${suffix}`);
        expect(a.status, `${method} /t/${t.slice(0, 20)}${suffix}`).toBeGreaterThanOrEqual(300);
        expect(a.text).not.toMatch(/<script/i);
      }
    }
  });

  it('an expired contact link opens no handbook; a live one refuses forms without CSRF, with hostile fields or too big, and records nothing', async () => {
    clientAddress = '10.9.1.2';
    const kase = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const contact = kase.contactId ?? village;
    const expired = await issueTaskLink(h.prisma, links, { purpose: 'CONTACT', caseId, officialId: contact, expiresAt: new Date(Date.now() - 60_000) });
    for (const suffix of ['', '/handbook', '/handbook/pdf']) {
      const a = await send(`/t/${expired}${suffix}`);
      expectSafe(a, `expired ${suffix}`);
      expect(a.status, `expired ${suffix}`).toBeGreaterThanOrEqual(400);
      expect(a.type).not.toContain('pdf');
    }
    const task = await eventually(() => h.prisma.task.findFirst({ where: { caseId, status: 'OPEN' } }), 'the verification task');
    const token = await issueTaskLink(h.prisma, links, { purpose: 'DECIDE', caseId, taskId: task.id, officialId: task.assigneeId ?? village, expiresAt: new Date(Date.now() + 3_600_000) });
    const page = await send(`/t/${token}`);
    expect(page.status).toBe(200);
    const csrf = csrfOf(page.text);
    const post = (body: string, type = 'application/x-www-form-urlencoded') => send(`/t/${token}`, { method: 'POST', headers: { 'content-type': type }, body });
    const attempts: [string, string, number | null][] = [
      ['no csrf', 'action=APPROVE', 403],
      ['two csrf', `csrf=${csrf}&csrf=${csrf}&action=APPROVE`, 403],
      ['two actions', `csrf=${csrf}&action=APPROVE&action=REJECT`, 400],
      ['unknown action', `csrf=${csrf}&action=DROP`, 400],
      ['NUL reason', `csrf=${csrf}&action=REJECT&reason=a%00b`, 400],
      ['surrogate reason', `csrf=${csrf}&action=REJECT&reason=a%ED%A0%80b`, 400],
      ['bad percent', `csrf=${csrf}&action=REJECT&reason=%E0%A4%A`, 400],
      ['overlong reason', `csrf=${csrf}&action=REJECT&reason=${'x'.repeat(30_000)}`, 400],
      ['too big', `csrf=${csrf}&action=REJECT&reason=${'x'.repeat(200_000)}`, null],
      ['JSON', JSON.stringify({ csrf, action: 'APPROVE' }), null],
    ];
    for (const [what, body, want] of attempts) {
      const a = await post(body, what === 'JSON' ? 'application/json' : undefined);
      expectSafe(a, `link POST ${what}`);
      expect(a.status, `link POST ${what}`).toBeGreaterThanOrEqual(400);
      if (want) expect(a.status, `link POST ${what}`).toBe(want);
    }
    const still = await h.prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(still.status).toBe('OPEN');
    expect((await h.prisma.taskLink.findFirstOrThrow({ where: { taskId: task.id, usedAt: { not: null } } }).catch(() => null))).toBeNull();
    // The link still works for the honest official afterwards; it opens no handbook (a contact's link does).
    expect((await send(`/t/${token}`)).status).toBe(200);
    for (const suffix of ['/handbook', '/handbook/pdf']) {
      const hb = await send(`/t/${token}${suffix}`);
      expectSafe(hb, `decide link ${suffix}`);
      expect(hb.status, suffix).toBeGreaterThanOrEqual(400);
      expect(hb.type).not.toContain('pdf');
    }
    // A case link posted to the grid visit form is not the grid's.
    const visit = await send(`/t/${token}/visit`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}&householdId=hh-00000000000000000000&result=NO_RISK` });
    expectSafe(visit, 'visit with a case link');
    expect(visit.status).toBeGreaterThanOrEqual(400);
    await expectReady();
  });
});

describe('the grid worker\'s visit form and the township review under hostile fields', () => {
  let gridToken = '';
  let households: string[] = [];
  let processId = '';

  beforeAll(async () => {
    clientAddress = '10.9.2.1';
    for (const r of [
      { code: COUNTY, name: `陌生县${rr}`, level: 'COUNTY', parentCode: null },
      { code: TOWNSHIP, name: `陌生镇${rr}`, level: 'TOWNSHIP', parentCode: COUNTY },
      { code: VILLAGE, name: `陌生村${rr}`, level: 'VILLAGE', parentCode: TOWNSHIP },
    ]) await h.prisma.region.create({ data: r });
    await h.prisma.official.create({ data: { id: COUNTY_OFF, name: '陌县干部', email: `${COUNTY_OFF}@test.bangfu.local`, role: 'COUNTY', regionCode: COUNTY } });
    await h.prisma.official.create({ data: { id: `${COUNTY_OFF}-t`, name: '陌镇干部', email: `${COUNTY_OFF}-t@test.bangfu.local`, role: 'TOWNSHIP', regionCode: TOWNSHIP } });
    await h.prisma.official.create({ data: { id: `${COUNTY_OFF}-v`, name: '陌村干部', email: `${COUNTY_OFF}-v@test.bangfu.local`, role: 'VILLAGE', regionCode: VILLAGE } });
    await h.prisma.official.create({ data: { id: GRID_OFF, name: '陌网格员', email: `${GRID_OFF}@test.bangfu.local`, role: 'GRID', regionCode: VILLAGE } });
    const csv = ['村代码,网格,网格员,户主,身份证号,人口,类别', `${VILLAGE},陌一网格,${GRID_OFF}@test.bangfu.local,陌一,${ROSTER_IDS[0]},3,一般农户`, `${VILLAGE},陌一网格,,陌二,${ROSTER_IDS[1]},2,脱贫户`].join('\n');
    const roster = await send('/api/roster', { method: 'POST', token: await h.token(COUNTY_OFF), headers: { 'content-type': 'text/csv' }, body: csv });
    expect(roster.status, roster.text).toBe(200);
    households = JSON.parse(roster.text).rows.filter((r: any) => r.outcome === 'ADDED').map((r: any) => r.key);
    const deadline = new Date(Date.now() + 8 * 3_600_000 + 7 * 86_400_000).toISOString().slice(0, 10);
    const launched = await h.api('POST', '/api/campaigns', { as: COUNTY_OFF, body: { name: `陌生排查${rr}`, deadline, villageCodes: [VILLAGE] } });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    processId = launched.body.campaign.id;
    const task = await eventually(() => h.prisma.task.findFirst({ where: { processId, step: 'GRID_SCREENING', status: 'OPEN' } }), 'the grid task');
    await eventually(async () => ((await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).data as any)?.gridTasks?.[task.id], 'the grid of the task');
    gridToken = await issueTaskLink(h.prisma, links, { purpose: 'DECIDE', processId, taskId: task.id, officialId: GRID_OFF, expiresAt: new Date(Date.now() + 3_600_000) });
  }, 60_000);

  it('riskTypes and the other visit fields refuse hostile values with 400 naming the field; nothing is recorded', async () => {
    const page = await send(`/t/${gridToken}?lang=en`);
    expect(page.status).toBe(200);
    const csrf = csrfOf(page.text);
    const hh = households[0];
    const visits = () => h.prisma.campaignVisit.findMany({ where: { householdId: { in: households } }, orderBy: { householdId: 'asc' } });
    const before = JSON.stringify(await visits());
    const post = (body: string) => send(`/t/${gridToken}/visit?lang=en`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const attempts: [string, string, string][] = [
      ['unknown risk type', `csrf=${csrf}&householdId=${hh}&result=RISK_FOUND&riskTypes=ILLNESS&riskTypes=%3Dcmd|%27%20/C%20calc%27!A0`, 'riskTypes'],
      ['NUL risk type', `csrf=${csrf}&householdId=${hh}&result=RISK_FOUND&riskTypes=ILL%00NESS`, 'riskTypes'],
      ['none ticked', `csrf=${csrf}&householdId=${hh}&result=RISK_FOUND`, 'riskTypes'],
      ['types with no risk', `csrf=${csrf}&householdId=${hh}&result=NO_RISK&riskTypes=ILLNESS`, 'riskTypes'],
      ['twenty types', `csrf=${csrf}&householdId=${hh}&result=RISK_FOUND&${Array.from({ length: 20 }, () => 'riskTypes=ILLNESS').join('&')}`, 'riskTypes'],
      ['a thousand types', `csrf=${csrf}&householdId=${hh}&result=RISK_FOUND&${Array.from({ length: 1000 }, () => 'riskTypes=ILLNESS').join('&')}`, 'body'],
      ['traversal household', `csrf=${csrf}&householdId=..%2F..%2Fhh&result=NO_RISK`, 'householdId'],
      ['two households', `csrf=${csrf}&householdId=${hh}&householdId=${households[1]}&result=NO_RISK`, 'householdId'],
      ['unknown household', `csrf=${csrf}&householdId=hh-00000000000000000000&result=NO_RISK`, 'householdId'],
      ['unknown result', `csrf=${csrf}&householdId=${hh}&result=DROP`, 'result'],
      ['wrong category', `csrf=${csrf}&householdId=${hh}&result=RISK_FOUND&riskTypes=ILLNESS&category=LIFTED`, 'category'],
      ['extra field', `csrf=${csrf}&householdId=${hh}&result=NO_RISK&idNumber=${ROSTER_IDS[0]}`, 'idNumber'],
    ];
    for (const [what, body, field] of attempts) {
      const a = await post(body);
      expectSafe(a, `visit ${what}`);
      expect(a.status, `visit ${what}`).toBeGreaterThanOrEqual(400);
      expect(a.status, `visit ${what}`).toBeLessThan(500);
      if (a.status === 400) expect(alertOf(a.text), `visit ${what}`).toContain(field);
    }
    for (const body of ['householdId=x&result=NO_RISK', `csrf=${csrf}x&householdId=${hh}&result=NO_RISK`, `csrf=${csrf}&csrf=${csrf}&householdId=${hh}&result=NO_RISK`]) {
      const a = await post(body);
      expectSafe(a, 'visit without its CSRF');
      expect(a.status).toBe(403);
    }
    expect(JSON.stringify(await visits())).toBe(before);
    expect(await h.prisma.lead.count({ where: { householdId: { in: households } } }).catch(() => 0)).toBe(0);
    // An honest visit still records.
    const ok = await post(`csrf=${csrf}&householdId=${hh}&result=NOT_HOME`);
    expect(ok.status).toBe(303);
    await expectReady();
  });

  it('a grid worker\'s admin session: their grid page under hostile queries, every other page refused', async () => {
    const grid = await adminLogin(h, GRID_OFF);
    for (const q of ['gridId=..%2F..', 'gridId=a&gridId=b', 'lang=xx', `q=${'x'.repeat(5000)}`, 'campaignId=%00']) {
      const a = await grid.get(`/admin/grid?${q}`);
      expectSafe(a, `grid page ?${q.slice(0, 30)}`);
    }
    for (const p of ['/admin/cases', `/admin/cases/${caseId}`, '/admin/officials', '/admin/imports', '/admin/reports/draft/docx?period=2026-H1']) {
      const a = await grid.get(p);
      expectSafe(a, `grid worker GET ${p}`);
      expect(a.status, p).toBe(403);
    }
    const add = await grid.post('/admin/officials', { _csrf: await csrfOfGrid(grid), name: '冒名', email: `grid-${rr}@test.bangfu.local`, role: 'ADMIN', regionCode: COUNTY });
    expect(add.status).toBe(403);
    expect(await h.prisma.official.count({ where: { email: `grid-${rr}@test.bangfu.local` } })).toBe(0);
  });

  it('the decide form of a process task refuses hostile process fields (f_…) and return villages without a 500', async () => {
    clientAddress = '10.9.3.1';
    const page = await send(`/t/${gridToken}`);
    const csrf = csrfOf(page.text);
    for (const body of [
      `csrf=${csrf}&action=DONE&f_returnVillages=..%2F..&f_returnVillages=${'9'.repeat(5000)}`,
      `csrf=${csrf}&action=RETURN&reason=a%00b&f_returnVillages=${VILLAGE}`,
      `csrf=${csrf}&action=TRANSFER&toOfficialId=${'x'.repeat(200)}`,
      `csrf=${csrf}&action=TRANSFER&toOfficialId=off%00x`,
      `csrf=${csrf}&action=DONE&f_meetingOn=2026-02-30&f_attendees=-1e309&f_minutes=%00`,
    ]) {
      const a = await send(`/t/${gridToken}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expectSafe(a, `process POST ${body.slice(50, 110)}`);
      expect(a.status, body.slice(50, 110)).toBeGreaterThanOrEqual(400);
    }
    await expectReady();
  });
  it('the township review form refuses hostile return villages (traversal, NUL, another county, 5,000 characters, 500 codes) naming returnVillages; the ledger stays closed', async () => {
    clientAddress = '10.9.4.1';
    const form = (token: string) => send(`/t/${token}`).then((p) => csrfOf(p.text));
    const postTo = (token: string, body: string) => send(`/t/${token}?lang=en`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    // The grid finishes and the village closes its ledger through their links.
    const gridCsrf = await form(gridToken);
    for (const hh of households) {
      const v = await send(`/t/${gridToken}/visit?lang=en`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${gridCsrf}&householdId=${hh}&result=NO_RISK` });
      expect(v.status, alertOf(v.text)).toBe(303);
    }
    const submitted = await postTo(gridToken, `csrf=${gridCsrf}&action=DONE`);
    expect(submitted.status, alertOf(submitted.text)).toBe(303);
    const ledgerTask = await eventually(() => h.prisma.task.findFirst({ where: { processId, step: 'VILLAGE_LEDGER', status: 'OPEN' } }), 'the ledger task');
    const ledgerToken = await issueTaskLink(h.prisma, links, { purpose: 'DECIDE', processId, taskId: ledgerTask.id, officialId: ledgerTask.assigneeId ?? ledgerTask.allowedIds[0], expiresAt: new Date(Date.now() + 3_600_000) });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const closed = await postTo(ledgerToken, `csrf=${await form(ledgerToken)}&action=DONE&f_meetingOn=${today}&f_attendees=12&f_minutes=${encodeURIComponent('民主评议会议')}`);
    expect(closed.status, alertOf(closed.text)).toBe(303);
    const reviewTask = await eventually(() => h.prisma.task.findFirst({ where: { processId, step: 'TOWNSHIP_REVIEW', status: 'OPEN' } }), 'the township review task', 60_000);
    const reviewToken = await issueTaskLink(h.prisma, links, { purpose: 'DECIDE', processId, taskId: reviewTask.id, officialId: reviewTask.assigneeId ?? reviewTask.allowedIds[0], expiresAt: new Date(Date.now() + 3_600_000) });
    const csrf = await form(reviewToken);
    const ledgerBefore = JSON.stringify(await h.prisma.villageLedger.findMany({ where: { campaignId: processId } }));
    const base = `csrf=${csrf}&action=RETURN&reason=${encodeURIComponent('抽查有误')}&f_checked=1&f_discrepancies=1`;
    const attempts: [string, string, string][] = [
      ['traversal', `${base}&f_returnVillages=..%2F..%2Fetc`, 'returnVillages'],
      ['NUL', `${base}&f_returnVillages=${VILLAGE}%00`, 'returnVillages'],
      ['another county', `${base}&f_returnVillages=${DEMO.villageA1}`, 'returnVillages'],
      ['5,000 characters', `${base}&f_returnVillages=${'9'.repeat(5000)}`, 'returnVillages'],
      ['500 codes', `${base}&f_returnVillages=${Array.from({ length: 500 }, () => VILLAGE).join(',')}`, 'returnVillages'],
      ['twice', `${base}&f_returnVillages=${VILLAGE}&f_returnVillages=${VILLAGE}`, 'returnVillages'],
      ['negative count', `csrf=${csrf}&action=APPROVE&f_checked=-1&f_discrepancies=1e309`, 'checked'],
      ['not a number', `csrf=${csrf}&action=APPROVE&f_checked=${encodeURIComponent("=cmd|' /C calc'!A0")}&f_discrepancies=0`, 'checked'],
    ];
    for (const [what, body, field] of attempts) {
      const a = await postTo(reviewToken, body);
      expectSafe(a, `review ${what}`);
      expect(a.status, `review ${what}: ${alertOf(a.text)}`).toBeGreaterThanOrEqual(400);
      expect(alertOf(a.text), `review ${what}`).toContain(field);
    }
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: reviewTask.id } })).status).toBe('OPEN');
    expect(JSON.stringify(await h.prisma.villageLedger.findMany({ where: { campaignId: processId } }))).toBe(ledgerBefore);
    await expectReady();
  }, 90_000);
});

describe('file imports with hostile bytes', () => {
  const importAs = async (path: string, body: string | Buffer, type = 'text/csv'): Promise<Answer> =>
    send(path, { method: 'POST', token: await h.token(admin), headers: { 'content-type': type }, body });
  const header = 'leadRef,headName,idNumber,villageCode,category,riskTypes';
  const row = (ref: string, name: string, id = randomIdNumber()) => `${ref},${name},${id},${DEMO.villageA1},MARGINAL,ILLNESS`;

  it('CSV and JSON lead imports with NUL, invalid UTF-8, UTF-16, BOMs, formulas, quotes and a huge line answer below 500 naming the row\'s field; no ID number echoed', async () => {
    const tag = `HP${rr}${Date.now().toString(36)}`;
    const bodies: [string, string | Buffer, string?][] = [
      ['NUL in a cell', `${header}\n${row(`${tag}-nul`, '王\u0000五')}\n`],
      ['invalid UTF-8', Buffer.concat([Buffer.from(`${header}\n${tag}-bad,`), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(`,${ID_NUMBER},${DEMO.villageA1},MARGINAL,ILLNESS\n`)])],
      ['UTF-16 with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${header}\n${row(`${tag}-u16`, '王')}\n`, 'utf16le')])],
      ['UTF-8 BOM', `\ufeff${header}\n${row(`${tag}-bom`, '=cmd|\' /C calc\'!A0')}\n`],
      ['quotes', `${header}\n"${tag}-q","王""五",${randomIdNumber()},${DEMO.villageA1},MARGINAL,"ILLNESS\n`],
      ['huge line', `${header}\n${tag}-huge,${'王'.repeat(2_000_000)},${ID_NUMBER},${DEMO.villageA1},MARGINAL,ILLNESS\n`],
      ['no header', `\u0000\u0000\u0000`],
      ['JSON NUL key', JSON.stringify([{ ['leadRef\u0000']: 'x' }]), 'application/json'],
      ['JSON surrogate', `[{"leadRef":"${tag}-s","headName":"\\ud800","idNumber":"${ID_NUMBER}","villageCode":"${DEMO.villageA1}","category":"MARGINAL","riskTypes":["ILLNESS"]}]`, 'application/json'],
      ['JSON deep', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'application/json'],
      ['JSON UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify([{ leadRef: 'x' }]), 'utf16le')]), 'application/json'],
      ['XML', '<?xml version="1.0"?><x/>', 'application/xml'],
    ];
    for (const [what, body, type] of bodies) {
      const a = await importAs('/api/imports', body, type);
      expectSafe(a, `import ${what}`);
      expect(a.text.includes(ID_NUMBER), `import ${what}`).toBe(false);
      // A row of 6 MB: refused naming body (a bounded row), not parsed for seconds.
      if (what === 'huge line') expect(a.text).toMatch(/"field":"body"/);
    }
    // Nothing with a NUL byte was stored.
    const stored = await h.prisma.lead.findMany({ where: { leadKey: { contains: tag } }, select: { leadKey: true, summary: true } });
    expect(stored.every((l) => !`${l.leadKey}${l.summary}`.includes('\u0000'))).toBe(true);
    await expectReady();
  }, 60_000);

  it('a 50 MB lead body answers below 500 (refused or reported) and the server stays ready', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const a = await importAs('/api/imports', big);
    expectSafe({ ...a, text: a.text.slice(0, 10_000) }, 'import 50 MB');
    await expectReady();
  }, 60_000);

  it('roster, fund ledger and programme imports with hostile bytes answer below 500 naming the field, and a 40 MB body is refused', async () => {
    for (const path of ['/api/roster', '/api/imports/projects', '/api/imports/assets', '/api/imports/loans', '/api/imports/welfare-jobs']) {
      for (const body of [
        Buffer.from([0x00, 0xff, 0xfe, 0x00]),
        `村代码,网格,网格员,户主,身份证号,人口,类别\n${DEMO.villageA1},\u0000,,=cmd|' /C calc'!A0,${ID_NUMBER},x,一般农户\n`,
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]),
        `"unclosed\n${'x,'.repeat(100_000)}`,
        '',
      ]) {
        const a = await importAs(path, body);
        expectSafe(a, `${path} ${String(body).slice(0, 20)}`);
        expect(a.status).toBeGreaterThanOrEqual(200);
      }
      const huge = await importAs(path, Buffer.alloc(40 * 1024 * 1024, 0x61));
      expectSafe({ ...huge, text: huge.text.slice(0, 1000) }, `${path} 40 MB`);
      expect(huge.status).toBe(400);
      expect(huge.text).toMatch(/body/);
    }
    await expectReady();
  }, 60_000);
});
