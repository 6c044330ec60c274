import { z } from 'zod';
import { safeText } from '../../../core/text';
import { ZPage } from '../../http/define-route';
import { ZTask } from '../cases/case.types';

/** A process beyond the household case, as listed. */
export const ZProcessSummary = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  status: z.string(),
  step: z.string().nullable(),
  villageCode: z.string().nullable(),
  townshipCode: z.string().nullable(),
  countyCode: z.string(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
});

/** The workflow's own view of the process (its Query); null when the workflow cannot be asked. */
export const ZProcessSnapshot = z.object({
  processId: z.string(),
  kind: z.string(),
  status: z.string(),
  step: z.string().nullable(),
  openTasks: z.array(z.object({ taskId: z.string(), step: z.string(), level: z.string(), assigneeId: z.string().nullable(), dueAt: z.string(), reminded: z.boolean(), escalations: z.number() })),
  decisions: z.array(z.object({ taskId: z.string(), step: z.string(), action: z.string(), reason: z.string().optional(), data: z.record(z.string(), z.unknown()), actorId: z.string(), onBehalfOfId: z.string().optional(), at: z.string() })),
  data: z.record(z.string(), z.unknown()),
  finished: z.boolean(),
  continuedAsNew: z.number(),
});

/** GET /api/processes/:id */
export const ZProcessDetail = ZProcessSummary.extend({
  workflowId: z.string(),
  householdId: z.string().nullable(),
  caseId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
  openTasks: z.array(ZTask),
  snapshot: ZProcessSnapshot.nullable(),
});
export type TProcessDetail = z.infer<typeof ZProcessDetail>;

export const ZListProcessesQuerySchema = ZPage.extend({
  kind: safeText().regex(/^[A-Z_]{1,40}$/).optional(),
  status: safeText().regex(/^[A-Z0-9_]{1,40}$/).optional(),
  open: z.enum(['true', 'false']).optional(),
});
export const ZListProcessesResponseSchema = z.object({ items: z.array(ZProcessSummary), page: z.number(), pageSize: z.number(), total: z.number() });

/** POST /api/interviews — 发起约谈. */
export const ZStartInterviewRequestSchema = z.object({
  /** Region code of the unit interviewed (village, township or county). */
  subjectCode: safeText().regex(/^\d{6,12}$/, 'a region code'),
  reason: safeText().trim().min(1).max(500),
  /** The official who holds it; omitted: the first official of the level above the unit. */
  supervisorId: safeText().min(1).max(100).optional(),
  /** Your own id for it (so a repeat starts nothing new); omitted: a new one. */
  processId: safeText().regex(/^[A-Za-z0-9_-]{3,80}$/, 'letters, digits, _ or -').optional(),
});
export const ZStartInterviewResponseSchema = z.object({ started: z.boolean(), process: ZProcessDetail });
