/**
 * Hostile input never gets a 5xx: more than 2,000 requests generated from the OpenAPI document
 * with fast-check — conforming values, wrong types, missing and extra fields, huge strings, odd
 * unicode (NUL, unpaired surrogates, RTL marks), undecodable percent-encoding, wrong content types
 * and charsets — sent as an administrator, a village official and nobody. Every answer is below
 * 500, and the server is healthy afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './support/harness';
import { DEMO, leadBody, startHarness } from './support/harness';
import { adminLogin } from './support/admin';

type Schema = Record<string, any>;
interface Operation { method: string; path: string; params: { name: string; in: string; schema: Schema }[]; body?: Record<string, Schema> }
interface FuzzRequest { op: Operation; method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array; as: 'admin' | 'village' | 'nobody' }
type Caller = FuzzRequest['as'];

const REQUESTS = 2_200;
const CONCURRENCY = 6;

let h: Harness;
let ops: Operation[] = [];
const known: string[] = [];
const tokens: Record<string, string> = {};
/** The administrator's admin-page session (cookie and CSRF token). */
const sessions: Record<string, { cookie: string; csrf: string }> = {};

const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\udc00\ud800', '%', '_', '\\', '\\%_', "'; DROP TABLE \"Case\"; --", '<script>alert(1)</script>',
    '\u202e\u0645\u0631\u062d\u0628\u0627', '🙂👨‍👩‍👧', '\ufeff', ' ', '', '%E0%A4%A', '../../etc/passwd', 'null', '410599190001123456', '11010519491231002X',
    '9'.repeat(400), 'x'.repeat(100_000),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), hostileString,
  fc.array(fc.oneof(fc.integer(), hostileString), { maxLength: 3 }), fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** A value following `schema` (JSON Schema as zod's OpenAPI output writes it). */
function valid(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant(undefined);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.const !== undefined) return fc.constant(schema.const);
  const alts = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alts) return fc.oneof(...alts.map((s) => valid(s, depth + 1)));
  switch (schema.type) {
    case 'string':
      if (schema.format === 'date') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      if (schema.pattern) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 10_000));
        } catch {
          /* a pattern fast-check cannot read */
        }
      }
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valid(schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: 3 });
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, s]) => [k, valid(s, depth + 1)])), { requiredKeys: required.filter((k) => k in props) });
    }
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  }
}

/** A value near `schema`: valid, valid with one field wrong, missing or extra, or of the wrong type altogether. */
function nearly(schema: Schema | undefined): fc.Arbitrary<unknown> {
  const mutated = fc.tuple(valid(schema), fc.nat(), wrongType, fc.constantFrom('replace', 'delete', 'extra')).map(([v, i, bad, how]) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return bad;
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    const key = keys.length ? keys[i % keys.length] : 'x';
    if (how === 'replace') o[key] = bad;
    else if (how === 'delete') delete o[key];
    else o[`extra\u0000${i % 3}`] = bad;
    return o;
  });
  return fc.oneof({ weight: 3, arbitrary: valid(schema) }, { weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: wrongType });
}

const badEncoding = fc.constantFrom('%E0%A4%A', '%', '%zz', '%00', '%ED%A0%80', '%C0%AF', '%FF%FE');

