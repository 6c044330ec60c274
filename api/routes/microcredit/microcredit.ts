/**
 * 小额信贷 routes: POST /api/microcredit/loans (apply for a household) and GET
 * /api/microcredit/figures (lent per village and township, overdue rate per grade, zero-lending
 * villages), POST /api/microcredit/loans/:id/extension (展期). A loan's tasks are decided through POST /api/tasks/:id/decision; loans are listed with
 * GET /api/processes?kind=MICROCREDIT.
 */
import { defineRoute, ZIdParam } from '../../http/define-route';
import { actorOf } from '../../services/case-actions';
import { loadProcessRow, sendProcessUpdate } from '../../services/process-actions';
import { AppError } from '../../http/app-error';
import { MICROCREDIT_KIND, requestLoanExtensionUpdate } from '../../../workflows/microcredit/contracts';
import type { ServiceContext } from '../../services/context';
import { applyForMicrocredit } from '../../services/apply-microcredit';
import { getProcess } from '../../services/get-process';
import { microcreditFigures } from '../../services/microcredit-figures';
import {
  ZApplyMicrocreditRequestSchema, ZApplyMicrocreditResponseSchema, ZLoanExtensionRequestSchema, ZLoanExtensionResponseSchema,
  ZMicrocreditFiguresQuerySchema, ZMicrocreditFiguresResponseSchema,
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
  defineRoute({
    method: 'post', path: '/api/microcredit/loans/:id/extension', summary: 'Ask for an extension (展期/续贷) of a disbursed loan', tags: ['microcredit'],
    description: 'Opens an EXTENSION_APPROVAL task for the county. Approved, the term grows by `months`, open repayment and overdue tasks close and '
      + 'the reminders and grades follow the new due date. Refused (422 naming the field) when the whole term would exceed the policy maximum; 409 when '
      + 'the loan is not disbursed, already ended, or an extension is pending.',
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'], status: 202,
    params: ZIdParam, body: ZLoanExtensionRequestSchema, response: ZLoanExtensionResponseSchema,
    handler: async ({ params, body, req }) => {
      const p = await loadProcessRow(ctx, req.official!, params.id);
      if (p.kind !== MICROCREDIT_KIND) throw new AppError('NOT_FOUND', `loan ${params.id} not found`, { field: 'id' });
      return sendProcessUpdate(ctx, req.official!, p, requestLoanExtensionUpdate, { months: body.months, reason: body.reason, actor: actorOf(req.official!) });
    },
  }),
];
