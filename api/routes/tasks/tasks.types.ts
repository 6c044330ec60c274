import { z } from 'zod';
import { safeText } from '../../../core/text';
import { ZPage } from '../../http/define-route';
import { ZTask } from '../cases/case.types';

export const ZListTasksQuerySchema = ZPage.extend({
  scope: z.enum(['mine', 'region']).default('mine'),
  status: z.enum(['OPEN', 'DONE', 'CANCELLED']).default('OPEN'),
  overdue: z.enum(['true', 'false']).optional(),
  step: safeText().regex(/^[A-Z_]+$/).optional(),
});
export const ZListTasksResponseSchema = z.object({ items: z.array(ZTask), page: z.number(), pageSize: z.number(), total: z.number() });

export const ZDecisionRequestSchema = z.object({
  /** DISMISS: objection investigations of a case; DONE: steps of other processes a person completes (e.g. 约谈). */
  action: z.enum(['APPROVE', 'REJECT', 'RETURN', 'DISMISS', 'DONE']),
  reason: safeText().trim().max(2000).optional(),
  consentSigned: z.boolean().optional(),
  route: z.enum(['ASSISTED', 'NATURAL']).optional(),
  criteria: z
    .object({ incomeAboveLine: z.boolean(), basicNeedsAssured: z.boolean(), rigidSpendingResolved: z.boolean(), noNewRisk: z.boolean() })
    .optional(),
  /** What a step of another process records, as its kind declares it (api/process-kinds); ignored for case tasks. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type TDecisionRequest = z.infer<typeof ZDecisionRequestSchema>;
export const ZTransferRequestSchema = z.object({ toOfficialId: safeText().min(1), reason: safeText().max(2000).optional() });
export const ZTaskActionResponseSchema = z.object({
  taskId: z.string(),
  /** The case of a case task. */
  caseId: z.string().optional(),
  /** The process of a task of another process (process core). */
  processId: z.string().optional(),
  status: z.string(), step: z.string().nullable(),
  /** The case's (or process's) open tasks after the action (the next step's task, when it opened at once). */
  openTasks: z.array(z.object({ taskId: z.string(), step: z.string(), assigneeId: z.string().nullable() })).optional(),
});
