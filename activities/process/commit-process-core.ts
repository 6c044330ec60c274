/**
 * `commitProcessCore` (流程核心提交) — writes one transition of a process other than the household
 * case inside the caller's transaction: the process row (created on the first commit, then
 * patched), audit events, tasks opened, tasks checked for a reminder or an escalation, and their
 * outbox rows — through the same writers as the case (../core-writes.ts), so the same mail
 * dispatcher and templates send them with task links.
 *
 * Idempotent by (process, seq): the row's `commitSeq` moves forward in the same statement that
 * patches it, so a retried commit finds it there, writes nothing and reports what the first one
 * did (`applied: false`). A domain activity calls it first in its own transaction and skips its
 * own writes when `applied` is false — one transaction, one writer per table.
 */
import type { AnyTaskState } from '../../workflows/blocks/task';
import type { WorkingCalendar } from '../calendar/calendar';
import type { Owner, SqlTx } from '../core-writes';
import { checkTask, evaluateCheck, iso, openTask, writeEventRecord, writeTaskChanges } from '../core-writes';
import { addLimit } from '../deadlines';
import type { ProcessCommitArgs, ProcessCommitResult } from './types';

/** The process row of a commit does not exist and the commit does not create it (a bug in the caller, never retried). */
export class ProcessNotFound extends Error {
  constructor(processId: string) {
    super(`process ${processId} does not exist; its first commit must create it`);
    this.name = 'ProcessNotFound';
  }
}

/** Idempotency key of a process commit; audit keys are `${key}.${n}`. */
export function processCommitKey(processId: string, seq: number): string {
  return `${processId}:${seq}`;
}

/** Task columns as the workflow tracks them (timestamps read as UTC ISO text: the columns have no time zone). */
const TASK_COLUMNS = `id, step, level, "regionCode", "assigneeId", "allowedIds", escalations, "remindedAt" IS NOT NULL AS reminded,
  to_json("openedAt") #>> '{}' AS "openedAt", to_json("dueAt") #>> '{}' AS "dueAt", to_json("remindAt") #>> '{}' AS "remindAt"`;
const utc = (s: string | null): string | null => (s === null ? null : new Date(`${s}Z`).toISOString());

async function readTasks(tx: SqlTx, ids: string[]): Promise<AnyTaskState[]> {
  if (ids.length === 0) return [];
  const rows = (await tx.query<{ id: string; step: string; level: AnyTaskState['level']; regionCode: string; assigneeId: string | null; allowedIds: string[]; escalations: number; reminded: boolean; openedAt: string; dueAt: string; remindAt: string | null }>(
    `SELECT ${TASK_COLUMNS} FROM "Task" WHERE id = ANY($1)`, [ids],
  )).rows;
  return rows
    .map((r) => ({
      taskId: r.id, step: r.step, level: r.level, regionCode: r.regionCode, assigneeId: r.assigneeId, allowedIds: r.allowedIds,
      openedAt: utc(r.openedAt) as string, dueAt: utc(r.dueAt) as string, remindAt: utc(r.remindAt), reminded: r.reminded, escalations: r.escalations, nextEscalationAt: null,
    }))
    .sort((x, y) => ids.indexOf(x.taskId) - ids.indexOf(y.taskId));
}

/**
 * Writes one process transition in the transaction `tx` (BEGIN/COMMIT are the caller's). The
 * calendar gives working-day deadlines (调休 included), re-read by the caller for every commit.
 */
export async function commitProcessCore(tx: SqlTx, a: ProcessCommitArgs, calendar: WorkingCalendar): Promise<ProcessCommitResult> {
  const deadlines: Record<string, string> = {};
  for (const [name, d] of Object.entries(a.deadlines ?? {})) deadlines[name] = addLimit(calendar, new Date(d.from), d.limit).toISOString();
  const at = iso(a.at) as string;
  if (a.create) {
    const c = a.create;
    await tx.query(
      `INSERT INTO "Process" (id, kind, "workflowId", title, status, step, "villageCode", "townshipCode", "countyCode", "householdId", "caseId",
         "policyVersion", data, "commitSeq", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, 0, $14, now())
       ON CONFLICT (id) DO NOTHING`,
      [a.processId, c.kind, c.workflowId, c.title, c.status, c.step ?? null, c.region.villageCode ?? null, c.region.townshipCode ?? null,
        c.region.countyCode, c.householdId ?? null, c.caseId ?? null, c.policyVersion ?? null, JSON.stringify(c.data ?? {}), at],
    );
  }
  // Claims the commit and applies the patch in one statement: a retry finds commitSeq moved on.
  const p = a.patch ?? {};
  const claimed = await tx.query(
    `UPDATE "Process" SET "commitSeq" = $2, "updatedAt" = now(),
       status = COALESCE($3, status),
       step = CASE WHEN $4 THEN $5 ELSE step END,
       title = COALESCE($6, title),
       data = CASE WHEN $7::jsonb IS NULL THEN data ELSE COALESCE(data, '{}'::jsonb) || $7::jsonb END,
       "closedAt" = CASE WHEN $8 THEN COALESCE("closedAt", $9) ELSE "closedAt" END
     WHERE id = $1 AND "commitSeq" < $2`,
    [a.processId, a.seq, p.status ?? null, p.step !== undefined, p.step ?? null, p.title ?? null, p.data ? JSON.stringify(p.data) : null, p.closed === true, at],
  );
  if ((claimed.rowCount ?? 0) === 0) {
    const exists = await tx.query(`SELECT 1 FROM "Process" WHERE id = $1`, [a.processId]);
    if (exists.rowCount === 0) throw new ProcessNotFound(a.processId);
    // A retry of a commit that landed: report what it did, write nothing.
    return {
      applied: false, deadlines, opened: await readTasks(tx, (a.openTasks ?? []).map((t) => t.taskId)),
      checked: (a.checkTasks ?? []).map((c) => evaluateCheck(c, new Date(at), calendar).task),
    };
  }
  const owner: Owner = { processId: a.processId };
  const key = processCommitKey(a.processId, a.seq);
  let n = 0;
  for (const ev of a.events) {
    await writeTaskChanges(tx, at, ev);
    await writeEventRecord(tx, `${key}.${n++}`, owner, at, ev);
  }
  const opened: AnyTaskState[] = [];
  for (const t of a.openTasks ?? []) opened.push(await openTask(tx, owner, `${key}.${n++}`, t, calendar));
  const checked: AnyTaskState[] = [];
  for (const c of a.checkTasks ?? []) checked.push(await checkTask(tx, owner, at, c, calendar));
  return { applied: true, deadlines, opened, checked };
}
