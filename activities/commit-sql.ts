/**
 * The transition commit in plain SQL over one `pg` connection: audit rows, case and task rows and
 * outbox rows of one transition in one transaction. It runs for every transition of every case,
 * so it bypasses Prisma's per-query compiler (WebAssembly, on the event loop; Prisma 6 caches no
 * query plans) — the rest of the code reads and writes through Prisma. Timestamps are written as
 * UTC ISO strings into the `timestamp(3)` columns, as Prisma does.
 */
import type { Pool, PoolClient } from 'pg';
import type { TaskState } from '../workflows/contracts';
import { evaluateTaskDeadline } from '../workflows/blocks/task';
import type { OpenTaskSpec } from '../workflows/blocks/task';
import type { DeadlineName } from '../workflows/case/state';
import type { WorkingCalendar } from './calendar/calendar';
import { addLimit, nextRepeatAt, reminderAt } from './deadlines';
import { policyHash } from '../runtime/policy-hash';
import type { CommitArgs, CommitResult, EventSpec, NotificationSpec, TaskCheckSpec } from './types';

/** Thrown when the commit's audit key (or its task) exists already: a retry of a commit that landed. */
export class AlreadyCommitted extends Error {}

const TERMINAL = ['REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED'];
/** Deadlines that are also read-model columns of the case. */
const CASE_DEADLINE_COLUMNS: Partial<Record<DeadlineName, string>> = { slaDueAt: 'slaDueAt', planDueAt: 'planDueAt', nextReviewAt: 'nextReviewAt' };
const iso = (d: Date | string | null | undefined): string | null => (d === null || d === undefined ? null : typeof d === 'string' ? new Date(d).toISOString() : d.toISOString());
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** The outcome of a deadline check against the calendar. */
export function evaluateCheck(c: TaskCheckSpec, now: Date, calendar: WorkingCalendar): ReturnType<typeof evaluateTaskDeadline> {
  const due = addLimit(calendar, new Date(c.task.openedAt), c.limit);
  const remind = reminderAt(calendar, due, c.reminderLead);
  return evaluateTaskDeadline(c.task, now.getTime(), { dueAt: due.getTime(), remindAt: remind.getTime() }, (from) => nextRepeatAt(calendar, new Date(from), c.escalationRepeat).getTime(), c.escalationChain);
}

/** Runs one transition's writes; throws {@link AlreadyCommitted} when it had landed before. */
export async function commitInSql(pool: Pool, a: CommitArgs, calendar: WorkingCalendar, deadlines: CommitResult['deadlines']): Promise<CommitResult> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const result = await writeAll(db, a, calendar, deadlines);
    await db.query('COMMIT');
    return result;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && (e.constraint === 'AuditEvent_idempotencyKey_key' || e.constraint === 'Task_pkey')) throw new AlreadyCommitted();
    throw err;
  } finally {
    db.release();
  }
}

async function writeAll(db: PoolClient, a: CommitArgs, calendar: WorkingCalendar, deadlines: CommitResult['deadlines']): Promise<CommitResult> {
  if (a.create) {
    const c = a.create;
    const pinned = policyHash(c.policy);
    await db.query(
      `INSERT INTO "Policy" (hash, version, body) VALUES ($1, $2, $3::jsonb) ON CONFLICT (hash) DO NOTHING`,
      [pinned, c.policyVersion, JSON.stringify(c.policy)],
    );
    await db.query(
      `INSERT INTO "Case" (id, "caseNo", "householdId", "workflowId", channel, category, "riskTypes", status, step, "villageCode", "townshipCode",
         "countyCode", "contactId", "policyVersion", "policyHash", "openedAt", "previousCaseId", "leadKey", "healthDetailsSealed", "incomePerCapita", summary, "updatedAt")
       SELECT $1, $1, $2, $3, $4, $5, $6, 'IDENTIFYING', 'VERIFICATION', $7, $8, $9, $10, $11, $12, $13, $14,
         l."leadKey", l."healthDetailsSealed", l."incomePerCapita", l.summary, now()
       FROM (SELECT 1) AS one LEFT JOIN "Lead" l ON l.id = $1
       ON CONFLICT (id) DO NOTHING`,
      [a.caseId, c.householdId, c.workflowId, c.channel, c.category, c.riskTypes, a.region.villageCode, a.region.townshipCode, a.region.countyCode,
        c.contactId ?? null, c.policyVersion, pinned, iso(c.openedAt), c.previousCaseId ?? null],
    );
  }
  let contactId: string | null = null;
  if (a.assignContact) {
    const r = await db.query<{ id: string }>(
      `SELECT id FROM "Official" WHERE role = 'CONTACT' AND "regionCode" = $1 AND active AND "standsInForId" IS NULL ORDER BY "createdAt", id LIMIT 1`,
      [a.region.villageCode],
    );
    contactId = r.rows[0]?.id ?? null;
  }
  await patchCase(db, a, deadlines, contactId);
  let n = 0;
  for (const ev of a.events) await writeEvent(db, a, `${a.key}.${n++}`, ev);
  const opened: TaskState[] = [];
  for (const t of a.openTasks ?? []) opened.push(await openTask(db, a, `${a.key}.${n++}`, t, calendar));
  const checked: TaskState[] = [];
  for (const c of a.checkTasks ?? []) checked.push(await checkTask(db, a, c, calendar));
  return { deadlines, opened, checked, contactId };
}

