/**
 * 排查统计 — the figures of a screening campaign per village, straight from its ledger rows: one
 * statement, used by the county summary (written into the campaign) and by the API, so both
 * always equal the rows.
 */
import type { SqlTx } from '../core-writes';

/** Figures of one village in a campaign. */
export interface VillageFigures {
  villageCode: string;
  townshipCode: string;
  /** Households in the campaign's ledger. */
  total: number;
  /** Households with a final result. */
  screened: number;
  risksFound: number;
  /** Leads started (a risk found with its case). */
  leadsStarted: number;
  /** Leads whose case became monitored (or went on to elimination). */
  becameMonitored: number;
  alreadyMonitored: number;
  notHome: number;
  meetingRecorded: boolean;
}

/** Figures of a campaign: per village, per township, and the villages with zero findings (listed for a check). */
export interface CampaignFigures {
  villages: VillageFigures[];
  townships: { townshipCode: string; total: number; screened: number; risksFound: number; leadsStarted: number; becameMonitored: number; meetingsRecorded: number; villages: number }[];
  totals: { total: number; screened: number; risksFound: number; leadsStarted: number; becameMonitored: number; meetingsRecorded: number; villages: number };
  /** 零发现村 — villages that found no risk at all. */
  zeroFindingVillages: string[];
}

/** Computes the figures of a campaign. */
export async function campaignFigures(tx: Pick<SqlTx, 'query'>, campaignId: string): Promise<CampaignFigures> {
  const rows = (await tx.query<{ villageCode: string; townshipCode: string; total: string; screened: string; risks: string; leads: string; monitored: string; already: string; notHome: string; meeting: boolean }>(
    `SELECT v."villageCode", v."townshipCode", count(*) AS total,
        count(*) FILTER (WHERE v.result IN ('NO_RISK', 'RISK_FOUND', 'ALREADY_MONITORED')) AS screened,
        count(*) FILTER (WHERE v.result = 'RISK_FOUND') AS risks,
        count(*) FILTER (WHERE v.result = 'RISK_FOUND' AND v."caseId" IS NOT NULL) AS leads,
        count(*) FILTER (WHERE v.result = 'RISK_FOUND' AND c.status IN ('MONITORED', 'ELIMINATING', 'ELIMINATED')) AS monitored,
        count(*) FILTER (WHERE v.result = 'ALREADY_MONITORED') AS already,
        count(*) FILTER (WHERE v.result = 'NOT_HOME') AS "notHome",
        bool_or(l."villageCode" IS NOT NULL) AS meeting
       FROM "CampaignVisit" v
       LEFT JOIN "Case" c ON c.id = v."caseId"
       LEFT JOIN "VillageLedger" l ON l."campaignId" = v."campaignId" AND l."villageCode" = v."villageCode"
      WHERE v."campaignId" = $1
      GROUP BY v."villageCode", v."townshipCode"
      ORDER BY v."townshipCode", v."villageCode"`,
    [campaignId],
  )).rows;
  const villages: VillageFigures[] = rows.map((r) => ({
    villageCode: r.villageCode, townshipCode: r.townshipCode, total: Number(r.total), screened: Number(r.screened), risksFound: Number(r.risks),
    leadsStarted: Number(r.leads), becameMonitored: Number(r.monitored), alreadyMonitored: Number(r.already), notHome: Number(r.notHome), meetingRecorded: r.meeting === true,
  }));
  const sum = (vs: VillageFigures[]) => ({
    total: vs.reduce((n, v) => n + v.total, 0), screened: vs.reduce((n, v) => n + v.screened, 0), risksFound: vs.reduce((n, v) => n + v.risksFound, 0),
    leadsStarted: vs.reduce((n, v) => n + v.leadsStarted, 0), becameMonitored: vs.reduce((n, v) => n + v.becameMonitored, 0),
    meetingsRecorded: vs.filter((v) => v.meetingRecorded).length, villages: vs.length,
  });
  const townshipCodes = [...new Set(villages.map((v) => v.townshipCode))];
  return {
    villages,
    townships: townshipCodes.map((t) => ({ townshipCode: t, ...sum(villages.filter((v) => v.townshipCode === t)) })),
    totals: sum(villages),
    zeroFindingVillages: villages.filter((v) => v.risksFound === 0).map((v) => v.villageCode),
  };
}
