/**
 * One writer, read-your-writes, no poison input: a task the API shows open is decidable at once;
 * the same household's leads racing start exactly one case; a lead is stored before its
 * workflow starts; data the database can never store is refused and leaves the case usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideUpdate } from '../workflows/contracts';
import type { Harness } from './support/harness';
import { DEMO, eventually, leadBody, randomIdNumber, startHarness } from './support/harness';
import { approve, createCase, openTaskOf, waitForCase } from './support/driver';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

describe('read-your-writes and one writer', () => {
  it('a task the API lists as open is decided at once: no TASK_NOT_OPEN under concurrent load', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const cases = await Promise.all(Array.from({ length: 12 }, () => createCase(h)));
    const refusals: string[] = [];
    let decisions = 0;
    await Promise.all(cases.map(async (caseId) => {
      for (const step of ['VERIFICATION', 'VILLAGE_REVIEW']) {
        // Decide the moment the API shows the task open, as an official's client would.
        const task = await eventually(async () => {
          const res = await h.api('GET', `/api/cases/${caseId}`, { as: village });
          return (res.body.tasks as { id: string; step: string; status: string; dueText: Record<string, string> }[]).find((t) => t.step === step && t.status === 'OPEN');
        }, `${step} shown open`, 30_000);
        // The API's display field reads the due time as a person does.
        expect(task.dueText['zh-CN']).toMatch(/^(\d{4}年)?\d{1,2}月\d{1,2}日（周.）\d{2}:\d{2}前$/);
        if (step === 'VERIFICATION') {
          // So does the case's identification deadline (a working day's end, never the next day's 00:00).
          const shown = (await h.api('GET', `/api/cases/${caseId}`, { as: village })).body;
          expect(shown.slaDueText['zh-CN']).toMatch(/^(\d{4}年)?\d{1,2}月\d{1,2}日（周.）\d{2}:\d{2}前$/);
          expect(shown.slaDueText.en).toMatch(/^by \d{2}:\d{2} \w{3} \d{1,2} \w{3}/);
        }
        const res = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: village, body: { action: 'APPROVE', consentSigned: true } });
        decisions += 1;
        if (res.status !== 200) refusals.push(`${caseId} ${step}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }));
    expect(decisions).toBe(24);
    expect(refusals).toEqual([]);
  });

  it('a decided task is refused as already decided, naming what happened', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    await approve(h, caseId, 'VERIFICATION');
    const again = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: task.assigneeId!, body: { action: 'APPROVE', consentSigned: true } });
    expect(again.status).toBe(409);
    expect(again.body.error.details.refusal).toBe('ALREADY_DECIDED');
    expect(again.body.error.message).toContain('APPROVE');
  });

  it("the same household's leads arriving at the same moment start exactly one case, and the other answer names it", async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const idNumber = randomIdNumber();
    const [a, b] = await Promise.all([
      h.api('POST', '/api/cases', { as: village, body: leadBody({ household: { idNumber }, leadRef: `race-a-${idNumber}` }) }),
      h.api('POST', '/api/cases', { as: village, body: leadBody({ household: { idNumber }, leadRef: `race-b-${idNumber}` }) }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const won = a.status === 201 ? a : b;
    const lost = a.status === 201 ? b : a;
    expect(lost.body.error.details.caseId).toBe(won.body.case.id);
    expect(await h.prisma.case.count({ where: { householdId: won.body.case.householdId } })).toBe(1);
    expect(await h.prisma.lead.count({ where: { householdId: won.body.case.householdId } })).toBe(1);
  });

  it('the same lead sent twice at the same moment is one case: 201 STARTED and 200 ALREADY_RECEIVED with its id', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const body = leadBody({ leadRef: `twice-${randomIdNumber()}` });
    const [a, b] = await Promise.all([h.api('POST', '/api/cases', { as: village, body }), h.api('POST', '/api/cases', { as: village, body })]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.case.id).toBe(b.body.case.id);
    expect([a.body.outcome, b.body.outcome].sort()).toEqual(['ALREADY_RECEIVED', 'STARTED']);
  });

  it('a lead stored before a crash stopped its workflow start is found and started when the client retries', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const body = leadBody({ leadRef: `crash-${randomIdNumber()}` });
    // The first request stored the lead and the household, then the API died before starting the workflow.
    const first = await h.api('POST', '/api/cases', { as: village, body });
    expect(first.status).toBe(201);
    const caseId = first.body.case.id as string;
    const lead = await h.prisma.lead.findUniqueOrThrow({ where: { id: caseId } });
    await h.client.workflow.getHandle(first.body.case.workflowId ?? `household-${lead.householdId}`).terminate('test: the workflow never started');
    await h.prisma.$transaction([
      h.prisma.auditEvent.deleteMany({ where: { caseId } }), h.prisma.notification.deleteMany({ where: { caseId } }),
      h.prisma.taskLink.deleteMany({ where: { caseId } }), h.prisma.task.deleteMany({ where: { caseId } }), h.prisma.case.delete({ where: { id: caseId } }),
    ]);
    const retry = await h.api('POST', '/api/cases', { as: village, body });
    expect(retry.status).toBe(200);
    expect(retry.body.outcome).toBe('ALREADY_RECEIVED');
    expect(retry.body.case.id).toBe(caseId);
    expect(retry.body.case.leadRef ?? (await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).leadKey).toContain('crash-');
    await openTaskOf(h, caseId, 'VERIFICATION');
  });
});

describe('no poison input', () => {
  it('a NUL byte in a reason is refused with 400 naming the field, and the task stays open', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    const res = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: task.assigneeId!, body: { action: 'REJECT', reason: 'bad\u0000byte' } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('body.reason');
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe('OPEN');
  });

  it('data the database can never store fails its commit non-retryably: the Update is refused (BAD_DATA) and the case stays usable', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const actor = { id: task.assigneeId!, role: 'VILLAGE' as const, regionCode: DEMO.villageA1 };
    // Past the API's schema (another client, an old release): straight to the workflow.
    const started = Date.now();
    const refused = await h.client.workflow.getHandle(row.workflowId)
      .executeUpdate(decideUpdate, { args: [{ taskId: task.id, action: 'REJECT', reason: 'bad\u0000byte', actor }] })
      .then(() => null, (err: { cause?: { type?: string } }) => err.cause?.type ?? String(err));
    expect(refused).toBe('BAD_DATA');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await h.state(caseId)).status).toBe('IDENTIFYING');
    // The case takes its next action as if nothing happened.
    await approve(h, caseId, 'VERIFICATION');
    await waitForCase(h, caseId, 'IDENTIFYING', 'VILLAGE_REVIEW');
    expect(await h.prisma.auditEvent.count({ where: { caseId, action: 'REJECTED' } })).toBe(0);
  });
});
