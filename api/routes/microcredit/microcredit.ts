/**
 * 小额信贷 routes: POST /api/microcredit/loans (apply for a household) and GET
 * /api/microcredit/figures (lent per village and township, overdue rate per grade, zero-lending
 * villages). A loan's tasks are decided through POST /api/tasks/:id/decision; loans are listed with
 * GET /api/processes?kind=MICROCREDIT.
 */
import { defineRoute } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { applyForMicrocredit } from '../../services/apply-microcredit';
import { getProcess } from '../../services/get-process';
import { microcreditFigures } from '../../services/microcredit-figures';
import {
  ZApplyMicrocreditRequestSchema, ZApplyMicrocreditResponseSchema, ZMicrocreditFiguresQuerySchema, ZMicrocreditFiguresResponseSchema,
} from './microcredit.types';

export const microcreditRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/microcredit/loans', summary: 'Apply for a microcredit loan (小额信贷) for a household', tags: ['microcredit'],
    description: 'Starts a loan: village check → township check → the bank\'s decision and disbursement (county) → an IMPLEMENTED MICROCREDIT measure on the '
      + 'household\'s open case → use check → repayment reminders → repaid, or overdue graded 1–30 / 31–90 / > 90 days with follow-up tasks. '
      + 'Amount and term are checked against the policy maximums (422 naming the field). The bank account is sealed at rest and never returned. '
      + 'The same processId again starts nothing new (started: false).',
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'], status: 201,
    body: ZApplyMicrocreditRequestSchema, response: ZApplyMicrocreditResponseSchema,
    handler: async ({ body, req, res }) => {
      const r = await applyForMicrocredit(ctx, req.official!, body);
      if (!r.started) res.locals.status = 200;
      return { started: r.started, process: await getProcess(ctx, req.official!, r.processId) };
    },
  }),
  defineRoute({
    method: 'get', path: '/api/microcredit/figures', summary: 'Microcredit figures: lent per village and township, overdue per grade, zero-lending villages', tags: ['microcredit'],
    query: ZMicrocreditFiguresQuerySchema, response: ZMicrocreditFiguresResponseSchema,
    handler: ({ query, req }) => microcreditFigures(ctx, req.official!, query.year ?? new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4)),
  }),
];
