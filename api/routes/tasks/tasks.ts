/**
 * GET /api/tasks and POST /api/tasks/:id/decision · /transfer · /nudge.
 */
import type { Prisma } from '@prisma/client';
import { defineRoute, ZIdParam } from '../../http/define-route';
import { caseScopeWhere } from '../../auth/authenticate';
import type { ServiceContext } from '../../services/context';
import { actorOf, caseOfTask, sendCaseUpdate, transferTask } from '../../services/case-actions';
import { toTask } from '../../services/get-case';
import { decideUpdate, nudgeTaskUpdate } from '../../../workflows/contracts';
import {
  ZDecisionRequestSchema, ZListTasksQuerySchema, ZListTasksResponseSchema, ZTaskActionResponseSchema, ZTransferRequestSchema,
} from './tasks.types';

export const taskRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'get', path: '/api/tasks', summary: 'List tasks', tags: ['tasks'],
    query: ZListTasksQuerySchema, response: ZListTasksResponseSchema,
    handler: async ({ query, req }) => {
      const me = req.official!;
      const now = new Date();
      const where: Prisma.TaskWhereInput = {
        status: query.status,
        ...(query.scope === 'mine' ? { allowedIds: { has: me.id } } : { case: caseScopeWhere(me) as Prisma.CaseWhereInput }),
        ...(query.step ? { step: query.step } : {}),
        ...(query.overdue === 'true' ? { dueAt: { lte: now } } : query.overdue === 'false' ? { dueAt: { gt: now } } : {}),
      };
      const [total, rows] = await Promise.all([
        ctx.prisma.task.count({ where }),
        ctx.prisma.task.findMany({ where, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
      ]);
      return { items: rows.map((t) => toTask(t, now)), page: query.page, pageSize: query.pageSize, total };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/tasks/:id/decision', summary: 'Decide a task (approve, reject, return, dismiss)', tags: ['tasks'],
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY'],
    params: ZIdParam, body: ZDecisionRequestSchema, response: ZTaskActionResponseSchema,
    handler: async ({ params, body, req }) => {
      const kase = await caseOfTask(ctx, params.id);
      const r = await sendCaseUpdate(ctx, req.official!, kase, decideUpdate, { taskId: params.id, ...body, actor: actorOf(req.official!) });
      return { taskId: params.id, caseId: kase.id, ...r };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/tasks/:id/transfer', summary: 'Transfer a task to a same-level colleague', tags: ['tasks'],
    params: ZIdParam, body: ZTransferRequestSchema, response: ZTaskActionResponseSchema,
    handler: async ({ params, body, req }) => {
      const { caseId } = await transferTask(ctx, req.official!, params.id, body.toOfficialId, body.reason);
      const c = await ctx.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      return { taskId: params.id, caseId, status: c.status, step: c.step };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/tasks/:id/nudge', summary: 'Nudge a task (催办)', tags: ['tasks'],
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'],
    params: ZIdParam, response: ZTaskActionResponseSchema,
    handler: async ({ params, req }) => {
      const kase = await caseOfTask(ctx, params.id);
      const r = await sendCaseUpdate(ctx, req.official!, kase, nudgeTaskUpdate, { taskId: params.id, actor: actorOf(req.official!) });
      return { taskId: params.id, caseId: kase.id, ...r };
    },
  }),
];
