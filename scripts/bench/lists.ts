/**
 * The list and figures bench of `npm run bench` (issue 10 §2): a throwaway database on the bench's
 * PostgreSQL server, filled with N cases at SQL speed (seed-read-model.ts: rows only, no
 * workflows), the real Express app on it, and p50/p99 over HTTP of
 *  - GET /api/cases and GET /admin/cases: first page, by township, by status, by step, and a deep
 *    page by cursor (keyset) — the offset form of the same page is measured too, for the ratio;
 *  - GET /api/stats and the dashboard (GET /admin).
 * Every SQL statement those requests run is captured from Prisma once and EXPLAIN ANALYZEd; the
 * plans go to the report (the printed table shows each statement's top plan line).
 *
 * Standalone: `npx tsx scripts/bench/lists.ts [--cases N] [--requests R]` starts its own Postgres.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '@prisma/client';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { createApp } from '../../api/app';
import { issueToken } from '../../api/auth/tokens';
import { encodeCaseCursor } from '../../core/case-cursor';
import { DEMO_ADMIN_ID, DEMO_CODES, seedDemo } from '../../prisma/seed/demo';
import { applyMigrations } from '../../runtime/migrate';
import { getFreePort } from '../../runtime/net';
import { createPrisma } from '../../runtime/prisma';
import { makeTempDataDir, startEmbeddedPostgres } from '../../runtime/postgres';
import { compressedPolicy } from '../../workflows/policy';
import { createThrowawayDatabase, seedReadModel } from './seed-read-model';

/** Options of {@link benchLists}. */
export interface ListsBenchOptions {
  /** URL of any database on the PostgreSQL server to use; the bench creates its own database there. */
  serverUrl: string;
  /** Cases to seed. @default 100000 */
  cases?: number;
  /** Timed requests per measure (after 10 untimed). @default 200 */
  requests?: number;
  /** A Temporal client for the app (lists never call Temporal). @default a lazy client to nowhere */
  temporal?: Client;
  log?: (msg: string) => void;
}

/** One measured request. */
export interface ListsMeasure {
  name: string;
  path: string;
  p50Ms: number;
  p99Ms: number;
  /** p99 target in ms, or null when only informational. */
  targetMs: number | null;
  ok: boolean | null;
  /** Rows the answer listed (lists) — the first page of each filter is non-empty. */
  rows?: number;
}

/** EXPLAIN ANALYZE of one statement a measured request ran. */
export interface ExplainedQuery {
  measure: string;
  sql: string;
  /** Milliseconds of the ANALYZE run. */
  executionMs: number;
  plan: string[];
}

/** What {@link benchLists} measured. */
export interface ListsBenchReport {
  cases: number;
  seedSeconds: number;
  requestsPerMeasure: number;
  measures: ListsMeasure[];
  /** Offset page vs cursor page at the same depth (p50 ratio). */
  deepOffsetOverCursor: number;
  explain: ExplainedQuery[];
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Signs in to the admin pages with an API token (as a browser without scripts); returns the session cookie. */
async function adminCookie(base: string, token: string): Promise<string> {
  const cookies = (res: Response): string[] => res.headers.getSetCookie().map((c) => c.split(';')[0]);
  const form = await fetch(`${base}/admin/login`);
  const login = cookies(form).find((c) => c.startsWith('bf_login='));
  const nonce = /name="_login" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!login || !nonce) throw new Error('admin sign-in form: no login cookie or nonce');
  const res = await fetch(`${base}/admin/login`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: login },
    body: new URLSearchParams({ token, _login: nonce, next: '/admin' }).toString(),
  });
  const session = cookies(res).find((c) => c.startsWith('bf_admin=') && c.length > 'bf_admin='.length);
  if (res.status !== 303 || !session) throw new Error(`admin sign-in: ${res.status}`);
  return session;
}

