/**
 * Activity factory: everything with side effects, built from real clients so tests can pass
 * others. The case workflow has one activity, {@link CaseActivities.commitTransition}: each
 * transition's audit rows, case and task rows and outbox rows in one transaction, once per key.
 * Processes without domain tables of their own commit through
 * {@link ProcessActivities.commitProcessTransition} (./process/).
 */
import type { PrismaClient } from '@prisma/client';
import { ApplicationFailure } from '@temporalio/activity';
import { Pool } from 'pg';
import { databaseUrlOf } from '../runtime/prisma';
import { AlreadyCommitted, commitInSql, evaluateCheck } from './commit-sql';
import type { TaskState } from '../workflows/contracts';
import type { DeadlineName } from '../workflows/case/state';
import type { WorkingCalendar } from './calendar/calendar';
import { caseDeadline } from './deadlines';
import { isPermanentDataError } from './data-errors';
import type { CaseActivities, CommitArgs, CommitResult } from './types';
import { processActivitiesOn } from './process/create-process-activities';
import type { ProcessActivities } from './process/types';
import { reportActivities } from './report/produce-report';
import type { ReportActivities } from './report/types';
import { campaignActivitiesOn } from './campaign/commit-campaign';
import type { CampaignActivities } from './campaign/types';
import { programmeActivities } from './programmes/record-case-measure';
import { confirmationActivities } from './confirmation/plan-confirmation';
import type { ConfirmationActivities } from '../workflows/confirmation/contracts';
import type { ProgrammeActivities } from '../workflows/programme-contracts';

export { isPermanentDataError } from './data-errors';

/** Every activity the worker registers: the case's commit, the process core's, the reports', the campaigns' and the programmes'. */
export type WorkerActivities = CaseActivities & ProcessActivities & ReportActivities & CampaignActivities & ProgrammeActivities & ConfirmationActivities;

/** What the activities need. */
export interface ActivityDeps {
  prisma: PrismaClient;
  /** Returns the current calendar; called on every commit so updates are honoured. */
  calendar: () => WorkingCalendar;
  /** Pool for the commit's SQL. @default a pool on the Prisma client's database */
  sql?: Pool;
}

function toTaskState(row: { id: string; step: string; level: string; regionCode: string; assigneeId: string | null; allowedIds: string[]; openedAt: Date; dueAt: Date; remindAt: Date | null; remindedAt: Date | null; escalations: number }): TaskState {
  return {
    taskId: row.id, step: row.step as TaskState['step'], level: row.level as TaskState['level'], regionCode: row.regionCode,
    assigneeId: row.assigneeId, allowedIds: row.allowedIds, openedAt: row.openedAt.toISOString(), dueAt: row.dueAt.toISOString(),
    remindAt: row.remindAt?.toISOString() ?? null, reminded: row.remindedAt !== null, escalations: row.escalations, nextEscalationAt: null,
  };
}

/** Builds the activities of the case workflow and of the other processes (one commit pool for both). */
export function createActivities(deps: ActivityDeps): WorkerActivities {
  const { prisma } = deps;
  const url = databaseUrlOf(prisma);
  if (!deps.sql && !url) throw new Error('createActivities: pass `sql` (a pg Pool) or a Prisma client made by createPrisma()');
  // A small pool beside Prisma's, for the one hot write path; idle connections never hold the process open.
  const sql = deps.sql ?? new Pool({ connectionString: url, max: 8, allowExitOnIdle: true });
  // An idle connection dropped by a database restart is replaced on next use; it must not crash the worker.
  let lastLost = 0;
  if (!deps.sql) {
    sql.on('error', (err) => {
      if (Date.now() - lastLost > 10_000) console.error(`[activities] idle database connection lost (reconnects on next use): ${err.message}`);
      lastLost = Date.now();
    });
  }

  async function commitTransition(a: CommitArgs): Promise<CommitResult> {
    const calendar = deps.calendar();
    const deadlines: CommitResult['deadlines'] = {};
    for (const [name, d] of Object.entries(a.deadlines ?? {})) deadlines[name as DeadlineName] = caseDeadline(calendar, name, new Date(d.from), d.limit).toISOString();
    try {
      return await commitInSql(sql, a, calendar, deadlines);
    } catch (err) {
      if (err instanceof AlreadyCommitted) {
        // A retry of a commit that already landed: report what it did, write nothing.
        const ids = (a.openTasks ?? []).map((t) => t.taskId);
        const opened = (await prisma.task.findMany({ where: { id: { in: ids } } })).map(toTaskState).sort((x, y) => ids.indexOf(x.taskId) - ids.indexOf(y.taskId));
        const row = await prisma.case.findUnique({ where: { id: a.caseId }, select: { contactId: true } });
        return { deadlines, opened, checked: (a.checkTasks ?? []).map((c) => evaluateCheck(c, new Date(a.at), calendar).task), contactId: row?.contactId ?? null };
      }
      if (isPermanentDataError(err)) {
        // Never echo the data: it may be personal.
        throw ApplicationFailure.create({ type: 'BAD_DATA', nonRetryable: true, message: 'the database refused a value of this action (invalid characters such as a NUL byte); nothing was recorded' });
      }
      throw err;
    }
  }

  return { commitTransition, ...processActivitiesOn(sql, deps.calendar), ...reportActivities(prisma), ...campaignActivitiesOn(sql, deps.calendar), ...programmeActivities(), ...confirmationActivities(prisma, deps.calendar) };
}
