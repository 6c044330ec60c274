import { z } from 'zod';
import { safeText } from '../../../core/text';
import { EMPLOYMENT_STATUSES } from '../../../workflows/relocated-household/contracts';
import { ZProcessDetail } from '../processes/processes.types';

/** POST /api/settlements/:id/households — 纳入搬迁户后续扶持. */
export const ZRegisterRelocatedRequestSchema = z.object({
  /** The household's case. */
  caseId: safeText().min(1).max(100),
}).strict();
export const ZRegisterRelocatedResponseSchema = z.object({ started: z.boolean(), process: ZProcessDetail });

/** POST /api/relocated-households/:id/employment — 就业状况更新. */
export const ZEmploymentRequestSchema = z.object({
  status: z.enum(EMPLOYMENT_STATUSES),
  /** Members in work (0–20; 0 for a household without labour). */
  workers: z.number().int().min(0).max(20),
  notes: safeText().trim().max(1000).optional(),
}).strict();
export const ZEmploymentResponseSchema = z.object({
  processId: z.string(), status: z.string(), step: z.string().nullable(),
  openTasks: z.array(z.object({ taskId: z.string(), step: z.string(), assigneeId: z.string().nullable() })),
});
