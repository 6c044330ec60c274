/**
 * POST /api/cases/:id/objections · /measures · /contacts · /withdraw · /close · /rollback and
 * PATCH /api/cases/:id/measures/:measureId — each an Update to the case workflow.
 */
import { defineRoute, ZIdParam } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { actorOf, rollbackElimination, sendCaseUpdate } from '../../services/case-actions';
import { newId } from '../../services/ids';
import {
  closeCaseUpdate, fileObjectionUpdate, recordContactUpdate, recordMeasureUpdate, requestEliminationUpdate, updateMeasureUpdate, withdrawUpdate,
} from '../../../workflows/contracts';
import { ZActionResult } from './case.types';
import {
  ZCloseRequestSchema, ZContactRequestSchema, ZMeasureParams, ZMeasurePatchRequestSchema, ZMeasureRequestSchema,
  ZEliminationReviewRequestSchema, ZObjectionRequestSchema, ZRollbackRequestSchema, ZWithdrawRequestSchema,
} from './case-actions.types';
import { z } from 'zod';

const ZCreatedResult = ZActionResult.extend({ id: z.string() });
const beijingMidnight = (date: string): string => new Date(`${date}T00:00:00+08:00`).toISOString();

export const caseActionRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/cases/:id/objections', summary: 'File an objection during the public notice', tags: ['cases'], status: 201,
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN', 'CONTACT'],
    params: ZIdParam, body: ZObjectionRequestSchema, response: ZCreatedResult,
    handler: async ({ params, body, req }) => {
      const id = newId('obj');
      const r = await sendCaseUpdate(ctx, req.official!, params.id, fileObjectionUpdate, { objectionId: id, text: body.text, actor: actorOf(req.official!) });
      return { caseId: params.id, id, ...r };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/cases/:id/measures', summary: 'Record an assistance measure', tags: ['assistance'], status: 201,
    roles: ['CONTACT', 'VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'],
    params: ZIdParam, body: ZMeasureRequestSchema, response: ZCreatedResult,
    handler: async ({ params, body, req }) => {
      const id = body.id ?? newId('m');
      const r = await sendCaseUpdate(ctx, req.official!, params.id, recordMeasureUpdate, {
        measureId: id, type: body.type, description: body.description, memberName: body.memberName, actor: actorOf(req.official!),
      });
      return { caseId: params.id, id, ...r };
    },
  }),
  defineRoute({
    method: 'patch', path: '/api/cases/:id/measures/:measureId', summary: 'Mark a measure implemented or cancelled', tags: ['assistance'],
    roles: ['CONTACT', 'VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'],
    params: ZMeasureParams, body: ZMeasurePatchRequestSchema, response: ZActionResult,
    handler: async ({ params, body, req }) => {
      const r = await sendCaseUpdate(ctx, req.official!, params.id, updateMeasureUpdate, {
        measureId: params.measureId, status: body.status, implementedOn: body.implementedOn ? beijingMidnight(body.implementedOn) : undefined, actor: actorOf(req.official!),
      });
      return { caseId: params.id, ...r };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/cases/:id/contacts', summary: 'Record a contact with the household', tags: ['assistance'], status: 201,
    roles: ['CONTACT', 'VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'],
    params: ZIdParam, body: ZContactRequestSchema, response: ZCreatedResult,
    handler: async ({ params, body, req }) => {
      const id = body.id ?? newId('ct');
      const r = await sendCaseUpdate(ctx, req.official!, params.id, recordContactUpdate, {
        contactRecordId: id, contactedOn: beijingMidnight(body.contactedOn), method: body.method, note: body.note, actor: actorOf(req.official!),
      });
      return { caseId: params.id, id, ...r };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/cases/:id/withdraw', summary: 'Withdraw a case during identification', tags: ['cases'],
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'],
    params: ZIdParam, body: ZWithdrawRequestSchema, response: ZActionResult,
    handler: async ({ params, body, req }) => ({ caseId: params.id, ...(await sendCaseUpdate(ctx, req.official!, params.id, withdrawUpdate, { reason: body.reason, actor: actorOf(req.official!) })) }),
  }),
  defineRoute({
    method: 'post', path: '/api/cases/:id/elimination-review', summary: 'Request the elimination review now (风险消除申请)', tags: ['cases'],
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'],
    params: ZIdParam, body: ZEliminationReviewRequestSchema, response: ZActionResult,
    handler: async ({ params, body, req }) => ({ caseId: params.id, ...(await sendCaseUpdate(ctx, req.official!, params.id, requestEliminationUpdate, { comment: body.comment, actor: actorOf(req.official!) })) }),
  }),
  defineRoute({
    method: 'post', path: '/api/cases/:id/close', summary: 'Close a case (moved away, deceased)', tags: ['cases'],
    roles: ['COUNTY', 'ADMIN'],
    params: ZIdParam, body: ZCloseRequestSchema, response: ZActionResult,
    handler: async ({ params, body, req }) => ({ caseId: params.id, ...(await sendCaseUpdate(ctx, req.official!, params.id, closeCaseUpdate, { ...body, actor: actorOf(req.official!) })) }),
  }),
  defineRoute({
    method: 'post', path: '/api/cases/:id/rollback', summary: 'Roll back an elimination within the window', tags: ['cases'],
    roles: ['COUNTY', 'ADMIN'],
    params: ZIdParam, body: ZRollbackRequestSchema, response: ZActionResult,
    handler: async ({ params, body, req }) => ({ caseId: params.id, ...(await rollbackElimination(ctx, req.official!, params.id, body.reason)) }),
  }),
];
