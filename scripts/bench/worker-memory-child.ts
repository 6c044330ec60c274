/**
 * A worker on its own, for the worker-memory bench (worker-memory.ts): the household case worker
 * (`KIND=case`, as `npm run worker` builds it) or a bare worker of the baseline workflow
 * (`KIND=bare`). Answers `{ rss }` to an `rss` message (after a short settle), stops on `stop`.
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createPrisma } from '../../runtime/prisma';
import { createCaseWorker } from '../../worker/create-worker';
import type { BaselineActivities } from './baseline-workflow';

Runtime.install({ logger: new DefaultLogger('WARN') });
const { TEMPORAL_ADDRESS, DATABASE_URL, KIND, TASK_QUEUE } = process.env as Record<string, string>;
const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
const prisma = createPrisma(DATABASE_URL);
const activities: BaselineActivities = { async writeRow() {} };
const worker = KIND === 'case'
  ? await createCaseWorker({ connection, namespace: 'default', prisma, taskQueue: TASK_QUEUE, maxCachedWorkflows: 10_000 })
  : await Worker.create({
    connection, namespace: 'default', taskQueue: TASK_QUEUE, activities, maxCachedWorkflows: 10_000,
    workflowsPath: fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url)),
  });
const running = worker.run();
process.on('message', (m: string) => {
  if (m === 'rss') {
    setTimeout(() => {
      (globalThis as { gc?: () => void }).gc?.();
      setTimeout(() => process.send?.({ rss: process.memoryUsage().rss, cached: worker.getStatus().numCachedWorkflows }), 500);
    }, 1500);
  }
  if (m === 'stop') worker.shutdown();
});
process.send?.({ ready: true });
await running;
await prisma.$disconnect();
await connection.close();
process.exit(0);
