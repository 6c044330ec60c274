/**
 * 易地搬迁后扶 — a relocation settlement's information checklist on the process core, with a real
 * worker, Temporal and PostgreSQL: six item tasks for the township, one left late and escalated,
 * all completed with their data, the settlement's completeness shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { decideProcessTask, openProcessTask } from './support/microcredit-driver';

let h: Harness;
const base = compressedPolicy({ reminder: 1, escalationRepeat: 30 });
const policy: TPolicy = {
  ...base,
  processSteps: { ...base.processSteps, RELOCATION_SETTLEMENT: { ...base.processSteps.RELOCATION_SETTLEMENT, PROPERTY_MANAGEMENT: { unit: 'SECONDS', amount: 4 } } },
};
const ITEMS = ['PARTY_ORGANISATION', 'GOVERNANCE_BODY', 'GRID_LEADERS', 'SERVICE_CENTRE', 'PROPERTY_MANAGEMENT', 'RIGHTS_PROTECTION'];

beforeAll(async () => {
  h = await startHarness({ policy });
});
afterAll(async () => {
  await h?.stop();
});

describe('易地搬迁后扶 settlement checklist', () => {
  it('a settlement checklist is completed item by item, one late item escalated, and shows its completeness', async () => {
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const res = await h.api('POST', '/api/settlements', { as: township, body: { name: '幸福家园安置点', townshipCode: DEMO.townshipA } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const processId = res.body.process.id as string;
    expect(res.body.process).toMatchObject({ kind: 'RELOCATION_SETTLEMENT', status: 'OPEN', title: '易地搬迁后扶：幸福家园安置点' });
    expect(res.body.process.openTasks.map((t: any) => t.step).sort()).toEqual([...ITEMS].sort());
    expect(res.body.process.openTasks.every((t: any) => t.level === 'TOWNSHIP' && t.assigneeId === township)).toBe(true);

    const late = await openProcessTask(h, processId, 'PROPERTY_MANAGEMENT');
    const empty = await h.api('POST', `/api/tasks/${late.id}/decision`, { as: township, body: { action: 'DONE', data: { details: '' } } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('body.data.details');
    for (const item of ITEMS.filter((i) => i !== 'PROPERTY_MANAGEMENT')) {
      await decideProcessTask(h, await openProcessTask(h, processId, item), 'DONE', { details: `${item} 已建立` });
    }
    const half = await h.api('GET', `/api/processes/${processId}`, { as: township });
    expect(half.body.data.completeness).toEqual({ done: 5, total: 6, late: 0 });
    expect(half.body.data.items.PROPERTY_MANAGEMENT).toMatchObject({ done: false, taskId: late.id });

    // The late item is reminded, then escalated to the county.
    await eventually(async () => (await h.prisma.auditEvent.count({ where: { processId, taskId: late.id, action: 'TASK_ESCALATED' } })) > 0, 'the late item escalated', 20_000);
    expect(await h.prisma.notification.count({ where: { processId, taskId: late.id, kind: 'REMINDER' } })).toBe(1);
    expect(await h.prisma.notification.count({ where: { processId, taskId: late.id, kind: 'ESCALATION' } })).toBeGreaterThanOrEqual(1);
    const r = await decideProcessTask(h, late, 'DONE', { details: '已引入物业公司，签订服务合同' });
    expect(r).toMatchObject({ processId, status: 'COMPLETE', openTasks: [] });

    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect((row.data as any).completeness).toEqual({ done: 6, total: 6, late: 1 });
    expect((row.data as any).items.PROPERTY_MANAGEMENT).toMatchObject({ done: true, late: true, details: '已引入物业公司，签订服务合同' });
    expect(row.closedAt).not.toBeNull();
    expect(await h.client.workflow.getHandle(row.workflowId).result()).toEqual({ processId, status: 'COMPLETE', completed: 6, late: 1 });
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    expect(actions.filter((a) => a === 'CHECKLIST_ITEM_COMPLETED')).toHaveLength(6);
    for (const a of ['CHECKLIST_STARTED', 'CHECKLIST_ITEM_LATE', 'CHECKLIST_COMPLETED', 'REMINDER_SENT']) expect(actions, a).toContain(a);
  });

  it('a settlement is started only within the official\'s region, with owners of its township', async () => {
    const otherTownship = await h.officialOf('TOWNSHIP', DEMO.townshipB);
    const forbidden = await h.api('POST', '/api/settlements', { as: otherTownship, body: { name: 'x', townshipCode: DEMO.townshipA } });
    expect(forbidden.status).toBe(403);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('POST', '/api/settlements', { as: village, body: { name: 'x', townshipCode: DEMO.townshipA } })).status).toBe(403);
    const county = await h.officialOf('COUNTY', DEMO.county);
    const badOwner = await h.api('POST', '/api/settlements', { as: county, body: { name: 'x', townshipCode: DEMO.townshipA, owners: { GRID_LEADERS: otherTownship } } });
    expect(badOwner.status).toBe(422);
    expect(badOwner.body.error.field).toBe('owners.GRID_LEADERS');
    expect((await h.api('POST', '/api/settlements', { as: county, body: { name: 'x', townshipCode: DEMO.townshipA, owners: { NOPE: county } } })).status).toBe(400);
  });
});
