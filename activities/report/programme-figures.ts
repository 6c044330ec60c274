/**
 * The figures of the other processes a report carries (报表中的集中排查与项目资产数据), per village
 * (or per township / county for a project or asset without a village), read from the tables those
 * processes' own activities write — this file only reads them:
 * - 集中排查 (screening campaigns, {@link CampaignUnitFigures}): the ledgers (CampaignVisit,
 *   VillageLedger) of the county's campaigns running in the period, each as it stood at its end;
 * - 衔接资金项目 and 帮扶项目资产 ({@link FundUnitFigures}): the project and asset processes of the
 *   county as they stand now (their data is current), overdue inspections as at the period's end.
 */
import { Prisma } from '@prisma/client';
import type { PrismaClient } from '@prisma/client';
import type { CampaignUnitFigures, FundUnitFigures, ReportPeriod } from '../../workflows/report/contracts';
import { CAMPAIGN_KIND } from '../../workflows/campaign/contracts';
import { PROJECT_KIND } from '../../workflows/project/contracts';
import { ASSET_KIND } from '../../workflows/asset/contracts';

/** Keys of the campaign figures, in the order documents show them. */
export const CAMPAIGN_KEYS: (keyof CampaignUnitFigures)[] = [
  'campaignHouseholds', 'campaignScreened', 'campaignRisks', 'campaignLeads', 'campaignMonitored', 'campaignVillages', 'campaignZeroVillages', 'campaignMeetings',
];
/** Keys of the project and asset figures, in the order documents show them. */
export const FUND_KEYS: (keyof FundUnitFigures)[] = [
  'projectsApproved', 'projectsStarted', 'projectBudgetFen', 'projectPaidFen', 'projectsBehind', 'projectsNotStarted', 'assets', 'assetsIdle', 'assetsInspectionOverdue',
];

/** Statuses of a project past its approval (批复) — as the project library counts them. */
export const APPROVED_PROJECT_STATUSES = ['APPROVED', 'NOT_STARTED_FLAGGED', 'IN_PROGRESS', 'COMPLETED', 'ACCEPTED', 'HANDING_OVER', 'HANDED_OVER'];

/** A row of figures of one place: a village, or (village null) a township, or (both null) the county itself. */
export type PlaceRow<T> = { village: string | null; township: string | null } & T;

const ts = (iso: string): Prisma.Sql => Prisma.sql`${new Date(iso).toISOString().slice(0, 23)}::timestamp`;

/** Sums may exceed 32 bits (fen): read as bigint and made numbers. */
function numbers<T extends object>(rows: Record<string, unknown>[], keys: (keyof T)[]): PlaceRow<T>[] {
  return rows.map((r) => {
    const out: Record<string, unknown> = { village: r.village ?? null, township: r.township ?? null };
    for (const k of keys) out[k as string] = Number(r[k as string] ?? 0);
    return out as PlaceRow<T>;
  });
}

