/**
 * The scale section of `npm run bench` (issue 10 §2–3): lists and figures at 100,000 seeded cases
 * (lists.ts) and worker memory per cached workflow against the bare worker (worker-memory.ts),
 * printed as tables and written as JSON to `bench-report.json` (or `--report <file>`), merged
 * into what is already there under the key `scale`.
 * Options: --list-cases N (default 100000), --list-requests R (default 200), --memory-workflows N
 * (default 200), --skip-lists, --skip-memory.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import type { Client } from '@temporalio/client';
import { PROJECT_ROOT } from '../../runtime/migrate';
import type { ListsBenchReport } from './lists';
import { benchLists, printListsReport } from './lists';
import type { WorkerMemoryReport } from './worker-memory';
import { benchWorkerMemory, printWorkerMemoryReport } from './worker-memory';

/** Options of {@link benchScale}. */
export interface BenchScaleOptions {
  /** Any database URL of the bench's PostgreSQL server (the lists get a throwaway database there). */
  serverUrl: string;
  /** The bench's database (demo county seeded), for the worker-memory cases. */
  databaseUrl: string;
  temporalAddress: string;
  prisma: PrismaClient;
  client: Client;
  argv: string[];
}

/** What the scale section measured (the JSON report's `scale`). */
export interface ScaleReport {
  at: string;
  lists?: ListsBenchReport;
  workerMemory?: WorkerMemoryReport;
}

/** Runs the scale section, prints it and writes the JSON report. */
export async function benchScale(o: BenchScaleOptions): Promise<ScaleReport> {
  const num = (name: string, dflt: number): number => {
    const i = o.argv.indexOf(`--${name}`);
    return i > 0 ? Number(o.argv[i + 1]) : dflt;
  };
  const i = o.argv.indexOf('--report');
  const file = path.resolve(PROJECT_ROOT, i > 0 ? o.argv[i + 1] : 'bench-report.json');
  const report: ScaleReport = { at: new Date().toISOString() };
  if (!o.argv.includes('--skip-lists')) {
    report.lists = await benchLists({ serverUrl: o.serverUrl, cases: num('list-cases', 100_000), requests: num('list-requests', 200), temporal: o.client });
    printListsReport(report.lists);
  }
  if (!o.argv.includes('--skip-memory')) {
    report.workerMemory = await benchWorkerMemory({
      temporalAddress: o.temporalAddress, databaseUrl: o.databaseUrl, prisma: o.prisma, client: o.client, n: num('memory-workflows', 200),
    });
    printWorkerMemoryReport(report.workerMemory);
  }
  const existing = await fs.readFile(file, 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>, () => ({}));
  await fs.writeFile(file, `${JSON.stringify({ ...existing, scale: report }, null, 2)}\n`);
  console.log(`\nJSON report: ${path.relative(process.cwd(), file) || file}`);
  return report;
}
