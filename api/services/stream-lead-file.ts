/**
 * Reads a bulk lead file as a stream (批量导入): the bytes of a CSV are decoded and parsed by
 * csv-parse as they arrive, so a 100,000-row file is never held whole — only the parser's buffer
 * and the rows in flight. The encoding is decided from the first bytes (a BOM wins; else strict
 * UTF-8, else GB18030 as Excel saves CSV on Chinese Windows). A JSON body (`[...]` or
 * `{"rows": [...]}`) is streamed too, row by row, by stream-json (a maintained streaming JSON
 * tokenizer: a hand-written one would be plumbing we keep), so neither form is held whole.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parser as jsonParser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import chain from 'stream-chain';
import { AppError } from '../http/app-error';
import type { ParsedLeadFile, RawRow } from './parse-lead-file';
import { REQUIRED_COLUMNS, columnOf, jsonRowOf } from './parse-lead-file';

/** A file being read: its encoding and header, and its rows one by one. */
export interface LeadStream {
  encoding: ParsedLeadFile['encoding'];
  ignoredColumns: string[];
  rows: AsyncIterable<RawRow>;
}

/**
 * The longest row (header included) in characters. A lead row is a few hundred characters; without
 * a bound, one line of 50 MB without a line break keeps the parser busy for a minute before the
 * file is refused.
 */
export const MAX_ROW_CHARS = 256 * 1024;

/** How many bytes decide the encoding and the separator. @default 64 KiB */
const SNIFF_BYTES = 64 * 1024;

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

function sniffEncoding(head: Uint8Array, complete: boolean): { encoding: Encoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  try {
    // `stream: true` when more follows: a character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'gb18030', bom: 0 };
  }
}

function reportedEncoding(e: Encoding): LeadStream['encoding'] {
  return e === 'utf-16le' || e === 'utf-16be' ? 'utf-16' : e;
}

/**
 * Opens a lead file from a byte stream (a request, a file). Resolves once the header is read, so
 * a file without a required column is refused (AppError INVALID_INPUT naming it) before any row.
 * @param format - `csv`, `json`, or `auto` (JSON when the text starts with `[` or `{`)
 */
