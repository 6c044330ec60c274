import { z } from 'zod';
import { RESIDENT_ID_MESSAGES, residentIdProblem } from '../../../core/resident-id';
import { safeText } from '../../../core/text';
import { CATEGORIES, CHANNELS, RISK_TYPES } from '../../../workflows/contracts';
import { ZCaseDetail } from './case.types';

/** 公民身份号码 — a PRC resident ID valid under GB 11643: shape, a real birth date and the check character. */
export const ZIdNumber = safeText()
  .trim()
  .check((ctx) => {
    const problem = residentIdProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: RESIDENT_ID_MESSAGES[problem].en, params: { residentId: problem } });
  })
  .transform((v) => v.toUpperCase());

/** A new lead (线索). */
export const ZCreateCaseRequestSchema = z.object({
  household: z.object({
    headName: safeText().trim().min(1).max(50),
    idNumber: ZIdNumber,
    phone: safeText().trim().regex(/^\+?[\d\- ]{7,20}$/, 'must be a phone number').optional(),
    villageCode: safeText().trim().regex(/^\d{12}$/, 'must be a 12-digit village code'),
    address: safeText().max(200).optional(),
    memberCount: z.number().int().min(1).max(30).default(1),
    /** 整户无劳动力 */
    noLabour: z.boolean().default(false),
  }),
  category: z.enum(CATEGORIES),
  riskTypes: z.array(z.enum(RISK_TYPES)).min(1, 'at least one risk type'),
  channel: z.enum(CHANNELS),
  incomePerCapita: z.number().int().min(0).max(10_000_000).optional(),
  healthDetails: safeText().max(2000).optional(),
  summary: safeText().max(2000).optional(),
  /** The sender's own reference; the same reference never makes a second case. */
  leadRef: safeText().trim().min(1).max(100).optional(),
  contactId: safeText().optional(),
});
export type TCreateCaseRequest = z.infer<typeof ZCreateCaseRequestSchema>;

export const ZCreateCaseResponseSchema = z.object({
  outcome: z.enum(['STARTED', 'ALREADY_RECEIVED']),
  case: ZCaseDetail,
});
export type TCreateCaseResponse = z.infer<typeof ZCreateCaseResponseSchema>;
