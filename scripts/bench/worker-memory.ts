/**
 * Worker memory per cached workflow (issue 10 §3), for `npm run bench`: each worker runs alone in
 * a child process (worker-memory-child.ts); the bench starts `warm` workflows (so the V8 context
 * and the bundle are loaded), reads the child's RSS, starts `n` more that stay open and cached,
 * reads it again: (RSS after − RSS before) / n. The same for a bare worker of the baseline
 * workflow (scripts/bench/baseline-workflow.ts), and the ratio.
 *
 * Household cases are started through the real API (POST /api/cases) on the worker's own task
 * queue and counted as cached once their verification task is open; baseline workflows are
 * started directly and counted once their first workflow task completed.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '@prisma/client';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { issueToken } from '../../api/auth/tokens';
import { makeResidentId } from '../../core/resident-id';
import { compressedPolicy } from '../../workflows/policy';

/** Options of {@link benchWorkerMemory}. */
export interface WorkerMemoryOptions {
  temporalAddress: string;
  databaseUrl: string;
  prisma: PrismaClient;
  client: Client;
  /** Workflows measured per worker. @default 200 */
  n?: number;
  /** Workflows started before the first reading. @default 10 */
  warm?: number;
  log?: (msg: string) => void;
}

/** One worker's reading. */
export interface WorkerMemoryReading {
  kind: 'case' | 'bare';
  rssBeforeMiB: number;
  rssAfterMiB: number;
  cachedBefore: number;
  cachedAfter: number;
  mibPerWorkflow: number;
}

/** What {@link benchWorkerMemory} measured. */
export interface WorkerMemoryReport {
  n: number;
  reuseV8Context: boolean;
  case: WorkerMemoryReading;
  bare: WorkerMemoryReading;
  ratio: number;
  targetMibPerWorkflow: number;
  ok: boolean;
}

const MiB = 1024 * 1024;

