/**
 * Bulk intake (部门筛查预警, 集中排查): validates every row of an import and starts a case for each
 * valid one through {@link startCaseFromLead}, so a lead re-sent (same channel and `leadRef`) never
 * makes a second case. Rows run a few at a time and results come out in row order as they finish,
 * so a caller can stream them instead of holding the whole report.
 */
import type { AuthOfficial } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { importRows } from '../http/metrics';
import type { MessageLang } from '../http/messages';
import { issueMessage, refusal } from '../http/messages';
import { ZCreateCaseRequestSchema } from '../routes/cases/create-case.types';
import type { ServiceContext } from './context';
import type { RawRow } from './parse-lead-file';
import { COLUMN_ALIASES, columnOfPath, rowToLead } from './parse-lead-file';
import type { ImportColumn } from './parse-lead-file';
import { startCaseFromLead } from './start-case';

/** What happened to one row. */
export type ImportOutcome = 'STARTED' | 'ALREADY_RECEIVED' | 'ALREADY_OPEN' | 'REJECTED' | 'FAILED';
export const IMPORT_OUTCOMES: readonly ImportOutcome[] = ['STARTED', 'ALREADY_RECEIVED', 'ALREADY_OPEN', 'REJECTED', 'FAILED'];

/** The report of one row. `row` counts data rows from 1 (the CSV header is not a row). */
export interface ImportRowResult {
  row: number;
  leadRef: string | null;
  outcome: ImportOutcome;
  caseId?: string;
  /** REJECTED: the offending column, e.g. `idNumber`. */
  field?: string;
  /** REJECTED / FAILED: why, without echoing the value (it may be personal data). */
  reason?: string;
}

/** Rows processed at once. @default 8 */
export const IMPORT_CONCURRENCY = 8;

/**
 * Runs `fn` over `items` with at most `limit` in flight and yields the results in input order.
 * Items sharing a key (same lead, same household) run one after the other, so the outcome of a
 * duplicate does not depend on timing. `fn` must not reject.
 */
export async function* mapInOrder<T, R>(items: Iterable<T>, limit: number, keysOf: (t: T) => string[], fn: (t: T) => Promise<R>): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  const lastByKey = new Map<string, Promise<R>>();
  for (const item of items) {
    const keys = keysOf(item);
    const before = keys.map((k) => lastByKey.get(k)).filter((p): p is Promise<R> => p !== undefined);
    const p = Promise.all(before).then(() => fn(item));
    for (const k of keys) lastByKey.set(k, p);
    void p.then(() => {
      for (const k of keys) if (lastByKey.get(k) === p) lastByKey.delete(k);
    });
    window.push(p);
    if (window.length >= limit) yield await (window.shift() as Promise<R>);
  }
  while (window.length > 0) yield await (window.shift() as Promise<R>);
}

/** A column as the reader calls it: `headName`, or its Chinese header 户主姓名. */
function columnLabel(column: string, lang: MessageLang): string {
  return lang === 'zh-CN' ? (COLUMN_ALIASES[column as ImportColumn]?.[0] ?? column) : column;
}

/** Validates and starts one row; never throws. Refusals are worded in `lang` ("户主姓名：必填" / "headName: required"). */
export async function importRow(ctx: ServiceContext, official: AuthOfficial, raw: RawRow, row: number, lang: MessageLang = 'en'): Promise<ImportRowResult> {
  const leadRef = raw.leadRef === undefined || raw.leadRef === null || String(raw.leadRef).trim() === '' ? null : String(raw.leadRef).trim();
  const result = await (async (): Promise<Omit<ImportRowResult, 'row' | 'leadRef'>> => {
    if (!leadRef) {
      return {
        outcome: 'REJECTED', field: 'leadRef',
        reason: refusal(columnLabel('leadRef', lang), lang === 'zh-CN' ? '必填（重复发送同一线索时靠它避免重复建档）' : 'required (it makes a re-sent lead idempotent)', lang),
      };
    }
    const lead = rowToLead(raw);
    const parsed = ZCreateCaseRequestSchema.safeParse(lead);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = columnOfPath(issue.path);
      return { outcome: 'REJECTED', field, reason: refusal(columnLabel(field, lang), issueMessage(issue, lang, lead), lang) };
    }
    try {
      const r = await startCaseFromLead(ctx, official, parsed.data);
      return { outcome: r.outcome, caseId: r.caseId };
    } catch (err) {
      if (err instanceof AppError) {
        if (err.code === 'CASE_ALREADY_OPEN') {
          const caseId = typeof err.details?.caseId === 'string' ? err.details.caseId : undefined;
          return { outcome: 'ALREADY_OPEN', caseId, field: 'idNumber', reason: 'the household already has an open case' };
        }
        if (err.code !== 'INTERNAL' && err.code !== 'UNAVAILABLE') {
          // A village outside the importer's region is refused without a field: it is the village column.
          const field = err.field ? columnOfPath(err.field.split('.')) : err.code === 'FORBIDDEN' ? 'villageCode' : undefined;
          return { outcome: 'REJECTED', field, reason: err.message };
        }
      }
      // Class and message only: the row carries personal data.
      console.error(`[imports] row ${row} failed: ${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`);
      return { outcome: 'FAILED', reason: 'internal error; send the row again' };
    }
  })();
  importRows.inc({ outcome: result.outcome });
  return { row, leadRef, ...result };
}

/** Imports rows in order; `firstRow` numbers the first one (for chunked uploads). */
export function importLeads(ctx: ServiceContext, official: AuthOfficial, rows: RawRow[], firstRow = 1, lang: MessageLang = 'en'): AsyncGenerator<ImportRowResult> {
  const indexed = rows.map((raw, i) => ({ raw, row: firstRow + i }));
  return mapInOrder(
    indexed,
    IMPORT_CONCURRENCY,
    ({ raw }) => {
      const keys: string[] = [];
      if (raw.leadRef !== undefined && raw.leadRef !== null) keys.push(`lead:${String(raw.leadRef).trim()}`);
      if (raw.idNumber !== undefined && raw.idNumber !== null) keys.push(`id:${String(raw.idNumber).trim().toUpperCase()}`);
      return keys;
    },
    ({ raw, row }) => importRow(ctx, official, raw, row, lang),
  );
}

/** Counts of a finished import. */
export type ImportSummary = { rows: number } & Record<ImportOutcome, number>;

/** An empty summary. */
export function emptySummary(): ImportSummary {
  return { rows: 0, STARTED: 0, ALREADY_RECEIVED: 0, ALREADY_OPEN: 0, REJECTED: 0, FAILED: 0 };
}
