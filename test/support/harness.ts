/**
 * Per-test-file harness: a real worker on its own task queue, the real Express app on a free
 * port, Prisma, a Temporal client, and helpers to call the API as a given official.
 */
import fs from 'node:fs/promises';
import { randomUUID, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Prisma, PrismaClient } from '@prisma/client';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp } from '../../api/app';
import type { ServiceContext } from '../../api/services/context';
import type { IntakeDispatcherOptions } from '../../api/services/intake-dispatcher';
import { startIntakeDispatcher } from '../../api/services/intake-dispatcher';
import { makeResidentId } from '../../core/resident-id';
import type { AuthThrottleOptions } from '../../api/http/auth-throttle';
import { loadCalendar } from '../../activities/calendar/calendar';
import type { MailDispatcher, MailDispatcherOptions } from '../../activities/mail/dispatcher';
import { startMailDispatcher } from '../../activities/mail/dispatcher';
import { smtpSender } from '../../activities/mail/smtp';
import { taskLinkOptions } from '../../api/links/link-token';
import { issueToken } from '../../api/auth/tokens';
import { createPrisma } from '../../runtime/prisma';
import { createCaseWorker } from '../../worker/create-worker';
import type { TPolicy } from '../../workflows/policy';
import { compressedPolicy } from '../../workflows/policy';
import type { CaseSnapshot } from '../../workflows/contracts';
import { stateQuery } from '../../workflows/contracts';

export const TEST_SECRET = 'test-secret-0123456789abcdef';
/** From address of the harness's mail dispatcher. */
export const TEST_MAIL_FROM = 'Bangfu 帮扶 <bangfu@test.local>';

/** Demo officials (see prisma/seed/demo.ts) used by the tests. */
export const DEMO = {
  county: '410599000000',
  townshipA: '410599100000',
  townshipB: '410599101000',
  villageA1: '410599100201',
  villageA2: '410599100202',
  villageB1: '410599101201',
} as const;

export interface ApiResult<T = any> {
  status: number;
  body: T;
}

export interface Harness {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  baseUrl: string;
  policy: TPolicy;
  worker: Worker;
  /** Token of an official (issued once per harness). */
  token(officialId: string): Promise<string>;
  api<T = any>(method: string, path: string, opts?: { as?: string; body?: unknown; token?: string | null }): Promise<ApiResult<T>>;
  /** Official id of the first active official with this role in this region. */
  officialOf(role: string, regionCode: string): Promise<string>;
  state(caseId: string): Promise<CaseSnapshot>;
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
  /** The mail dispatcher, when started with {@link HarnessOptions.mail}. */
  mail?: MailDispatcher;
}

/** Mail delivery in a harness: a dispatcher sending this harness's notifications to `smtpUrl`. */
export interface HarnessMailOptions extends Partial<Omit<MailDispatcherOptions, 'prisma' | 'sender'>> {
  smtpUrl: string;
  /** Notifications of neither a case nor a process this harness also delivers (e.g. a grid worker's GRID_ASSIGNED). */
  alsoScope?: Prisma.NotificationWhereInput;
}

/**
 * A fresh random resident ID number, valid under GB 11643 (real birth date, right check
 * character), in the fictitious region 410599 with a birth date in 1900–1939.
 */
