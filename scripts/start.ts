/**
 * `npm start` — Bangfu on one machine in one command: embedded Postgres (unless DATABASE_URL),
 * migrations and demo seed, a persisted Temporal dev server with its Web UI (unless
 * TEMPORAL_ADDRESS), the worker and the API. One `GET /metrics` on the app's port serves the API's,
 * the worker's and the Temporal SDK's metrics.
 *
 * Recovery: what it starts is recorded in `<dataDir>/npm-start.json`; a start after a crash or a
 * SIGKILL stops the leftovers of the earlier one first, saying so. If the embedded PostgreSQL or
 * the dev server dies while running, npm start stops the rest and exits 1 naming it (the next
 * `npm start` starts both afresh). Ctrl-C and SIGTERM stop everything in order within 10 seconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { createApp } from '../api/app';
import type { ServiceContext } from '../api/services/context';
import { startIntakeDispatcher } from '../api/services/intake-dispatcher';
import { loadConfig, runMain } from '../runtime/config';
import { applyMigrations } from '../runtime/migrate';
import { resolveDatabase } from '../runtime/postgres';
import { createPrisma } from '../runtime/prisma';
import { loadPolicy } from '../runtime/policy-file';
import { resolveSecret } from '../runtime/secret';
import { personalDataFromConfig } from '../runtime/personal-data';
import { connectClient, connectWorker } from '../runtime/temporal-connection';
import { startTemporalDevServer } from '../runtime/temporal-dev-server';
import { getFreePort, isPortFree } from '../runtime/net';
import { temporalSdkMetrics } from '../runtime/metrics';
import { startMailCatcher } from '../runtime/mail-catcher';
import { linkOptionsFromConfig, startMailFromConfig } from '../runtime/mail';
import { seedDemo } from '../prisma/seed/demo';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { LogEntry } from '@temporalio/worker';
import type { RunRecord } from '../runtime/run-record';
import { devServersOn, isRunning, removeRunRecord, stopLeftovers, writeRunRecord } from '../runtime/run-record';
import { createCaseWorker } from '../worker/create-worker';
import { ensureReportSchedules } from '../api/services/ensure-report-schedules';
import { SEARCH_ATTRIBUTES } from '../workflows/contracts';

const log = (msg: string): void => console.log(`[bangfu] ${msg}`);

/** Whole stop budget; past it, whatever still runs is killed. */
const STOP_DEADLINE_MS = 9_000;

