/**
 * Elimination compliance (风险消除合规) stored with the case: whether an eliminated case respected
 * the policy it was pinned to — at least one implemented measure, and eliminated no earlier than
 * the elimination clock (county approval or first implemented measure) plus the waiting time. The
 * commit activity stores it when a case is eliminated (and clears it on rollback), so the figures
 * count a column instead of probing every eliminated case's measures and policy.
 */
import { Prisma } from '@prisma/client';
import type { PoolClient } from 'pg';
import { DEFAULT_POLICY } from '../workflows/policy';

/** Beijing time is UTC+8 all year; stored instants are UTC wall times (`timestamp(3)`). */
const BEIJING = Prisma.sql`interval '8 hours'`;

/**
 * SQL of the rule for a row of `"Case" c` whose pinned policy body is `pinned`: the same clock and
 * limit arithmetic as `addLimitWithoutCalendar` (months on the Beijing date, clamped to the month's
 * end — Postgres' `+ interval 'n months'` clamps the same way; calendar and working days to the end
 * of the Beijing day; seconds as they are). Fields missing from a pinned policy fall back to the
 * default policy's, as `parsePolicy` merges them. Held equal to the JS rule
 * (`eliminationCompliant` in api/services/compute-stats.ts) by test/case-list-scale.test.ts.
 */
export function compliantSql(pinned: Prisma.Sql): Prisma.Sql {
  const d = DEFAULT_POLICY;
  const clock = Prisma.sql`COALESCE(${pinned}->>'eliminationClock', ${d.eliminationClock})`;
  const unit = Prisma.sql`COALESCE(${pinned} #>> '{eliminationAfter,unit}', ${d.eliminationAfter.unit})`;
  const amount = Prisma.sql`COALESCE((${pinned} #>> '{eliminationAfter,amount}')::float8, ${d.eliminationAfter.amount}::float8)`;
  const implemented = Prisma.sql`FROM "Measure" x WHERE x."caseId" = c.id AND x.status = 'IMPLEMENTED'`;
  const start = Prisma.sql`(CASE WHEN ${clock} = 'FIRST_MEASURE' THEN (SELECT min(x."implementedOn") ${implemented}) ELSE c."approvedAt" END)`;
  const earliest = Prisma.sql`(CASE ${unit}
    WHEN 'SECONDS' THEN ${start} + ${amount} * interval '1 second'
    WHEN 'MONTHS' THEN ${start} + ${BEIJING} + make_interval(months => trunc(${amount})::int) - ${BEIJING}
    ELSE date_trunc('day', ${start} + ${BEIJING}) - ${BEIJING} + (${amount} + 1) * interval '1 day' END)`;
  return Prisma.sql`(CASE WHEN c.status = 'ELIMINATED' AND c."eliminatedAt" IS NOT NULL
    THEN EXISTS (SELECT 1 ${implemented}) AND c."eliminatedAt" >= ${earliest} ELSE NULL END)`;
}

/** The statement storing the rule's value for every case matching `where` (null when not eliminated). */
export function storeComplianceSql(where: Prisma.Sql): Prisma.Sql {
  const pinned = Prisma.sql`(SELECT p.body FROM "Policy" p WHERE p.hash = c."policyHash")`;
  return Prisma.sql`UPDATE "Case" c SET "eliminationCompliant" = ${compliantSql(pinned)} WHERE ${where}`;
}

/** Stores one case's compliance, inside the commit's transaction (after its measures are written). */
export async function storeEliminationCompliance(db: Pick<PoolClient, 'query'>, caseId: string): Promise<void> {
  const q = storeComplianceSql(Prisma.sql`c.id = ${caseId}`);
  await db.query(q.text, q.values as unknown[]);
}
