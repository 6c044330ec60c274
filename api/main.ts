/**
 * Production API entry point (`npm run api`): one process against an external Temporal
 * (TEMPORAL_ADDRESS) and PostgreSQL (DATABASE_URL). Migrations are applied by `npm start` or
 * `npm run migrate:deploy`, not here, so many API processes can start at once.
 */
import { loadConfig, runMain } from '../runtime/config';
import { createPrisma } from '../runtime/prisma';
import { loadPolicy } from '../runtime/policy-file';
import { resolveSecret } from '../runtime/secret';
import { personalDataFromConfig } from '../runtime/personal-data';
import { linkOptionsFromConfig } from '../runtime/mail';
import { connectClient } from '../runtime/temporal-connection';
import { createApp } from './app';
import type { ServiceContext } from './services/context';
import { startIntakeDispatcher } from './services/intake-dispatcher';

await runMain('api', async () => {
  const cfg = loadConfig(process.env, ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'BANGFU_SECRET']);
  const policy = loadPolicy(cfg.BANGFU_POLICY_FILE);
  const prisma = createPrisma(cfg.DATABASE_URL as string);
  const temporal = await connectClient(cfg, cfg.TEMPORAL_ADDRESS as string);
  const secret = resolveSecret(cfg, false);
  const ctx: ServiceContext = {
    prisma, temporal, taskQueue: cfg.TEMPORAL_TASK_QUEUE, policy, secret,
    temporalUiUrl: cfg.TEMPORAL_UI_URL, namespace: cfg.TEMPORAL_NAMESPACE, taskLinks: linkOptionsFromConfig(cfg, secret),
    personalData: personalDataFromConfig(cfg, secret),
  };
  // Every API process also starts imported leads' cases (线索分派); they share the rows by lease.
  const intake = startIntakeDispatcher(ctx);
  ctx.intake = intake;
  const app = createApp(ctx);
  const server = app.listen(cfg.PORT, () => console.log(`[api] listening on :${cfg.PORT} (Temporal ${cfg.TEMPORAL_ADDRESS}, namespace ${cfg.TEMPORAL_NAMESPACE})`));
  const stop = (): void => {
    server.close(() => void intake.stop().then(() => Promise.all([prisma.$disconnect(), temporal.connection.close()])).then(() => process.exit(0)));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