await runMain('start', async () => {
  const startedAt = Date.now();
  const cfg = loadConfig();
  const policy = loadPolicy(cfg.BANGFU_POLICY_FILE);
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  const secret = resolveSecret(cfg, true);
  await stopLeftovers(cfg.dataDir, log);
  const record: RunRecord = { pid: process.pid, startedAt: new Date().toISOString() };
  writeRunRecord(cfg.dataDir, record);

  let stopping = false;
  // The all-in-one process logs the SDK at WARN (webpack bundle statistics are noise here), native
  // core logs included; once stopping, the expected "connection lost" warnings of a Ctrl-C (which
  // reaches the dev server too) are dropped. The SDK's own signal handling is off: this script
  // stops the worker itself, in order. The runtime must be installed before anything uses it.
  const sdkLog = new DefaultLogger(cfg.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN', (entry: LogEntry) => {
    if (stopping && entry.level !== 'ERROR') return;
    console.error(`[temporal-sdk] ${entry.level} ${entry.message}`);
  });
  // The SDK's own metrics (task slots, schedule-to-start latency, sticky cache…) are exported on
  // a loopback port and appended to the app's GET /metrics, which thus covers API and worker.
  const sdkMetrics = temporalSdkMetrics(await getFreePort());
  Runtime.install({
    logger: sdkLog,
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: cfg.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN' }), forward: {} },
      ...sdkMetrics.telemetry,
    },
  });

  /** Stop steps, last started first. */
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  const onStop = (name: string, stop: () => Promise<void>): void => {
    stops.unshift({ name, stop });
  };
  let current = '';
  const shutdown = async (why: string, exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(watchdog);
    log(`${why}: stopping API, worker, Temporal and PostgreSQL…`);
    const deadline = setTimeout(() => {
      log(`stopping took longer than ${STOP_DEADLINE_MS / 1000}s (still at: ${current}); killing what is left`);
      for (const pid of [record.temporal?.pid, record.postgres?.pid]) {
        if (pid && isRunning(pid)) process.kill(pid, 'SIGKILL');
      }
      process.exit(exitCode || 1);
    }, STOP_DEADLINE_MS);
    for (const step of stops) {
      current = step.name;
      await step.stop().catch((err: unknown) => log(`stopping ${step.name}: ${(err as Error).message}`));
    }
    clearTimeout(deadline);
    removeRunRecord(cfg.dataDir);
    log(exitCode === 0 ? 'stopped' : 'stopped; start again with: npm start');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));

  // A dependency that dies under us: stop the rest and exit 1 naming it, rather than serve 503s forever.
  const watched: { name: string; pid: () => number | undefined }[] = [
    { name: 'the embedded PostgreSQL', pid: () => record.postgres?.pid },
    { name: 'the Temporal dev server', pid: () => record.temporal?.pid },
  ];
  const watchdog = setInterval(() => {
    for (const w of watched) {
      const pid = w.pid();
      if (stopping || !pid || isRunning(pid)) continue;
      // A Ctrl-C reaches the children at the same moment as us: give our own handler a moment first.
      setTimeout(() => {
        if (!stopping) void shutdown(`${w.name} (pid ${pid}) stopped unexpectedly`, 1);
      }, 500);
      return;
    }
  }, 1_000);

  log(cfg.DATABASE_URL ? 'using PostgreSQL from DATABASE_URL' : `starting embedded PostgreSQL under ${path.join(cfg.dataDir, 'postgres')}`);
  const db = await resolveDatabase(cfg);
  onStop('PostgreSQL', () => db.stop());
  if (db.embedded && !db.embedded.attached) {
    record.postgres = { pid: db.embedded.pid, port: db.embedded.port };
    writeRunRecord(cfg.dataDir, record);
  }
  await applyMigrations(db.url, (m) => log(`migrate: ${m}`));
  const prisma = createPrisma(db.url);
  onStop('the database connections', () => prisma.$disconnect());
  await seedDemo(prisma, { dataDir: cfg.dataDir });

  let address = cfg.TEMPORAL_ADDRESS;
  let uiUrl = cfg.TEMPORAL_UI_URL;
  if (!address) {
    const dbFile = path.join(cfg.dataDir, 'temporal.db');
    log(`starting Temporal dev server (data in ${dbFile})`);
    const server = await startTemporalDevServer({
      dbFilename: dbFile,
      port: (await isPortFree(7233)) ? 7233 : undefined,
      uiPort: cfg.TEMPORAL_UI_PORT,
      namespace: cfg.TEMPORAL_NAMESPACE,
      searchAttributes: SEARCH_ATTRIBUTES,
      log: (m) => log(`temporal: ${m}`),
    });
    onStop('the Temporal dev server', () => server.stop());
    address = server.address;
    uiUrl = server.uiUrl;
    const [pid] = await devServersOn(dbFile);
    if (pid) {
      record.temporal = { pid, port: Number(address.split(':').pop()), uiPort: cfg.TEMPORAL_UI_PORT, dbFile };
      writeRunRecord(cfg.dataDir, record);
    }
  }

  const workerConnection = await connectWorker(cfg, address);
  const worker = await createCaseWorker({
    connection: workerConnection, namespace: cfg.TEMPORAL_NAMESPACE, prisma, taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    calendarFile: cfg.BANGFU_CALENDAR_FILE, maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
  });
  const workerRun = worker.run();
  onStop('the worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun.catch(() => undefined);
    await workerConnection.close();
  });

  const temporal = await connectClient(cfg, address);
  onStop('the Temporal client', () => temporal.connection.close());
  // 月调度 / 季通报: each county's and each city's report schedules, and each county's monthly confirmation (月调度数据确认), created or brought up to date from the policy.
  const schedules = await ensureReportSchedules({ prisma, temporal, taskQueue: cfg.TEMPORAL_TASK_QUEUE, policy });
  log(`reports: ${schedules.length} schedules (${schedules.filter((x) => x.outcome === 'created').length} created, the rest updated to the policy)`);
  const appUrl = cfg.PUBLIC_BASE_URL ?? `http://localhost:${cfg.PORT}`;

  // Mail: SMTP_URL, or a local catcher whose mail the administrator reads at /admin/mail.
  let smtpUrl = cfg.SMTP_URL;
  if (!smtpUrl) {
    const catcher = await startMailCatcher({ prisma, port: cfg.MAIL_CATCHER_PORT, log });
    onStop('the mail catcher', () => catcher.stop());
    smtpUrl = catcher.url;
  }
  const mail = startMailFromConfig({ cfg, prisma, secret, smtpUrl, publicBaseUrl: appUrl, log: (m) => log(`mail: ${m}`) });
  onStop('the mail dispatcher', () => mail.dispatcher.stop());

  const ctx: ServiceContext = {
    prisma, temporal, taskQueue: cfg.TEMPORAL_TASK_QUEUE, policy, secret, temporalUiUrl: uiUrl, namespace: cfg.TEMPORAL_NAMESPACE,
    taskLinks: linkOptionsFromConfig(cfg, secret), personalData: personalDataFromConfig(cfg, secret),
  };
  // Imported leads start their cases in the background (线索分派).
  const intake = startIntakeDispatcher(ctx, { log: (m) => log(`intake: ${m}`) });
  ctx.intake = intake;
  onStop('the intake dispatcher', () => intake.stop());
  const app = createApp(ctx, { metricsSources: [sdkMetrics.metrics.scrape] });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(cfg.PORT, () => resolve(s));
    s.on('error', reject);
  });
  onStop('the API', async () => {
    // Idle keep-alive connections would hold close() for seconds; requests in flight get 2 s.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 2_000);
    await closed;
    clearTimeout(force);
  });
  record.api = { port: cfg.PORT };
  writeRunRecord(cfg.dataDir, record);

  const tokenFile = path.join(cfg.dataDir, 'demo-admin-token');
  const token = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : '(see README: npm run officials -- token <id>)';
  console.log(
    [
      '',
      `  Bangfu 帮扶 is running (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s).`,
      `  App:          ${appUrl}   (health: ${appUrl}/readyz, API reference: ${appUrl}/api/openapi.json)`,
      `  Temporal UI:  ${uiUrl ?? '(external Temporal: set TEMPORAL_UI_URL)'}`,
      cfg.SMTP_URL
        ? `  Mail:         sent through ${mail.describe}`
        : `  Mail:         no SMTP_URL, so mail is caught locally (${smtpUrl}); read it at ${appUrl}/admin/mail (sign in with the token below)`,
      `  Demo admin token (keep it private):  ${token}`,
      `  Try:  curl -H "Authorization: Bearer ${token}" ${appUrl}/api/cases`,
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  await workerRun.catch(async (err: unknown) => {
    if (stopping) return;
    log(`the worker stopped: ${(err as Error).message}`);
    await shutdown('worker failure', 1);
  });
});
