import { z } from 'zod';
import { safeText } from '../../../core/text';
import { MEASURE_TYPES } from '../../../workflows/contracts';

const ZReason = safeText().trim().min(1, 'reason is required').max(2000);

export const ZObjectionRequestSchema = z.object({ text: safeText().trim().min(1).max(2000) });
export const ZMeasureRequestSchema = z.object({
  /** Optional client id, making a resend idempotent. */
  id: safeText().regex(/^[A-Za-z0-9_-]{4,60}$/).optional(),
  type: z.enum(MEASURE_TYPES),
  description: safeText().trim().min(1).max(1000),
  memberName: safeText().trim().max(50).optional(),
});
export const ZMeasurePatchRequestSchema = z.object({
  status: z.enum(['IMPLEMENTED', 'CANCELLED']),
  implementedOn: z.iso.date().optional(),
});
export const ZContactRequestSchema = z.object({
  id: safeText().regex(/^[A-Za-z0-9_-]{4,60}$/).optional(),
  contactedOn: z.iso.date(),
  method: z.enum(['VISIT', 'PHONE', 'OTHER']).default('VISIT'),
  note: safeText().max(2000).optional(),
});
export const ZWithdrawRequestSchema = z.object({ reason: ZReason });
export const ZCloseRequestSchema = z.object({ reason: z.enum(['MOVED_AWAY', 'DECEASED', 'OTHER']), comment: safeText().max(2000).optional() });
export const ZRollbackRequestSchema = z.object({ reason: ZReason });
export const ZMeasureParams = z.object({ id: safeText().min(1), measureId: safeText().min(1) });
export const ZEliminationReviewRequestSchema = z.object({ comment: safeText().max(2000).optional() });
