/**
 * Production worker entry point (`npm run worker`): one process against an external Temporal
 * (TEMPORAL_ADDRESS) and PostgreSQL (DATABASE_URL).
 */
import { loadConfig, runMain } from '../runtime/config';
import { createPrisma } from '../runtime/prisma';
import { connectWorker } from '../runtime/temporal-connection';
import { createCaseWorker } from './create-worker';

await runMain('worker', async () => {
  const cfg = loadConfig(process.env, ['TEMPORAL_ADDRESS', 'DATABASE_URL']);
  const prisma = createPrisma(cfg.DATABASE_URL as string);
  const connection = await connectWorker(cfg, cfg.TEMPORAL_ADDRESS as string);
  const worker = await createCaseWorker({
    connection, namespace: cfg.TEMPORAL_NAMESPACE, prisma, taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    calendarFile: cfg.BANGFU_CALENDAR_FILE, maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
  });
  console.log(`[worker] polling ${cfg.TEMPORAL_TASK_QUEUE} on ${cfg.TEMPORAL_ADDRESS} (${cfg.TEMPORAL_NAMESPACE})`);
  await worker.run();
  await prisma.$disconnect();
  await connection.close();
});
