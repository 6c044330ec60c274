/**
 * Fund projects (衔接资金项目): POST /api/projects (项目申报). Listing and detail are the process
 * routes' (`GET /api/processes?kind=FUND_PROJECT`, `GET /api/processes/:id`); tasks are decided
 * through POST /api/tasks/:id/decision.
 */
import { defineRoute } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { getProcess } from '../../services/get-process';
import { proposeProject } from '../../services/start-project';
import { ZProposeProjectRequestSchema, ZProposeProjectResponseSchema } from './projects.types';

export const projectRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/projects', summary: 'Propose a fund project (项目申报)', tags: ['projects'],
    description: 'Starts a fund project: village notice → township review (six checks) → county appraisal → county decision → county announcement → '
      + 'approval → start of works by the deadline → monthly progress reports against the spending pace → acceptance → asset registration and handover. '
      + 'The same reference again starts nothing new (started: false, 200).',
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'], status: 201,
    body: ZProposeProjectRequestSchema, response: ZProposeProjectResponseSchema,
    handler: async ({ body, req, res }) => {
      const r = await proposeProject(ctx, req.official!, body);
      if (!r.started) res.locals.status = 200;
      return { started: r.started, process: await getProcess(ctx, req.official!, r.processId) };
    },
  }),
];
