/**
 * Bulk intake (部门筛查预警, 集中排查): validates every row of an import and stores each valid lead
 * at database speed — household, lead and import row written in chunks by
 * {@link storeLeadChunk} — without starting any workflow. The case of a stored lead is started
 * later, in the background, by the intake dispatcher (./intake-dispatcher.ts). A lead re-sent
 * (same channel and `leadRef`) is never stored twice. Results come out in row order, a chunk at a
 * time, so a caller can stream them instead of holding the whole report.
 */
import type { AuthOfficial } from '../auth/authenticate';
import { assertRegionAccess, regionChain } from '../auth/authenticate';
import type { RegionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { importRows } from '../http/metrics';
import type { MessageLang } from '../http/messages';
import { issueMessage, refusal } from '../http/messages';
import type { TCreateCaseRequest } from '../routes/cases/create-case.types';
import { ZCreateCaseRequestSchema } from '../routes/cases/create-case.types';
import type { ServiceContext } from './context';
import type { RawRow } from './parse-lead-file';
import { COLUMN_ALIASES, columnOfPath, rowToLead } from './parse-lead-file';
import type { ImportColumn } from './parse-lead-file';
import { storeLeadChunk } from './store-lead-chunk';

/**
 * What happened to one row at intake. ACCEPTED: stored; its case starts in the background under
 * `caseId`. ALREADY_RECEIVED: this lead was sent before (its case id). ALREADY_OPEN: the household
 * has an open or pending case. REJECTED: invalid (see field). FAILED: not stored; send it again.
 */
export type ImportOutcome = 'ACCEPTED' | 'ALREADY_RECEIVED' | 'ALREADY_OPEN' | 'REJECTED' | 'FAILED';
export const IMPORT_OUTCOMES: readonly ImportOutcome[] = ['ACCEPTED', 'ALREADY_RECEIVED', 'ALREADY_OPEN', 'REJECTED', 'FAILED'];

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

/** Rows stored per statement and transaction. @default 1000 */
export const IMPORT_CHUNK = 1000;

/** A row that passed validation, ready to store. */
export interface ValidRow {
  row: number;
  leadRef: string;
  lead: TCreateCaseRequest;
  chain: RegionChain;
}

/** A column as the reader calls it: `headName`, or its Chinese header 户主姓名. */
function columnLabel(column: string, lang: MessageLang): string {
  return lang === 'zh-CN' ? (COLUMN_ALIASES[column as ImportColumn]?.[0] ?? column) : column;
}

/** Region chains of the villages of one import (a few dozen villages for thousands of rows). */
type ChainCache = Map<string, Promise<RegionChain>>;

/** Validates one row: a refusal worded in `lang` ("户主姓名：必填" / "headName: required"), or the row to store. */
export async function validateRow(ctx: ServiceContext, official: AuthOfficial, raw: RawRow, row: number, lang: MessageLang, chains: ChainCache): Promise<ImportRowResult | ValidRow> {
  const leadRef = raw.leadRef === undefined || raw.leadRef === null || String(raw.leadRef).trim() === '' ? null : String(raw.leadRef).trim();
  if (!leadRef) {
    return {
      row, leadRef, outcome: 'REJECTED', field: 'leadRef',
      reason: refusal(columnLabel('leadRef', lang), lang === 'zh-CN' ? '必填（重复发送同一线索时靠它避免重复建档）' : 'required (it makes a re-sent lead idempotent)', lang),
    };
  }
  const lead = rowToLead(raw);
  const parsed = ZCreateCaseRequestSchema.safeParse(lead);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = columnOfPath(issue.path);
    return { row, leadRef, outcome: 'REJECTED', field, reason: refusal(columnLabel(field, lang), issueMessage(issue, lang, lead), lang) };
  }
  const villageCode = parsed.data.household.villageCode;
  let chain = chains.get(villageCode);
  if (!chain) {
    chain = regionChain(ctx.prisma, villageCode);
    chain.catch(() => undefined);
    chains.set(villageCode, chain);
  }
  try {
    const c = await chain;
    assertRegionAccess(official, c);
    return { row, leadRef: parsed.data.leadRef ?? leadRef, lead: parsed.data, chain: c };
  } catch (err) {
    if (err instanceof AppError && err.code !== 'INTERNAL' && err.code !== 'UNAVAILABLE') {
      // A village outside the importer's region is refused without a field: it is the village column.
      const field = err.field ? columnOfPath(err.field.split('.')) : err.code === 'FORBIDDEN' ? 'villageCode' : undefined;
      return { row, leadRef, outcome: 'REJECTED', field, reason: err.message };
    }
    throw err;
  }
}

/**
 * Validates and stores the rows of `importId` in order, yielding each row's result; `firstRow`
 * numbers the first one (for chunked uploads). A chunk that cannot be stored (the database is
 * away) is reported FAILED row by row; the rest of the file goes on.
 */
export async function* importLeads(
  ctx: ServiceContext, official: AuthOfficial, importId: string, rows: AsyncIterable<RawRow>, firstRow = 1, lang: MessageLang = 'en', chunkSize = IMPORT_CHUNK,
): AsyncGenerator<ImportRowResult> {
  const chains: ChainCache = new Map();
  let n = firstRow;
  let chunk: Promise<ImportRowResult | ValidRow>[] = [];
  // One chunk is stored while the next is read and validated: PostgreSQL and Node work at once.
  let storing: Promise<ImportRowResult[]> | null = null;
  const store = async (rowsOfChunk: Promise<ImportRowResult | ValidRow>[]): Promise<ImportRowResult[]> => {
    const checked = await Promise.all(rowsOfChunk);
    try {
      return await storeLeadChunk(ctx, official, importId, checked);
    } catch (err) {
      // Class and message only: the rows carry personal data.
      console.error(`[imports] rows ${checked[0]?.row}–${checked.at(-1)?.row} not stored: ${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`);
      return checked.map((r) => ('outcome' in r ? r : { row: r.row, leadRef: r.leadRef, outcome: 'FAILED', reason: 'internal error; send the row again' }));
    }
  };
  const results = function* (stored: ImportRowResult[]): Generator<ImportRowResult> {
    for (const r of stored) {
      importRows.inc({ outcome: r.outcome });
      yield r;
    }
  };
  // A file that breaks off (malformed CSV or JSON) still stores and answers every row read before the break.
  let broken: { err: unknown } | null = null;
  try {
    for await (const raw of rows) {
      const row = n++;
      const p = validateRow(ctx, official, raw, row, lang, chains).catch((err: unknown): ImportRowResult => {
        console.error(`[imports] row ${row} failed: ${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`);
        return { row, leadRef: null, outcome: 'FAILED', reason: 'internal error; send the row again' };
      });
      chunk.push(p);
      if (chunk.length >= chunkSize) {
        // Chunks are stored in order: a later row of a household sees the earlier chunk's lead.
        const previous = storing;
        const current = chunk;
        chunk = [];
        if (previous) yield* results(await previous);
        storing = store(current);
      }
    }
  } catch (err) {
    broken = { err };
  }
  if (storing) yield* results(await storing);
  if (chunk.length > 0) yield* results(await store(chunk));
  if (broken) throw broken.err;
}

/** Counts of a finished import request. */
export type ImportSummary = { rows: number } & Record<ImportOutcome, number>;

/** An empty summary. */
export function emptySummary(): ImportSummary {
  return { rows: 0, ACCEPTED: 0, ALREADY_RECEIVED: 0, ALREADY_OPEN: 0, REJECTED: 0, FAILED: 0 };
}
