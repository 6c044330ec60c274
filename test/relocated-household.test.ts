/**
 * 易地搬迁户后续扶持 — per relocated household of a settlement: a monthly visit recording its
 * employment status, reminded and escalated when overdue like a missed contact, and employment
 * updates between visits. Real worker, Temporal, PostgreSQL and SMTP-less outbox, with a
 * compressed policy (a "month" between visits is six seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { createCase, driveToMonitored } from './support/driver';
import { decideProcessTask, openProcessTask, todayBeijing } from './support/microcredit-driver';

let h: Harness;
const base = compressedPolicy({ reminder: 1, escalationRepeat: 30 });
const policy: TPolicy = { ...base, processSteps: { ...base.processSteps, RELOCATED_HOUSEHOLD: { VISIT: { unit: 'SECONDS', amount: 6 } } } };

beforeAll(async () => {
  h = await startHarness({ policy });
});
afterAll(async () => {
  await h?.stop();
});

describe('易地搬迁户后续扶持 relocated household follow-up', () => {
  it('a relocated household is visited monthly with its employment recorded; an overdue visit is reminded and escalated, recorded late; employment changes between visits', async () => {
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const s = await h.api('POST', '/api/settlements', { as: township, body: { name: '安居苑安置点', townshipCode: DEMO.townshipA } });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    const settlementId = s.body.process.id as string;
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);

    const reg = await h.api('POST', `/api/settlements/${settlementId}/households`, { as: township, body: { caseId } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const processId = reg.body.process.id as string;
    expect(reg.body.process).toMatchObject({ kind: 'RELOCATED_HOUSEHOLD', status: 'FOLLOWING_UP', step: 'VISIT' });
    // The same household again starts nothing new.
    const again = await h.api('POST', `/api/settlements/${settlementId}/households`, { as: township, body: { caseId } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ started: false, process: { id: processId } });

    // Visit 1 on time, with the employment.
    const seen = new Set<string>();
    const v1 = await openProcessTask(h, processId, 'VISIT', seen);
    expect(v1.level).toBe('VILLAGE');
    const future = await h.api('POST', `/api/tasks/${v1.id}/decision`, { as: v1.assigneeId!, body: { action: 'DONE', data: { visitedOn: '2099-01-01', status: 'EMPLOYED_AWAY', workers: 2 } } });
    expect(future.status).toBe(400);
    expect(future.body.error.field).toBe('data.visitedOn');
    const badStatus = await h.api('POST', `/api/tasks/${v1.id}/decision`, { as: v1.assigneeId!, body: { action: 'DONE', data: { visitedOn: todayBeijing(), status: 'RICH', workers: 2 } } });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.field).toBe('body.data.status');
    await decideProcessTask(h, v1, 'DONE', { visitedOn: todayBeijing(), status: 'EMPLOYED_AWAY', workers: 2, notes: '两人在外省务工' });

    // Visit 2 left overdue: reminded, then escalated to the township, then recorded late.
    const v2 = await openProcessTask(h, processId, 'VISIT', seen);
    await eventually(async () => (await h.prisma.auditEvent.count({ where: { processId, taskId: v2.id, action: 'TASK_ESCALATED' } })) > 0, 'the overdue visit escalated', 30_000);
    expect(await h.prisma.notification.count({ where: { processId, taskId: v2.id, kind: 'REMINDER' } })).toBe(1);
    expect(await h.prisma.notification.count({ where: { processId, taskId: v2.id, kind: 'ESCALATION' } })).toBeGreaterThanOrEqual(1);
    await decideProcessTask(h, v2, 'DONE', { visitedOn: todayBeijing(), status: 'EMPLOYED_LOCAL', workers: 1 });
    await eventually(async () => Number(((await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).data as any).visits) === 2, 'two visits');
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(row.data).toMatchObject({ settlementId, visits: 2, lateVisits: 1, employment: { status: 'EMPLOYED_LOCAL', workers: 1 } });

    // Employment between visits, through the API; a wrong one names its field.
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const wrong = await h.api('POST', `/api/relocated-households/${processId}/employment`, { as: village, body: { status: 'NO_LABOUR', workers: 2 } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.field).toBe('workers');
    const upd = await h.api('POST', `/api/relocated-households/${processId}/employment`, { as: village, body: { status: 'PUBLIC_WELFARE_JOB', workers: 1, notes: '安排保洁公益岗' } });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    const after = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect((after.data as any).employment).toMatchObject({ status: 'PUBLIC_WELFARE_JOB', workers: 1 });
    expect((after.data as any).employmentHistory.map((e: any) => e.status)).toEqual(['EMPLOYED_AWAY', 'EMPLOYED_LOCAL', 'PUBLIC_WELFARE_JOB']);
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    for (const a of ['RELOCATED_HOUSEHOLD_REGISTERED', 'RELOCATED_VISIT_RECORDED', 'VISIT_LATE', 'EMPLOYMENT_UPDATED', 'EMPLOYMENT_STATUS_CHANGED', 'REMINDER_SENT', 'TASK_ESCALATED']) expect(actions, a).toContain(a);
    // The next visit is already open.
    await openProcessTask(h, processId, 'VISIT', seen);
  });

  it('only a township or the county registers, only households of the settlement\'s county, and a village of another township may not update', async () => {
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const s = await h.api('POST', '/api/settlements', { as: township, body: { name: '第二安置点', townshipCode: DEMO.townshipA } });
    const settlementId = s.body.process.id as string;
    const caseId = await createCase(h);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('POST', `/api/settlements/${settlementId}/households`, { as: village, body: { caseId } })).status).toBe(403);
    const unknown = await h.api('POST', `/api/settlements/${settlementId}/households`, { as: township, body: { caseId: 'BF-NOPE' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe('caseId');
    expect((await h.api('POST', `/api/settlements/${caseId}/households`, { as: township, body: { caseId } })).status).toBe(404);
    const reg = await h.api('POST', `/api/settlements/${settlementId}/households`, { as: township, body: { caseId } });
    expect(reg.status).toBe(201);
    const other = await h.officialOf('VILLAGE', DEMO.villageB1);
    expect((await h.api('POST', `/api/relocated-households/${reg.body.process.id}/employment`, { as: other, body: { status: 'SEEKING_WORK', workers: 0 } })).status).toBe(403);
  });
});
