import { z } from 'zod';
import { safeText } from '../../../core/text';

const href = z.string().describe('admin case list showing the cases behind this count');
const share = z.number().min(0).max(1).nullable().describe('numerator / denominator; null when there is nothing to measure');

export const ZStatsQuerySchema = z.object({
  region: safeText().regex(/^\d{12}$/).optional().describe('any region code: village, township or county'),
  openedFrom: z.iso.date().optional().describe('cases opened on or after this Beijing date'),
  openedTo: z.iso.date().optional().describe('cases opened on or before this Beijing date'),
});
export type TStatsQuery = z.infer<typeof ZStatsQuerySchema>;

export const ZStatsResponseSchema = z.object({
  generatedAt: z.string(),
  filter: ZStatsQuerySchema,
  cases: z.object({
    total: z.number().int(),
    href,
    byStatus: z.array(z.object({ status: z.string(), count: z.number().int(), href })),
    byStep: z.array(z.object({ status: z.string(), step: z.string().nullable(), count: z.number().int(), href })),
  }).describe('cases per state and step'),
  tasks: z.object({
    open: z.number().int(),
    overdue: z.number().int(),
    byTownship: z.array(z.object({
      townshipCode: z.string(), townshipName: z.string().nullable(), open: z.number().int(), overdue: z.number().int(),
      openHref: z.string(), overdueHref: z.string(),
    })),
  }).describe('open and overdue tasks per township'),
  identificationSla: z.object({
    approved: z.number().int().describe('cases approved by the county'),
    withinSla: z.number().int().describe('of which approved within the identification SLA (15 days by default)'),
    compliance: share,
    breaches: z.number().int().describe('cases whose SLA was breached (approved late or still open past it)'),
    approvedHref: href, withinSlaHref: href, breachesHref: href,
    breachList: z.array(z.object({
      caseId: z.string(), href: z.string(), status: z.string(), openedAt: z.string(), slaDueAt: z.string().nullable(), approvedAt: z.string().nullable(),
    })).describe('the latest 50 breaches'),
  }).describe('识别认定时限 — identification SLA compliance'),
  planCoverage: z.object({
    monitored: z.number().int(), covered: z.number().int().describe('with at least one implemented measure'), missing: z.number().int(),
    compliance: share, monitoredHref: href, coveredHref: href, missingHref: href,
  }).describe('应帮尽帮 — monitored cases with a plan and an implemented measure'),
  contactCompliance: z.object({
    since: z.string().describe('contacts on or after this instant count (one month back)'),
    monitored: z.number().int(), contacted: z.number().int(), missing: z.number().int(),
    compliance: share, monitoredHref: href, contactedHref: href, missingHref: href,
  }).describe('monitored cases contacted in the last month'),
  eliminationCompliance: z.object({
    eliminated: z.number().int(), compliant: z.number().int(), early: z.number().int().describe('eliminated earlier than the pinned policy allows, or without an implemented measure'),
    compliance: share, eliminatedHref: href, compliantHref: href, earlyHref: href,
  }).describe('no elimination earlier than the policy allows (should be 100%)'),
  monitoredOverYear: z.object({
    approvedBefore: z.string(), count: z.number().int(), href,
  }).describe('monitored cases flagged for the annual check or approved more than 12 months ago'),
  complianceByTownship: z.array(z.object({
    townshipCode: z.string(), townshipName: z.string().nullable(),
    approved: z.number().int(), withinSla: z.number().int(), slaCompliance: share,
    monitored: z.number().int(), contacted: z.number().int(), contactCompliance: share,
  })).describe('各乡镇达标 — identification SLA and contact compliance per township'),
});
export type TStatsResponse = z.infer<typeof ZStatsResponseSchema>;
