/**
 * Project assets (帮扶项目资产): POST /api/assets (资产登记). Listing and detail are the process
 * routes' (`GET /api/processes?kind=PROJECT_ASSET`); inspection and idle tasks are decided through
 * POST /api/tasks/:id/decision. Assets a project in Bangfu hands over are registered by its workflow.
 */
import { defineRoute, ZIdParam } from '../../http/define-route';
import { ZProcessDetail } from '../processes/processes.types';
import type { ServiceContext } from '../../services/context';
import { getProcess } from '../../services/get-process';
import { recordAssetIncome, registerAsset, requestAssetDisposal } from '../../services/start-asset';
import { ZRecordIncomeSchema, ZRegisterAssetRequestSchema, ZRegisterAssetResponseSchema, ZRequestDisposalSchema } from './assets.types';

export const assetRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/assets', summary: 'Register a project asset (资产登记)', tags: ['assets'],
    description: 'Starts the asset\'s upkeep: inspection tasks for its owner (quarterly; solar stations monthly), escalated when overdue; an income asset '
      + 'without income for the idle period is flagged idle and the township gets a task to resolve it. The same reference again starts nothing new.',
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'], status: 201,
    body: ZRegisterAssetRequestSchema, response: ZRegisterAssetResponseSchema,
    handler: async ({ body, req, res }) => {
      const r = await registerAsset(ctx, req.official!, body);
      if (!r.started) res.locals.status = 200;
      return { started: r.started, process: await getProcess(ctx, req.official!, r.processId) };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/assets/:id/disposal', summary: 'Ask to dispose of an asset (申请处置)', tags: ['assets'],
    description: 'Opens the disposal chain: the township reviews, the county approves; approved, the asset is DISPOSED and its upkeep ends. '
      + 'A second request while one is under review is refused (409).',
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'],
    params: ZIdParam, body: ZRequestDisposalSchema, response: ZProcessDetail,
    handler: async ({ params, body, req }) => {
      await requestAssetDisposal(ctx, req.official!, params.id, body);
      return getProcess(ctx, req.official!, params.id);
    },
  }),
  defineRoute({
    method: 'post', path: '/api/assets/:id/income', summary: 'Record income of an income-producing asset (收益登记)', tags: ['assets'],
    description: 'Adds to the asset\'s income (an idle asset goes back to use); the next quarterly payout under its filed distribution plan counts it. '
      + 'Refused (409) for a public asset, one not handed over yet, or one disposed of.',
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'],
    params: ZIdParam, body: ZRecordIncomeSchema, response: ZProcessDetail,
    handler: async ({ params, body, req }) => {
      await recordAssetIncome(ctx, req.official!, params.id, body);
      return getProcess(ctx, req.official!, params.id);
    },
  }),
];
