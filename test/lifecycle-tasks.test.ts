/**
 * Task handling rules: stand-ins, transfer (转交), nudge (催办), closing a case, and privacy of
 * what Temporal stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, eventually, leadBody, startHarness } from './support/harness';
import { actions, createCase, openTaskOf } from './support/driver';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: compressedPolicy({ notice: 1 }) });
});
afterAll(async () => {
  await h?.stop();
});

describe('tasks', () => {
  it('a stand-in may decide a task on behalf of the assignee, and the audit says on whose behalf', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    const standIn = await h.prisma.official.findFirstOrThrow({ where: { standsInForId: task.assigneeId } });
    expect(task.allowedIds).toContain(standIn.id);
    const res = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: standIn.id, body: { action: 'APPROVE', consentSigned: true } });
    expect(res.status).toBe(200);
    const ev = await h.prisma.auditEvent.findFirstOrThrow({ where: { caseId, action: 'APPROVED' } });
    expect(ev.actorId).toBe(standIn.id);
    expect(ev.onBehalfOfId).toBe(task.assigneeId);
  });

  it('a task transferred to a same-level colleague is decided by the colleague only, and the colleague is notified', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    const colleague = await h.prisma.official.findFirstOrThrow({
      where: { role: 'VILLAGE', regionCode: DEMO.villageA1, standsInForId: null, id: { not: task.assigneeId! } },
    });
    const res = await h.api('POST', `/api/tasks/${task.id}/transfer`, { as: task.assigneeId!, body: { toOfficialId: colleague.id, reason: '外出培训' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).assigneeId).toBe(colleague.id);
    const old = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: task.assigneeId!, body: { action: 'APPROVE', consentSigned: true } });
    expect(old.status).toBe(403);
    const ok = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: colleague.id, body: { action: 'APPROVE', consentSigned: true } });
    expect(ok.status).toBe(200);
    expect(await h.prisma.notification.count({ where: { caseId, kind: 'NEW_TASK', recipientId: colleague.id, taskId: task.id } })).toBe(1);
    expect(await actions(h, caseId)).toContain('TASK_TRANSFERRED');
  });

  it('a task cannot be transferred to another level or another village (422)', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const otherVillage = await h.officialOf('VILLAGE', DEMO.villageA2);
    for (const to of [township, otherVillage]) {
      const res = await h.api('POST', `/api/tasks/${task.id}/transfer`, { as: task.assigneeId!, body: { toOfficialId: to } });
      expect(res.status).toBe(422);
      expect(res.body.error.field).toBe('toOfficialId');
    }
  });

  it('a supervisor nudges (催办) a task and the assignee gets a fresh reminder; a village official cannot nudge', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const res = await h.api('POST', `/api/tasks/${task.id}/nudge`, { as: township });
    expect(res.status).toBe(200);
    const nudges = await h.prisma.notification.findMany({ where: { caseId, kind: 'NUDGE' } });
    expect(nudges.map((n) => n.recipientId)).toEqual([task.assigneeId]);
    const ev = await h.prisma.auditEvent.findFirstOrThrow({ where: { caseId, action: 'TASK_NUDGED' } });
    expect(ev.actorId).toBe(township);
    const refused = await h.api('POST', `/api/tasks/${task.id}/nudge`, { as: task.assigneeId! });
    expect(refused.status).toBe(403);
  });

  it('the county closes a case (moved away) and its tasks are cancelled; a village official cannot', async () => {
    const caseId = await createCase(h);
    await openTaskOf(h, caseId, 'VERIFICATION');
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('POST', `/api/cases/${caseId}/close`, { as: village, body: { reason: 'MOVED_AWAY' } })).status).toBe(403);
    const county = await h.officialOf('COUNTY', DEMO.county);
    const res = await h.api('POST', `/api/cases/${caseId}/close`, { as: county, body: { reason: 'MOVED_AWAY', comment: '全户迁往外省' } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('CLOSED');
    expect(await h.prisma.task.count({ where: { caseId, status: 'OPEN' } })).toBe(0);
    const again = await h.api('POST', `/api/cases/${caseId}/withdraw`, { as: village, body: { reason: 'x' } });
    expect(again.status).toBe(409);
  });

  it('a case that does not exist is 404, and a task that does not exist is 404', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('GET', '/api/cases/BF00000000-NOPE', { as: village })).status).toBe(404);
    expect((await h.api('POST', '/api/tasks/nope/decision', { as: village, body: { action: 'APPROVE' } })).status).toBe(404);
  });

  it('the open tasks a village official sees are its own, with due times', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    // Test files share one database: walk every page of the list (soonest due first) for this task.
    const everyTask = async (query: string, as: string): Promise<any[]> => {
      const all: any[] = [];
      for (let page = 1; ; page++) {
        const res = await h.api('GET', `/api/tasks?${query}&pageSize=200&page=${page}`, { as });
        expect(res.status).toBe(200);
        all.push(...res.body.items);
        if (res.body.items.length === 0 || all.length >= res.body.total) return all;
      }
    };
    const mine = (await everyTask('scope=mine', task.assigneeId!)).find((t: any) => t.id === task.id);
    expect(mine).toBeDefined();
    expect(new Date(mine.dueAt).getTime()).toBeGreaterThan(Date.now());
    const other = await everyTask('scope=region', await h.officialOf('VILLAGE', DEMO.villageB1));
    expect(other.some((t: any) => t.id === task.id)).toBe(false);
  });
});

describe('privacy', () => {
  it('no ID number, phone, name or health detail reaches Temporal: not in search attributes, not in the history', async () => {
    const body = leadBody({ household: { headName: '隐私测试', phone: '13912345678' }, healthDetails: '白血病化疗' });
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/cases', { as: village, body });
    expect(res.status).toBe(201);
    await openTaskOf(h, res.body.case.id, 'VERIFICATION');
    const handle = h.client.workflow.getHandle(res.body.case.workflowId);
    const desc = await eventually(async () => {
      const d = await handle.describe();
      return d.searchAttributes.BangfuRegion ? d : null;
    }, 'search attributes upserted');
    const history = JSON.stringify(await handle.fetchHistory());
    const attributes = JSON.stringify(desc.searchAttributes);
    for (const secret of [body.household.idNumber, '13912345678', '隐私测试', '白血病化疗']) {
      expect(history).not.toContain(secret);
      expect(attributes).not.toContain(secret);
      expect(res.body.case.workflowId).not.toContain(secret);
    }
    expect(desc.searchAttributes.BangfuRegion).toEqual([DEMO.villageA1, DEMO.townshipA, DEMO.county]);
  });
});
