/**
 * The process core's activities (流程核心活动): {@link ProcessActivities.commitProcessTransition}
 * for processes that have no domain tables of their own (e.g. 约谈), and
 * {@link inProcessTransaction} for domain activities that write their own tables in the same
 * transaction as {@link commitProcessCore}.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import type { WorkingCalendar } from '../calendar/calendar';
import { isPermanentDataError } from '../data-errors';
import { ProcessNotFound, commitProcessCore } from './commit-process-core';
import type { ProcessActivities, ProcessCommitArgs, ProcessCommitResult } from './types';

/**
 * Runs `fn` in one transaction on a connection of `pool`. Data the database can never store (a NUL
 * byte, a value out of range) and a commit naming no process fail non-retryably (`BAD_DATA`,
 * `PROCESS_NOT_FOUND`), so a poison commit never stalls a workflow; every other error is retried.
 */
export async function inProcessTransaction<T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const result = await fn(db);
    await db.query('COMMIT');
    return result;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    if (err instanceof ProcessNotFound) throw ApplicationFailure.create({ type: 'PROCESS_NOT_FOUND', nonRetryable: true, message: err.message });
    if (isPermanentDataError(err)) {
      // Never echo the data: it may be personal.
      throw ApplicationFailure.create({ type: 'BAD_DATA', nonRetryable: true, message: 'the database refused a value of this action (invalid characters such as a NUL byte); nothing was recorded' });
    }
    throw err;
  } finally {
    db.release();
  }
}

/** The process core's activities on a commit pool; the calendar is re-read on every commit. */
export function processActivitiesOn(sql: Pool, calendar: () => WorkingCalendar): ProcessActivities {
  return {
    commitProcessTransition: (a: ProcessCommitArgs): Promise<ProcessCommitResult> => inProcessTransaction(sql, (tx) => commitProcessCore(tx, a, calendar())),
    activeCaseContact: async (caseId: string): Promise<string | null> => {
      const r = await sql.query<{ id: string }>(
        `SELECT o.id FROM "Case" c JOIN "Official" o ON o.id = c."contactId" WHERE c.id = $1 AND o.active`, [caseId],
      );
      return r.rows[0]?.id ?? null;
    },
  };
}