/** Seeds `cases` cases into a throwaway database on `serverUrl` and measures the lists and figures. */
export async function benchLists(opts: ListsBenchOptions): Promise<ListsBenchReport> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const cases = opts.cases ?? 100_000;
  const requests = opts.requests ?? 200;
  const url = await createThrowawayDatabase(opts.serverUrl, 'bangfu_bench_lists');
  await applyMigrations(url, () => undefined);
  const prisma = createPrisma(url, { log: [{ emit: 'event', level: 'query' }] }) as PrismaClient<{ log: [{ emit: 'event'; level: 'query' }] }>;
  let capture: { sql: string; params: string }[] | null = null;
  prisma.$on('query', (e) => capture?.push({ sql: e.query, params: e.params }));
  const dataDir = await makeTempDataDir('bangfu-bench-lists-');
  await seedDemo(prisma, { dataDir });
  log(`lists: seeding ${cases.toLocaleString('en')} cases (SQL generate_series, rows only)…`);
  const seeded = await seedReadModel(url, { cases, countyCode: DEMO_CODES.county });
  log(`lists: seeded in ${seeded.seconds.toFixed(1)} s; measuring ${requests} requests per path`);

  const temporal = opts.temporal ?? new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const app = createApp({ prisma, temporal, taskQueue: 'bench-lists', policy: compressedPolicy(), secret: 'bench-secret-0123456789', namespace: 'default' });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const explainClient = new pg.Client({ connectionString: url });
  await explainClient.connect();
  try {
    // The demo administrator sees the county: every seeded case is in scope.
    const token = await issueToken(prisma, DEMO_ADMIN_ID, 'bench');
    const cookie = await adminCookie(base, token);
    const township = seeded.townshipCodes[3];
    // A page 80% of the way down the whole list, by cursor and by page number.
    const pageSize = 20;
    const deepPage = Math.floor((cases * 0.8) / pageSize) + 1;
    const before = await prisma.case.findMany({ orderBy: [{ openedAt: 'desc' }, { id: 'asc' }], skip: (deepPage - 1) * pageSize - 1, take: 1, select: { openedAt: true, id: true } });
    const deepCursor = encodeCaseCursor({ dir: 'after', openedAt: before[0].openedAt, id: before[0].id });

    const lists: [string, string][] = [
      ['first page', ''],
      ['by township', `townshipCode=${township}`],
      ['by status', 'status=MONITORED'],
      ['by step', 'step=VILLAGE_REVIEW'],
      [`deep page ${deepPage} by cursor`, `cursor=${deepCursor}&page=${deepPage}`],
    ];
    const plan: { name: string; path: string; targetMs: number | null; headers: Record<string, string>; kind: 'json' | 'html' }[] = [];
    for (const [name, q] of lists) plan.push({ name: `GET /api/cases ${name}`, path: `/api/cases?${q}`, targetMs: 50, headers: { authorization: `Bearer ${token}` }, kind: 'json' });
    for (const [name, q] of lists) plan.push({ name: `GET /admin/cases ${name}`, path: `/admin/cases?${q}`, targetMs: 50, headers: { cookie }, kind: 'html' });
    plan.push({ name: `GET /api/cases deep page ${deepPage} by offset`, path: `/api/cases?page=${deepPage}`, targetMs: null, headers: { authorization: `Bearer ${token}` }, kind: 'json' });
    plan.push({ name: 'GET /api/stats', path: '/api/stats', targetMs: 200, headers: { authorization: `Bearer ${token}` }, kind: 'json' });
    plan.push({ name: 'GET /admin (dashboard)', path: '/admin', targetMs: 200, headers: { cookie }, kind: 'html' });

    const measures: ListsMeasure[] = [];
    const explain: ExplainedQuery[] = [];
    for (const m of plan) {
      const get = async (): Promise<{ status: number; text: string }> => {
        const res = await fetch(base + m.path, { headers: m.headers, redirect: 'manual' });
        return { status: res.status, text: await res.text() };
      };
      capture = [];
      const first = await get();
      const statements = capture;
      capture = null;
      if (first.status !== 200) throw new Error(`${m.path}: ${first.status} ${first.text.slice(0, 300)}`);
      const rows = m.kind === 'json' ? (JSON.parse(first.text).items as unknown[] | undefined)?.length : [...first.text.matchAll(/<tr data-case-id=/g)].length;
      for (let i = 0; i < 9; i++) await get();
      const times: number[] = [];
      for (let i = 0; i < (m.targetMs === null ? Math.min(requests, 40) : requests); i++) {
        const s = performance.now();
        await get();
        times.push(performance.now() - s);
      }
      const p99 = pct(times, 99);
      measures.push({ name: m.name, path: m.path.replace(/cursor=[^&]+/, 'cursor=…'), p50Ms: pct(times, 50), p99Ms: p99, targetMs: m.targetMs, ok: m.targetMs === null ? null : p99 < m.targetMs, ...(m.kind === 'json' && m.path.startsWith('/api/cases') || m.kind === 'html' && m.path.startsWith('/admin/cases') ? { rows } : {}) });
      for (const st of statements) {
        if (!/FROM "(public"\.")?(Case|Task|Measure|Region)"/.test(st.sql)) continue;
        const params = JSON.parse(st.params) as unknown[];
        const r = await explainClient.query(`EXPLAIN (ANALYZE, COSTS OFF) ${st.sql}`, params);
        const lines = r.rows.map((x: Record<string, string>) => x['QUERY PLAN']);
        const exec = Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? NaN);
        explain.push({ measure: m.name, sql: st.sql, executionMs: exec, plan: lines });
      }
    }
    const cursorP50 = measures.find((x) => x.name === `GET /api/cases deep page ${deepPage} by cursor`)!.p50Ms;
    const offsetP50 = measures.find((x) => x.name === `GET /api/cases deep page ${deepPage} by offset`)!.p50Ms;
    return { cases, seedSeconds: seeded.seconds, requestsPerMeasure: requests, measures, deepOffsetOverCursor: offsetP50 / cursorP50, explain };
  } finally {
    await explainClient.end();
    await new Promise((r) => server.close(r));
    await prisma.$disconnect();
    if (!opts.temporal) await temporal.connection.close().catch(() => undefined);
  }
}

