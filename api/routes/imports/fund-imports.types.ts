import { z } from 'zod';

const ZRow = z.object({
  line: z.number().int().describe('file line the row starts on (the header is line 1)'),
  reference: z.string().nullable(),
  outcome: z.enum(['STARTED', 'ALREADY_IMPORTED', 'REJECTED', 'FAILED']).describe('ALREADY_IMPORTED: this reference was imported (or proposed) before; nothing new started'),
  processId: z.string().optional(),
  field: z.string().optional().describe('the offending column'),
  reason: z.string().optional(),
});

/** The report of a project or asset import. */
export const ZFundImportReportSchema = z.object({
  encoding: z.string(),
  ignoredColumns: z.array(z.string()),
  rows: z.array(ZRow),
  summary: z.object({ rows: z.number().int(), STARTED: z.number().int(), ALREADY_IMPORTED: z.number().int(), REJECTED: z.number().int(), FAILED: z.number().int() }),
});

/** Request bodies: CSV text. */
export const FUND_IMPORT_CONSUMES = {
  'text/csv': z.string().describe('CSV with a header row (English column names or the Chinese headers); UTF-8 with or without BOM, or GBK as Excel saves it'),
};
