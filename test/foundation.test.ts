/**
 * The chain works end to end: HTTP → workflow in Temporal → row in Postgres; the API refuses
 * anonymous and out-of-region callers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './support/harness';
import { DEMO, eventually, leadBody, startHarness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('foundation', () => {
  it('an authenticated lead starts a workflow Temporal sees and a case row Prisma reads', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/cases', { as: village, body: leadBody() });
    expect(res.status).toBe(201);
    const caseId: string = res.body.case.id;
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(row.villageCode).toBe(DEMO.villageA1);
    const description = await h.client.workflow.getHandle(row.workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    await eventually(async () => (await h.prisma.task.count({ where: { caseId, step: 'VERIFICATION', status: 'OPEN' } })) === 1, 'verification task');
  });

  it('a request without a token is refused with 401', async () => {
    const res = await h.api('GET', '/api/cases');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it("a village official cannot read another village's case (403)", async () => {
    const a1 = await h.officialOf('VILLAGE', DEMO.villageA1);
    const b1 = await h.officialOf('VILLAGE', DEMO.villageB1);
    const created = await h.api('POST', '/api/cases', { as: a1, body: leadBody() });
    expect(created.status).toBe(201);
    const res = await h.api('GET', `/api/cases/${created.body.case.id}`, { as: b1 });
    expect(res.status).toBe(403);
  });

  it('health says up and ready when Postgres and Temporal answer', async () => {
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ postgres: true, temporal: true });
  });

  it('bad input is refused with 400 naming the field, and nothing is stored', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const before = await h.prisma.case.count();
    const res = await h.api('POST', '/api/cases', { as: village, body: leadBody({ household: { idNumber: '123' } }) });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('body.household.idNumber');
    expect(res.body.error.message).not.toContain('123');
    expect(await h.prisma.case.count()).toBe(before);
  });
});
