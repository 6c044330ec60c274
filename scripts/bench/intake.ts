/**
 * The intake section of `npm run bench` (issue 10 §1, §4):
 *  - acceptance: a CSV of `--intake-rows` rows (default 100,000) streamed to POST /api/imports of
 *    an API in its own process — rows stored per second, and that process's peak RSS (VmHWM);
 *  - background starts: the intake dispatcher starting `--intake-starts` stored leads (default
 *    2,000) against bare `client.workflow.start` of the baseline workflow, same concurrency, same
 *    dev server, interleaved in rounds; starts/s and their ratio.
 * Written into the JSON report under `intake`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { PrismaClient } from '@prisma/client';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { ServiceContext } from '../../api/services/context';
import { sidePool } from '../../runtime/prisma';
import type { ClaimedLead } from '../../api/services/intake-dispatcher';
import { CLAIMED_LEAD_COLUMNS, leadStartOptions, startIntakeDispatcher } from '../../api/services/intake-dispatcher';
import { CASE_WORKFLOW } from '../../workflows/contracts';
import { issueToken } from '../../api/auth/tokens';
import { makeResidentId } from '../../core/resident-id';
import type { TPolicy } from '../../workflows/policy';

/** Options of {@link benchIntake}. */
export interface BenchIntakeOptions {
  databaseUrl: string;
  temporalAddress: string;
  prisma: PrismaClient;
  client: Client;
  policy: TPolicy;
  /** Task queue of a running case worker (the started cases run there). */
  caseQueue: string;
  /** Task queue of a running baseline worker. */
  baselineQueue: string;
  rows: number;
  starts: number;
  concurrency: number;
}

/** What the intake section measured. */
export interface IntakeBenchReport {
  rows: number;
  storeSeconds: number;
  rowsPerSecond: number;
  apiPeakRssMb: number;
  apiRssBeforeMb: number;
  starts: number;
  concurrency: number;
  dispatcherStartsPerSecond: number;
  /** Bare `workflow.start` of the baseline workflow (small input, no search attributes). */
  bareStartsPerSecond: number;
  ratio: number;
  /** Bare `workflow.start` of the very same case starts (same input, queue and worker), without the dispatcher. */
  bareCaseStartsPerSecond: number;
  caseRatio: number;
}

const SECRET = 'bench-secret-0123456789';

/** A valid ID number per (series, i): birth dates from 1950 on, the sequence telling series and block apart. */
const intakeId = (series: number, i: number): string =>
  makeResidentId('410599', new Date(Date.UTC(1950, 0, 1) + (i % 15_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, ''),
    String(100 + series * 20 + Math.floor(i / 15_000)).padStart(3, '0'));

/** A CSV body produced as it is read: the bench never holds the file either. */
function csvStream(series: number, prefix: string, n: number): ReadableStream<Uint8Array> {
  let i = 0;
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === 0) controller.enqueue(enc.encode('leadRef,headName,idNumber,villageCode,category,riskTypes,phone,address,healthDetails\n'));
      if (i >= n) return controller.close();
      const lines: string[] = [];
      for (const end = Math.min(n, i + 1000); i < end; i++) {
        lines.push(`${prefix}-${i},户主${i},${intakeId(series, i)},${i % 2 ? '410599100201' : '410599101201'},MARGINAL,因病;住房安全,1390000${String(i % 10_000).padStart(4, '0')},某村${i}号,慢性病`);
      }
      controller.enqueue(enc.encode(`${lines.join('\n')}\n`));
    },
  });
}

/** Sends an import and reads its NDJSON answer to the end; the summary line. */
async function postImport(url: string, token: string, body: ReadableStream<Uint8Array>): Promise<{ importId: string; summary: Record<string, number> }> {
  const res = await fetch(`${url}/api/imports?fileName=bench.csv`, {
    method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body, duplex: 'half',
  } as RequestInit);
  if (!res.ok || !res.body) throw new Error(`import: HTTP ${res.status} ${await res.text()}`);
  let tail = '';
  const dec = new TextDecoder();
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    tail = (tail + dec.decode(part, { stream: true })).slice(-4096);
  }
  const last = tail.trim().split('\n').at(-1)!;
  const line = JSON.parse(last) as { type: string; importId: string; summary: Record<string, number> };
  if (line.type !== 'summary') throw new Error('import: no summary line');
  return line;
}

