/**
 * Processes beyond the household case (流程核心): GET /api/processes (filter by kind, status, open),
 * GET /api/processes/:id (snapshot and open tasks) and POST /api/interviews (发起约谈). Their tasks
 * are decided through POST /api/tasks/:id/decision like a case's.
 */
import { defineRoute, ZIdParam } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { getProcess, listProcesses, toProcessSummary } from '../../services/get-process';
import { requestInterview } from '../../services/start-interview';
import {
  ZListProcessesQuerySchema, ZListProcessesResponseSchema, ZProcessDetail, ZStartInterviewRequestSchema, ZStartInterviewResponseSchema,
} from './processes.types';

export const processRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'get', path: '/api/processes', summary: 'List processes beyond the household case', tags: ['processes'],
    query: ZListProcessesQuerySchema, response: ZListProcessesResponseSchema,
    handler: async ({ query, req }) => {
      const open = query.open === undefined ? undefined : query.open === 'true';
      const { items, total } = await listProcesses(ctx, req.official!, { kind: query.kind, status: query.status, open }, query);
      return { items: items.map(toProcessSummary), page: query.page, pageSize: query.pageSize, total };
    },
  }),
  defineRoute({
    method: 'get', path: '/api/processes/:id', summary: 'Get a process (snapshot and open tasks)', tags: ['processes'],
    params: ZIdParam, response: ZProcessDetail,
    handler: ({ params, req }) => getProcess(ctx, req.official!, params.id),
  }),
  defineRoute({
    method: 'post', path: '/api/interviews', summary: 'Ask for an interview (约谈) of a unit', tags: ['processes'],
    description: 'Starts a 约谈 of a village, township or county: one task for its supervisor (named, or the first official of the level above), '
      + 'with the policy\'s limit, a reminder and escalations; the supervisor records the outcome (held, heldOn, notes) with DONE. '
      + 'The same processId again starts nothing new (started: false).',
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'], status: 201,
    body: ZStartInterviewRequestSchema, response: ZStartInterviewResponseSchema,
    handler: async ({ body, req, res }) => {
      const r = await requestInterview(ctx, req.official!, body);
      if (!r.started) res.locals.status = 200;
      return { started: r.started, process: await getProcess(ctx, req.official!, r.processId) };
    },
  }),
];
