import { z } from 'zod';
import { CATEGORIES, CHANNELS, RISK_TYPES } from '../../../workflows/contracts';
import { ZCaseDetail } from './case.types';

/** PRC resident ID: 17 digits and a digit or X. */
export const ZIdNumber = z.string().trim().regex(/^\d{17}[\dXx]$/, 'must be an 18-character resident ID number');

/** A new lead (线索). */
export const ZCreateCaseRequestSchema = z.object({
  household: z.object({
    headName: z.string().trim().min(1).max(50),
    idNumber: ZIdNumber,
    phone: z.string().trim().regex(/^\+?[\d\- ]{7,20}$/, 'must be a phone number').optional(),
    villageCode: z.string().trim().regex(/^\d{12}$/, 'must be a 12-digit village code'),
    address: z.string().max(200).optional(),
    memberCount: z.number().int().min(1).max(30).default(1),
    /** 整户无劳动力 */
    noLabour: z.boolean().default(false),
  }),
  category: z.enum(CATEGORIES),
  riskTypes: z.array(z.enum(RISK_TYPES)).min(1, 'at least one risk type'),
  channel: z.enum(CHANNELS),
  incomePerCapita: z.number().int().min(0).max(10_000_000).optional(),
  healthDetails: z.string().max(2000).optional(),
  summary: z.string().max(2000).optional(),
  /** The sender's own reference; the same reference never makes a second case. */
  leadRef: z.string().trim().min(1).max(100).optional(),
  contactId: z.string().optional(),
});
export type TCreateCaseRequest = z.infer<typeof ZCreateCaseRequestSchema>;

export const ZCreateCaseResponseSchema = z.object({
  outcome: z.enum(['STARTED', 'ALREADY_RECEIVED']),
  case: ZCaseDetail,
});
export type TCreateCaseResponse = z.infer<typeof ZCreateCaseResponseSchema>;
