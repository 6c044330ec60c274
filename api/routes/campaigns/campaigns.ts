/**
 * 网格化监测与集中排查: POST /api/roster (农户名册, CSV), POST /api/campaigns (发起集中排查),
 * POST /api/campaigns/:id/visits (入户排查结果), GET /api/campaigns/:id/figures (统计),
 * GET /api/campaigns/:id/ledger (台账) and /ledger.xlsx. The campaign's tasks (grid, village ledger,
 * township review, county summary) are decided through POST /api/tasks/:id/decision or their links.
 */
import { z } from 'zod';
import { defineRoute, ZIdParam } from '../../http/define-route';
import { AppError } from '../../http/app-error';
import type { ServiceContext } from '../../services/context';
import { cipherOf } from '../../services/context';
import { getProcess } from '../../services/get-process';
import { importRoster } from '../../services/campaign/import-roster';
import { launchCampaign } from '../../services/campaign/launch-campaign';
import { figuresFor, ledgerRows, meetingsOf } from '../../services/campaign/read-campaign';
import { recordVisit } from '../../services/campaign/record-visit';
import { ledgerWorkbook } from '../../services/campaign/ledger-xlsx';
import { TableFileError } from '../../services/read-table-file';
import {
  ZCampaignFiguresSchema, ZLaunchCampaignRequestSchema, ZLaunchCampaignResponseSchema, ZLedgerQuerySchema, ZLedgerResponseSchema, ZRecordVisitRequestSchema,
  ZRecordVisitResponseSchema, ZRosterReportSchema,
} from './campaigns.types';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const campaignRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/roster', summary: 'Load a village roster (农户名册) from CSV (UTF-8 or GBK); a per-row report', tags: ['campaigns'],
    description: 'Columns: villageCode (村代码), grid (网格), gridWorker (网格员: email of a village official), headName (户主), idNumber (身份证号), '
      + 'memberCount (人口), category (类别: 脱贫户/一般农户/低保户/特困户), phone, address. Households are keyed like leads (the same household); '
      + 'loading the same file again changes nothing. The report names rows by line and household id, never by ID number.',
    roles: ['COUNTY', 'ADMIN'], consumes: { 'text/csv': z.string() }, response: ZRosterReportSchema,
    handler: async ({ req }) => {
      const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new TextEncoder().encode(typeof req.body === 'string' ? req.body : '');
      try {
        return await importRoster({ prisma: ctx.prisma, secret: ctx.secret, cipher: cipherOf(ctx) }, bytes);
      } catch (err) {
        if (err instanceof TableFileError) throw new AppError('INVALID_INPUT', `body: ${err.message}`, { field: 'body' });
        throw err;
      }
    },
  }),
  defineRoute({
    method: 'post', path: '/api/campaigns', summary: 'Launch a screening campaign (集中排查) for the county\'s villages', tags: ['campaigns'],
    description: 'Every roster household of the villages enters the ledger; each grid worker gets one task for the grid, each village one for its meeting and ledger. '
      + 'Grid and village tasks run to the deadline; the township review draws a random sample (policy screeningSampleSize). A repeated processId starts nothing (started: false).',
    roles: ['COUNTY', 'ADMIN'], status: 201, body: ZLaunchCampaignRequestSchema, response: ZLaunchCampaignResponseSchema,
    handler: async ({ body, req, res }) => {
      const r = await launchCampaign(ctx, req.official!, body);
      if (!r.started) res.locals.status = 200;
      return { started: r.started, campaign: await getProcess(ctx, req.official!, r.processId) };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/campaigns/:id/visits', summary: 'Record a household\'s visit result (入户排查)', tags: ['campaigns'],
    description: 'By the grid worker of the household\'s grid (a GRID official of that grid, or a village official named its worker; or a stand-in). NO_RISK, ALREADY_MONITORED (the household has an open case), NOT_HOME (revisit before the deadline: '
      + 'record again), RISK_FOUND (with lead: starts an identification, channel CADRE_SCREENING, linked to the campaign).',
    roles: ['VILLAGE', 'GRID'], params: ZIdParam, body: ZRecordVisitRequestSchema, response: ZRecordVisitResponseSchema,
    handler: ({ params, body, req }) => recordVisit(ctx, req.official!, params.id, body),
  }),
  defineRoute({
    method: 'get', path: '/api/campaigns/:id/figures', summary: 'Figures of a campaign per village and township (screened/total, risks, leads, monitored, meetings, zero-finding villages)', tags: ['campaigns'],
    params: ZIdParam, response: ZCampaignFiguresSchema,
    handler: async ({ params, req }) => {
      const { process, figures } = await figuresFor(ctx, req.official!, params.id);
      return { campaignId: process.id, status: process.status, ...figures };
    },
  }),
  defineRoute({
    method: 'get', path: '/api/campaigns/:id/ledger', summary: 'The ledger (台账) of a campaign: every household with its result', tags: ['campaigns'],
    description: 'Scoped by region; a grid worker (GRID) reads only a grid of their own (gridId required).',
    params: ZIdParam, query: ZLedgerQuerySchema, response: ZLedgerResponseSchema,
    handler: async ({ params, query, req }) => {
      const { process, rows } = await ledgerRows(ctx, req.official!, params.id, query);
      return { campaignId: process.id, rows };
    },
  }),
  defineRoute({
    method: 'get', path: '/api/campaigns/:id/ledger.xlsx', summary: 'The ledger (台账) as an XLSX workbook', tags: ['campaigns'],
    params: ZIdParam, query: ZLedgerQuerySchema, produces: { [XLSX]: z.string() }, response: z.string(),
    handler: async ({ params, query, req, res }) => {
      const { process, rows } = await ledgerRows(ctx, req.official!, params.id, query);
      const { figures } = await figuresFor(ctx, req.official!, params.id);
      const bytes = await ledgerWorkbook(`${process.title}${query.villageCode ? ` · ${query.villageCode}` : ''}`, rows, figures, await meetingsOf(ctx, process.id, [...new Set(rows.map((r) => r.villageCode))]));
      res.status(200).type(XLSX).setHeader('Content-Disposition', `attachment; filename="ledger-${process.id}${query.villageCode ? `-${query.villageCode}` : ''}.xlsx"`);
      res.end(bytes);
      return undefined as never;
    },
  }),
];
