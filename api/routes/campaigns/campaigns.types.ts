import { z } from 'zod';
import { safeText } from '../../../core/text';
import { CATEGORIES, RISK_TYPES } from '../../../workflows/contracts';
import { VISIT_RESULTS } from '../../../workflows/campaign/contracts';
import { ZProcessDetail } from '../processes/processes.types';

const CODE = safeText().regex(/^\d{12}$/, 'a 12-digit region code');

/** POST /api/campaigns — 发起集中排查. */
export const ZLaunchCampaignRequestSchema = z.object({
  name: safeText().trim().min(1).max(100),
  /** 截止日期 YYYY-MM-DD (Beijing). */
  deadline: safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  /** Villages to screen; omitted: every village of the county with a roster. */
  villageCodes: z.array(CODE).min(1).max(5000).optional(),
  /** Your own id for it (a repeat starts nothing new). */
  processId: safeText().regex(/^[A-Za-z0-9_-]{3,80}$/, 'letters, digits, _ or -').optional(),
}).strict();
export const ZLaunchCampaignResponseSchema = z.object({ started: z.boolean(), campaign: ZProcessDetail });

/** POST /api/campaigns/:id/visits — 入户排查结果. */
export const ZRecordVisitRequestSchema = z.object({
  householdId: safeText().regex(/^hh-[0-9a-f]{20}$/, 'a household id (hh-…)'),
  result: z.enum(VISIT_RESULTS),
  note: safeText().trim().max(500).optional(),
  /** Required with RISK_FOUND: the identification's category and risk types. */
  lead: z.object({
    category: z.enum(CATEGORIES),
    riskTypes: z.array(z.enum(RISK_TYPES)).min(1, 'at least one risk type'),
    summary: safeText().max(2000).optional(),
    incomePerCapita: z.number().int().min(0).max(10_000_000).optional(),
  }).strict().optional(),
}).strict().refine((b) => b.result !== 'RISK_FOUND' || b.lead !== undefined, { path: ['lead'], message: 'required when a risk is found' });
export const ZRecordVisitResponseSchema = z.object({
  gridId: z.string(),
  grid: z.object({ total: z.number(), settled: z.number() }),
  village: z.object({ total: z.number(), settled: z.number() }),
  caseId: z.string().nullable(),
});

const ZCounts = { total: z.number(), screened: z.number(), risksFound: z.number(), leadsStarted: z.number(), becameMonitored: z.number(), meetingsRecorded: z.number(), villages: z.number() };
/** GET /api/campaigns/:id/figures */
export const ZCampaignFiguresSchema = z.object({
  campaignId: z.string(),
  status: z.string(),
  villages: z.array(z.object({
    villageCode: z.string(), townshipCode: z.string(), total: z.number(), screened: z.number(), risksFound: z.number(), leadsStarted: z.number(),
    becameMonitored: z.number(), alreadyMonitored: z.number(), notHome: z.number(), meetingRecorded: z.boolean(),
  })),
  townships: z.array(z.object({ townshipCode: z.string(), ...ZCounts })),
  totals: z.object(ZCounts),
  /** 零发现村 — listed for a check. */
  zeroFindingVillages: z.array(z.string()),
});

export const ZLedgerQuerySchema = z.object({ villageCode: CODE.optional(), gridId: safeText().max(120).optional() });
export const ZLedgerResponseSchema = z.object({
  campaignId: z.string(),
  rows: z.array(z.object({
    householdId: z.string(), headName: z.string(), villageCode: z.string(), gridId: z.string(), gridName: z.string(), category: z.string(), memberCount: z.number(),
    result: z.string().nullable(), visits: z.number(), visitedAt: z.string().nullable(), caseId: z.string().nullable(), caseStatus: z.string().nullable(),
    openCaseId: z.string().nullable(), sampled: z.boolean(), note: z.string().nullable(),
  })),
});

/** POST /api/roster — the report of a roster load. */
export const ZRosterReportSchema = z.object({
  rows: z.array(z.object({ row: z.number(), key: z.string().optional(), outcome: z.enum(['ADDED', 'UPDATED', 'UNCHANGED', 'REFUSED']), field: z.string().optional(), reason: z.string().optional() })),
  counts: z.record(z.string(), z.number()),
  encoding: z.string(),
  notes: z.array(z.string()),
});
