/**
 * One real Temporal dev server and one real PostgreSQL for the whole run, on free ports with a
 * clean schema; workflows bundled once. Set TEST_DATABASE_URL to use an existing (empty) database.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../runtime/migrate';
import { getFreePort } from '../../runtime/net';
import { makeTempDataDir, startEmbeddedPostgres } from '../../runtime/postgres';
import { createPrisma } from '../../runtime/prisma';
import { startTemporalDevServer } from '../../runtime/temporal-dev-server';
import { seedDemo } from '../../prisma/seed/demo';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { SEARCH_ATTRIBUTES } from '../../workflows/contracts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    workflowBundlePath: string;
    dataDir: string;
  }
}

const say = (m: string): void => console.log(`[test setup] ${m}`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await makeTempDataDir('bangfu-test-');
  say(`data under ${dataDir}`);
  const started = Date.now();
  const temporalPromise = startTemporalDevServer({
    ui: false, port: await getFreePort(), searchAttributes: SEARCH_ATTRIBUTES, log: (m) => say(`temporal: ${m}`),
  });
  let databaseUrl = process.env.TEST_DATABASE_URL;
  let stopPg: () => Promise<void> = async () => undefined;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir, port: await getFreePort(), log: (m) => say(`postgres: ${m}`) });
    databaseUrl = pg.url;
    stopPg = pg.stop;
  }
  await applyMigrations(databaseUrl, (m) => say(`migrate: ${m}`));
  const prisma = createPrisma(databaseUrl);
  await seedDemo(prisma, { dataDir });
  await prisma.$disconnect();
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const workflowBundlePath = path.join(dataDir, 'workflow-bundle.js');
  await fs.writeFile(workflowBundlePath, bundle.code);
  const temporal = await temporalPromise;
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s: Temporal ${temporal.address}, Postgres ready, workflows bundled`);

  project.provide('temporalAddress', temporal.address);
  project.provide('databaseUrl', databaseUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('dataDir', dataDir);

  return async () => {
    await temporal.stop();
    await stopPg();
    await fs.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  };
}
