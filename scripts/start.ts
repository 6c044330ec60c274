/**
 * `npm start` — Bangfu on one machine in one command: embedded Postgres (unless DATABASE_URL),
 * migrations and demo seed, a persisted Temporal dev server with its Web UI (unless
 * TEMPORAL_ADDRESS), the worker and the API. Ctrl-C stops every child cleanly.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { loadConfig, runMain } from '../runtime/config';
import { applyMigrations } from '../runtime/migrate';
import { resolveDatabase } from '../runtime/postgres';
import { createPrisma } from '../runtime/prisma';
import { loadPolicy } from '../runtime/policy-file';
import { resolveSecret } from '../runtime/secret';
import { personalDataFromConfig } from '../runtime/personal-data';
import { connectClient, connectWorker } from '../runtime/temporal-connection';
import { startTemporalDevServer } from '../runtime/temporal-dev-server';
import { isPortFree } from '../runtime/net';
import { startMailCatcher } from '../runtime/mail-catcher';
import { linkOptionsFromConfig, startMailFromConfig } from '../runtime/mail';
import { seedDemo } from '../prisma/seed/demo';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createCaseWorker } from '../worker/create-worker';
import { SEARCH_ATTRIBUTES } from '../workflows/contracts';

const log = (msg: string): void => console.log(`[bangfu] ${msg}`);

await runMain('start', async () => {
  const cfg = loadConfig();
  const policy = loadPolicy(cfg.BANGFU_POLICY_FILE);
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  const secret = resolveSecret(cfg, true);
  // The all-in-one process logs the SDK at WARN (webpack bundle statistics are noise here). The
  // runtime must be installed before the dev server or any connection instantiates it.
  Runtime.install({ logger: new DefaultLogger(cfg.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  const stops: (() => Promise<void>)[] = [];

  log(cfg.DATABASE_URL ? 'using PostgreSQL from DATABASE_URL' : `starting embedded PostgreSQL under ${path.join(cfg.dataDir, 'postgres')}`);
  const db = await resolveDatabase(cfg);
  stops.unshift(() => db.stop());
  await applyMigrations(db.url, (m) => log(`migrate: ${m}`));
  const prisma = createPrisma(db.url);
  stops.unshift(() => prisma.$disconnect());
  await seedDemo(prisma, { dataDir: cfg.dataDir });

  let address = cfg.TEMPORAL_ADDRESS;
  let uiUrl = cfg.TEMPORAL_UI_URL;
  if (!address) {
    log(`starting Temporal dev server (data in ${path.join(cfg.dataDir, 'temporal.db')})`);
    const server = await startTemporalDevServer({
      dbFilename: path.join(cfg.dataDir, 'temporal.db'),
      port: (await isPortFree(7233)) ? 7233 : undefined,
      uiPort: cfg.TEMPORAL_UI_PORT,
      namespace: cfg.TEMPORAL_NAMESPACE,
      searchAttributes: SEARCH_ATTRIBUTES,
      log: (m) => log(`temporal: ${m}`),
    });
    stops.unshift(() => server.stop());
    address = server.address;
    uiUrl = server.uiUrl;
  }

  const workerConnection = await connectWorker(cfg, address);
  const worker = await createCaseWorker({
    connection: workerConnection, namespace: cfg.TEMPORAL_NAMESPACE, prisma, taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    calendarFile: cfg.BANGFU_CALENDAR_FILE, maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
  });
  const workerRun = worker.run();
  stops.unshift(async () => {
    worker.shutdown();
    await workerRun;
    await workerConnection.close();
  });

  const temporal = await connectClient(cfg, address);
  stops.unshift(() => temporal.connection.close());
  const appUrl = cfg.PUBLIC_BASE_URL ?? `http://localhost:${cfg.PORT}`;

  // Mail: SMTP_URL, or a local catcher whose mail the administrator reads at /admin/mail.
  let smtpUrl = cfg.SMTP_URL;
  if (!smtpUrl) {
    const catcher = await startMailCatcher({ prisma, port: cfg.MAIL_CATCHER_PORT, log });
    stops.unshift(() => catcher.stop());
    smtpUrl = catcher.url;
  }
  const mail = startMailFromConfig({ cfg, prisma, secret, smtpUrl, publicBaseUrl: appUrl, log: (m) => log(`mail: ${m}`) });
  stops.unshift(() => mail.dispatcher.stop());

  const app = createApp({
    prisma, temporal, taskQueue: cfg.TEMPORAL_TASK_QUEUE, policy, secret, temporalUiUrl: uiUrl, namespace: cfg.TEMPORAL_NAMESPACE,
    taskLinks: linkOptionsFromConfig(cfg, secret), personalData: personalDataFromConfig(cfg, secret),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(cfg.PORT, () => resolve(s));
    s.on('error', reject);
  });
  stops.unshift(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const tokenFile = path.join(cfg.dataDir, 'demo-admin-token');
  const token = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : '(see README: npm run officials -- token <id>)';
  console.log(
    [
      '',
      '  Bangfu 帮扶 is running.',
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

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping API, worker, Temporal and PostgreSQL…`);
    for (const stop of stops) {
      await stop().catch((err: unknown) => log(`stop step failed: ${(err as Error).message}`));
    }
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await workerRun.catch(async (err: unknown) => {
    log(`worker stopped: ${(err as Error).message}`);
    await shutdown('worker failure');
  });
});
