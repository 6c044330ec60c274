/** GET /api/cases/:id/history — the audit timeline (and optionally the raw Temporal events). */
import { z } from 'zod';
import { defineRoute, ZIdParam } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { caseRuns, typeName } from '../../services/build-timeline';
import { loadCaseRow } from '../../services/get-case';

export const ZHistoryEvent = z.object({
  at: z.string(),
  action: z.string(),
  step: z.string().nullable(),
  taskId: z.string().nullable(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  onBehalfOfId: z.string().nullable(),
  comment: z.string().nullable(),
  data: z.unknown().nullable(),
});
export const ZHistoryResponseSchema = z.object({
  caseId: z.string(),
  events: z.array(ZHistoryEvent),
  temporal: z.array(z.object({ eventId: z.string(), eventTime: z.string().nullable(), eventType: z.string() })).optional(),
});

export const caseHistoryRoute = (ctx: ServiceContext) =>
  defineRoute({
    method: 'get', path: '/api/cases/:id/history', summary: 'Read the case history', tags: ['cases'],
    params: ZIdParam, query: z.object({ raw: z.enum(['true', 'false']).optional() }), response: ZHistoryResponseSchema,
    handler: async ({ params, query, req }) => {
      const row = await loadCaseRow(ctx, req.official!, params.id);
      const events = await ctx.prisma.auditEvent.findMany({ where: { caseId: params.id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
      const actorIds = [...new Set(events.map((e) => e.actorId).filter((x): x is string => !!x))];
      const officials = await ctx.prisma.official.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } });
      const names = new Map(officials.map((o) => [o.id, o.name]));
      let temporal: { eventId: string; eventTime: string | null; eventType: string }[] | undefined;
      if (query.raw === 'true') {
        // The workflow ID is the household's: read only the runs of this case (and all of them).
        const runs = await caseRuns(ctx, row.workflowId, params.id);
        temporal = runs.flatMap((run) =>
          run.events.map((e) => ({
            eventId: String(e.eventId),
            eventTime: e.eventTime?.seconds != null ? new Date(Number(e.eventTime.seconds) * 1000).toISOString() : null,
            eventType: typeName(e),
          })),
        );
      }
      return {
        caseId: params.id,
        events: events.map((e) => ({
          at: e.at.toISOString(), action: e.action, step: e.step, taskId: e.taskId, actorId: e.actorId,
          actorName: e.actorId ? (names.get(e.actorId) ?? null) : null, onBehalfOfId: e.onBehalfOfId, comment: e.comment, data: e.data ?? null,
        })),
        temporal,
      };
    },
  });
