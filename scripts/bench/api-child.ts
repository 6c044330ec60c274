/**
 * The bench's API in its own process, so its memory is its own (`/proc/<pid>/status` VmHWM is the
 * peak RSS of the import). Reads TEMPORAL_ADDRESS, DATABASE_URL, TASK_QUEUE, BANGFU_SECRET and
 * POLICY_JSON; no intake dispatcher unless INTAKE=1. Prints "api ready <port>" once listening.
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
};
if (process.env.INTAKE === '1') ctx.intake = startIntakeDispatcher(ctx, { log: () => undefined });
const server = createApp(ctx).listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`api ready ${typeof addr === 'object' && addr ? addr.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