async function patchCase(db: PoolClient, a: CommitArgs, deadlines: CommitResult['deadlines'], contactId: string | null): Promise<void> {
  const p = a.casePatch ?? {};
  const sets: string[] = [];
  const values: unknown[] = [a.caseId];
  const set = (column: string, value: unknown): void => {
    values.push(value);
    sets.push(`"${column}" = $${values.length}`);
  };
  if (p.status !== undefined) set('status', p.status);
  if (p.step !== undefined) set('step', p.step);
  if (p.slaBreached !== undefined) set('slaBreached', p.slaBreached);
  if (p.approvedAt !== undefined) set('approvedAt', iso(p.approvedAt));
  if (p.annualCheck !== undefined) set('annualCheck', p.annualCheck);
  if (p.eliminatedAt !== undefined) set('eliminatedAt', iso(p.eliminatedAt));
  if (p.eliminationRoute !== undefined) set('eliminationRoute', p.eliminationRoute);
  if (p.closeReason !== undefined) set('closeReason', p.closeReason);
  if (p.lastContactAt !== undefined) set('lastContactAt', iso(p.lastContactAt));
  if (contactId !== null || p.contactId !== undefined) set('contactId', contactId ?? p.contactId);
  for (const [name, column] of Object.entries(CASE_DEADLINE_COLUMNS)) {
    const v = deadlines[name as DeadlineName];
    if (v && column) set(column, v);
  }
  if (p.status !== undefined && TERMINAL.includes(p.status)) {
    values.push(iso(a.at));
    sets.push(`"closedAt" = COALESCE("closedAt", $${values.length})`);
  } else if (p.status !== undefined) {
    sets.push(`"closedAt" = NULL`);
  }
  if (sets.length === 0) return;
  await db.query(`UPDATE "Case" SET ${sets.join(', ')}, "updatedAt" = now() WHERE id = $1`, values);
}

