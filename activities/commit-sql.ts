/**
 * The transition commit in plain SQL over one `pg` connection: audit rows, case and task rows and
 * outbox rows of one transition in one transaction. Audit, task and outbox rows are written by the
 * process core (./core-writes.ts), which other processes share; this module adds the case's own
 * rows. It runs for every transition of every case, so it bypasses Prisma's per-query compiler (WebAssembly, on the event loop; Prisma 6 caches no
 * query plans) — the rest of the code reads and writes through Prisma. Timestamps are written as
 * UTC ISO strings into the `timestamp(3)` columns, as Prisma does.
 */
import type { Pool, PoolClient } from 'pg';
import type { TaskState } from '../workflows/contracts';
import type { DeadlineName } from '../workflows/case/state';
import type { WorkingCalendar } from './calendar/calendar';
import { policyHash } from '../runtime/policy-hash';
import { checkTask, iso, openTask, writeEventRecord, writeTaskChanges } from './core-writes';
import { storeEliminationCompliance } from './elimination-compliance';
import type { CommitArgs, CommitResult, EventSpec } from './types';

export { evaluateCheck } from './core-writes';

/** Thrown when the commit's audit key (or its task) exists already: a retry of a commit that landed. */
export class AlreadyCommitted extends Error {}

const TERMINAL = ['REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED'];
/** Deadlines that are also read-model columns of the case. */
const CASE_DEADLINE_COLUMNS: Partial<Record<DeadlineName, string>> = { slaDueAt: 'slaDueAt', planDueAt: 'planDueAt', nextReviewAt: 'nextReviewAt' };

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
  const owner = { caseId: a.caseId };
  const opened: TaskState[] = [];
  for (const t of a.openTasks ?? []) opened.push((await openTask(db, owner, `${a.key}.${n++}`, t, calendar)) as TaskState);
  const checked: TaskState[] = [];
  for (const c of a.checkTasks ?? []) checked.push(await checkTask(db, owner, iso(a.at) as string, c, calendar));
  // Eliminated or rolled back: the figures' compliance column follows (measures are written by now).
  if (a.casePatch?.eliminatedAt !== undefined) await storeEliminationCompliance(db, a.caseId);
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

async function writeEvent(db: PoolClient, a: CommitArgs, key: string, ev: EventSpec): Promise<void> {
  const at = iso(a.at) as string;
  await writeTaskChanges(db, at, ev);
  if (ev.measure) {
    const m = ev.measure;
    await db.query(
      `INSERT INTO "Measure" (id, "caseId", type, description, "memberName", status, "implementedOn", "endedOn", "createdById", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, "implementedOn" = COALESCE(EXCLUDED."implementedOn", "Measure"."implementedOn"),
         "endedOn" = COALESCE(EXCLUDED."endedOn", "Measure"."endedOn"), "updatedAt" = now()`,
      [m.id, a.caseId, m.type ?? 'OTHER', m.description ?? '', m.memberName ?? null, m.status, iso(m.implementedOn), iso(m.endedOn), m.createdById ?? null],
    );
    // The figures' plan coverage (应帮尽帮) counts this column instead of probing every case's measures.
    await db.query(
      `UPDATE "Case" c SET "measureImplemented" = EXISTS (SELECT 1 FROM "Measure" x WHERE x."caseId" = c.id AND x.status = 'IMPLEMENTED') WHERE c.id = $1`,
      [a.caseId],
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
  await writeEventRecord(db, key, { caseId: a.caseId }, at, ev);
}