export async function openLeadStream(source: AsyncIterable<Uint8Array>, format: 'csv' | 'json' | 'auto'): Promise<LeadStream> {
  const it = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SNIFF_BYTES) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  const first = Buffer.concat(head);
  const { encoding, bom } = sniffEncoding(first, ended);
  const decoder = new TextDecoder(encoding, { fatal: true });
  const decode = (bytes: Uint8Array, stream: boolean): string => {
    try {
      return decoder.decode(bytes, { stream });
    } catch {
      throw new AppError('INVALID_INPUT', `body: the file is not valid ${encoding === 'gb18030' ? 'UTF-8 or GBK' : encoding} text`, { field: 'body' });
    }
  };
  const firstText = decode(first.subarray(bom), !ended);
  if (format === 'json' || (format === 'auto' && /^\s*[[{]/.test(firstText))) return await openJson(firstText, ended, it, decode);
  return openCsv(firstText, ended, it, decode, reportedEncoding(encoding));
}

/**
 * A JSON body as a stream of rows: the elements of a top-level array, or of the `rows` array of a
 * top-level object. Resolves once the first row is read, so a body that is not JSON or has no rows
 * is refused before any is stored; `ignoredColumns` fills as the rows are read (complete once they are).
 */
async function openJson(firstText: string, ended: boolean, it: AsyncIterator<Uint8Array>, decode: (b: Uint8Array, stream: boolean) => string): Promise<LeadStream> {
  const text0 = firstText.replace(/^\uFEFF/, '');
  const wrapped = /^\s*\{/.test(text0);
  async function* texts(): AsyncGenerator<string> {
    yield text0;
    while (!ended) {
      const next = await it.next();
      if (next.done) break;
      yield decode(next.value, true);
    }
    yield decode(new Uint8Array(0), false);
  }
  const ignored = new Set<string>();
  const ignoredColumns: string[] = [];
  async function* rows(): AsyncGenerator<RawRow> {
    const pipeline = chain([Readable.from(texts(), { objectMode: false }), jsonParser(), ...(wrapped ? [pick({ filter: 'rows' })] : []), streamArray()]);
    let n = 0;
    try {
      for await (const item of pipeline as AsyncIterable<{ value: unknown }>) {
        n++;
        const row = jsonRowOf(item.value, ignored);
        if (ignored.size > ignoredColumns.length) ignoredColumns.splice(0, ignoredColumns.length, ...ignored);
        yield row;
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('INVALID_INPUT', `body: malformed JSON (after ${n} rows): ${(err as Error).message.split('\n')[0]}`, { field: 'body' });
    } finally {
      pipeline.destroy();
    }
    if (n === 0 && wrapped) throw new AppError('INVALID_INPUT', 'body: expected a JSON array of rows or {"rows": [...]}', { field: 'body' });
  }
  const all = rows();
  const first = await all.next();
  async function* fromFirst(): AsyncGenerator<RawRow> {
    if (first.done) return;
    yield first.value;
    yield* all;
  }
  return { encoding: 'json', ignoredColumns, rows: fromFirst() };
}

async function openCsv(
  firstText: string, ended: boolean, it: AsyncIterator<Uint8Array>, decode: (b: Uint8Array, stream: boolean) => string, encoding: LeadStream['encoding'],
): Promise<LeadStream> {
  const text0 = firstText.replace(/^\uFEFF/, '');
  const firstLine = text0.slice(0, text0.search(/\r?\n|$/));
  const delimiter = !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : ',';
  const parser = parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: MAX_ROW_CHARS });
  // Feeds the parser as it drains; a read or decode error ends the parse with it.
  const feed = async (): Promise<void> => {
    const write = async (s: string): Promise<void> => {
      if (s && !parser.write(s)) await new Promise<void>((resolve) => parser.once('drain', resolve));
    };
    await write(text0);
    while (!ended) {
      const next = await it.next();
      if (next.done) break;
      await write(decode(next.value, true));
      if (parser.destroyed) return;
    }
    await write(decode(new Uint8Array(0), false));
    parser.end();
  };
  feed().catch((err: unknown) => parser.destroy(err as Error));
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const nonEmpty = async (): Promise<string[] | null> => {
    for (;;) {
      let next: IteratorResult<string[]>;
      try {
        next = await records.next();
      } catch (err) {
        if (err instanceof AppError) throw err;
        if ((err as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') {
          throw new AppError('INVALID_INPUT', `body: a row longer than ${MAX_ROW_CHARS / 1024} KiB (a line without its line break?)`, { field: 'body' });
        }
        throw new AppError('INVALID_INPUT', `body: not a readable CSV file: ${(err as Error).message.split('\n')[0]}`, { field: 'body' });
      }
      if (next.done) return null;
      if (next.value.some((f) => f.trim() !== '')) return next.value;
    }
  };
  const headerRow = await nonEmpty();
  if (!headerRow) throw new AppError('INVALID_INPUT', 'body: the file is empty', { field: 'body' });
  const header = headerRow.map(columnOf);
  const ignoredColumns = headerRow.filter((_h, i) => header[i] === null).map((h) => h.trim()).filter(Boolean);
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    parser.destroy();
    throw new AppError('INVALID_INPUT', `${missing[0]}: the header has no ${missing.join(', ')} column`, { field: missing[0], details: { missing } });
  }
  async function* rows(): AsyncGenerator<RawRow> {
    try {
      for (let cells = await nonEmpty(); cells; cells = await nonEmpty()) {
        const row: RawRow = {};
        header.forEach((col, i) => {
          // Line breaks inside a quoted value read as \n, whatever the file's line ends.
          if (col && cells[i] !== undefined) row[col] = cells[i].includes('\r') ? cells[i].replace(/\r\n?/g, '\n') : cells[i];
        });
        yield row;
      }
    } finally {
      if (!parser.destroyed) parser.destroy();
    }
  }
  return { encoding, ignoredColumns, rows: rows() };
}
