import { z } from 'zod';
import { safeText } from '../../../core/text';
import { ZProcessDetail } from '../processes/processes.types';

/** POST /api/projects — 项目申报: a proposal with what the project library needs; money in fen. */
export const ZProposeProjectRequestSchema = z.object({
  /** The county's project reference (项目编号); one project per reference. */
  reference: safeText().regex(/^[A-Za-z0-9_-]{2,60}$/, 'letters, digits, _ or -'),
  name: safeText().trim().min(1).max(200),
  type: z.enum(['INDUSTRY', 'INFRASTRUCTURE']),
  villageCode: safeText().regex(/^\d{6,12}$/, 'a region code'),
  location: safeText().trim().min(1).max(200),
  budgetFen: z.number().int().min(1).max(1e13),
  fundingSource: safeText().trim().min(1).max(100),
  beneficiaries: z.number().int().min(0).max(10_000_000),
  farmerLinkage: safeText().trim().min(1).max(1000),
  performanceTargets: safeText().trim().min(1).max(1000),
  year: z.number().int().min(2000).max(2100),
}).strict();
export const ZProposeProjectResponseSchema = z.object({ started: z.boolean(), process: ZProcessDetail });

/** POST /api/projects/:id/objections — 公示异议. */
export const ZProjectObjectionSchema = z.object({ text: safeText().trim().min(1).max(1000) }).strict();
