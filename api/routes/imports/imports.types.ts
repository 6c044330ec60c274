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
});

export const ZImportRowLine = z.object({
  type: z.literal('row'),
  row: z.number().int().describe('data row number (the CSV header is not counted)'),
  leadRef: z.string().nullable(),
  outcome: z.enum(IMPORT_OUTCOMES as [string, ...string[]]).describe('STARTED | ALREADY_RECEIVED (this lead was sent before) | ALREADY_OPEN (the household has an open case) | REJECTED (see field, reason) | FAILED (internal; send again)'),
  caseId: z.string().optional(),
  field: z.string().optional().describe('the offending column'),
  reason: z.string().optional(),
});

export const ZImportSummaryLine = z.object({
  type: z.literal('summary'),
  encoding: z.string(),
  ignoredColumns: z.array(z.string()),
  summary: z.object({
    rows: z.number().int(), STARTED: z.number().int(), ALREADY_RECEIVED: z.number().int(), ALREADY_OPEN: z.number().int(),
    REJECTED: z.number().int(), FAILED: z.number().int(),
  }),
});

/** One line of the NDJSON response: a line per row in row order, then one summary line. */
export const ZImportLine = z.discriminatedUnion('type', [ZImportRowLine, ZImportSummaryLine]);
export type TImportLine = z.infer<typeof ZImportLine>;

/** Request bodies by media type. */
export const IMPORT_CONSUMES = {
  'text/csv': z.string().describe('CSV with a header row (columns as in the JSON rows); UTF-8 with or without BOM, or GBK as Excel saves it'),
  'application/json': z.union([z.array(ZImportRow), z.object({ rows: z.array(ZImportRow) })]),
};
