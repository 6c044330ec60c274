/**
 * Production worker entry point (`npm run worker`): one process against an external Temporal
 * (TEMPORAL_ADDRESS) and PostgreSQL (DATABASE_URL). With WORKER_METRICS_PORT it serves
 * `GET /metrics`: the Temporal SDK's own metrics (task slots, schedule-to-start latency, sticky
 * cache…), the outbox's backlog and age, and the process's figures.
 */
import { Runtime } from '@temporalio/worker';
import { Registry, register } from 'prom-client';
import { loadConfig, runMain } from '../runtime/config';
import { createPrisma } from '../runtime/prisma';
import { startMailFromConfig } from '../runtime/mail';
import { ConfigError } from '../runtime/config';
import type { MetricsServer } from '../runtime/metrics';
import { enableProcessMetrics, registerOutboxGauges, startMetricsServer, temporalSdkMetrics } from '../runtime/metrics';
import { getFreePort } from '../runtime/net';
import { connectWorker } from '../runtime/temporal-connection';
import { createCaseWorker } from './create-worker';

await runMain('worker', async () => {
  const cfg = loadConfig(process.env, ['TEMPORAL_ADDRESS', 'DATABASE_URL']);
  // The SDK's runtime must be installed before the first connection.
  const sdkMetrics = cfg.WORKER_METRICS_PORT !== undefined ? temporalSdkMetrics(await getFreePort()) : undefined;
  if (sdkMetrics) Runtime.install({ telemetryOptions: sdkMetrics.telemetry });
  const prisma = createPrisma(cfg.DATABASE_URL as string);
  const connection = await connectWorker(cfg, cfg.TEMPORAL_ADDRESS as string);
  const worker = await createCaseWorker({
    connection, namespace: cfg.TEMPORAL_NAMESPACE, prisma, taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    calendarFile: cfg.BANGFU_CALENDAR_FILE, maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
  });
  console.log(`[worker] polling ${cfg.TEMPORAL_TASK_QUEUE} on ${cfg.TEMPORAL_ADDRESS} (${cfg.TEMPORAL_NAMESPACE})`);
  let metrics: MetricsServer | null = null;
  if (sdkMetrics && cfg.WORKER_METRICS_PORT !== undefined) {
    enableProcessMetrics();
    const outbox = new Registry();
    registerOutboxGauges(outbox, prisma);
    metrics = await startMetricsServer({ port: cfg.WORKER_METRICS_PORT, registries: [register, outbox], sources: [sdkMetrics.metrics.scrape] });
    console.log(`[worker] metrics at http://localhost:${metrics.port}/metrics`);
  }
  // The outbox dispatcher runs where SMTP_URL is set; elsewhere mail waits in the outbox, never dropped.
  let mail: ReturnType<typeof startMailFromConfig> | null = null;
  if (cfg.SMTP_URL) {
    const secret = cfg.BANGFU_SECRET ?? (cfg.TASK_LINK_KEYS ? '' : undefined);
    if (secret === undefined || !cfg.PUBLIC_BASE_URL) {
      throw new ConfigError('Missing configuration: with SMTP_URL, the worker needs PUBLIC_BASE_URL and BANGFU_SECRET (or TASK_LINK_KEYS) to sign task links');
    }
    mail = startMailFromConfig({ cfg, prisma, secret, smtpUrl: cfg.SMTP_URL, publicBaseUrl: cfg.PUBLIC_BASE_URL, log: (m) => console.log(`[mail] ${m}`) });
    console.log(`[worker] delivering mail through ${mail.describe}`);
  } else {
    console.warn('[worker] SMTP_URL is not set: notifications stay queued in the outbox until a worker with SMTP_URL delivers them');
  }
  await worker.run();
  await metrics?.close();
  await mail?.dispatcher.stop();
  await prisma.$disconnect();
  await connection.close();
});
