/**
 * A bench worker in its own process, as in a deployment (`npm run worker`): `case` runs the
 * household case worker, `baseline` the bare Temporal baseline's. Reads TEMPORAL_ADDRESS,
 * DATABASE_URL and TASK_QUEUE; prints "worker ready" once polling; SIGTERM stops it.
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createPrisma } from '../../runtime/prisma';
import { createCaseWorker } from '../../worker/create-worker';
import type { BaselineActivities } from './baseline-workflow';

Runtime.install({ logger: new DefaultLogger('WARN') });
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set`);
  return v;
};
const prisma = createPrisma(env('DATABASE_URL'));
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const kind = process.argv[2];
let worker: Worker;
if (kind === 'case') {
  worker = await createCaseWorker({ connection, namespace: 'default', prisma, taskQueue: env('TASK_QUEUE') });
} else {
  const activities: BaselineActivities = {
    async writeRow(id, n) {
      await prisma.$executeRawUnsafe('INSERT INTO bench_baseline (id, n) VALUES ($1, $2)', id, n);
    },
  };
  worker = await Worker.create({
    connection, namespace: 'default', taskQueue: env('TASK_QUEUE'), activities,
    workflowsPath: fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url)),
  });
}
process.once('SIGTERM', () => worker.shutdown());
const running = worker.run();
console.log('worker ready');
await running;
await connection.close();
await prisma.$disconnect();