const kb = (pid: number, key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** Runs the intake section. */
export async function benchIntake(o: BenchIntakeOptions): Promise<IntakeBenchReport> {
  const token = await issueToken(o.prisma, 'off-admin');
  // 1. Acceptance: an API process of its own, on a queue nobody starts (stored rows only).
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./api-child.ts', import.meta.url))], {
    env: { ...process.env, TEMPORAL_ADDRESS: o.temporalAddress, DATABASE_URL: o.databaseUrl, TASK_QUEUE: 'bench-intake-store', BANGFU_SECRET: SECRET, POLICY_JSON: JSON.stringify(o.policy) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /api ready (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench api exited ${code}`)));
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  // Warm-up (route, prepared statements, region cache), then the measured file.
  await postImport(apiUrl, token, csvStream(9, 'warm', 200));
  const rssBefore = kb(child.pid!, 'VmRSS');
  const s0 = performance.now();
  const stored = await postImport(apiUrl, token, csvStream(0, 'store', o.rows));
  const storeSeconds = (performance.now() - s0) / 1000;
  const peak = kb(child.pid!, 'VmHWM');
  child.kill('SIGTERM');
  if (stored.summary.ACCEPTED !== o.rows) throw new Error(`import: ${stored.summary.ACCEPTED} of ${o.rows} rows accepted`);

  // 2. Background starts against bare workflow.start, interleaved rounds.
  const ctx: ServiceContext = { prisma: o.prisma, temporal: o.client, taskQueue: o.caseQueue, policy: o.policy, secret: SECRET, namespace: 'default' };
  const app = createApp(ctx);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const addr = server.address();
  const localUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const ROUNDS = 2;
  const per = Math.ceil(o.starts / ROUNDS);
  let dispatcherSeconds = 0;
  let bareSeconds = 0;
  let bareCaseSeconds = 0;
  const runDispatcher = async (round: number): Promise<void> => {
    // Stored first (not timed): the dispatcher's rate alone is measured.
    const { importId } = await postImport(localUrl, token, csvStream(1 + round, `starts-${round}`, per));
    const s = performance.now();
    const d = startIntakeDispatcher(ctx, { concurrency: o.concurrency, pollMs: 20, log: () => undefined });
    for (;;) {
      const { rows: [r] } = await sidePool(o.prisma).query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM "ImportRow" WHERE "importId" = $1 AND status = 'PENDING'`, [importId]);
      if (r.pending === 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    dispatcherSeconds += (performance.now() - s) / 1000;
    await d.stop();
  };
  const runBare = async (round: number): Promise<void> => {
    const s = performance.now();
    await pool(per, o.concurrency, async (i) => {
      await o.client.workflow.start('baselineWorkflow', { taskQueue: o.baselineQueue, workflowId: `bare-start-${round}-${i}`, args: [`bare-start-${round}-${i}`, 4] });
    });
    bareSeconds += (performance.now() - s) / 1000;
  };
  const runBareCase = async (round: number): Promise<void> => {
    const { importId } = await postImport(localUrl, token, csvStream(3 + round, `bare-case-${round}`, per));
    const { rows } = await sidePool(o.prisma).query<ClaimedLead>(
      `SELECT ${CLAIMED_LEAD_COLUMNS} FROM "ImportRow" r JOIN "Lead" l ON l.id = r."leadId" JOIN "Household" h ON h.id = r."householdId"
       WHERE r."importId" = $1 AND r.status = 'PENDING' ORDER BY r.row`, [importId]);
    const s = performance.now();
    await pool(rows.length, o.concurrency, async (i) => {
      await o.client.workflow.start(CASE_WORKFLOW, leadStartOptions(ctx, rows[i]));
    });
    bareCaseSeconds += (performance.now() - s) / 1000;
    // Started by hand: no dispatcher round may take them.
    await sidePool(o.prisma).query(`UPDATE "ImportRow" SET status = 'STARTED', "startedAt" = now() WHERE "importId" = $1`, [importId]);
  };
  const order = [[runDispatcher, runBare, runBareCase], [runBareCase, runBare, runDispatcher]];
  for (let round = 0; round < ROUNDS; round++) {
    for (const step of order[round % 2]) await step(round);
  }
  server.close();
  const dispatcherRate = (per * ROUNDS) / dispatcherSeconds;
  const bareRate = (per * ROUNDS) / bareSeconds;
  const bareCaseRate = (per * ROUNDS) / bareCaseSeconds;
  return {
    rows: o.rows, storeSeconds, rowsPerSecond: o.rows / storeSeconds, apiPeakRssMb: peak / 1024, apiRssBeforeMb: rssBefore / 1024,
    starts: per * ROUNDS, concurrency: o.concurrency, dispatcherStartsPerSecond: dispatcherRate, bareStartsPerSecond: bareRate, ratio: dispatcherRate / bareRate,
    bareCaseStartsPerSecond: bareCaseRate, caseRatio: dispatcherRate / bareCaseRate,
  };
}

/** Prints the intake table. */
export function printIntakeReport(r: IntakeBenchReport): void {
  console.log(`\nbulk intake (issue 10 §1): ${r.rows} CSV rows streamed to POST /api/imports (API in its own process); ${r.starts} background starts, concurrency ${r.concurrency}:`);
  console.log('\n| measure | Bangfu | bare Temporal baseline | ratio | target |\n|---|---|---|---|---|');
  console.log(`| rows stored (validated, sealed, one row per lead) | ${r.rowsPerSecond.toFixed(0)} rows/s (${r.storeSeconds.toFixed(1)} s) | — | — | ≥ 1,000 rows/s |`);
  console.log(`| API peak RSS during the import | ${r.apiPeakRssMb.toFixed(0)} MB (${r.apiRssBeforeMb.toFixed(0)} MB before) | — | — | < 500 MB |`);
  console.log(`| case starts from stored leads (intake dispatcher) vs bare workflow.start of the baseline workflow | ${r.dispatcherStartsPerSecond.toFixed(0)} starts/s | ${r.bareStartsPerSecond.toFixed(0)} starts/s | ${r.ratio.toFixed(2)}× | ≥ 0.8× |`);
  console.log(`| the same, vs bare workflow.start of the same case starts (same input, queue, worker; no dispatcher) | ${r.dispatcherStartsPerSecond.toFixed(0)} starts/s | ${r.bareCaseStartsPerSecond.toFixed(0)} starts/s | ${r.caseRatio.toFixed(2)}× | ≥ 0.8× |`);
}
