/**
 * Many machines, following README "Many machines" step by step: a Temporal dev server (the
 * suite's) and a fresh PostgreSQL database of its own; the README's commands run as child
 * processes in order (`npm run migrate:deploy`, `npm run setup -- regions`, `setup -- officials`,
 * `npm run officials -- token <admin>`); then two API processes (`npm run api`) and two worker
 * processes (`npm run worker`, both delivering mail to the test SMTP server) with the same secret.
 * Cases of the sample county are driven through the identification chain over HTTP, alternating
 * between the APIs, while one worker is SIGKILLed midway: every case reaches MONITORED, each step
 * is opened and approved exactly once, no notification is written twice, each is mailed exactly
 * once, and a logout on API A holds on API B.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { officialIdFor } from '../api/services/officials';
import { getFreePort } from '../runtime/net';
import { createPrisma } from '../runtime/prisma';
import { compressedPolicy } from '../workflows/policy';
import type { AdminClient } from './support/admin';
import { adminLogin } from './support/admin';
import type { Harness } from './support/harness';
import { eventually, leadBody } from './support/harness';
import type { TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';
import pg from 'pg';

const CASES = 6;
const STEPS = ['VERIFICATION', 'VILLAGE_REVIEW', 'TOWNSHIP_REVIEW', 'COUNTY_APPROVAL'] as const;
/** Decisions made before worker A is killed: midway through the 6 × 4 decisions. */
const KILL_AFTER_DECISIONS = 10;

/** A child process with its output kept for the failure message. */
interface Proc {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: boolean;
}

const procs: Proc[] = [];

/** The sample county (samples/*.csv) the README's setup commands load. */
const SAMPLE = {
  villages: ['411799100201', '411799100202', '411799101201'],
  admin: officialIdFor('ADMIN', 'admin@yangli.example.cn'),
};

/** Runs one of the README's commands (`npm run -s <args>`) as an operator would; returns its stdout. */
function npmRun(env: Record<string, string>, ...args: string[]): string {
  const base = { ...process.env };
  for (const k of ['SMTP_URL', 'TEMPORAL_ADDRESS', 'BANGFU_POLICY_FILE']) delete base[k];
  const r = spawnSync('npm', ['run', '-s', ...args], { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8', timeout: 120_000, env: { ...base, ...env } });
  expect(r.status, `npm run ${args.join(' ')}:\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Starts `entry` (a production entry point) with `env` and waits until a line matches `ready`. */
async function startProcess(name: string, entry: string, env: Record<string, string>, ready: RegExp): Promise<{ proc: Proc; match: RegExpMatchArray }> {
  const base = { ...process.env };
  delete base.SMTP_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...base, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = { name, child, output: [], exited: false };
  procs.push(proc);
  let timer: NodeJS.Timeout | undefined;
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      for (const line of d.toString().split('\n').filter(Boolean)) {
        proc.output.push(line);
        if (proc.output.length > 200) proc.output.shift();
        const m = ready.exec(line);
        if (m) resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code, signal) => {
      proc.exited = true;
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${proc.output.join('\n')}`));
    });
    timer = setTimeout(() => reject(new Error(`${name} not ready after 90 s:\n${proc.output.join('\n')}`)), 90_000);
  }).finally(() => clearTimeout(timer));
  return { proc, match };
}

