/**
 * POST /api/imports — bulk intake of leads (部门筛查预警, 集中排查) from a CSV or JSON body. A CSV
 * body is read as a stream; rows are validated and stored a chunk at a time, and the response is
 * NDJSON streamed as chunks are stored: one line per row, in row order, then a summary line with
 * the import's id. Cases start afterwards in the background (the intake dispatcher);
 * GET /api/imports/:id follows them.
 */
import { Readable } from 'node:stream';
import type { Response } from 'express';
import { defineRoute } from '../../http/define-route';
import { apiLang } from '../../http/messages';
import type { ServiceContext } from '../../services/context';
import type { ImportSummary } from '../../services/import-leads';
import { emptySummary, importLeads } from '../../services/import-leads';
import type { ImportInfo } from '../../services/import-progress';
import { assertImportOf, createImport, getImport, listImports, refusedRows } from '../../services/import-progress';
import { openLeadStream } from '../../services/stream-lead-file';
import { AppError } from '../../http/app-error';
import type { TImportLine } from './imports.types';
import {
  IMPORT_CONSUMES, ZImportIdParam, ZImportInfo, ZImportLine, ZImportList, ZImportsQuerySchema, ZRefusedRowsQuery, ZRefusedRowsResponse,
} from './imports.types';

/** Writes one NDJSON line, waiting for the socket when its buffer is full; false once the client is gone. */
async function writeLine(res: Response, line: TImportLine): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(`${JSON.stringify(line)}\n`)) return true;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
  return !res.destroyed;
}

function formatOf(contentType: string | undefined, asked: 'auto' | 'csv' | 'json' | undefined): 'auto' | 'csv' | 'json' {
  if (asked) return asked;
  if (/\bjson\b/i.test(contentType ?? '')) return 'json';
  if (/\b(csv|plain)\b/i.test(contentType ?? '')) return 'csv';
  return 'auto';
}

const asJson = (i: ImportInfo) => ({ ...i, createdAt: new Date(i.createdAt).toISOString() });

export const importRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/imports', summary: 'Import leads in bulk (CSV or JSON); streams an NDJSON report', tags: ['imports'],
    description: 'Every row is validated and each valid lead stored (ACCEPTED, with the id its case will have); the cases start in the background. '
      + 'Send `importId` (from the summary line of the first request) to add chunks of one file to the same import.',
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'],
    query: ZImportsQuerySchema, consumes: IMPORT_CONSUMES, produces: { 'application/x-ndjson': ZImportLine }, response: ZImportLine,
    handler: async ({ query, req, res }) => {
      const source: AsyncIterable<Uint8Array> = Buffer.isBuffer(req.body) ? Readable.from([req.body]) : req;
      const file = await openLeadStream(source, formatOf(req.get('content-type'), query.format));
      const importId = query.importId ? (await assertImportOf(ctx, req.official!, query.importId)).id : await createImport(ctx, req.official!, query.fileName);
      res.status(200).type('application/x-ndjson').setHeader('Cache-Control', 'no-store');
      res.flushHeaders();
      const summary: ImportSummary = emptySummary();
      let open = true;
      try {
        for await (const r of importLeads(ctx, req.official!, importId, file.rows, query.firstRow, apiLang(req))) {
          summary.rows += 1;
          summary[r.outcome] += 1;
          if (r.outcome === 'ACCEPTED' && summary.ACCEPTED % 1000 === 1) ctx.intake?.kick();
          if (open && !(await writeLine(res, { type: 'row', ...r }))) open = false;
        }
      } catch (err) {
        // The answer has begun: a file that breaks off mid-way ends it with an error line, not a cut connection.
        if (!(err instanceof AppError)) throw err;
        ctx.intake?.kick();
        await writeLine(res, { type: 'error', importId, rows: summary.rows, code: err.code, field: err.field, message: err.message });
        res.end();
        return undefined as never;
      }
      ctx.intake?.kick();
      await writeLine(res, { type: 'summary', importId, encoding: file.encoding, ignoredColumns: file.ignoredColumns, summary });
      res.end();
      return undefined as never;
    },
  }),
  defineRoute({
    method: 'get', path: '/api/imports', summary: 'List imports with their progress', tags: ['imports'], roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'],
    response: ZImportList,
    handler: async ({ req }) => ({ items: (await listImports(ctx, req.official!)).map(asJson) }),
  }),
  defineRoute({
    method: 'get', path: '/api/imports/:id', summary: 'Progress of one import: rows received, cases started, known, refused, pending', tags: ['imports'],
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'], params: ZImportIdParam, response: ZImportInfo,
    handler: async ({ params, req }) => asJson(await getImport(ctx, req.official!, params.id)),
  }),
  defineRoute({
    method: 'get', path: '/api/imports/:id/refused', summary: 'Refused rows of an import, in row order', tags: ['imports'],
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'], params: ZImportIdParam, query: ZRefusedRowsQuery, response: ZRefusedRowsResponse,
    handler: async ({ params, query, req }) => ({ items: await refusedRows(ctx, req.official!, params.id, query.after, query.limit) }),
  }),
];
