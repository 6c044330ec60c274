/**
 * Reads a bulk lead file (部门筛查预警 / 集中排查): decodes its bytes (UTF-8 with or without BOM,
 * UTF-16 with BOM, or GBK/GB18030 as Excel saves CSV on Chinese Windows), parses CSV or JSON, and
 * maps each flat row onto the `POST /api/cases` request shape. Shared by `POST /api/imports` and
 * the `npm run import` command line, so both read a file the same way.
 */
import { CATEGORIES, CHANNELS, RISK_TYPES } from '../../workflows/contracts';
import { AppError } from '../http/app-error';

/** Canonical column names of an import file, in documentation order. */
export const IMPORT_COLUMNS = [
  'leadRef', 'headName', 'idNumber', 'phone', 'villageCode', 'address', 'memberCount', 'noLabour',
  'category', 'riskTypes', 'channel', 'incomePerCapita', 'healthDetails', 'summary', 'contactId',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Columns a CSV header must have. */
export const REQUIRED_COLUMNS: readonly ImportColumn[] = ['leadRef', 'headName', 'idNumber', 'villageCode', 'category', 'riskTypes'];

/** Chinese header names accepted for each column (as department spreadsheets name them). */
export const COLUMN_ALIASES: Record<ImportColumn, string[]> = {
  leadRef: ['线索编号', '线索号', '预警编号'],
  headName: ['户主姓名', '姓名', '户主'],
  idNumber: ['身份证号', '身份证号码', '户主身份证号'],
  phone: ['联系电话', '电话', '手机号'],
  villageCode: ['村代码', '行政村代码', '村编码'],
  address: ['住址', '地址'],
  memberCount: ['家庭人口', '家庭人口数', '人口数'],
  noLabour: ['整户无劳动力', '无劳动力'],
  category: ['监测对象类别', '监测类别', '类别'],
  riskTypes: ['风险类型', '致贫返贫风险'],
  channel: ['渠道', '线索来源'],
  incomePerCapita: ['人均纯收入', '家庭人均纯收入', '人均收入'],
  healthDetails: ['健康情况', '健康状况'],
  summary: ['情况说明', '说明', '备注'],
  contactId: ['帮扶责任人编号', '帮扶责任人'],
};

/** A row as read from the file: column → raw value. */
export type RawRow = Partial<Record<ImportColumn, unknown>>;

/** A parsed file: rows in file order and the header columns that were not understood. */
export interface ParsedLeadFile {
  rows: RawRow[];
  ignoredColumns: string[];
  encoding: 'utf-8' | 'utf-16' | 'gb18030' | 'json';
}

/** Most rows one request or file may carry. */
export const MAX_IMPORT_ROWS = 20_000;

const CATEGORY_ZH: Record<string, string> = { 脱贫不稳定户: 'UNSTABLE_LIFTED', 边缘易致贫户: 'MARGINAL', 突发严重困难户: 'SUDDEN_HARDSHIP' };
const CHANNEL_ZH: Record<string, string> = { 农户自主申报: 'SELF_APPLICATION', 基层干部排查: 'CADRE_SCREENING', 部门筛查预警: 'DEPARTMENT_ALERT' };
const RISK_ZH: Record<string, string> = {
  因病: 'ILLNESS', 因残: 'DISABILITY', 因学: 'SCHOOLING', 因自然灾害: 'DISASTER', 因灾: 'DISASTER', 因意外事故: 'ACCIDENT',
  因产业项目失败: 'BUSINESS_FAILURE', 因务工就业不稳: 'UNSTABLE_EMPLOYMENT', 缺劳动力: 'NO_LABOUR', 住房安全: 'HOUSING',
  饮水安全: 'DRINKING_WATER', 其他: 'OTHER',
};
const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', '是']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', '否']);

/**
 * Decodes file bytes: a BOM wins; otherwise strict UTF-8, and if that fails GB18030 (a superset of
 * GBK, what Excel writes for "CSV" on Chinese Windows).
 * @throws AppError INVALID_INPUT when the bytes are neither
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'utf-16' | 'gb18030' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' };
    } catch {
      throw new AppError('INVALID_INPUT', 'body: the file is neither UTF-8 nor GBK text', { field: 'body' });
    }
  }
}

/** Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const sep = !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\r' && text[i + 1] === '\n') continue; // line breaks inside a value read as \n
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

/** The canonical column of a header cell (English name in any case, or a Chinese alias), or null. */
export function columnOf(header: string): ImportColumn | null {
  const h = header.trim().replace(/^\uFEFF/, '');
  const lower = h.toLowerCase();
  for (const c of IMPORT_COLUMNS) {
    if (c.toLowerCase() === lower || COLUMN_ALIASES[c].includes(h)) return c;
  }
  return null;
}

function tooMany(n: number): never {
  throw new AppError('INVALID_INPUT', `body: ${n} rows; at most ${MAX_IMPORT_ROWS} per file or request (split it, or use npm run import)`, { field: 'body' });
}

