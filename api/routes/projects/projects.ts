/**
 * Fund projects (衔接资金项目): POST /api/projects (项目申报). Listing and detail are the process
 * routes' (`GET /api/processes?kind=FUND_PROJECT`, `GET /api/processes/:id`); tasks are decided
 * through POST /api/tasks/:id/decision.
 */
import { defineRoute, ZIdParam } from '../../http/define-route';
import { ZProcessDetail } from '../processes/processes.types';
import type { ServiceContext } from '../../services/context';
import { getProcess } from '../../services/get-process';
import { fileObjection, proposeProject } from '../../services/start-project';
import { ZProjectObjectionSchema, ZProposeProjectRequestSchema, ZProposeProjectResponseSchema } from './projects.types';

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
  defineRoute({
    method: 'post', path: '/api/projects/:id/objections', summary: 'Object to a project during its notice (公示异议)', tags: ['projects'],
    description: 'Only during the village notice or the county announcement (409 otherwise). Opens an investigation task (township for the village notice, '
      + 'county for the announcement); the notice ends only when every objection is investigated; an upheld one returns the proposal to the village or rejects it.',
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'], status: 201,
    params: ZIdParam, body: ZProjectObjectionSchema, response: ZProcessDetail,
    handler: async ({ params, body, req }) => {
      await fileObjection(ctx, req.official!, params.id, body.text);
      return getProcess(ctx, req.official!, params.id);
    },
  }),
];
