/**
 * `commitCampaignTransition` (集中排查提交) — one transition of a screening campaign in one
 * transaction: the process core first, then the campaign's own rows its events name. The one
 * writer of CampaignVisit and VillageLedger:
 * - `CAMPAIGN_LAUNCHED` — the ledger: one row per roster household of the campaign's grids;
 * - `VISIT_RECORDED` — a household's result (a revisit replaces NOT_HOME; visits are counted);
 * - `LEDGER_CLOSED` — the village's meeting record and ledger close;
 * - `LEDGER_REOPENED` — a township returned the village (退回): its ledger reopens (the meeting
 *   record it had stays in the audit event of its close), to be closed again with a new one;
 * - `SAMPLE_DRAWN` — a township's random sample for the check visit (drawn by a hash of the
 *   campaign and household, so a retry draws the same households);
 * - `SUMMARY_DRAWN` — the county summary's figures, written into the campaign's facts.
 * Writes happen only when the core claims the commit; a retry writes nothing and reports the
 * same counts.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { WorkingCalendar } from '../calendar/calendar';
import type { SqlTx } from '../core-writes';
import { commitProcessCore } from '../process/commit-process-core';
import { inProcessTransaction } from '../process/create-process-activities';
import type { ProcessCommitArgs } from '../process/types';
import { campaignFigures } from './figures-sql';
import type { CampaignActivities, CampaignCommitCounts, CampaignCommitResult } from './types';

const FINAL = `('NO_RISK', 'RISK_FOUND', 'ALREADY_MONITORED')`;

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

async function countsOf(tx: SqlTx, campaignId: string, grids: string[] | null, villages: string[] | null): Promise<CampaignCommitCounts> {
  const out: CampaignCommitCounts = { grids: {}, villages: {} };
  if (grids === null || grids.length > 0) {
    const r = await tx.query<{ id: string; total: string; settled: string }>(
      `SELECT "gridId" AS id, count(*) AS total, count(*) FILTER (WHERE result IN ${FINAL}) AS settled
         FROM "CampaignVisit" WHERE "campaignId" = $1 AND ($2::text[] IS NULL OR "gridId" = ANY($2)) GROUP BY "gridId"`,
      [campaignId, grids],
    );
    for (const row of r.rows) out.grids[row.id] = { total: Number(row.total), settled: Number(row.settled) };
  }
  if (villages === null || villages.length > 0) {
    const r = await tx.query<{ id: string; total: string; settled: string; nonlifted: string }>(
      `SELECT "villageCode" AS id, count(*) AS total, count(*) FILTER (WHERE result IN ${FINAL}) AS settled,
              count(*) FILTER (WHERE result IN ${FINAL} AND category <> 'LIFTED') AS nonlifted
         FROM "CampaignVisit" WHERE "campaignId" = $1 AND ($2::text[] IS NULL OR "villageCode" = ANY($2)) GROUP BY "villageCode"`,
      [campaignId, villages],
    );
    for (const row of r.rows) out.villages[row.id] = { total: Number(row.total), settled: Number(row.settled), nonLiftedSettled: Number(row.nonlifted) };
  }
  return out;
}

/** Writes one campaign transition in `tx` (BEGIN/COMMIT are the caller's). */
export async function commitCampaign(tx: SqlTx, a: ProcessCommitArgs, calendar: WorkingCalendar): Promise<CampaignCommitResult> {
  const core = await commitProcessCore(tx, a, calendar);
  const id = a.processId;
  let all = false;
  const grids = new Set<string>();
  const villages = new Set<string>();
  const sampled: Record<string, number> = {};
  for (const ev of a.events) {
    const d = (ev.data ?? {}) as Data;
    switch (ev.action) {
      case 'CAMPAIGN_LAUNCHED': {
        all = true;
        if (!core.applied) break;
        const vs = (d.villages ?? []) as { code: string; townshipCode: string }[];
        await tx.query(
          `INSERT INTO "CampaignVisit" ("campaignId", "householdId", "gridId", "villageCode", "townshipCode", category)
           SELECT $1, r."householdId", r."gridId", r."villageCode", v.t, r.category
             FROM "RosterEntry" r JOIN unnest($2::text[], $3::text[]) AS v(c, t) ON v.c = r."villageCode"
            WHERE r."gridId" = ANY($4)
           ON CONFLICT DO NOTHING`,
          [id, vs.map((v) => v.code), vs.map((v) => v.townshipCode), (d.gridIds ?? []) as string[]],
        );
        break;
      }
      case 'VISIT_RECORDED': {
        const gridId = str(d.gridId) ?? '';
        grids.add(gridId);
        if (str(d.villageCode)) villages.add(d.villageCode as string);
        if (!core.applied) break;
        const r = await tx.query(
          `UPDATE "CampaignVisit" SET result = $4, visits = visits + 1, "caseId" = COALESCE($5, "caseId"), note = $6, "visitedById" = $7, "visitedAt" = $8
            WHERE "campaignId" = $1 AND "householdId" = $2 AND "gridId" = $3`,
          [id, str(d.householdId), gridId, str(d.result), str(d.caseId), str(ev.comment), ev.actorId ?? null, a.at],
        );
        // The API checks the household first; a visit naming another grid's household is a bug, never retried.
        if (r.rowCount === 0) throw ApplicationFailure.create({ type: 'NOT_FOUND', nonRetryable: true, message: `the household is not in grid ${gridId} of campaign ${id}` });
        break;
      }
      case 'LEDGER_CLOSED': {
        if (!core.applied) break;
        await tx.query(
          `INSERT INTO "VillageLedger" ("campaignId", "villageCode", "townshipCode", "meetingOn", attendees, minutes, "closedById", "closedAt")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
          [id, str(d.villageCode), str(d.townshipCode), str(d.meetingOn), Number(d.attendees), str(d.minutes), ev.actorId ?? '', a.at],
        );
        break;
      }
      case 'LEDGER_REOPENED': {
        if (str(d.villageCode)) villages.add(d.villageCode as string);
        for (const g of (d.grids ?? []) as string[]) grids.add(g);
        if (!core.applied) break;
        await tx.query(`DELETE FROM "VillageLedger" WHERE "campaignId" = $1 AND "villageCode" = $2`, [id, str(d.villageCode)]);
        break;
      }
      case 'SAMPLE_DRAWN': {
        const township = str(d.townshipCode) ?? '';
        if (core.applied) {
          await tx.query(
            `UPDATE "CampaignVisit" SET sampled = true
              WHERE "campaignId" = $1 AND "householdId" IN (
                SELECT "householdId" FROM "CampaignVisit" WHERE "campaignId" = $1 AND "townshipCode" = $2
                 ORDER BY md5("campaignId" || ':' || "householdId") LIMIT $3)`,
            [id, township, Number(d.size)],
          );
        }
        const n = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM "CampaignVisit" WHERE "campaignId" = $1 AND "townshipCode" = $2 AND sampled`, [id, township]);
        sampled[township] = Number(n.rows[0].n);
        break;
      }
      case 'SUMMARY_DRAWN': {
        if (!core.applied) break;
        const figures = await campaignFigures(tx, id);
        await tx.query(`UPDATE "Process" SET data = COALESCE(data, '{}'::jsonb) || jsonb_build_object('summary', $2::jsonb) WHERE id = $1`, [id, JSON.stringify(figures)]);
        break;
      }
      default:
    }
  }
  const counts = all ? await countsOf(tx, id, null, null) : await countsOf(tx, id, [...grids], [...villages]);
  return { ...core, counts, sampled };
}

/** The campaign's activity on a commit pool; the calendar is re-read on every commit. */
export function campaignActivitiesOn(sql: Pool, calendar: () => WorkingCalendar): CampaignActivities {
  return {
    commitCampaignTransition: (a) => inProcessTransaction(sql, (tx) => commitCampaign(tx, a, calendar())),
  };
}
