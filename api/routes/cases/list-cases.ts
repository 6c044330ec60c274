/** GET /api/cases — cases in the official's region, filtered and paged. */
import { defineRoute } from '../../http/define-route';
import { listCases } from '../../services/list-cases';
import type { ServiceContext } from '../../services/context';
import { ZListCasesQuerySchema, ZListCasesResponseSchema } from './list-cases.types';

export const listCasesRoute = (ctx: ServiceContext) =>
  defineRoute({
    method: 'get', path: '/api/cases', summary: 'List cases', tags: ['cases'],
    query: ZListCasesQuerySchema, response: ZListCasesResponseSchema,
    handler: ({ query, req }) => listCases(ctx, req.official!, query),
  });
