/**
 * Builds the case worker: workflows bundled from `workflows/`, activities from the factory.
 */
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '@prisma/client';
import { Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { loadCalendar } from '../activities/calendar/calendar';
import { createActivities } from '../activities/create-activities';
import type { WorkerActivities } from '../activities/create-activities';
import { TASK_QUEUE } from '../workflows/contracts';

/** Where the workflow code lives; the worker bundles it with webpack. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  prisma: PrismaClient;
  taskQueue?: string;
  calendarFile?: string;
  /** Bound on cached workflows (memory). @default 500 */
  maxCachedWorkflows?: number;
  /** A prebuilt bundle (tests bundle once per run). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Pool for the activities' commit SQL, owned (and ended) by the caller. @default one the activities open on the Prisma client's database */
  sql?: Pool;
  /** Replaces activities the factory made (a test makes the worker die right after a commit). */
  wrapActivities?: (made: WorkerActivities) => Partial<WorkerActivities>;
}

/** Creates a worker for the household case workflow and the other processes (约谈 …) on the same task queue. */
export async function createCaseWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const made = createActivities({ prisma: opts.prisma, sql: opts.sql, calendar: () => loadCalendar({ file: opts.calendarFile }) });
  const activities = opts.wrapActivities ? { ...made, ...opts.wrapActivities(made) } : made;
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    activities,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxCachedWorkflows: opts.maxCachedWorkflows ?? 500,
    // The default since SDK 1.9, stated so it stays: one V8 context per worker thread, shared by
    // every cached workflow (a context per workflow costs megabytes each).
    reuseV8Context: true,
  });
}
