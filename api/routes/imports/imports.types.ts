import { z } from 'zod';
import { safeText } from '../../../core/text';
import { CATEGORIES, CHANNELS, RISK_TYPES } from '../../../workflows/contracts';
import { IMPORT_OUTCOMES } from '../../services/import-leads';

const cell = z.union([safeText(), z.number(), z.boolean()]);

/** The columns of an import file (CSV header or JSON keys); Chinese header names are accepted too. */
export const ZImportRow = z.object({
  leadRef: cell.describe('线索编号 — required: the sender\'s reference; the same channel + leadRef never makes a second case'),
  headName: cell.describe('户主姓名 — head of household'),
  idNumber: cell.describe('身份证号 — 18-character resident ID of the head'),
  phone: cell.optional().describe('联系电话'),
  villageCode: cell.describe('村代码 — 12-digit village code'),
  address: cell.optional().describe('住址'),
  memberCount: cell.optional().describe('家庭人口 — default 1'),
  noLabour: cell.optional().describe('整户无劳动力 — true/false, 1/0, 是/否'),
  category: cell.describe(`监测对象类别 — ${CATEGORIES.join(' | ')} or 脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户`),
  riskTypes: z.union([cell, z.array(safeText())]).describe(`风险类型 — one or more of ${RISK_TYPES.join(', ')} (or 因病、因残 …), separated by ; 、 , or |`),
  channel: cell.optional().describe(`渠道 — ${CHANNELS.join(' | ')}; default DEPARTMENT_ALERT (部门筛查预警)`),
  incomePerCapita: cell.optional().describe('人均纯收入 — yuan per person per year'),
  healthDetails: cell.optional().describe('健康情况 — personal data, never shown outside the case page'),
  summary: cell.optional().describe('情况说明'),
  contactId: cell.optional().describe('帮扶责任人编号 — official id of the assistance contact'),
});

export const ZImportsQuerySchema = z.object({
  format: z.enum(['auto', 'csv', 'json']).optional().describe('default: from Content-Type, else JSON when the body starts with [ or {'),
  firstRow: z.coerce.number().int().min(1).default(1).describe('number of the first row of this body, for files sent in chunks'),
  importId: safeText().max(40).optional().describe('add the rows to this import (from the summary line of the first chunk); default: a new import'),
  fileName: safeText().max(200).optional().describe('name of the file, shown on the admin page'),
});

export const ZImportRowLine = z.object({
  type: z.literal('row'),
  row: z.number().int().describe('data row number (the CSV header is not counted)'),
  leadRef: z.string().nullable(),
  outcome: z.enum(IMPORT_OUTCOMES as [string, ...string[]]).describe('ACCEPTED (stored; its case starts in the background under caseId) | ALREADY_RECEIVED (this lead was sent before) | ALREADY_OPEN (the household has an open case) | REJECTED (see field, reason) | FAILED (internal; send again)'),
  caseId: z.string().optional(),
  field: z.string().optional().describe('the offending column'),
  reason: z.string().optional(),
});

export const ZImportSummaryLine = z.object({
  type: z.literal('summary'),
  importId: z.string().describe('follow the starts with GET /api/imports/{importId}'),
  encoding: z.string(),
  ignoredColumns: z.array(z.string()),
  summary: z.object({
    rows: z.number().int(), ACCEPTED: z.number().int(), ALREADY_RECEIVED: z.number().int(), ALREADY_OPEN: z.number().int(),
    REJECTED: z.number().int(), FAILED: z.number().int(),
  }),
});

export const ZImportErrorLine = z.object({
  type: z.literal('error'),
  importId: z.string().describe('the rows before the break are stored in this import: send the corrected file again with this importId'),
  rows: z.number().int().describe('rows read before the break'),
  code: z.string(),
  field: z.string().optional(),
  message: z.string(),
}).describe('the file broke off (malformed CSV or JSON after its first rows): the last line instead of a summary');

/** One line of the NDJSON response: a line per row in row order, then one summary line (or an error line when the file breaks off). */
export const ZImportLine = z.discriminatedUnion('type', [ZImportRowLine, ZImportSummaryLine, ZImportErrorLine]);
export type TImportLine = z.infer<typeof ZImportLine>;

/** Request bodies by media type. */
export const IMPORT_CONSUMES = {
  'text/csv': z.string().describe('CSV with a header row (columns as in the JSON rows); UTF-8 with or without BOM, or GBK as Excel saves it'),
  'application/json': z.union([z.array(ZImportRow), z.object({ rows: z.array(ZImportRow) })]),
};

export const ZImportIdParam = z.object({ id: safeText().min(1).max(40) });

/** An import and what became of its rows. */
export const ZImportInfo = z.object({
  id: z.string(),
  createdById: z.string(),
  fileName: z.string().nullable(),
  createdAt: z.string().describe('ISO 8601'),
  received: z.number().int().describe('rows received'),
  started: z.number().int().describe('cases started'),
  known: z.number().int().describe('rows naming an earlier lead or an open case'),
  refused: z.number().int().describe('rows refused (invalid, or the household had a case by the time it would start)'),
  pending: z.number().int().describe('leads stored whose case has not started yet'),
});
export const ZImportList = z.object({ items: z.array(ZImportInfo) });

export const ZRefusedRowsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('last row number already read'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const ZRefusedRowsResponse = z.object({
  items: z.array(z.object({ row: z.number().int(), leadRef: z.string().nullable(), outcome: z.string(), field: z.string().nullable(), reason: z.string().nullable() })),
});
