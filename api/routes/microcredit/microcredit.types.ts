import { z } from 'zod';
import { safeText } from '../../../core/text';
import { LOAN_PURPOSES } from '../../../workflows/microcredit/contracts';
import { ZProcessDetail } from '../processes/processes.types';

/** POST /api/microcredit/loans — 小额信贷申请. */
export const ZApplyMicrocreditRequestSchema = z.object({
  /** The household's case (monitored, in elimination review, or eliminated). */
  caseId: safeText().min(1).max(100),
  /** Yuan; at most the policy maximum (50,000 by default). */
  amount: z.number().positive().max(10_000_000),
  /** Months; at most the policy maximum (36 by default). */
  termMonths: z.number().int().positive().max(120),
  purpose: z.enum(LOAN_PURPOSES),
  purposeNote: safeText().trim().max(200).optional(),
  /** The household's bank account (digits); sealed at rest, never shown, mailed or logged. */
  bankAccount: safeText().regex(/^\d{10,30}$/, '10 to 30 digits'),
  /** Your own id for it (so a repeat starts nothing new); omitted: a new one. */
  processId: safeText().regex(/^[A-Za-z0-9_-]{3,80}$/, 'letters, digits, _ or -').optional(),
}).strict();
export const ZApplyMicrocreditResponseSchema = z.object({ started: z.boolean(), process: ZProcessDetail });

/** GET /api/microcredit/figures */
export const ZMicrocreditFiguresQuerySchema = z.object({ year: safeText().regex(/^\d{4}$/, 'a year YYYY').optional() });
const ZGrades = z.tuple([z.number(), z.number(), z.number()]);
export const ZMicrocreditFiguresResponseSchema = z.object({
  year: z.string(),
  villages: z.array(z.object({
    villageCode: z.string(), villageName: z.string(), townshipCode: z.string(), townshipName: z.string(), loans: z.number(), amount: z.number(), overdue: ZGrades,
  })),
  townships: z.array(z.object({ townshipCode: z.string(), townshipName: z.string(), loans: z.number(), amount: z.number() })),
  zeroLendingVillages: z.array(z.object({ villageCode: z.string(), villageName: z.string(), townshipCode: z.string() })),
  overdueRate: ZGrades,
});

/** POST /api/microcredit/loans/:id/extension — 展期/续贷申请. */
export const ZLoanExtensionRequestSchema = z.object({
  /** Months to add; the whole term stays within the policy maximum (36 by default). */
  months: z.number().int().positive().max(120),
  reason: safeText().trim().min(1).max(500),
}).strict();
export const ZLoanExtensionResponseSchema = z.object({
  processId: z.string(), status: z.string(), step: z.string().nullable(),
  openTasks: z.array(z.object({ taskId: z.string(), step: z.string(), assigneeId: z.string().nullable() })),
});
