/** GET /api/cases/:id — one case with tasks, measures, contacts and objections. */
import { defineRoute, ZIdParam } from '../../http/define-route';
import { getCase } from '../../services/get-case';
import type { ServiceContext } from '../../services/context';
import { ZCaseDetail } from './case.types';

export const getCaseRoute = (ctx: ServiceContext) =>
  defineRoute({
    method: 'get', path: '/api/cases/:id', summary: 'Get a case', tags: ['cases'],
    params: ZIdParam, response: ZCaseDetail,
    handler: ({ params, req }) => getCase(ctx, req.official!, params.id),
  });
