/**
 * `npm run bench` — figures measured side by side in one run, on this machine, against a real
 * Temporal dev server and PostgreSQL started for the run:
 *  - lead intake: latency and throughput of POST /api/cases (workflow start + rows);
 *  - decisions: latency of POST /api/tasks/:id/decision (a validated Update, applied and recorded);
 *  - reading a case: the Postgres read model (GET /api/cases/:id, with tasks, measures, contacts)
 *    against a Temporal Query of the same case, and the ratio between them. Pages read the read
 *    model anyway: it answers when no worker runs, and it holds closed cases and the audit trail.
 * Options: --cases N (default 60), --concurrency C (default 6).
 */
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createApp } from '../api/app';
import { makeResidentId } from '../core/resident-id';
import { issueToken } from '../api/auth/tokens';
import { seedDemo } from '../prisma/seed/demo';
import { applyMigrations } from '../runtime/migrate';
import { getFreePort } from '../runtime/net';
import { makeTempDataDir, startEmbeddedPostgres } from '../runtime/postgres';
import { createPrisma } from '../runtime/prisma';
import { startTemporalDevServer } from '../runtime/temporal-dev-server';
import { createCaseWorker } from '../worker/create-worker';
import { SEARCH_ATTRIBUTES, stateQuery } from '../workflows/contracts';
import { compressedPolicy } from '../workflows/policy';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('cases', 60);
const C = arg('concurrency', 6);

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
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const worker = await createCaseWorker({ connection: nativeConnection, namespace: 'default', prisma, taskQueue: 'bench' });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  const app = createApp({ prisma, temporal: client, taskQueue: 'bench', policy: compressedPolicy(), secret: 'bench-secret-0123456789', namespace: 'default' });
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

  server.close();
  worker.shutdown();
  await running;
  await nativeConnection.close();
  await client.connection.close();
  await prisma.$disconnect();
} finally {
  await temporal.stop();
  await pg.stop();
}
