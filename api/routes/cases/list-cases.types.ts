import { z } from 'zod';
import { safeText } from '../../../core/text';
import { CATEGORIES } from '../../../workflows/contracts';
import { CASE_CURSOR_MAX_LENGTH, decodeCaseCursor } from '../../../core/case-cursor';
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
  cursor: safeText().max(CASE_CURSOR_MAX_LENGTH)
    .refine((c) => decodeCaseCursor(c) !== null, 'not a cursor of this list (use nextCursor or prevCursor of a page)')
    .optional()
    .describe('keyset paging (翻页游标): nextCursor or prevCursor of an earlier page of the same list, with the same filters. '
      + 'A cursor page costs the same however deep it lies, unlike a large page number. With a cursor, page is not used to '
      + 'find the rows, only echoed back (send the page number you count, e.g. 2 after the first page).'),
});
export type TListCasesQuery = z.infer<typeof ZListCasesQuerySchema>;

export const ZListCasesResponseSchema = z.object({
  items: z.array(ZCaseSummary),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
  nextCursor: z.string().nullable().describe('cursor of the next page (pass as cursor), null on the last page'),
  prevCursor: z.string().nullable().describe('cursor of the previous page, null on the first page'),
});
