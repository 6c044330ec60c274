/**
 * The writes every durable process shares (process core): audit rows, outbox rows, and the tasks
 * with their reminders and escalations — in plain SQL on the transaction's `pg` connection. A row
 * belongs to its {@link Owner}: a household case (`caseId`) or another process (`processId`). The
 * case's commit (./commit-sql.ts) and the process commit (./process/commit-process-core.ts) both
 * write through here, so a task of a 约谈 is opened, reminded, escalated and mailed exactly as a
 * case's task is. Timestamps are UTC ISO strings into `timestamp(3)` columns, as Prisma writes them.
 */
import type { PoolClient } from 'pg';
import { evaluateTaskDeadline } from '../workflows/blocks/task';
import type { AnyTaskState, DeadlineCheck, OpenTaskSpec } from '../workflows/blocks/task';
import type { WorkingCalendar } from './calendar/calendar';
import { addLimit, nextRepeatAt, reminderAt } from './deadlines';
import type { CoreEventSpec, NotificationSpec, TaskCheckSpec } from './types';

export type { CoreEventSpec } from './types';

/** Whose rows these are: a household case or another process. */
export type Owner = { caseId: string } | { processId: string };

/** A connection inside a transaction (a pool client, or anything that queries like one). */
export type SqlTx = Pick<PoolClient, 'query'>;

/** The owner's column and id. */
function ownerOf(o: Owner): { column: '"caseId"' | '"processId"'; id: string } {
  return 'caseId' in o ? { column: '"caseId"', id: o.caseId } : { column: '"processId"', id: o.processId };
}

export const iso = (d: Date | string | null | undefined): string | null => (d === null || d === undefined ? null : typeof d === 'string' ? new Date(d).toISOString() : d.toISOString());
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** The outcome of a deadline check against the calendar. */
export function evaluateCheck<T extends AnyTaskState>(c: TaskCheckSpec<T>, now: Date, calendar: WorkingCalendar): DeadlineCheck<T> {
  const due = addLimit(calendar, new Date(c.task.openedAt), c.limit);
  const remind = reminderAt(calendar, due, c.reminderLead);
  return evaluateTaskDeadline(c.task, now.getTime(), { dueAt: due.getTime(), remindAt: remind.getTime() }, (from) => nextRepeatAt(calendar, new Date(from), c.escalationRepeat).getTime(), c.escalationChain);
}

/** Officials a notification goes to (ordered, so keys are stable). A case's assistance contact exists only for cases. */
async function recipients(db: SqlTx, owner: Owner, to: NotificationSpec['to']): Promise<string[]> {
  if ('officialId' in to) return [to.officialId];
  if ('caseContact' in to) {
    if (!('caseId' in owner)) return [];
    const r = await db.query<{ contactId: string | null }>(`SELECT "contactId" FROM "Case" WHERE id = $1`, [owner.caseId]);
    return r.rows[0]?.contactId ? [r.rows[0].contactId] : [];
  }
  // Administrators addressed by a county are that county's and its city's (the level above).
  const where = to.role === 'ADMIN' && to.regionCode
    ? `AND ("regionCode" = $2 OR "regionCode" IN (SELECT "parentCode" FROM "Region" WHERE code = $2))`
    : to.regionCode ? `AND "regionCode" = $2` : '';
  const r = await db.query<{ id: string }>(
    `SELECT id FROM "Official" WHERE role = $1 AND active AND "standsInForId" IS NULL ${where} ORDER BY id`,
    to.regionCode ? [to.role, to.regionCode] : [to.role],
  );
  return r.rows.map((x) => x.id);
}

