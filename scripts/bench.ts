/**
 * `npm run bench` — figures measured side by side in one run, on this machine, against a real
 * Temporal dev server and PostgreSQL started for the run:
 *  - lead intake: latency and throughput of POST /api/cases (workflow start + rows);
 *  - decisions: latency of POST /api/tasks/:id/decision (a validated Update, applied and recorded);
 *  - reading a case: the Postgres read model (GET /api/cases/:id, with tasks, measures, contacts)
 *    against a Temporal Query of the same case, and the ratio between them. Pages read the read
 *    model anyway: it answers when no worker runs, and it holds closed cases and the audit trail.
 *  - the identification chain (lead → verification → village review → notice → township →
 *    county approval) against a bare Temporal baseline (scripts/bench/baseline-workflow.ts: a
 *    start and the same number of Updates, one activity writing one row each) on the same dev
 *    server, interleaved in rounds: history events per case, chain throughput, decision latency,
 *    and their ratios.
 *  - bulk intake (bench/intake.ts): rows/s stored by POST /api/imports and the API's peak RSS,
 *    background starts by the intake dispatcher against bare workflow.start.
 * Options: --cases N (default 60), --concurrency C (default 6) for intake, decisions and reads;
 *   --chain-cases (default 512), --chain-concurrency (default 128) for the chain, measured at saturation;
 *   --intake-rows N (default 100000), --intake-starts N (default 2000), --skip-intake, --only-intake
 *   (setup and the intake section only).
 */
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createApp } from '../api/app';
import { makeResidentId } from '../core/resident-id';
import { issueToken } from '../api/auth/tokens';
import { seedDemo } from '../prisma/seed/demo';
import { applyMigrations } from '../runtime/migrate';
import { getFreePort } from '../runtime/net';
import { makeTempDataDir, startEmbeddedPostgres } from '../runtime/postgres';
import { createPrisma, sidePool } from '../runtime/prisma';
import { startTemporalDevServer } from '../runtime/temporal-dev-server';
import { fileURLToPath } from 'node:url';
import { baselineStepUpdate } from './bench/baseline-workflow';
import type { CpuSeconds } from './bench/cpu';
import { cpuDelta, cpuOfTree } from './bench/cpu';
import { SEARCH_ATTRIBUTES, stateQuery } from '../workflows/contracts';
import { compressedPolicy } from '../workflows/policy';
import { benchScale } from './bench/scale';
import { benchIntake, printIntakeReport } from './bench/intake';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../runtime/migrate';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('cases', 60);
const C = arg('concurrency', 6);
/** The chain runs at saturation by default: throughput, not one chain's latency (README "Benchmarks"). */
const CHAIN_N = arg('chain-cases', 512);
const CHAIN_C = arg('chain-concurrency', 128);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const ms = (x: number): string => `${x.toFixed(1)} ms`;
/** A valid (GB 11643) ID number per benchmark case: birth dates from 1950-01-01 on, one per case. */
const benchIdNumber = (i: number): string =>
  makeResidentId('410599', new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replace(/-/g, ''), '001');

