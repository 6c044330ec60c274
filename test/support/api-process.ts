/**
 * An API with its intake dispatcher in its own process, so a test can SIGKILL it halfway through
 * an import. Reads TEMPORAL_ADDRESS, DATABASE_URL, TASK_QUEUE, BANGFU_SECRET and POLICY_JSON;
 * prints "api ready <port>" once listening. INTAKE_CONCURRENCY sets the dispatcher's starts in flight.
 */
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { ServiceContext } from '../../api/services/context';
import { startIntakeDispatcher } from '../../api/services/intake-dispatcher';
import { createPrisma } from '../../runtime/prisma';
import type { TPolicy } from '../../workflows/policy';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set`);
  return v;
};
const prisma = createPrisma(env('DATABASE_URL'));
const temporal = new Client({ connection: await Connection.connect({ address: env('TEMPORAL_ADDRESS') }), namespace: 'default' });
const ctx: ServiceContext = {
  prisma, temporal, taskQueue: env('TASK_QUEUE'), policy: JSON.parse(env('POLICY_JSON')) as TPolicy, secret: env('BANGFU_SECRET'), namespace: 'default',
  authThrottle: { keyPrefix: `auth-${env('TASK_QUEUE')}-child` },
};
ctx.intake = startIntakeDispatcher(ctx, { pollMs: 100, leaseMs: Number(process.env.INTAKE_LEASE_MS ?? 2000), concurrency: Number(process.env.INTAKE_CONCURRENCY ?? 8), log: () => undefined });
const server = createApp(ctx).listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`api ready ${typeof addr === 'object' && addr ? addr.port : 0}`);
});
