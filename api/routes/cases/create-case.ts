/** POST /api/cases — a new lead starts a case. */
import { defineRoute } from '../../http/define-route';
import { createCase } from '../../services/start-case';
import type { ServiceContext } from '../../services/context';
import { ZCreateCaseRequestSchema, ZCreateCaseResponseSchema } from './create-case.types';

export const createCaseRoute = (ctx: ServiceContext) =>
  defineRoute({
    method: 'post', path: '/api/cases', summary: 'Create a case from a lead', tags: ['cases'], status: 201,
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN', 'CONTACT'],
    body: ZCreateCaseRequestSchema, response: ZCreateCaseResponseSchema,
    handler: async ({ body, req, res }) => {
      const result = await createCase(ctx, req.official!, body);
      if (result.outcome === 'ALREADY_RECEIVED') res.locals.status = 200;
      return result;
    },
  });
