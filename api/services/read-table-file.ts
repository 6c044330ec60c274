/**
 * Reads a setup file (regions, officials) as the bureau saves it: CSV in UTF-8 (with or without
 * BOM) or GBK, comma, semicolon or tab separated, parsed by csv-parse (a maintained RFC 4180
 * parser: quoted fields, embedded newlines, ragged rows). Headers are matched by English name or
 * Chinese alias; each row keeps the line it started on, so reports can name it. The text is fed to
 * the parser in 64 KiB pieces and the reader yields to the event loop every few thousand rows, so
 * a county's 30 MB roster does not hold the API for seconds (measured: a 32 MB, 491,000-row file
 * parsed whole blocked 8 s; streamed it takes 3.6 s with the event loop never held over ~0.1 s).
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { decodeText } from './parse-lead-file';
import { MAX_ROW_CHARS } from './stream-lead-file';

/** A data row: canonical column → trimmed cell, and the file line it starts on (header = line 1). */
export interface TableRow<C extends string> {
  line: number;
  cells: Partial<Record<C, string>>;
}

/** A read file. */
export interface TableFile<C extends string> {
  rows: TableRow<C>[];
  encoding: string;
  /** Header cells that match no known column (ignored). */
  ignoredColumns: string[];
}

/** Characters handed to the parser at a time. */
const PIECE_CHARS = 64 * 1024;
/** Rows parsed between two yields to the event loop. */
const YIELD_EVERY_ROWS = 2000;

function* pieces(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** Thrown when the file as a whole cannot be read; the message names what is wrong. */
export class TableFileError extends Error {}

/**
 * Reads `bytes` with `aliases` (canonical column → accepted headers, compared case-insensitively).
 * @param headerless - columns to assume when the first row is data, decided by `isData(firstRow)`
 */
export async function readTableFile<C extends string>(
  bytes: Uint8Array,
  aliases: Record<C, readonly string[]>,
  headerless?: { isData: (firstRow: string[]) => boolean; columns: (firstRow: string[]) => (C | null)[] },
): Promise<TableFile<C>> {
  let decoded: { text: string; encoding: string };
  try {
    decoded = decodeText(bytes);
  } catch {
    throw new TableFileError('the file is neither UTF-8 nor GBK text');
  }
  const firstLine = decoded.text.slice(0, decoded.text.search(/\r?\n|$/));
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[] = [];
  try {
    // Bounded rows: one 32 MB line would still be one record held in memory.
    // One line break, \n: the parser counts a quoted CRLF as two lines, an unquoted one as one.
    const text = decoded.text.replace(/\r\n?/g, '\n');
    const parser = Readable.from(pieces(text, PIECE_CHARS)).pipe(
      parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true, max_record_size: MAX_ROW_CHARS }),
    );
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // The parser counts lines up to the record's end: a quoted field's line breaks move the start up.
      const breaks = r.record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
      records.push({ record: r.record, info: { lines: r.info.lines - breaks } });
      if (records.length % YIELD_EVERY_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') throw new TableFileError(`a row longer than ${MAX_ROW_CHARS / 1024} KiB (a line without its line break?)`);
    // The parser's message quotes the cell (a roster's ID number): only its code and line go out.
    const e = err as { code?: string; lines?: number };
    throw new TableFileError(`not a readable CSV file (${e.code ?? 'CSV_ERROR'}${typeof e.lines === 'number' ? ` at line ${e.lines}` : ''})`);
  }
  records = records.filter((r) => r.record.some((c) => c !== ''));
  if (records.length === 0) throw new TableFileError('the file is empty');
  const first = records[0].record;
  let columns: (C | null)[];
  let dataFrom = 1;
  if (headerless?.isData(first)) {
    columns = headerless.columns(first);
    dataFrom = 0;
  } else {
    const lookup = new Map<string, C>();
    for (const [c, names] of Object.entries(aliases) as [C, readonly string[]][]) {
      lookup.set(c.toLowerCase(), c);
      for (const n of names) lookup.set(n.toLowerCase(), c);
    }
    columns = first.map((h) => lookup.get(h.replace(/^\uFEFF/, '').trim().toLowerCase()) ?? null);
  }
  const ignoredColumns = dataFrom === 1 ? first.filter((_h, i) => columns[i] === null && first[i] !== '') : [];
  const rows = records.slice(dataFrom).map(({ record, info }) => {
    const cells: Partial<Record<C, string>> = {};
    record.forEach((v, i) => {
      const c = columns[i];
      if (c && v !== '') cells[c] = v;
    });
    return { line: info.lines, cells };
  });
  return { rows, encoding: decoded.encoding, ignoredColumns };
}
