/**
 * GET /api/tasks and POST /api/tasks/:id/decision · /transfer · /nudge. A task of a household case
 * goes to the case's workflow; a task of another process (约谈, campaign, project …) to that
 * process's workflow, its `data` checked first by the schema its kind registered.
 */
import type { Prisma } from '@prisma/client';
import { defineRoute, ZIdParam } from '../../http/define-route';
import { caseScopeWhere } from '../../auth/authenticate';
import type { ServiceContext } from '../../services/context';
import { actorOf, sendCaseUpdate, transferTask } from '../../services/case-actions';
import { decideProcessTask, nudgeProcessTask, ownerOfTask, processScopeWhere } from '../../services/process-actions';
import { toTask } from '../../services/get-case';
import { caseRefOfTask } from '../../services/hot-reads';
import { AppError } from '../../http/app-error';
import { apiLang } from '../../http/messages';
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
        ...(query.scope === 'mine'
          ? { allowedIds: { has: me.id } }
          : { OR: [{ case: caseScopeWhere(me) as Prisma.CaseWhereInput }, { process: processScopeWhere(me) }] }),
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
    method: 'post', path: '/api/tasks/:id/decision', summary: 'Decide a task (approve, reject, return, dismiss, done)', tags: ['tasks'],
    description: 'A case task takes APPROVE, REJECT, RETURN or DISMISS with the case fields; a task of another process takes the actions of its step '
      + '(e.g. DONE for 约谈) with `data` as its kind declares it (GET /api/processes/{id} lists the open tasks).',
    // GRID: a grid worker submits their grid's screening; CONTACT: an assistance contact records the
    // visit of a relocated household they hold (the workflows refuse them every other step).
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'GRID', 'CONTACT'],
    params: ZIdParam, body: ZDecisionRequestSchema, response: ZTaskActionResponseSchema,
    handler: async ({ params, body, req }) => {
      // A case's task in one prepared statement (the hot path); anything else is a process's task or unknown.
      const kase = await caseRefOfTask(ctx.prisma, params.id);
      if (!kase) {
        const owner = await ownerOfTask(ctx, params.id);
        if (!owner.process) throw new AppError('NOT_FOUND', `task ${params.id} not found`, { field: 'id' });
        const r = await decideProcessTask(ctx, req.official!, owner, body, apiLang(req));
        return { taskId: params.id, processId: r.processId, status: r.status, step: r.step, openTasks: r.openTasks };
      }
      const { data: _data, action, ...caseFields } = body;
      if (action === 'DONE') throw new AppError('INVALID_INPUT', 'action: a case task takes APPROVE, REJECT, RETURN or DISMISS', { field: 'body.action' });
      const r = await sendCaseUpdate(ctx, req.official!, kase, decideUpdate, { taskId: params.id, action, ...caseFields, actor: actorOf(req.official!) });
      return { taskId: params.id, caseId: kase.id, ...r };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/tasks/:id/transfer', summary: 'Transfer a task to a same-level colleague', tags: ['tasks'],
    params: ZIdParam, body: ZTransferRequestSchema, response: ZTaskActionResponseSchema,
    handler: async ({ params, body, req }) => {
      const { caseId, processId } = await transferTask(ctx, req.official!, params.id, body.toOfficialId, body.reason);
      if (processId) {
        const p = await ctx.prisma.process.findUniqueOrThrow({ where: { id: processId } });
        return { taskId: params.id, processId, status: p.status, step: p.step };
      }
      const c = await ctx.prisma.case.findUniqueOrThrow({ where: { id: caseId as string } });
      return { taskId: params.id, caseId: c.id, status: c.status, step: c.step };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/tasks/:id/nudge', summary: 'Nudge a task (催办)', tags: ['tasks'],
    roles: ['TOWNSHIP', 'COUNTY', 'ADMIN'],
    params: ZIdParam, response: ZTaskActionResponseSchema,
    handler: async ({ params, req }) => {
      const owner = await ownerOfTask(ctx, params.id);
      if (owner.process) {
        const r = await nudgeProcessTask(ctx, req.official!, owner);
        return { taskId: params.id, processId: r.processId, status: r.status, step: r.step, openTasks: r.openTasks };
      }
      const r = await sendCaseUpdate(ctx, req.official!, owner.case, nudgeTaskUpdate, { taskId: params.id, actor: actorOf(req.official!) });
      return { taskId: params.id, caseId: owner.case.id, ...r };
    },
  }),
];