/** Officials a notification goes to (ordered, so keys are stable). */
async function recipients(db: PoolClient, caseId: string, to: NotificationSpec['to']): Promise<string[]> {
  if ('officialId' in to) return [to.officialId];
  if ('caseContact' in to) {
    const r = await db.query<{ contactId: string | null }>(`SELECT "contactId" FROM "Case" WHERE id = $1`, [caseId]);
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
async function notify(db: PoolClient, key: string, caseId: string, specs: NotificationSpec[] | undefined): Promise<void> {
  if (!specs?.length) return;
  const values: unknown[] = [];
  const rows: string[] = [];
  for (const [i, spec] of specs.entries()) {
    for (const recipientId of await recipients(db, caseId, spec.to)) {
      values.push(`${key}:n${i}:${recipientId}`, spec.kind, recipientId, caseId, spec.taskId ?? null, JSON.stringify(spec.data ?? {}));
      const b = values.length - 6;
      rows.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::jsonb)`);
    }
  }
  if (rows.length === 0) return;
  await db.query(`INSERT INTO "Notification" ("idempotencyKey", kind, "recipientId", "caseId", "taskId", data) VALUES ${rows.join(', ')} ON CONFLICT ("idempotencyKey") DO NOTHING`, values);
}

interface AuditRow { action: string; at: string; step?: string | null; taskId?: string | null; actorId?: string | null; onBehalfOfId?: string | null; comment?: string | null; data?: unknown }

async function audit(db: PoolClient, key: string, caseId: string, r: AuditRow, onConflict = ''): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO "AuditEvent" ("idempotencyKey", "caseId", at, action, step, "taskId", "actorId", "onBehalfOfId", comment, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) ${onConflict}`,
    [key, caseId, r.at, r.action, r.step ?? null, r.taskId ?? null, r.actorId ?? null, r.onBehalfOfId ?? null, r.comment ?? null, json(r.data)],
  );
  return (res.rowCount ?? 0) > 0;
}

async function writeEvent(db: PoolClient, a: CommitArgs, key: string, ev: EventSpec): Promise<void> {
  const at = iso(a.at) as string;
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
  if (ev.measure) {
    const m = ev.measure;
    await db.query(
      `INSERT INTO "Measure" (id, "caseId", type, description, "memberName", status, "implementedOn", "createdById", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, "implementedOn" = COALESCE(EXCLUDED."implementedOn", "Measure"."implementedOn"), "updatedAt" = now()`,
      [m.id, a.caseId, m.type ?? 'OTHER', m.description ?? '', m.memberName ?? null, m.status, iso(m.implementedOn), m.createdById ?? null],
    );
  }
  if (ev.contact) {
    const c = ev.contact;
    await db.query(
      `INSERT INTO "Contact" (id, "caseId", "officialId", "contactedOn", method, note) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
      [c.id, a.caseId, c.officialId, iso(c.contactedOn), c.method, c.note ?? null],
    );
  }
  if (ev.objection) {
    const o = ev.objection;
    await db.query(`INSERT INTO "Objection" (id, "caseId", step, text, "filedAt") VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, [o.id, a.caseId, o.step, o.text, at]);
  }
  if (ev.objectionOutcome) {
    // A dismissal settles its own objection; an upheld one ends every investigation of the notice.
    const o = ev.objectionOutcome;
    await db.query(
      `UPDATE "Objection" SET outcome = $2, "decidedAt" = $3 WHERE "caseId" = $1 AND outcome IS NULL ${o.objectionId ? 'AND id = $4' : ''}`,
      o.objectionId ? [a.caseId, o.outcome, at, o.objectionId] : [a.caseId, o.outcome, at],
    );
  }
  await notify(db, key, a.caseId, ev.notifications);
  await audit(db, key, a.caseId, {
    action: ev.action, at, step: ev.step, taskId: ev.taskId ?? ev.taskClose?.taskId, actorId: ev.actorId, onBehalfOfId: ev.onBehalfOfId,
    comment: ev.comment, data: ev.data,
  });
}

async function openTask(db: PoolClient, a: CommitArgs, key: string, t: OpenTaskSpec, calendar: WorkingCalendar): Promise<TaskState> {
  const openedAt = new Date(t.openedAt);
  const due = addLimit(calendar, openedAt, t.limit);
  const remind = reminderAt(calendar, due, t.reminderLead);
  const officials = (await db.query<{ id: string; standsInForId: string | null }>(
    `SELECT id, "standsInForId" FROM "Official" WHERE role = $1 AND "regionCode" = $2 AND active ORDER BY "createdAt", id`, [t.level, t.regionCode],
  )).rows;
  const primary = officials.find((o) => !o.standsInForId) ?? officials[0];
  const allowedIds = primary ? [primary.id, ...officials.filter((o) => o.standsInForId === primary.id).map((s) => s.id)] : [];
  const remindAt = remind > openedAt ? remind : null;
  await db.query(
    `INSERT INTO "Task" (id, "caseId", step, level, "regionCode", "assigneeId", "allowedIds", status, "openedAt", "dueAt", "remindAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'OPEN', $8, $9, $10)`,
    [t.taskId, a.caseId, t.step, t.level, t.regionCode, primary?.id ?? null, allowedIds, iso(openedAt), iso(due), iso(remindAt)],
  );
  await notify(db, key, a.caseId, primary
    ? [{ kind: 'NEW_TASK', to: { officialId: primary.id }, taskId: t.taskId }]
    : [{ kind: 'TASK_UNASSIGNED', to: t.escalationChain[0], taskId: t.taskId, data: { step: t.step, regionCode: t.regionCode } }]);
  await audit(db, key, a.caseId, { action: 'TASK_OPENED', at: iso(openedAt) as string, step: t.step, taskId: t.taskId, data: { assigneeId: primary?.id ?? null, dueAt: due.toISOString() } });
  return {
    taskId: t.taskId, step: t.step as TaskState['step'], level: t.level, regionCode: t.regionCode, assigneeId: primary?.id ?? null, allowedIds,
    openedAt: openedAt.toISOString(), dueAt: due.toISOString(), remindAt: iso(remindAt), reminded: false, escalations: 0, nextEscalationAt: null,
  };
}

async function checkTask(db: PoolClient, a: CommitArgs, c: TaskCheckSpec, calendar: WorkingCalendar): Promise<TaskState> {
  const now = new Date(a.at);
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
    const recorded = await audit(db, key, a.caseId, { action: r.action, at: iso(now) as string, step: t.step, taskId: t.taskId, data: { dueAt: t.dueAt, escalation: t.escalations } }, 'ON CONFLICT ("idempotencyKey") DO NOTHING');
    if (recorded) {
      await notify(db, key, a.caseId, r.action === 'REMINDER_SENT'
        ? r.to.map((to) => ({ kind: 'REMINDER', to, taskId: t.taskId }))
        : r.to.map((to, i) => ({ kind: 'ESCALATION', to, taskId: t.taskId, data: i === 0 ? data : { ...data, overdue: true } })));
    }
  }
  return t;
}