function requestOf(op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const pathValues = fc.tuple(...pathParams.map(() => fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known).map(encodeURIComponent) },
    { weight: 2, arbitrary: hostileString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '')) || 'x') },
    { weight: 1, arbitrary: badEncoding },
  )));
  const query = fc.tuple(
    fc.record(Object.fromEntries(queryParams.map((p) => [p.name, fc.oneof(valid(p.schema).map((v) => (v === undefined ? undefined : String(v))), hostileString)])), { requiredKeys: [] }),
    fc.option(badEncoding, { freq: 6 }),
  );
  const bodyTypes = Object.keys(op.body ?? {});
  const body = bodyTypes.length
    ? fc.tuple(fc.constantFrom(...bodyTypes), fc.nat()).chain(([type, n]) => {
        const value = nearly(op.body![type]);
        return fc.oneof(
          { weight: 5, arbitrary: value.map((v) => ({ type, text: type === 'text/csv' ? csvOf(v) : type.includes('urlencoded') ? formOf(v) : JSON.stringify(v) ?? '' })) },
          { weight: 1, arbitrary: value.map((v) => ({ type: ['application/json; charset=gbk', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x', ''][n % 5], text: JSON.stringify(v) ?? '' })) },
          { weight: 1, arbitrary: fc.constantFrom('{"household": ', '[', '{"a":1}garbage', '\u0000', '{"__proto__": {"admin": true}}').map((text) => ({ type: 'application/json', text })) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ type, text: bytes as string | Uint8Array })) },
        );
      })
    : fc.constant(undefined);
  return fc.tuple(pathValues, query, body, fc.constantFrom<Caller>('admin', 'admin', 'village', 'village', 'nobody')).map(([pv, [q, bad], b, as]) => {
    let i = 0;
    let url = op.path.replace(/\{(\w+)\}/g, () => pv[i++] as string);
    const qs = new URLSearchParams(Object.entries(q as Record<string, string | undefined>).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    url += qs || bad ? `?${qs}${bad ? `${qs ? '&' : ''}q=${bad}` : ''}` : '';
    const headers: Record<string, string> = {};
    if (as !== 'nobody') headers.authorization = `Bearer ${tokens[as]}`;
    let text = b?.text;
    if (sessions[as] && url.startsWith('/admin')) {
      // The pages take the session cookie; a form carries the session's CSRF token (mostly).
      headers.cookie = sessions[as].cookie;
      if (typeof text === 'string' && b?.type.includes('urlencoded') && i % 7 !== 0) text = `${text}&_csrf=${encodeURIComponent(sessions[as].csrf)}`;
    }
    if (b && b.type) headers['content-type'] = b.type;
    return { op, method: op.method.toUpperCase(), url, headers, body: text, as };
  });
}

function csvOf(v: unknown): string {
  const rows = Array.isArray(v) ? v : [v];
  const cols = ['leadRef', 'headName', 'idNumber', 'villageCode', 'category', 'riskTypes'];
  return [cols.join(','), ...rows.map((r) => cols.map((c) => String((r as Record<string, unknown>)?.[c] ?? '').replace(/[\n,]/g, ' ')).join(','))].join('\n');
}

function formOf(v: unknown): string {
  if (!v || typeof v !== 'object') return String(v);
  return new URLSearchParams(Object.entries(v as Record<string, unknown>).map(([k, x]): [string, string] => [k, typeof x === 'string' ? x : (JSON.stringify(x) ?? '')])).toString();
}

beforeAll(async () => {
  // Generated requests include bad tokens: lift the per-address throttle (tested in auth tests) so it does not hide the routes.
  h = await startHarness({ authThrottle: { points: 1_000_000 } });
  const admin = await h.officialOf('ADMIN', DEMO.county);
  const village = await h.officialOf('VILLAGE', DEMO.villageA1);
  tokens.admin = await h.token(admin);
  tokens.village = await h.token(village);
  // Village officials may not sign in to the admin pages: they reach them with their bearer token only.
  const client = await adminLogin(h, admin);
  sessions.admin = { cookie: client.cookie, csrf: await client.csrf() };
  // Real ids, so some generated requests reach past "not found".
  const created = await h.api('POST', '/api/cases', { as: village, body: leadBody() });
  expect(created.status).toBe(201);
  known.push(created.body.case.id, created.body.case.openTasks[0]?.id ?? 'task-x', 'BF20260101-XXXXXX', admin);
  const doc = (await (await fetch(`${h.baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
  ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method, path, params: (op.parameters ?? []) as Operation['params'],
      body: op.requestBody ? Object.fromEntries(Object.entries(op.requestBody.content as Record<string, { schema: Schema }>).map(([t, c]) => [t, c.schema])) : undefined,
    })),
  );
});
afterAll(async () => {
  await h?.stop();
});

describe('fuzzing every route of the OpenAPI document', () => {
  it('2,000+ generated requests (admin, village official, anonymous) get no 5xx, and the server stays healthy', async () => {
    expect(ops.length).toBeGreaterThan(30);
    const requests = fc.sample(fc.oneof(...ops.map(requestOf)), { numRuns: REQUESTS, seed: 20261202 });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const r = requests[next++];
        let status: number;
        let text = '';
        try {
          const res = await fetch(h.baseUrl + r.url, { method: r.method, headers: r.headers, body: r.method === 'GET' ? undefined : r.body, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
          status = res.status;
          text = await res.text();
        } catch (err) {
          status = 599;
          text = (err as Error).message;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`${status} ${r.method} ${r.url.slice(0, 160)} as ${r.as} [${r.headers['content-type'] ?? '-'}] → ${text.slice(0, 200)}`);
      }
    }));
    console.log(`[fuzz] ${requests.length} requests over ${ops.length} operations in ${((Date.now() - started) / 1000).toFixed(1)}s; statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(requests.length).toBeGreaterThanOrEqual(2_000);
    expect(failures).toEqual([]);

    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.baseUrl}/readyz`)).status).toBe(200);
    const list = await h.api('GET', '/api/cases?pageSize=1', { token: tokens.admin });
    expect(list.status).toBe(200);
  }, 300_000); // 2,000+ requests: minutes on a loaded 2-core machine
});