/** The plan line that says how a statement reads its main table (the first scan node). */
function scanLine(plan: string[]): string {
  const scan = plan.find((l) => /Scan/.test(l)) ?? plan[0];
  return scan.trim().replace(/^->\s*/, '').replace(/\s*\(actual.*$/, '');
}

/** Prints the report as Markdown tables. */
export function printListsReport(r: ListsBenchReport, print: (line: string) => void = (l) => console.log(l)): void {
  print(`\nlists and figures at ${r.cases.toLocaleString('en')} cases (seeded in ${r.seedSeconds.toFixed(1)} s; ${r.requestsPerMeasure} sequential requests each over HTTP, county administrator):`);
  print('\n| request | p50 | p99 | target (p99) | rows |\n|---|---|---|---|---|');
  for (const m of r.measures) {
    const target = m.targetMs === null ? 'for the ratio' : `< ${m.targetMs} ms ${m.ok ? 'ok' : 'MISSED'}`;
    print(`| ${m.name} | ${m.p50Ms.toFixed(1)} ms | ${m.p99Ms.toFixed(1)} ms | ${target} | ${m.rows ?? ''} |`);
  }
  print(`\nratio (deep page by offset p50 / by cursor p50): ${r.deepOffsetOverCursor.toFixed(1)}×`);
  print('\nEXPLAIN ANALYZE of each statement (main scan; full plans in the JSON report):\n\n| request | statement | scan | ms |\n|---|---|---|---|');
  for (const e of r.explain) {
    const table = /FROM "(?:public"\.")?(\w+)"/.exec(e.sql)?.[1] ?? '?';
    const what = `${/GROUP BY/i.test(e.sql) ? 'group' : /COUNT\(/i.test(e.sql) ? 'count' : 'select'} ${table}`;
    print(`| ${e.measure} | ${what} | ${scanLine(e.plan)} | ${e.executionMs.toFixed(2)} |`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, dflt: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const dataDir = await makeTempDataDir('bangfu-bench-lists-pg-');
  const server = await startEmbeddedPostgres({ dataDir, port: await getFreePort(), log: () => undefined });
  try {
    printListsReport(await benchLists({ serverUrl: server.url, cases: arg('cases', 100_000), requests: arg('requests', 200) }));
  } finally {
    await server.stop();
  }
}
