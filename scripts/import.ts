/**
 * Bulk intake from the command line (部门筛查预警, 集中排查):
 *
 *   npm run import -- leads.csv [--token <token>] [--url http://localhost:8080] [--chunk 2000] [--report report.ndjson] [--no-wait]
 *
 * Reads a CSV (UTF-8 with or without BOM, or GBK as Excel saves it) or JSON file as a stream,
 * checks its header, and sends the rows to `POST /api/imports` in chunks of one import; shows a
 * progress bar while the server stores them and streams a result per row, then follows the cases
 * starting in the background (GET /api/imports/:id) until none is pending (`--no-wait` skips
 * that), then prints a summary and the rejected rows. Sending a file again is safe: a lead
 * already received (same channel and leadRef) never makes a second case.
 *
 * Token: `--token`, else `BANGFU_TOKEN`, else the demo administrator's token that `npm start`
 * keeps in `<data dir>/demo-admin-token`. URL: `--url`, else `BANGFU_URL`, else
 * `http://localhost:$PORT`. Exit code 0 when every row was started or already known, 2 when some
 * were rejected or failed, 1 when the import could not run.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ImportOutcome, ImportRowResult, ImportSummary } from '../api/services/import-leads';
import { emptySummary } from '../api/services/import-leads';
import type { RawRow } from '../api/services/parse-lead-file';
import { openLeadStream } from '../api/services/stream-lead-file';
import type { ImportCounts } from '../api/services/import-progress';
import { AppError } from '../api/http/app-error';

/** Options of {@link runImport}. */
export interface ImportOptions {
  file: string;
  url: string;
  token: string;
  /** Rows per request. @default 2000 */
  chunk?: number;
  /** Follow the cases starting in the background until none is pending. @default true */
  wait?: boolean;
  /** How often to ask for the starts' progress. @default 500 ms */
  pollMs?: number;
  /** Write every row's result here as NDJSON. */
  report?: string;
  /** Where progress and the summary go. @default process.stderr / process.stdout */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  out?: NodeJS.WritableStream;
}

/** What {@link runImport} returns. */
export interface ImportRun {
  importId: string | null;
  summary: ImportSummary;
  /** The import's counts when the command ended (cases started, pending…). */
  counts: ImportCounts | null;
  rejected: ImportRowResult[];
  seconds: number;
}

const REJECTED_SHOWN = 50;

function bar(done: number, total: number, s: ImportSummary, startedAt: number): string {
  const width = 28;
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * width);
  const elapsed = (Date.now() - startedAt) / 1000;
  const rate = elapsed > 0 ? done / elapsed : 0;
  const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${(share * 100).toFixed(0).padStart(3)}%`
    + ` · accepted ${s.ACCEPTED} · known ${s.ALREADY_RECEIVED + s.ALREADY_OPEN} · rejected ${s.REJECTED + s.FAILED}`
    + ` · ${rate.toFixed(0)} rows/s${done < total ? ` · ETA ${eta}s` : ''}`;
}

/** Sends one chunk and hands each result line to `onRow` as it arrives. */
async function sendChunk(opts: ImportOptions, rows: RawRow[], firstRow: number, importId: string | null, onRow: (r: ImportRowResult) => void): Promise<string> {
  const q = new URLSearchParams({ firstRow: String(firstRow), fileName: path.basename(opts.file) });
  if (importId) q.set('importId', importId);
  const res = await fetch(`${opts.url.replace(/\/$/, '')}/api/imports?${q.toString()}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', authorization: `Bearer ${opts.token}`, accept: 'application/x-ndjson',
      // Refusals in the report come in the terminal's language.
      'accept-language': /^zh/i.test(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '') ? 'zh-CN' : 'en',
    },
    body: JSON.stringify({ rows }),
  }).catch((err: Error & { cause?: Error }) => {
    throw new Error(`cannot reach ${opts.url} (is the API running?): ${err.cause?.message ?? err.message}`);
  });
  if (!res.ok || !res.body) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      /* not JSON */
    }
    throw new Error(`the server refused the import (HTTP ${res.status}): ${message}`);
  }
  const decoder = new TextDecoder();
  let buffered = '';
  let sawSummary: string | null = null;
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(part, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (!line) continue;
      const msg = JSON.parse(line) as { type: string; importId?: string } & ImportRowResult;
      if (msg.type === 'row') onRow(msg);
      else if (msg.type === 'summary') sawSummary = msg.importId ?? '';
    }
  }
  if (sawSummary === null) throw new Error('the connection ended before the import finished');
  return sawSummary;
}

