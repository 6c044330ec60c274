/**
 * Project assets (帮扶项目资产): POST /api/assets (资产登记). Listing and detail are the process
 * routes' (`GET /api/processes?kind=PROJECT_ASSET`); inspection and idle tasks are decided through
 * POST /api/tasks/:id/decision. Assets a project in Bangfu hands over are registered by its workflow.
 */
import { defineRoute } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { getProcess } from '../../services/get-process';
import { registerAsset } from '../../services/start-asset';
import { ZRegisterAssetRequestSchema, ZRegisterAssetResponseSchema } from './assets.types';

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
];
