/**
 * A worker in its own process, so a test can SIGKILL it mid-case. Reads TEMPORAL_ADDRESS,
 * DATABASE_URL, TASK_QUEUE and BUNDLE_PATH; prints "worker ready" once polling. With
 * DIE_AFTER_OPENING=<step> it SIGKILLs itself right after the commit that opens that step's task
 * has landed in the database, before the workflow task records it: the worst moment to crash.
 */
import fs from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createPrisma } from '../../runtime/prisma';
import { createCaseWorker } from '../../worker/create-worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set`);
  return v;
};
const prisma = createPrisma(env('DATABASE_URL'));
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await createCaseWorker({
  connection, namespace: 'default', prisma, taskQueue: env('TASK_QUEUE'),
  workflowBundle: { code: fs.readFileSync(env('BUNDLE_PATH'), 'utf8') }, maxCachedWorkflows: 10,
  wrapActivities: (made) => ({
    async commitTransition(args) {
      const result = await made.commitTransition(args);
      if (args.openTasks?.some((t) => t.step === process.env.DIE_AFTER_OPENING)) process.kill(process.pid, 'SIGKILL');
      return result;
    },
  }),
});
const running = worker.run();
console.log('worker ready');
await running;