/** The import's counts from the server. */
async function countsOf(opts: ImportOptions, importId: string): Promise<ImportCounts> {
  const res = await fetch(`${opts.url.replace(/\/$/, '')}/api/imports/${encodeURIComponent(importId)}`, { headers: { authorization: `Bearer ${opts.token}` } });
  if (!res.ok) throw new Error(`cannot read the import's progress (HTTP ${res.status})`);
  return (await res.json()) as ImportCounts;
}

function startsBar(c: ImportCounts, startedAt: number): string {
  const width = 28;
  const total = c.started + c.pending;
  const share = total === 0 ? 1 : c.started / total;
  const filled = Math.round(share * width);
  const rate = c.started / Math.max(0.001, (Date.now() - startedAt) / 1000);
  return `cases [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${c.started}/${total} started · pending ${c.pending} · refused ${c.refused} · ${rate.toFixed(0)} starts/s`;
}

/** Counts the rows of a file, streaming it (for the progress bar's total). */
async function countRows(file: string, format: 'csv' | 'json' | 'auto'): Promise<number> {
  const stream = await openLeadStream(createReadStream(file), format);
  let n = 0;
  for await (const _row of stream.rows) n += 1;
  return n;
}

/** Imports a file through the API; see the module comment. */
export async function runImport(opts: ImportOptions): Promise<ImportRun> {
  const progress = opts.progress ?? process.stderr;
  const out = opts.out ?? process.stdout;
  const chunk = Math.max(1, Math.min(opts.chunk ?? 2000, 5000));
  const ext = path.extname(opts.file).toLowerCase();
  const format = ext === '.json' ? 'json' : ext === '.csv' ? 'csv' : 'auto';
  // Two passes over the file, never holding it: one counts the rows, one sends them a chunk at a time.
  const total = await countRows(opts.file, format);
  const file = await openLeadStream(createReadStream(opts.file), format);
  out.write(`${opts.file}: ${total} rows (${file.encoding})${file.ignoredColumns.length ? `; ignoring columns ${file.ignoredColumns.join(', ')}` : ''}\n`);
  const report = opts.report ? await fs.open(opts.report, 'w') : null;
  const summary = emptySummary();
  const rejected: ImportRowResult[] = [];
  const startedAt = Date.now();
  let done = 0;
  let lastDraw = 0;
  let importId: string | null = null;
  let counts: ImportCounts | null = null;
  const draw = (force = false): void => {
    if (progress.isTTY) {
      if (force || Date.now() - lastDraw > 100) {
        progress.write(`\r${bar(done, total, summary, startedAt)}`);
        lastDraw = Date.now();
      }
    } else if (force) progress.write(`${bar(done, total, summary, startedAt)}\n`);
  };
  try {
    const send = async (rows: RawRow[], first: number): Promise<void> => {
      const lines: string[] = [];
      for (let attempt = 1; ; attempt++) {
        const seen = new Set<number>();
        try {
          importId = await sendChunk(opts, rows, first, importId, (r) => {
            if (seen.has(r.row)) return;
            seen.add(r.row);
            done += 1;
            summary.rows += 1;
            summary[r.outcome as ImportOutcome] += 1;
            if (r.outcome === 'REJECTED' || r.outcome === 'FAILED') rejected.push(r);
            lines.push(JSON.stringify(r));
            draw();
          }) || importId;
          break;
        } catch (err) {
          // A chunk may be sent again safely: rows already received come back ALREADY_RECEIVED.
          if (attempt >= 3 || /HTTP 4\d\d/.test((err as Error).message)) throw err;
          done -= seen.size;
          summary.rows -= seen.size;
          for (const l of lines) {
            const r = JSON.parse(l) as ImportRowResult;
            summary[r.outcome] -= 1;
            if (r.outcome === 'REJECTED' || r.outcome === 'FAILED') rejected.splice(rejected.indexOf(rejected.find((x) => x.row === r.row)!), 1);
          }
          lines.length = 0;
          progress.write(`\n${(err as Error).message}; sending rows ${first}–${first + rows.length - 1} again (attempt ${attempt + 1})\n`);
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
      if (report) await report.write(lines.map((l) => `${l}\n`).join(''));
      draw(!progress.isTTY);
    };
    let batch: RawRow[] = [];
    let first = 1;
    for await (const row of file.rows) {
      batch.push(row);
      if (batch.length >= chunk) {
        await send(batch, first);
        first += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0 || first === 1) await send(batch, first);
    if (progress.isTTY) draw(true);
    if (progress.isTTY) progress.write('\n');
    // The cases start in the background: follow them until none is pending.
    if (importId && opts.wait !== false) {
      const since = Date.now();
      let lastLine = '';
      for (;;) {
        counts = await countsOf(opts, importId);
        const line = startsBar(counts, since);
        if (progress.isTTY) progress.write(`\r${line}`);
        else if (line !== lastLine && (counts.pending === 0 || Date.now() - since > 5000)) progress.write(`${line}\n`);
        lastLine = line;
        if (counts.pending === 0) break;
        await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
      }
      if (progress.isTTY) progress.write('\n');
    }
  } finally {
    await report?.close();
  }
  const seconds = (Date.now() - startedAt) / 1000;
  out.write(`accepted ${summary.ACCEPTED}, already received ${summary.ALREADY_RECEIVED}, already open ${summary.ALREADY_OPEN}, rejected ${summary.REJECTED}, failed ${summary.FAILED} — ${summary.rows} rows in ${seconds.toFixed(1)} s\n`);
  for (const r of rejected.slice(0, REJECTED_SHOWN)) {
    out.write(`  row ${r.row}${r.leadRef ? ` (${r.leadRef})` : ''}: ${r.outcome}${r.field ? ` ${r.field}` : ''} — ${r.reason ?? ''}\n`);
  }
  if (rejected.length > REJECTED_SHOWN) out.write(`  … and ${rejected.length - REJECTED_SHOWN} more${opts.report ? '' : ' (use --report <file> for all)'}\n`);
  if (counts) out.write(`cases started ${counts.started}, pending ${counts.pending}, refused at start ${Math.max(0, counts.refused - summary.REJECTED - summary.FAILED)} (import ${importId})\n`);
  else if (importId) out.write(`import ${importId}: its cases start in the background (GET /api/imports/${importId})\n`);
  if (opts.report) out.write(`every row's result: ${opts.report}\n`);
  return { importId, summary, counts, rejected, seconds };
}

async function defaultToken(): Promise<string | undefined> {
  if (process.env.BANGFU_TOKEN) return process.env.BANGFU_TOKEN;
  const file = path.join(process.env.BANGFU_DATA_DIR ?? '.data', 'demo-admin-token');
  return fs.readFile(file, 'utf8').then((s) => s.trim(), () => undefined);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      token: { type: 'string' }, url: { type: 'string' }, chunk: { type: 'string' }, report: { type: 'string' }, 'no-wait': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error('usage: npm run import -- <file.csv|file.json> [--token <token>] [--url <base url>] [--chunk <rows per request>] [--report <file.ndjson>] [--no-wait]');
    return values.help ? 0 : 1;
  }
  const token = values.token ?? (await defaultToken());
  if (!token) {
    console.error('[import] no token: pass --token, set BANGFU_TOKEN, or run npm start once (it keeps the demo administrator token)');
    return 1;
  }
  const url = values.url ?? process.env.BANGFU_URL ?? `http://localhost:${process.env.PORT ?? 8080}`;
  const chunk = values.chunk ? Number(values.chunk) : undefined;
  if (chunk !== undefined && (!Number.isInteger(chunk) || chunk < 1)) {
    console.error('[import] --chunk: must be a positive whole number');
    return 1;
  }
  try {
    const run = await runImport({ file: positionals[0], url, token, chunk, report: values.report, wait: !values['no-wait'] });
    return run.summary.REJECTED + run.summary.FAILED > 0 ? 2 : 0;
  } catch (err) {
    const message = err instanceof AppError ? err.message : err instanceof Error ? err.message : String(err);
    console.error(`[import] ${message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
