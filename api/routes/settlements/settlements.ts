/**
 * 易地搬迁后扶 route: POST /api/settlements starts a settlement's information checklist. Its items
 * are completed through POST /api/tasks/:id/decision (DONE with `details`); GET /api/processes/:id
 * shows the settlement's completeness (`data.completeness`, `data.items`); GET /api/settlements/figures
 * each settlement's households' employment.
 */
import { defineRoute } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { getProcess } from '../../services/get-process';
import { settlementFigures } from '../../services/settlement-figures';
import { startSettlement } from '../../services/start-settlement';
import { ZSettlementFiguresResponseSchema, ZStartSettlementRequestSchema, ZStartSettlementResponseSchema } from './settlements.types';

export const settlementRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/settlements', summary: 'Start a relocation settlement\'s information checklist (易地搬迁后扶)', tags: ['settlements'],
    description: 'Opens one task per item (party organisation, community governance body, grid and building leaders, service centre and public facilities, '
      + 'property management, rights protection) for the township or a named official, with the policy\'s deadline, reminder and escalation. '
      + 'Each is completed with DONE and `details`; the last one completes the checklist.',
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'], status: 201,
    body: ZStartSettlementRequestSchema, response: ZStartSettlementResponseSchema,
    handler: async ({ body, req, res }) => {
      const r = await startSettlement(ctx, req.official!, body);
      if (!r.started) res.locals.status = 200;
      return { started: r.started, process: await getProcess(ctx, req.official!, r.processId) };
    },
  }),
  defineRoute({
    method: 'get', path: '/api/settlements/figures', summary: 'Employment figures per relocation settlement (安置点就业统计) and each checklist\'s completeness', tags: ['settlements'],
    description: 'Per settlement in the official\'s region: relocated households followed up, households with labour in work and members in work, '
      + 'seeking work, without labour, not yet recorded, the employment rate, visits, late visits and visits overdue now.',
    response: ZSettlementFiguresResponseSchema,
    handler: ({ req }) => settlementFigures(ctx, req.official!),
  }),
];