/** Outbox rows; keys derive from the event key, so a repeat is skipped. */
export async function notify(db: SqlTx, key: string, owner: Owner, specs: NotificationSpec[] | undefined): Promise<void> {
  if (!specs?.length) return;
  const { column, id } = ownerOf(owner);
  const values: unknown[] = [];
  const rows: string[] = [];
  for (const [i, spec] of specs.entries()) {
    for (const recipientId of await recipients(db, owner, spec.to)) {
      values.push(`${key}:n${i}:${recipientId}`, spec.kind, recipientId, id, spec.taskId ?? null, JSON.stringify(spec.data ?? {}));
      const b = values.length - 6;
      rows.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::jsonb)`);
    }
  }
  if (rows.length === 0) return;
  await db.query(`INSERT INTO "Notification" ("idempotencyKey", kind, "recipientId", ${column}, "taskId", data) VALUES ${rows.join(', ')} ON CONFLICT ("idempotencyKey") DO NOTHING`, values);
}

/** One audit row. */
export interface AuditRow { action: string; at: string; step?: string | null; taskId?: string | null; actorId?: string | null; onBehalfOfId?: string | null; comment?: string | null; data?: unknown }

/** Writes an audit row; returns whether it was written (false: `onConflict` skipped a repeat). */
export async function audit(db: SqlTx, key: string, owner: Owner, r: AuditRow, onConflict = ''): Promise<boolean> {
  const { column, id } = ownerOf(owner);
  const res = await db.query(
    `INSERT INTO "AuditEvent" ("idempotencyKey", ${column}, at, action, step, "taskId", "actorId", "onBehalfOfId", comment, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) ${onConflict}`,
    [key, id, r.at, r.action, r.step ?? null, r.taskId ?? null, r.actorId ?? null, r.onBehalfOfId ?? null, r.comment ?? null, json(r.data)],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Closes or reassigns the event's task (before its domain rows, as the case always did). */
export async function writeTaskChanges(db: SqlTx, at: string, ev: CoreEventSpec): Promise<void> {
  if (ev.taskClose) {
    const c = ev.taskClose;
    await db.query(
      `UPDATE "Task" SET status = $2, outcome = $3, "decidedById" = $4, "onBehalfOfId" = $5, comment = $6, "closedAt" = $7 WHERE id = $1 AND status = 'OPEN'`,
      [c.taskId, c.status, c.outcome, c.decidedById ?? null, c.onBehalfOfId ?? null, c.comment ?? null, at],
    );
  }
  if (ev.taskPatch) {
    await db.query(`UPDATE "Task" SET "assigneeId" = COALESCE($2, "assigneeId"), "allowedIds" = COALESCE($3, "allowedIds") WHERE id = $1`, [
      ev.taskPatch.taskId, ev.taskPatch.assigneeId ?? null, ev.taskPatch.allowedIds ?? null,
    ]);
  }
}

/** The event's notifications and its audit line (after its domain rows). */
export async function writeEventRecord(db: SqlTx, key: string, owner: Owner, at: string, ev: CoreEventSpec): Promise<void> {
  await notify(db, key, owner, ev.notifications);
  await audit(db, key, owner, {
    action: ev.action, at, step: ev.step, taskId: ev.taskId ?? ev.taskClose?.taskId, actorId: ev.actorId, onBehalfOfId: ev.onBehalfOfId,
    comment: ev.comment, data: ev.data,
  });
}

/** The official a task goes to (with stand-ins): the named one when active, else the level's first in the region (a contact's task: the village's). */
async function assigneesOf(db: SqlTx, t: OpenTaskSpec): Promise<{ primary: string | null; allowedIds: string[] }> {
  if (t.assigneeId) {
    const named = (await db.query<{ id: string; standsInForId: string | null }>(
      `SELECT id, "standsInForId" FROM "Official" WHERE (id = $1 OR "standsInForId" = $1) AND active ORDER BY "createdAt", id`, [t.assigneeId],
    )).rows;
    if (named.some((o) => o.id === t.assigneeId)) return { primary: t.assigneeId, allowedIds: [t.assigneeId, ...named.filter((o) => o.id !== t.assigneeId).map((o) => o.id)] };
  }
  // A contact's task whose contact is gone goes to the village's official, not to any contact of the village.
  const role = t.level === 'CONTACT' ? 'VILLAGE' : t.level;
  const officials = (await db.query<{ id: string; standsInForId: string | null }>(
    `SELECT id, "standsInForId" FROM "Official" WHERE role = $1 AND "regionCode" = $2 AND active ORDER BY "createdAt", id`, [role, t.regionCode],
  )).rows;
  const primary = officials.find((o) => !o.standsInForId) ?? officials[0];
  return { primary: primary?.id ?? null, allowedIds: primary ? [primary.id, ...officials.filter((o) => o.standsInForId === primary.id).map((s) => s.id)] : [] };
}

/** Opens a task: the row, the mail to its assignee (or to the level above when nobody can take it), the audit line. */
export async function openTask(db: SqlTx, owner: Owner, key: string, t: OpenTaskSpec, calendar: WorkingCalendar): Promise<AnyTaskState> {
  const { column, id } = ownerOf(owner);
  const openedAt = new Date(t.openedAt);
  const due = addLimit(calendar, openedAt, t.limit);
  const remind = reminderAt(calendar, due, t.reminderLead);
  const { primary, allowedIds } = await assigneesOf(db, t);
  const remindAt = remind > openedAt ? remind : null;
  await db.query(
    `INSERT INTO "Task" (id, ${column}, step, level, "regionCode", "assigneeId", "allowedIds", status, "openedAt", "dueAt", "remindAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'OPEN', $8, $9, $10)`,
    [t.taskId, id, t.step, t.level, t.regionCode, primary, allowedIds, iso(openedAt), iso(due), iso(remindAt)],
  );
  await notify(db, key, owner, primary
    ? [{ kind: 'NEW_TASK', to: { officialId: primary }, taskId: t.taskId }]
    : [{ kind: 'TASK_UNASSIGNED', to: t.escalationChain[0], taskId: t.taskId, data: { step: t.step, regionCode: t.regionCode } }]);
  await audit(db, key, owner, { action: 'TASK_OPENED', at: iso(openedAt) as string, step: t.step, taskId: t.taskId, data: { assigneeId: primary, dueAt: due.toISOString() } });
  return {
    taskId: t.taskId, step: t.step, level: t.level, regionCode: t.regionCode, assigneeId: primary, allowedIds,
    openedAt: openedAt.toISOString(), dueAt: due.toISOString(), remindAt: iso(remindAt), reminded: false, escalations: 0, nextEscalationAt: null,
  };
}

/** Checks an open task against the calendar: a reminder or an escalation is recorded and mailed once. */
export async function checkTask<T extends AnyTaskState>(db: SqlTx, owner: Owner, at: string, c: TaskCheckSpec<T>, calendar: WorkingCalendar): Promise<T> {
  const now = new Date(at);
  const r = evaluateCheck(c, now, calendar);
  const t = r.task;
  const res = await db.query(
    `UPDATE "Task" SET "dueAt" = $2, "remindAt" = $3,
       "remindedAt" = CASE WHEN $4 THEN $6 ELSE "remindedAt" END,
       escalations = CASE WHEN $5 THEN $7 ELSE escalations END,
       "lastEscalatedAt" = CASE WHEN $5 THEN $6 ELSE "lastEscalatedAt" END
     WHERE id = $1 AND status = 'OPEN'`,
    [t.taskId, t.dueAt, t.remindAt, r.action === 'REMINDER_SENT', r.action === 'TASK_ESCALATED', iso(now), t.escalations],
  );
  if (r.action && (res.rowCount ?? 0) > 0) {
    const key = r.action === 'REMINDER_SENT' ? `${t.taskId}:reminder` : `${t.taskId}:escalation:${t.escalations}`;
    const data = { escalation: t.escalations, step: t.step };
    const recorded = await audit(db, key, owner, { action: r.action, at: iso(now) as string, step: t.step, taskId: t.taskId, data: { dueAt: t.dueAt, escalation: t.escalations } }, 'ON CONFLICT ("idempotencyKey") DO NOTHING');
    if (recorded) {
      await notify(db, key, owner, r.action === 'REMINDER_SENT'
        ? r.to.map((to) => ({ kind: 'REMINDER', to, taskId: t.taskId }))
        : r.to.map((to, i) => ({ kind: 'ESCALATION', to, taskId: t.taskId, data: i === 0 ? data : { ...data, overdue: true } })));
    }
  }
  return t;
}
