import { z } from 'zod';
import { safeText } from '../../../core/text';
import { CATEGORIES } from '../../../workflows/contracts';
import { ZPage } from '../../http/define-route';
import { ZCaseSummary } from './case.types';

export const ZListCasesQuerySchema = ZPage.extend({
  status: z.enum(['IDENTIFYING', 'MONITORED', 'ELIMINATING', 'REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED']).optional(),
  step: safeText().regex(/^[A-Z_]+$/).optional(),
  villageCode: safeText().regex(/^\d{12}$/).optional(),
  townshipCode: safeText().regex(/^\d{12}$/).optional(),
  region: safeText().regex(/^\d{12}$/).optional().describe('any region code: village, township or county'),
  category: z.enum(CATEGORIES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  openedFrom: z.iso.date().optional(),
  openedTo: z.iso.date().optional(),
});
export type TListCasesQuery = z.infer<typeof ZListCasesQuerySchema>;

export const ZListCasesResponseSchema = z.object({
  items: z.array(ZCaseSummary),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});