function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; ask: () => Promise<{ rss: number; cached: number }> }> {
  const child = fork(fileURLToPath(new URL('./worker-memory-child.ts', import.meta.url)), [], {
    env: { ...process.env, ...env }, execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`worker child exited (${code}) before it was ready`)));
    child.once('message', () => {
      child.removeAllListeners('exit');
      resolve({
        child,
        ask: () => new Promise((res) => {
          child.once('message', (m: { rss: number; cached: number }) => res(m));
          child.send('rss');
        }),
      });
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.send('stop');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`worker memory bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Measures the household case worker and the bare worker, each alone in its own process. */
export async function benchWorkerMemory(opts: WorkerMemoryOptions): Promise<WorkerMemoryReport> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const n = opts.n ?? 200;
  const warm = opts.warm ?? 10;
  const { prisma, client } = opts;

  // ---- household case worker -------------------------------------------------------------------
  const caseQueue = `bench-mem-case-${process.pid}`;
  const app = createApp({ prisma, temporal: client, taskQueue: caseQueue, policy: compressedPolicy(), secret: 'bench-secret-0123456789', namespace: 'default' });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await issueToken(prisma, 'off-vil-dongfeng', 'bench-mem');
  const caseIds: string[] = [];
  const startCases = async (from: number, count: number): Promise<void> => {
    await pool(Array.from({ length: count }, (_, k) => from + k), 6, async (i) => {
      const birth = new Date(Date.UTC(1930, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
      const res = await fetch(`${base}/api/cases`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          household: { headName: '内存', idNumber: makeResidentId('410599', birth, '002'), villageCode: '410599100201' },
          category: 'MARGINAL', riskTypes: ['ILLNESS'], channel: 'DEPARTMENT_ALERT', leadRef: `mem-${process.pid}-${i}`,
        }),
      });
      if (res.status >= 300) throw new Error(`POST /api/cases: ${res.status} ${await res.text()}`);
      caseIds.push(((await res.json()) as { case: { id: string } }).case.id);
    });
    await until('verification tasks', async () => (await prisma.task.count({ where: { caseId: { in: caseIds }, step: 'VERIFICATION', status: 'OPEN' } })) >= caseIds.length);
  };
  const caseWorker = await startChild({ TEMPORAL_ADDRESS: opts.temporalAddress, DATABASE_URL: opts.databaseUrl, KIND: 'case', TASK_QUEUE: caseQueue });
  let caseReading: WorkerMemoryReading;
  try {
    await startCases(0, warm);
    const before = await caseWorker.ask();
    log(`worker memory: starting ${n} household cases on the case worker…`);
    await startCases(warm, n);
    const after = await caseWorker.ask();
    caseReading = reading('case', before, after, n);
  } finally {
    await stopChild(caseWorker.child);
    await new Promise((r) => server.close(r));
  }

  // ---- bare worker -----------------------------------------------------------------------------
  const bareQueue = `bench-mem-bare-${process.pid}`;
  const bareWorker = await startChild({ TEMPORAL_ADDRESS: opts.temporalAddress, DATABASE_URL: opts.databaseUrl, KIND: 'bare', TASK_QUEUE: bareQueue });
  let bareReading: WorkerMemoryReading;
  try {
    const handles: { describe(): Promise<{ historyLength: number }> }[] = [];
    const startBare = async (from: number, count: number): Promise<void> => {
      await pool(Array.from({ length: count }, (_, k) => from + k), 6, async (i) => {
        // Waits for 1,000 Updates that never come: open and cached, like a case waiting for a decision.
        handles.push(await client.workflow.start('baselineWorkflow', { taskQueue: bareQueue, workflowId: `mem-bare-${process.pid}-${i}`, args: [`mem-${i}`, 1000] }));
      });
      await until('baseline workflow tasks', async () => (await Promise.all(handles.map(async (h) => (await h.describe()).historyLength >= 4))).every(Boolean));
    };
    await startBare(0, warm);
    const before = await bareWorker.ask();
    log(`worker memory: starting ${n} baseline workflows on the bare worker…`);
    await startBare(warm, n);
    const after = await bareWorker.ask();
    bareReading = reading('bare', before, after, n);
    await Promise.all(handles.map((h) => (h as unknown as { terminate(): Promise<unknown> }).terminate().catch(() => undefined)));
  } finally {
    await stopChild(bareWorker.child);
  }
  const target = 1;
  return {
    n, reuseV8Context: true, case: caseReading, bare: bareReading,
    ratio: caseReading.mibPerWorkflow / bareReading.mibPerWorkflow, targetMibPerWorkflow: target, ok: caseReading.mibPerWorkflow <= target,
  };
}

function reading(kind: 'case' | 'bare', before: { rss: number; cached: number }, after: { rss: number; cached: number }, n: number): WorkerMemoryReading {
  return {
    kind, rssBeforeMiB: before.rss / MiB, rssAfterMiB: after.rss / MiB, cachedBefore: before.cached, cachedAfter: after.cached,
    mibPerWorkflow: (after.rss - before.rss) / MiB / n,
  };
}

/** Prints the report as a Markdown table. */
export function printWorkerMemoryReport(r: WorkerMemoryReport, print: (line: string) => void = (l) => console.log(l)): void {
  print(`\nworker memory per cached workflow (${r.n} open workflows started on a worker alone in its own process; reuseV8Context ${r.reuseV8Context}):`);
  print('\n| worker | RSS before | RSS after | cached before → after | MiB per cached workflow | target |\n|---|---|---|---|---|---|');
  for (const x of [r.case, r.bare]) {
    print(`| ${x.kind === 'case' ? 'household case worker' : 'bare baseline worker'} | ${x.rssBeforeMiB.toFixed(1)} MiB | ${x.rssAfterMiB.toFixed(1)} MiB | ${x.cachedBefore} → ${x.cachedAfter} | ${x.mibPerWorkflow.toFixed(3)} | ${x.kind === 'case' ? `≤ ${r.targetMibPerWorkflow} ${r.ok ? 'ok' : 'MISSED'}` : ''} |`);
  }
  print(`\nratio (case worker / bare worker, MiB per cached workflow): ${r.ratio.toFixed(2)}×`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { Connection, Client: TemporalClient } = await import('@temporalio/client');
  const { makeTempDataDir, startEmbeddedPostgres } = await import('../../runtime/postgres');
  const { startTemporalDevServer } = await import('../../runtime/temporal-dev-server');
  const { getFreePort } = await import('../../runtime/net');
  const { applyMigrations } = await import('../../runtime/migrate');
  const { createPrisma } = await import('../../runtime/prisma');
  const { seedDemo } = await import('../../prisma/seed/demo');
  const { SEARCH_ATTRIBUTES } = await import('../../workflows/contracts');
  const i = process.argv.indexOf('--n');
  const dataDir = await makeTempDataDir('bangfu-bench-mem-');
  const temporal = await startTemporalDevServer({ ui: false, port: await getFreePort(), searchAttributes: SEARCH_ATTRIBUTES, log: () => undefined });
  const pg = await startEmbeddedPostgres({ dataDir, port: await getFreePort(), log: () => undefined });
  try {
    await applyMigrations(pg.url, () => undefined);
    const prisma = createPrisma(pg.url);
    await seedDemo(prisma, { dataDir });
    const client = new TemporalClient({ connection: await Connection.connect({ address: temporal.address }) });
    printWorkerMemoryReport(await benchWorkerMemory({ temporalAddress: temporal.address, databaseUrl: pg.url, prisma, client, n: i > 0 ? Number(process.argv[i + 1]) : 200 }));
    await client.connection.close();
    await prisma.$disconnect();
  } finally {
    await temporal.stop();
    await pg.stop();
  }
}