/** Campaign figures per village of the county's campaigns running in the period. */
export async function campaignFiguresByVillage(prisma: PrismaClient, countyCode: string, period: ReportPeriod): Promise<PlaceRow<CampaignUnitFigures>[]> {
  const from = ts(period.from);
  const to = ts(period.to);
  const rows = await prisma.$queryRaw<Record<string, unknown>[]>`
    WITH per AS (
      SELECT v."campaignId", v."villageCode" AS village, min(v."townshipCode") AS township,
        count(*) AS households,
        count(*) FILTER (WHERE v.result IN ('NO_RISK', 'RISK_FOUND', 'ALREADY_MONITORED') AND v."visitedAt" < ${to}) AS screened,
        count(*) FILTER (WHERE v.result = 'RISK_FOUND' AND v."visitedAt" < ${to}) AS risks,
        count(*) FILTER (WHERE v.result = 'RISK_FOUND' AND v."visitedAt" < ${to} AND v."caseId" IS NOT NULL) AS leads,
        count(*) FILTER (WHERE v.result = 'RISK_FOUND' AND v."visitedAt" < ${to} AND c."approvedAt" < ${to}) AS monitored
      FROM "CampaignVisit" v
      JOIN "Process" p ON p.id = v."campaignId"
      LEFT JOIN "Case" c ON c.id = v."caseId"
      WHERE p.kind = ${CAMPAIGN_KIND} AND p."countyCode" = ${countyCode} AND p."createdAt" < ${to} AND (p."closedAt" IS NULL OR p."closedAt" >= ${from})
      GROUP BY v."campaignId", v."villageCode")
    SELECT per.village, min(per.township) AS township,
      sum(per.households)::int AS "campaignHouseholds", sum(per.screened)::int AS "campaignScreened", sum(per.risks)::int AS "campaignRisks",
      sum(per.leads)::int AS "campaignLeads", sum(per.monitored)::int AS "campaignMonitored", count(*)::int AS "campaignVillages",
      count(*) FILTER (WHERE per.risks = 0)::int AS "campaignZeroVillages",
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "VillageLedger" l WHERE l."campaignId" = per."campaignId" AND l."villageCode" = per.village AND l."closedAt" < ${to}))::int AS "campaignMeetings"
    FROM per GROUP BY per.village`;
  return numbers<CampaignUnitFigures>(rows, CAMPAIGN_KEYS);
}

/** Project and asset figures per place of the county (projects and assets created before the period's end). */
export async function fundFiguresByPlace(prisma: PrismaClient, countyCode: string, period: ReportPeriod): Promise<PlaceRow<FundUnitFigures>[]> {
  const to = ts(period.to);
  const approved = Prisma.sql`p.status IN (${Prisma.join(APPROVED_PROJECT_STATUSES)})`;
  const rows = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT p."villageCode" AS village, p."townshipCode" AS township,
      count(*) FILTER (WHERE p.kind = ${PROJECT_KIND} AND ${approved})::bigint AS "projectsApproved",
      count(*) FILTER (WHERE p.kind = ${PROJECT_KIND} AND ${approved} AND coalesce(p.data->>'startedOn', '') <> '')::bigint AS "projectsStarted",
      coalesce(sum((p.data->>'budgetFen')::bigint) FILTER (WHERE p.kind = ${PROJECT_KIND} AND ${approved}), 0)::bigint AS "projectBudgetFen",
      coalesce(sum((p.data->>'paidFen')::bigint) FILTER (WHERE p.kind = ${PROJECT_KIND} AND ${approved}), 0)::bigint AS "projectPaidFen",
      count(*) FILTER (WHERE p.kind = ${PROJECT_KIND} AND p.data->>'behind' = 'true')::bigint AS "projectsBehind",
      count(*) FILTER (WHERE p.kind = ${PROJECT_KIND} AND p.data->>'notStartedFlagged' = 'true' AND coalesce(p.data->>'startedOn', '') = '')::bigint AS "projectsNotStarted",
      count(*) FILTER (WHERE p.kind = ${ASSET_KIND} AND p.status <> 'DISPOSED')::bigint AS assets,
      count(*) FILTER (WHERE p.kind = ${ASSET_KIND} AND p.status <> 'DISPOSED' AND p.data->>'idle' = 'true')::bigint AS "assetsIdle",
      count(*) FILTER (WHERE p.kind = ${ASSET_KIND} AND EXISTS (
        SELECT 1 FROM "Task" t WHERE t."processId" = p.id AND t.step = 'INSPECTION' AND t."openedAt" < ${to} AND t."dueAt" < ${to}
          AND (t.status = 'OPEN' OR t."closedAt" >= ${to})))::bigint AS "assetsInspectionOverdue"
    FROM "Process" p
    WHERE p.kind IN (${PROJECT_KIND}, ${ASSET_KIND}) AND p."countyCode" = ${countyCode} AND p."createdAt" < ${to}
    GROUP BY p."villageCode", p."townshipCode"`;
  return numbers<FundUnitFigures>(rows, FUND_KEYS);
}