async function stopProcess(p: Proc): Promise<void> {
  if (p.exited || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
  p.child.kill('SIGTERM');
  const force = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(force);
}

describe('many machines: two API and two worker processes on one Temporal and one PostgreSQL', () => {
  let prisma: PrismaClient;
  let connection: Connection;
  let client: Client;
  let dir: string;
  let apis: string[];
  let workerA: Proc;
  let workerB: Proc;
  let workerBMetrics: string;
  let smtp: TestSmtp;
  let dbAdmin: pg.Client;
  let dbName: string;
  /** Tokens: the first administrator's from `npm run officials -- token`, every other one issued by that administrator at /admin/officials (README step 5). */
  const tokens = new Map<string, Promise<string>>();
  let adminPages: Promise<AdminClient> | undefined;
  const tokenOf = (officialId: string): Promise<string> => {
    let t = tokens.get(officialId);
    if (!t) {
      t = (async () => {
        adminPages ??= adminLogin({ baseUrl: apis[0], token: (id: string) => tokens.get(id)! } as unknown as Harness, SAMPLE.admin);
        const admin = await adminPages;
        const issued = await admin.post(`/admin/officials/${officialId}/tokens`, { _csrf: await admin.csrf(), label: 'many-machines test' });
        const token = /<code data-token>([^<]+)<\/code>/.exec(issued.text)?.[1];
        expect(token, issued.text).toBeTruthy();
        return token!;
      })();
      tokens.set(officialId, t);
    }
    return t;
  };
  /** Round-robin over the APIs: every call goes to the other API than the one before. */
  let calls = 0;
  const nextApi = (): string => apis[calls++ % apis.length];
  const call = async (base: string, method: string, p: string, as: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(base + p, {
      method, headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(as)}` }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text };
    }
  };

  beforeAll(async () => {
    // 2. A PostgreSQL database of its own (fresh: nothing of the suite's other files in it).
    const base = new URL(inject('databaseUrl'));
    dbAdmin = new pg.Client({ connectionString: base.toString() });
    await dbAdmin.connect();
    dbName = `many_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await dbAdmin.query(`CREATE DATABASE ${dbName}`);
    base.pathname = `/${dbName}`;
    const databaseUrl = base.toString();
    prisma = createPrisma(databaseUrl);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: 'default' });
    smtp = await startTestSmtp();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bangfu-many-'));
    const taskQueue = `many-machines-${randomUUID()}`;
    const policyFile = path.join(dir, 'policy.json');
    await fs.writeFile(policyFile, JSON.stringify({ ...compressedPolicy({ notice: 2 }), version: `many-machines-${taskQueue}` }));
    // 3. What every process of one county shares: the database, Temporal, the secret, the task queue.
    const secret = `many-machines-secret-${randomUUID()}`;
    const db = { DATABASE_URL: databaseUrl, BANGFU_SECRET: secret };
    // 2.–5. The README's commands, in order, as child processes.
    npmRun(db, 'migrate:deploy');
    expect(npmRun(db, 'setup', '--', 'regions', 'samples/regions.csv')).toMatch(/regions: 9 added/);
    expect(npmRun(db, 'setup', '--', 'officials', 'samples/officials.csv')).toMatch(/officials: 10 added/);
    const adminToken = npmRun(db, 'officials', '--', 'token', SAMPLE.admin).trim();
    expect(adminToken).toMatch(/^bf_\S+$/);
    tokens.set(SAMPLE.admin, Promise.resolve(adminToken));

    // 6. Two API and two worker processes; both workers deliver mail.
    const shared = { ...db, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: taskQueue, BANGFU_POLICY_FILE: policyFile };
    const [portA, portB] = [await getFreePort(), await getFreePort()];
    const mail = { SMTP_URL: smtp.url, PUBLIC_BASE_URL: `http://127.0.0.1:${portA}` };
    const started = await Promise.all([
      startProcess('API A', 'api/main.ts', { ...shared, PORT: String(portA) }, /\[api\] listening on :(\d+)/),
      startProcess('API B', 'api/main.ts', { ...shared, PORT: String(portB) }, /\[api\] listening on :(\d+)/),
      startProcess('worker A', 'worker/main.ts', { ...shared, ...mail, WORKER_METRICS_PORT: '0' }, /\[worker\] metrics at (http:\S+)/),
      startProcess('worker B', 'worker/main.ts', { ...shared, ...mail, WORKER_METRICS_PORT: '0' }, /\[worker\] metrics at (http:\S+)/),
    ]);
    apis = [`http://127.0.0.1:${started[0].match[1]}`, `http://127.0.0.1:${started[1].match[1]}`];
    workerA = started[2].proc;
    workerB = started[3].proc;
    workerBMetrics = started[3].match[1];
  }, 240_000);

  afterAll(async () => {
    await Promise.all(procs.map(stopProcess));
    await connection?.close();
    await prisma?.$disconnect();
    await smtp?.stop();
    if (dbName) await dbAdmin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await dbAdmin?.end();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('cases driven through both APIs while a worker is SIGKILLed all reach MONITORED, each step opened and approved once, no notification twice', async () => {
    const villages = SAMPLE.villages;
    let decisions = 0;
    const workerAGone = new Promise<NodeJS.Signals | null>((resolve) => workerA.child.once('exit', (_code, signal) => resolve(signal)));
    const afterDecision = (): void => {
      decisions += 1;
      // Midway, with the other cases' decisions, timers and activities in flight.
      if (decisions === KILL_AFTER_DECISIONS) workerA.child.kill('SIGKILL');
    };

    const driveCase = async (i: number): Promise<string> => {
      const village = villages[i % villages.length];
      const filer = (await prisma.official.findFirstOrThrow({ where: { role: 'VILLAGE', regionCode: village, active: true, standsInForId: null }, orderBy: { id: 'asc' } })).id;
      const created = await call(nextApi(), 'POST', '/api/cases', filer, leadBody({ household: { villageCode: village } }));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const caseId = created.body.case.id as string;
      for (const step of STEPS) {
        const task = await eventually(() => prisma.task.findFirst({ where: { caseId, step, status: 'OPEN' } }), `open ${step} task of ${caseId}`, 60_000);
        const body = step === 'VERIFICATION' ? { action: 'APPROVE', consentSigned: true } : { action: 'APPROVE' };
        const res = await call(nextApi(), 'POST', `/api/tasks/${task.id}/decision`, task.assigneeId!, body);
        expect(res.status, `${caseId} ${step}: ${JSON.stringify(res.body)}`).toBe(200);
        afterDecision();
      }
      return caseId;
    };

    const ids = await Promise.all(Array.from({ length: CASES }, (_, i) => driveCase(i)));
    expect(await workerAGone).toBe('SIGKILL');

    // Every case reaches MONITORED with worker B alone.
    await eventually(async () => (await prisma.case.count({ where: { id: { in: ids }, status: 'MONITORED' } })) === CASES, `all ${CASES} cases MONITORED`, 60_000);

    // Each step of each case: exactly one TASK_OPENED and one APPROVED in the audit trail.
    const audit = await prisma.auditEvent.findMany({ where: { caseId: { in: ids }, action: { in: ['TASK_OPENED', 'APPROVED'] } }, select: { caseId: true, action: true, step: true } });
    const tally = new Map<string, number>();
    for (const a of audit) tally.set(`${a.caseId} ${a.step} ${a.action}`, (tally.get(`${a.caseId} ${a.step} ${a.action}`) ?? 0) + 1);
    const expected = new Map(ids.flatMap((id) => STEPS.flatMap((step) => [[`${id} ${step} TASK_OPENED`, 1], [`${id} ${step} APPROVED`, 1]] as [string, number][])));
    expect(Object.fromEntries(tally)).toEqual(Object.fromEntries(expected));

    // No notification written twice for the same kind, recipient and task (or case, for a case's own notices).
    const notes = await prisma.notification.findMany({ where: { caseId: { in: ids } }, select: { kind: true, recipientId: true, caseId: true, taskId: true } });
    expect(notes.filter((n) => n.kind === 'NEW_TASK').length).toBeGreaterThanOrEqual(CASES * STEPS.length);
    const seen = new Map<string, number>();
    for (const n of notes) {
      const key = `${n.kind} ${n.recipientId} ${n.taskId ?? `case ${n.caseId}`}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen].filter(([, count]) => count > 1)).toEqual([]);

    // Both workers delivered mail (worker A until it was killed): each notification is mailed at
    // most once — one message per notification key (its Message-ID), none twice. A row worker A
    // had claimed when it died waits for the claim lease (5 minutes) before worker B takes it over.
    const killedClaim = (n: { claimedBy: string | null }): boolean => !!n.claimedBy && n.claimedBy.split(':')[1] === String(workerA.child.pid);
    let last: { status: string; claimedBy: string | null; lastError: string | null }[] = [];
    const rows = await eventually(async () => {
      const r = await prisma.notification.findMany({ select: { idempotencyKey: true, status: true, messageId: true, claimedBy: true, lastError: true } });
      last = r;
      return r.every((n) => n.status === 'SENT' || n.status === 'SKIPPED' || killedClaim(n)) ? r : undefined;
    }, 'every notification SENT or SKIPPED (its task decided first), but those worker A held when it died', 60_000).catch((err: Error) => {
      const open = last.filter((n) => n.status !== 'SENT' && n.status !== 'SKIPPED' && !killedClaim(n)).slice(0, 5);
      throw new Error(`${err.message}: ${JSON.stringify(open)}; worker A pid ${workerA.child.pid}; worker B:\n${workerB.output.join('\n')}`);
    });
    const sent = rows.filter((n) => n.status === 'SENT');
    expect(sent.length).toBeGreaterThan(0);
    expect(rows.filter((n) => n.status !== 'SENT' && n.status !== 'SKIPPED').length).toBeLessThanOrEqual(4);
    await eventually(async () => smtp.messages.length >= sent.length, `${sent.length} mails at the SMTP server`, 30_000);
    await new Promise((r) => setTimeout(r, 1_000)); // a duplicate would arrive by now
    const perMessageId = new Map<string, number>();
    for (const m of smtp.messages) perMessageId.set(m.messageId, (perMessageId.get(m.messageId) ?? 0) + 1);
    expect([...perMessageId].filter(([, count]) => count > 1)).toEqual([]);
    for (const n of sent) expect(perMessageId.get(n.messageId!), n.idempotencyKey).toBe(1);

    // Both workers took part: worker A before it was killed, worker B to the end.
    const identities = new Set<string>();
    for (const id of ids) {
      const row = await prisma.case.findUniqueOrThrow({ where: { id }, select: { workflowId: true } });
      const history = await client.workflow.getHandle(row.workflowId).fetchHistory();
      for (const e of history.events ?? []) {
        const who = e.workflowTaskCompletedEventAttributes?.identity ?? e.activityTaskStartedEventAttributes?.identity;
        if (who) identities.add(who.split('@')[0]);
      }
    }
    expect([...identities].sort()).toEqual([String(workerA.child.pid), String(workerB.child.pid)].sort());
  });

  it('the surviving worker serves the Temporal SDK\'s own metrics and the outbox gauges on WORKER_METRICS_PORT', async () => {
    const text = await (await fetch(workerBMetrics)).text();
    expect(text).toMatch(/^temporal_worker_task_slots_available\{[^}]*worker_type="WorkflowWorker"[^}]*\} \d+/m);
    expect(text).toMatch(/^temporal_workflow_task_schedule_to_start_latency_seconds_count\{[^}]*\} [1-9]\d*/m);
    // Activities run as local activities: their latency is the workflow task's.
    expect(text).toMatch(/^temporal_local_activity_execution_latency_seconds_count\{[^}]*\} [1-9]\d*/m);
    expect(text).toMatch(/^temporal_sticky_cache_size\{[^}]*\} \d+/m);
    expect(text).toMatch(/^temporal_sticky_cache_hit\{[^}]*\} [1-9]\d*/m);
    expect(text).toMatch(/^bangfu_outbox_backlog\{status="PENDING"\} \d+$/m);
    expect(text).toMatch(/^bangfu_outbox_oldest_age_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
  });

  it('an admin session logged out on API A is refused on API B', async () => {
    const [apiA, apiB] = apis;
    const asA = { baseUrl: apiA, token: tokenOf } as unknown as Harness;
    const admin = await adminLogin(asA, SAMPLE.admin);
    const onB = (p: string): Promise<Response> => fetch(apiB + p, { redirect: 'manual', headers: { cookie: admin.cookie } });
    expect((await onB('/admin/cases')).status).toBe(200);
    expect((await admin.post('/admin/logout', { _csrf: await admin.csrf() })).status).toBe(303);
    const after = await onB('/admin/cases');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/admin\/login/);
  });
});
