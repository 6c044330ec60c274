/**
 * 各乡镇时效与走访达标 — per township of an official's scope (and the dashboard's filter): cases
 * approved and of those within the identification SLA, households monitored and of those contacted
 * within the contact window — the same definitions as the dashboard's figures
 * ({@link computeStats}), one grouped statement, for the dashboard's compliance chart.
 */
import { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import type { CaseFilter } from './case-filter-sql';
import { caseFilterSql } from './case-filter-sql';
import { MONITORED_STATUSES, statsClock } from './compute-stats';
import type { ServiceContext } from './context';
import type { ComplianceRow } from './report-documents/compliance-chart';

/** The rows of the compliance chart, by township code. */
export async function townshipCompliance(ctx: ServiceContext, official: AuthOfficial | null, filter: CaseFilter, now = new Date()): Promise<ComplianceRow[]> {
  const since = statsClock(now).contactSince.toISOString().slice(0, 23);
  const monitored = Prisma.sql`c.status IN (${Prisma.join(MONITORED_STATUSES)})`;
  const rows = await ctx.prisma.$queryRaw<(ComplianceRow & { name: string | null })[]>`
    SELECT c."townshipCode" AS code, min(r.name) AS name,
      count(*) FILTER (WHERE c."approvedAt" IS NOT NULL)::int AS "slaApproved",
      count(*) FILTER (WHERE c."approvedAt" IS NOT NULL AND NOT c."slaBreached")::int AS "slaMet",
      count(*) FILTER (WHERE ${monitored})::int AS monitored,
      count(*) FILTER (WHERE ${monitored} AND c."lastContactAt" >= ${since}::timestamp)::int AS contacted
    FROM "Case" c LEFT JOIN "Region" r ON r.code = c."townshipCode"
    WHERE ${caseFilterSql(official, filter)}
    GROUP BY c."townshipCode" ORDER BY c."townshipCode"`;
  return rows.map((r) => ({ ...r, name: r.name ?? r.code }));
}