async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const dataDir = await makeTempDataDir('bangfu-bench-');
const temporal = await startTemporalDevServer({ ui: false, port: await getFreePort(), searchAttributes: SEARCH_ATTRIBUTES, log: () => undefined });
const pg = await startEmbeddedPostgres({ dataDir, port: await getFreePort(), log: () => undefined });
try {
  await applyMigrations(pg.url, () => undefined);
  const prisma = createPrisma(pg.url);
  await seedDemo(prisma, { dataDir });
  // Workers run in processes of their own, as deployed (`npm run worker`): the case worker here,
  // the baseline's below; the bench process holds the API (Bangfu) and the clients.
  await prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS bench_baseline (id text NOT NULL, n int NOT NULL, at timestamptz NOT NULL DEFAULT now())');
  const spawnWorker = async (kind: 'case' | 'baseline', taskQueue: string): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [...process.execArgv.filter((a) => a.startsWith('--cpu-prof')), '--import', 'tsx', fileURLToPath(new URL('./bench/worker-child.ts', import.meta.url)), kind], {
      env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: pg.url, TASK_QUEUE: taskQueue }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('worker ready') && resolve());
      child.once('exit', (code) => reject(new Error(`${kind} worker exited ${code}`)));
    });
    return child;
  };
  const stopWorker = async (child: ChildProcess): Promise<void> => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const caseWorker = await spawnWorker('case', 'bench');
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  // The notice is a timer, not work: shortened so the chain measures the engine, not the wait.
  const policy = { ...compressedPolicy(), steps: { ...compressedPolicy().steps, PUBLIC_NOTICE: { unit: 'SECONDS' as const, amount: 0.2 } } };
  const app = createApp({ prisma, temporal: client, taskQueue: 'bench', policy, secret: 'bench-secret-0123456789', namespace: 'default' });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const village = await issueToken(prisma, 'off-vil-dongfeng');
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(base + path, {
      method, headers: { authorization: `Bearer ${village}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  /** Issue 10 §1: bulk intake — rows stored per second, API peak RSS, background starts vs bare workflow.start. */
  const intakeSection = async (): Promise<void> => {
    const report = await benchIntake({
      databaseUrl: pg.url, temporalAddress: temporal.address, prisma, client, policy, caseQueue: 'bench', baselineQueue: 'bench-baseline',
      rows: arg('intake-rows', 100_000), starts: arg('intake-starts', 2000), concurrency: 16,
    });
    printIntakeReport(report);
    const i = process.argv.indexOf('--report');
    const file = path.resolve(PROJECT_ROOT, i > 0 ? process.argv[i + 1] : 'bench-report.json');
    const existing = await fs.readFile(file, 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>, () => ({}));
    await fs.writeFile(file, `${JSON.stringify({ ...existing, intake: { at: new Date().toISOString(), ...report } }, null, 2)}\n`);
  };
  if (process.argv.includes('--only-intake')) {
    const baseline = await spawnWorker('baseline', 'bench-baseline');
    try {
      await intakeSection();
    } finally {
      await stopWorker(baseline);
      server.close();
      await stopWorker(caseWorker);
    }
    await client.connection.close();
    await prisma.$disconnect();
    await temporal.stop();
    await pg.stop();
    process.exit(0);
  }

  console.log(`bench: ${N} cases, concurrency ${C}, 2-core machine, Temporal dev server + embedded PostgreSQL`);
  const intake: number[] = [];
  const ids: string[] = [];
  const t0 = performance.now();
  await pool(Array.from({ length: N }, (_, i) => i), C, async (i) => {
    const s = performance.now();
    const r = await call('POST', '/api/cases', {
      household: { headName: '基准', idNumber: benchIdNumber(i), villageCode: '410599100201' },
      category: 'MARGINAL', riskTypes: ['ILLNESS'], channel: 'DEPARTMENT_ALERT', leadRef: `bench-${i}`,
    });
    intake.push(performance.now() - s);
    ids[i] = r.case.id;
  });
  const intakeSeconds = (performance.now() - t0) / 1000;

  // Wait until every verification task is open, then decide them all.
  const tasks: { id: string; caseId: string }[] = [];
  for (const caseId of ids) {
    for (;;) {
      const t = await prisma.task.findFirst({ where: { caseId, step: 'VERIFICATION', status: 'OPEN' } });
      if (t) {
        tasks.push({ id: t.id, caseId });
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const decisions: number[] = [];
  const t1 = performance.now();
  await pool(tasks, C, async (t) => {
    const s = performance.now();
    await call('POST', `/api/tasks/${t.id}/decision`, { action: 'APPROVE', consentSigned: true });
    decisions.push(performance.now() - s);
  });
  const decisionSeconds = (performance.now() - t1) / 1000;

  // Reading a case: read model vs workflow query, interleaved so both see the same load.
  const readModel: number[] = [];
  const query: number[] = [];
  for (const [i, caseId] of ids.entries()) {
    const row = await prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const order = i % 2 === 0 ? ['db', 'q'] : ['q', 'db'];
    for (const which of order) {
      const s = performance.now();
      if (which === 'db') await call('GET', `/api/cases/${caseId}`);
      else await client.workflow.getHandle(row.workflowId).query(stateQuery);
      (which === 'db' ? readModel : query).push(performance.now() - s);
    }
  }

  // ---- the identification chain against the bare Temporal baseline ------------------------------
  const baselineWorker = await spawnWorker('baseline', 'bench-baseline');
  const tokens = new Map<string, string>();
  const as = async (officialId: string): Promise<string> => tokens.get(officialId) ?? tokens.set(officialId, await issueToken(prisma, officialId)).get(officialId)!;
  const callAs = async (officialId: string, method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(base + path, {
      method, headers: { authorization: `Bearer ${await as(officialId)}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const STEPS = ['VERIFICATION', 'VILLAGE_REVIEW', 'TOWNSHIP_REVIEW', 'COUNTY_APPROVAL'];
  const bangfuDecisions: number[] = [];
  const baselineDecisions: number[] = [];
  const bangfuEvents: number[] = [];
  const baselineEvents: number[] = [];
  let bangfuSeconds = 0;
  let baselineSeconds = 0;
  let chainCases = 0;
  const bangfuChain = async (i: number): Promise<void> => {
    const r = await call('POST', '/api/cases', {
      household: { headName: '链路', idNumber: benchIdNumber(10_000 + i), villageCode: '410599100201' },
      category: 'MARGINAL', riskTypes: ['ILLNESS'], channel: 'DEPARTMENT_ALERT', leadRef: `chain-${i}`,
    });
    const caseId = r.case.id as string;
    // The API says which task is open next (the case's tasks, then each decision's openTasks); only
    // the task after the notice is waited for, as a client polling the case would.
    let next: { taskId: string; step: string; assigneeId: string | null }[] = (r.case.tasks as { id: string; step: string; status: string; assigneeId: string | null }[])
      .filter((t) => t.status === 'OPEN').map((t) => ({ taskId: t.id, step: t.step, assigneeId: t.assigneeId }));
    for (const step of STEPS) {
      let task = next.find((t) => t.step === step);
      while (!task) {
        await new Promise((res) => setTimeout(res, 250)); // a client checking back for the task after the notice
        // One prepared statement: the cheapest check a client polling for its next task could make.
        const { rows: [row] } = await sidePool(prisma).query<{ id: string; assigneeId: string | null }>({
          name: 'bench-open-task', text: `SELECT id, "assigneeId" FROM "Task" WHERE "caseId" = $1 AND step = $2 AND status = 'OPEN' LIMIT 1`, values: [caseId, step],
        });
        if (row) task = { taskId: row.id, step, assigneeId: row.assigneeId };
      }
      const s = performance.now();
      const d = await callAs(task.assigneeId!, 'POST', `/api/tasks/${task.taskId}/decision`, { action: 'APPROVE', consentSigned: true });
      bangfuDecisions.push(performance.now() - s);
      next = d.openTasks ?? [];
    }
    bangfuEvents.push((await client.workflow.getHandle(r.case.workflowId).describe()).historyLength);
  };
  const baselineChain = async (i: number): Promise<void> => {
    const handle = await client.workflow.start('baselineWorkflow', { taskQueue: 'bench-baseline', workflowId: `baseline-${i}`, args: [`baseline-${i}`, STEPS.length] });
    for (let n = 1; n <= STEPS.length; n++) {
      const s = performance.now();
      await handle.executeUpdate(baselineStepUpdate, { args: [n] });
      baselineDecisions.push(performance.now() - s);
    }
    await handle.result();
    baselineEvents.push((await handle.describe()).historyLength);
  };
  const bangfuCpu: CpuSeconds = { node: 0, postgres: 0, temporal: 0, other: 0 };
  const baselineCpu: CpuSeconds = { node: 0, postgres: 0, temporal: 0, other: 0 };
  const addCpu = (into: CpuSeconds, d: CpuSeconds): void => {
    for (const k of Object.keys(into) as (keyof CpuSeconds)[]) into[k] += d[k];
  };
  // Interleaved rounds, alternating which goes first, so both see the same machine.
  const ROUNDS = 4;
  const perRound = Math.max(1, Math.ceil(CHAIN_N / ROUNDS));
  for (let round = 0; round < ROUNDS; round++) {
    const batch = Array.from({ length: perRound }, (_, k) => round * perRound + k);
    const runBangfu = async (): Promise<void> => {
      const s = performance.now();
      const c = cpuOfTree();
      await pool(batch, CHAIN_C, (i) => bangfuChain(i));
      bangfuSeconds += (performance.now() - s) / 1000;
      addCpu(bangfuCpu, cpuDelta(c, cpuOfTree()));
    };
    const runBaseline = async (): Promise<void> => {
      const s = performance.now();
      const c = cpuOfTree();
      await pool(batch, CHAIN_C, (i) => baselineChain(i));
      baselineSeconds += (performance.now() - s) / 1000;
      addCpu(baselineCpu, cpuDelta(c, cpuOfTree()));
    };
    if (round % 2 === 0) {
      await runBangfu();
      await runBaseline();
    } else {
      await runBaseline();
      await runBangfu();
    }
    chainCases += batch.length;
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bangfuRate = chainCases / bangfuSeconds;
  const baselineRate = chainCases / baselineSeconds;
  console.log(`\nidentification chain, lead → county approval (${chainCases} cases each, ${ROUNDS} interleaved rounds, concurrency ${CHAIN_C}; notice ${policy.steps.PUBLIC_NOTICE.amount} s):`);
  console.log('\n| measure | Bangfu | bare Temporal baseline | ratio | target |\n|---|---|---|---|---|');
  const line = (name: string, a: number, b: number, unit: string, target: string): void =>
    console.log(`| ${name} | ${a.toFixed(1)}${unit} | ${b.toFixed(1)}${unit} | ${(a / b).toFixed(2)}× | ${target} |`);
  line('history events per case', mean(bangfuEvents), mean(baselineEvents), '', '≤ 1.5×');
  line('chain throughput', bangfuRate, baselineRate, ' cases/s', '≥ 0.6×');
  line('decision latency p50', pct(bangfuDecisions, 50), pct(baselineDecisions, 50), ' ms', '≤ 1.3×');
  line('decision latency p95', pct(bangfuDecisions, 95), pct(baselineDecisions, 95), ' ms', '');
  const perCase = (c: CpuSeconds, k: keyof CpuSeconds): number => (c[k] * 1000) / chainCases;
  for (const k of ['node', 'postgres', 'temporal'] as const) line(`CPU per case: ${k} (this run's processes)`, perCase(bangfuCpu, k), perCase(baselineCpu, k), ' ms', '');
  const total = (c: CpuSeconds): number => c.node + c.postgres + c.temporal + c.other;
  line('CPU per case: all', (total(bangfuCpu) * 1000) / chainCases, (total(baselineCpu) * 1000) / chainCases, ' ms', '');
  if (!process.argv.includes('--skip-intake')) await intakeSection();
  await stopWorker(baselineWorker);

  const rows = [
    ['lead intake (POST /api/cases)', ms(pct(intake, 50)), ms(pct(intake, 95)), `${(N / intakeSeconds).toFixed(1)} cases/s`],
    ['decision (Update, validated + recorded)', ms(pct(decisions, 50)), ms(pct(decisions, 95)), `${(N / decisionSeconds).toFixed(1)} decisions/s`],
    ['read a case: Postgres read model', ms(pct(readModel, 50)), ms(pct(readModel, 95)), ''],
    ['read a case: Temporal Query', ms(pct(query, 50)), ms(pct(query, 95)), ''],
  ];
  console.log('\n| measure | p50 | p95 | throughput |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\nratio (Temporal Query p50 / read model p50): ${(pct(query, 50) / pct(readModel, 50)).toFixed(2)}×`);
  console.log(`ratio (decision p50 / lead intake p50): ${(pct(decisions, 50) / pct(intake, 50)).toFixed(2)}×`);

  // Issue 10 §2–3: lists and figures at 100,000 seeded cases; worker memory per cached workflow (bench/scale.ts).
  // The case worker stops first: the thousands of cases the sections above started run a compressed
  // policy (reminders, escalations every few seconds) and would share the two cores with the lists.
  server.close();
  await stopWorker(caseWorker);
  await benchScale({ serverUrl: pg.url, databaseUrl: pg.url, temporalAddress: temporal.address, prisma, client, argv: process.argv });

  await client.connection.close();
  await prisma.$disconnect();
} finally {
  await temporal.stop();
  await pg.stop();
}
