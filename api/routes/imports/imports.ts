/**
 * POST /api/imports — bulk intake of leads (部门筛查预警, 集中排查) from a CSV or JSON body. The
 * response is NDJSON streamed as rows finish: one line per row, in row order, then a summary
 * line, so a 10,000-row file never holds its whole report in memory.
 */
import type { Response } from 'express';
import { defineRoute } from '../../http/define-route';
import { apiLang } from '../../http/messages';
import type { ServiceContext } from '../../services/context';
import type { ImportSummary } from '../../services/import-leads';
import { emptySummary, importLeads } from '../../services/import-leads';
import { parseLeadFile } from '../../services/parse-lead-file';
import type { TImportLine } from './imports.types';
import { IMPORT_CONSUMES, ZImportLine, ZImportsQuerySchema } from './imports.types';

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

export const importRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/imports', summary: 'Import leads in bulk (CSV or JSON); streams an NDJSON report', tags: ['imports'],
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'],
    query: ZImportsQuerySchema, consumes: IMPORT_CONSUMES, produces: { 'application/x-ndjson': ZImportLine }, response: ZImportLine,
    handler: async ({ query, req, res }) => {
      const body: unknown = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : req.body;
      const file = parseLeadFile(body, formatOf(req.get('content-type'), query.format));
      res.status(200).type('application/x-ndjson').setHeader('Cache-Control', 'no-store');
      res.flushHeaders();
      const summary: ImportSummary = emptySummary();
      for await (const r of importLeads(ctx, req.official!, file.rows, query.firstRow, apiLang(req))) {
        summary.rows += 1;
        summary[r.outcome] += 1;
        if (!(await writeLine(res, { type: 'row', ...r }))) break;
      }
      await writeLine(res, { type: 'summary', encoding: file.encoding, ignoredColumns: file.ignoredColumns, summary });
      res.end();
      return undefined as never;
    },
  }),
];