/** Parses CSV text into raw rows. @throws AppError INVALID_INPUT naming a missing required column */
export function parseCsvLeads(text: string): Omit<ParsedLeadFile, 'encoding'> {
  const table = parseCsv(text);
  if (table.length === 0) throw new AppError('INVALID_INPUT', 'body: the file is empty', { field: 'body' });
  const header = table[0].map(columnOf);
  const ignoredColumns = table[0].filter((_h, i) => header[i] === null).map((h) => h.trim()).filter(Boolean);
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new AppError('INVALID_INPUT', `${missing[0]}: the header has no ${missing.join(', ')} column`, { field: missing[0], details: { missing } });
  }
  if (table.length - 1 > MAX_IMPORT_ROWS) tooMany(table.length - 1);
  const rows = table.slice(1).map((cells) => {
    const row: RawRow = {};
    header.forEach((col, i) => {
      if (col && cells[i] !== undefined) row[col] = cells[i];
    });
    return row;
  });
  return { rows, ignoredColumns };
}

/** Parses a JSON import: an array of rows, or `{ "rows": [...] }`; a row is flat (CSV columns) or nested (the `POST /api/cases` shape). */
export function parseJsonLeads(value: unknown): Omit<ParsedLeadFile, 'encoding'> {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' && Array.isArray((value as { rows?: unknown }).rows) ? (value as { rows: unknown[] }).rows : null;
  if (!list) throw new AppError('INVALID_INPUT', 'body: expected a JSON array of rows or {"rows": [...]}', { field: 'body' });
  if (list.length > MAX_IMPORT_ROWS) tooMany(list.length);
  const ignored = new Set<string>();
  const rows = list.map((item) => jsonRowOf(item, ignored));
  return { rows, ignoredColumns: [...ignored] };
}

/** One JSON row, flat or nested (`household` merged in), as raw columns; unknown keys go to `ignored`. */
export function jsonRowOf(item: unknown, ignored: Set<string>): RawRow {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return {};
  const o = item as Record<string, unknown>;
  const flat: Record<string, unknown> = { ...o };
  if (o.household && typeof o.household === 'object') {
    delete flat.household;
    Object.assign(flat, o.household as Record<string, unknown>);
  }
  const row: RawRow = {};
  for (const [k, v] of Object.entries(flat)) {
    const col = columnOf(k);
    if (col) row[col] = v;
    else ignored.add(k);
  }
  return row;
}

/**
 * Reads an import body: CSV or JSON bytes (or an already parsed JSON value).
 * @param format - `csv`, `json`, or `auto` (JSON when the text starts with `[` or `{`)
 */
export function parseLeadFile(body: Uint8Array | unknown, format: 'csv' | 'json' | 'auto'): ParsedLeadFile {
  if (!(body instanceof Uint8Array)) return { ...parseJsonLeads(body), encoding: 'json' };
  const { text, encoding } = decodeText(body);
  const looksJson = /^\s*[[{]/.test(text);
  if (format === 'json' || (format === 'auto' && looksJson)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new AppError('INVALID_INPUT', 'body: malformed JSON', { field: 'body' });
    }
    return { ...parseJsonLeads(value), encoding: 'json' };
  }
  return { ...parseCsvLeads(text), encoding };
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

function num(v: unknown): unknown {
  if (typeof v === 'number') return v;
  const s = text(v);
  if (s === undefined) return undefined;
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
}

function bool(v: unknown): unknown {
  if (typeof v === 'boolean') return v;
  const s = text(v)?.toLowerCase();
  if (s === undefined) return undefined;
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return s;
}

function code(v: unknown, zh: Record<string, string>, codes: readonly string[]): string | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  return zh[s] ?? (codes.includes(s.toUpperCase()) ? s.toUpperCase() : s);
}

/**
 * Maps a flat row onto the `POST /api/cases` request (before validation). Codes may be given as
 * the English code or the Chinese term; risk types are separated by `;`, `、`, `,` or `|`; the
 * channel defaults to DEPARTMENT_ALERT (部门筛查预警).
 */
export function rowToLead(row: RawRow): Record<string, unknown> {
  const risks = Array.isArray(row.riskTypes)
    ? row.riskTypes
    : (text(row.riskTypes) ?? '').split(/[;；,，、|/\s]+/).filter(Boolean);
  return {
    household: {
      headName: text(row.headName), idNumber: text(row.idNumber), phone: text(row.phone), villageCode: text(row.villageCode),
      address: text(row.address), memberCount: num(row.memberCount), noLabour: bool(row.noLabour),
    },
    category: code(row.category, CATEGORY_ZH, CATEGORIES),
    riskTypes: risks.map((r) => code(r, RISK_ZH, RISK_TYPES)),
    channel: code(row.channel, CHANNEL_ZH, CHANNELS) ?? 'DEPARTMENT_ALERT',
    incomePerCapita: num(row.incomePerCapita),
    healthDetails: text(row.healthDetails),
    summary: text(row.summary),
    leadRef: text(row.leadRef),
    contactId: text(row.contactId),
  };
}

/** The column a validation path refers to: `household.idNumber` → `idNumber`, `riskTypes.0` → `riskTypes`. */
export function columnOfPath(path: readonly PropertyKey[]): string {
  const parts = path.map(String).filter((p) => p !== 'household' && !/^\d+$/.test(p));
  return parts[0] ?? '(row)';
}