export function randomIdNumber(): string {
  const birth = new Date(Date.UTC(1900, 0, 1) + randomInt(0, 40 * 365) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  return makeResidentId('410599', birth, String(randomInt(0, 1000)).padStart(3, '0'));
}

let runtimeInstalled = false;

export interface HarnessOptions {
  /** Sign-in and bearer-token throttle of this harness's app. */
  authThrottle?: AuthThrottleOptions;
  policy?: TPolicy;
  maxHistoryEvents?: number;
  /** Run the in-process worker. @default true (false when a test runs its own worker process) */
  startWorker?: boolean;
  calendarFile?: string;
  /**
   * Deliver mail. The dispatcher only sends notifications of cases and processes this harness
   * created (their policy version is tagged with the task queue), since test files share one database.
   */
  mail?: HarnessMailOptions;
  /** Database of this harness's app and worker. @default the suite's (`inject('databaseUrl')`) */
  databaseUrl?: string;
  /** The intake dispatcher's options, or false for none (a test that runs its own). */
  intake?: IntakeDispatcherOptions | false;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  if (!runtimeInstalled) {
    // Workers log at WARN in tests: state changes at INFO drown the test output.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const address = inject('temporalAddress');
  const databaseUrl = opts.databaseUrl ?? inject('databaseUrl');
  const prisma = createPrisma(databaseUrl);
  // The worker's commit pool, ended in stop(): a pool left open would raise an uncaught error from
  // its idle connections when a test's own database shuts down after the harness.
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 8, allowExitOnIdle: true });
  sql.on('error', () => undefined);
  const code = await fs.readFile(inject('workflowBundlePath'), 'utf8');
  const taskQueue = `test-${randomUUID()}`;
  const basePolicy = opts.policy ?? compressedPolicy();
  const policy = opts.mail ? { ...basePolicy, version: `${basePolicy.version}+${taskQueue}` } : basePolicy;
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });

  const makeWorker = (): Promise<Worker> =>
    createCaseWorker({ connection: nativeConnection, namespace: 'default', prisma, taskQueue, workflowBundle: { code }, maxCachedWorkflows: 50, calendarFile: opts.calendarFile, sql });
  // A test that runs its own worker process gets no in-process worker (an idle one would pin the connection).
  let worker = opts.startWorker === false ? (undefined as unknown as Worker) : await makeWorker();
  let running: Promise<void> = opts.startWorker === false ? Promise.resolve() : worker.run();

  const ctx: ServiceContext = { prisma, temporal: client, taskQueue, policy, secret: TEST_SECRET, namespace: 'default', maxHistoryEvents: opts.maxHistoryEvents,
    // Test files share one database and one address: each harness counts failures of its own.
    authThrottle: { keyPrefix: `auth-${taskQueue}`, ...opts.authThrottle } };
  // Imported leads of this harness's task queue start in the background, as under npm start.
  const intake = opts.intake === false ? undefined : startIntakeDispatcher(ctx, { pollMs: 200, leaseMs: 5000, log: () => undefined, ...opts.intake });
  ctx.intake = intake;
  const app = createApp(ctx);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mailOpts = opts.mail;
  const mail = mailOpts
    ? startMailDispatcher({
        prisma, sender: smtpSender({ url: mailOpts.smtpUrl, timeoutMs: 5000 }), from: TEST_MAIL_FROM, publicBaseUrl: baseUrl,
        links: taskLinkOptions({ secret: TEST_SECRET }), calendar: () => loadCalendar({ file: opts.calendarFile }), pollMs: 200,
        leaseMs: 3000, backoff: { initialMs: 300, maxMs: 1500 }, revokeEveryMs: 500, log: () => undefined,
        scope: async () => ({
          OR: [
            { caseId: { in: (await prisma.case.findMany({ where: { policyVersion: policy.version }, select: { id: true } })).map((c) => c.id) } },
            // Processes beyond the household case (约谈 …) pin the same policy version.
            { processId: { in: (await prisma.process.findMany({ where: { policyVersion: policy.version }, select: { id: true } })).map((p) => p.id) } },
            ...(mailOpts.alsoScope ? [mailOpts.alsoScope] : []),
          ],
        }),
        ...mailOpts,
      })
    : undefined;
  const tokens = new Map<string, string>();

  const h: Harness = {
    prisma, client, taskQueue, baseUrl, policy, worker, mail,
    async token(officialId) {
      let t = tokens.get(officialId);
      if (!t) {
        t = await issueToken(prisma, officialId, 'test');
        tokens.set(officialId, t);
      }
      return t;
    },
    async api(method, path, o = {}) {
      const token = o.token !== undefined ? o.token : o.as ? await h.token(o.as) : null;
      const res = await fetch(baseUrl + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      });
      const text = await res.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body };
    },
    async officialOf(role, regionCode) {
      const o = await prisma.official.findFirst({ where: { role, regionCode, active: true, standsInForId: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      if (!o) throw new Error(`no ${role} official in ${regionCode}`);
      return o.id;
    },
    async state(caseId) {
      const row = await prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      return client.workflow.getHandle(row.workflowId).query(stateQuery);
    },
    async restartWorker() {
      worker.shutdown();
      await running;
      worker = await makeWorker();
      h.worker = worker;
      running = worker.run();
    },
    async stop() {
      await intake?.stop();
      await mail?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (opts.startWorker !== false) worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await sql.end();
      await prisma.$disconnect();
    },
  };
  return h;
}

/** Polls `fn` until it returns a truthy value (real time; compressed policies make this short). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  let last: unknown;
  while (Date.now() - start < timeoutMs) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** A lead body for POST /api/cases. */
export function leadBody(overrides: Record<string, any> = {}): Record<string, any> {
  const { household, ...rest } = overrides;
  return {
    household: { headName: '王测试', idNumber: randomIdNumber(), phone: '13800001111', villageCode: DEMO.villageA1, memberCount: 3, ...(household ?? {}) },
    category: 'MARGINAL',
    riskTypes: ['ILLNESS'],
    channel: 'CADRE_SCREENING',
    healthDetails: '慢性肾病透析',
    ...rest,
  };
}
