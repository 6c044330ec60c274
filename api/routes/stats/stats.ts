/** GET /api/stats — the county's figures, filterable by region and opening period. */
import { defineRoute } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { computeStats } from '../../services/compute-stats';
import { ZStatsQuerySchema, ZStatsResponseSchema } from './stats.types';

export const statsRoute = (ctx: ServiceContext) =>
  defineRoute({
    method: 'get', path: '/api/stats', summary: 'Figures: cases, overdue tasks, SLA, plan, contact and elimination compliance', tags: ['stats'],
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'],
    query: ZStatsQuerySchema, response: ZStatsResponseSchema,
    handler: ({ query, req }) => computeStats(ctx, req.official!, query),
  });
