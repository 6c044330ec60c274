import { z } from 'zod';
import { safeText } from '../../../core/text';
import { SETTLEMENT_ITEMS } from '../../../workflows/relocation/contracts';
import { ZProcessDetail } from '../processes/processes.types';

/** POST /api/settlements — 安置点信息清单. */
export const ZStartSettlementRequestSchema = z.object({
  name: safeText().trim().min(1).max(60),
  townshipCode: safeText().regex(/^\d{6,12}$/, 'a region code'),
  villageCode: safeText().regex(/^\d{12}$/, 'a 12-digit code').optional(),
  /** A named township official per item. */
  owners: z.partialRecord(z.enum(SETTLEMENT_ITEMS), safeText().min(1).max(100)).optional(),
  processId: safeText().regex(/^[A-Za-z0-9_-]{3,80}$/, 'letters, digits, _ or -').optional(),
}).strict();
export const ZStartSettlementResponseSchema = z.object({ started: z.boolean(), process: ZProcessDetail });

/** GET /api/settlements/figures — 安置点就业统计: each settlement's checklist and its households' employment. */
export const ZSettlementFiguresResponseSchema = z.object({
  settlements: z.array(z.object({
    settlementId: z.string(), name: z.string(), townshipCode: z.string().nullable(), status: z.string(),
    checklist: z.object({ done: z.number(), total: z.number(), late: z.number() }),
    households: z.number().describe('relocated households followed up (follow-up not ended)'),
    employedHouseholds: z.number().describe('households with labour in work: EMPLOYED_LOCAL, EMPLOYED_AWAY, SELF_EMPLOYED, PUBLIC_WELFARE_JOB'),
    workers: z.number().describe('members in work over those households'),
    seekingWork: z.number(), noLabour: z.number(), notRecorded: z.number().describe('households whose employment was never recorded'),
    employmentRate: z.number().nullable().describe('employed households / (employed + seeking work); null when no household has labour recorded'),
    visits: z.number(), lateVisits: z.number(), overdueVisits: z.number().describe('households whose visit is open past its due time'),
  })),
});
