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
