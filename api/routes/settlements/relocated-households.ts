/**
 * 易地搬迁户后续扶持 routes: POST /api/settlements/:id/households registers a relocated household
 * of the settlement for follow-up (a monthly visit task recording its employment, reminded and
 * escalated when overdue); POST /api/relocated-households/:id/employment records its employment
 * between visits. Visits are decided through POST /api/tasks/:id/decision (DONE with visitedOn,
 * status, workers); the follow-ups are listed with GET /api/processes?kind=RELOCATED_HOUSEHOLD.
 */
import { defineRoute, ZIdParam } from '../../http/define-route';
import { AppError } from '../../http/app-error';
import { actorOf } from '../../services/case-actions';
import type { ServiceContext } from '../../services/context';
import { getProcess } from '../../services/get-process';
import { loadProcessRow, sendProcessUpdate } from '../../services/process-actions';
import { startRelocatedHousehold } from '../../services/start-relocated-household';
import { RELOCATED_HOUSEHOLD_KIND, recordEmploymentUpdate } from '../../../workflows/relocated-household/contracts';
import { ZEmploymentRequestSchema, ZEmploymentResponseSchema, ZRegisterRelocatedRequestSchema, ZRegisterRelocatedResponseSchema } from './relocated-households.types';

export const relocatedHouseholdRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/settlements/:id/households', summary: 'Register a relocated household of a settlement for follow-up (易地搬迁户后续扶持)', tags: ['settlements'],
    description: 'Starts the household\'s follow-up: a visit task for its village, due a month after the previous visit, reminded before and escalated to the '
      + 'township and county when overdue; each visit records the household\'s employment status. One follow-up per case: the same again is started: false.',
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'], status: 201,
    params: ZIdParam, body: ZRegisterRelocatedRequestSchema, response: ZRegisterRelocatedResponseSchema,
    handler: async ({ params, body, req, res }) => {
      const r = await startRelocatedHousehold(ctx, req.official!, params.id, body.caseId);
      if (!r.started) res.locals.status = 200;
      return { started: r.started, process: await getProcess(ctx, req.official!, r.processId) };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/relocated-households/:id/employment', summary: 'Record a relocated household\'s employment (就业状况) between visits', tags: ['settlements'],
    description: 'Records the employment status and the members in work; a change of status is its own audit line. 409 when the follow-up has ended.',
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'], params: ZIdParam, body: ZEmploymentRequestSchema, response: ZEmploymentResponseSchema,
    handler: async ({ params, body, req }) => {
      const p = await loadProcessRow(ctx, req.official!, params.id);
      if (p.kind !== RELOCATED_HOUSEHOLD_KIND) throw new AppError('NOT_FOUND', `relocated household ${params.id} not found`, { field: 'id' });
      return sendProcessUpdate(ctx, req.official!, p, recordEmploymentUpdate, { status: body.status, workers: body.workers, ...(body.notes ? { notes: body.notes } : {}), actor: actorOf(req.official!) });
    },
  }),
];
