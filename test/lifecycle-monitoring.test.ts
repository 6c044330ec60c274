/**
 * Monitoring and elimination rules (帮扶与风险消除), reminders and escalation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, eventually, randomIdNumber, startHarness } from './support/harness';
import {
  actions, approve, createCase, decide, driveElimination, driveToMonitored, implementMeasure, openTaskOf, untilEliminationStarts } from './support/driver';

/** Elimination waits an hour here, so nothing qualifies by the timer during a test. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: compressedPolicy({ notice: 1, elimination: 3600 }) });
});
afterAll(async () => {
  await h?.stop();
});

async function requestElimination(hh: Harness, caseId: string): Promise<{ status: number; body: any }> {
  const village = await hh.officialOf('VILLAGE', DEMO.villageA1);
  return hh.api('POST', `/api/cases/${caseId}/elimination-review`, { as: village, body: {} });
}

describe('elimination is refused when the policy forbids it', () => {
  it('elimination is refused before the waiting time (six months in production)', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    await implementMeasure(h, caseId);
    const res = await requestElimination(h, caseId);
    expect(res.status).toBe(422);
    expect(res.body.error.details.refusal).toBe('TOO_EARLY');
    expect(res.body.error.message).toMatch(/waiting time/);
    expect((await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('MONITORED');
  });

  it('elimination is refused without an implemented measure', async () => {
    const fast = await startHarness({ policy: compressedPolicy({ notice: 1, elimination: 1, review: 3600 }) });
    try {
      const caseId = await createCase(fast);
      await driveToMonitored(fast, caseId);
      const village = await fast.officialOf('VILLAGE', DEMO.villageA1);
      const planned = await fast.api('POST', `/api/cases/${caseId}/measures`, { as: village, body: { type: 'INDUSTRY', description: '产业奖补' } });
      expect(planned.status).toBe(201);
      const res = await requestElimination(fast, caseId);
      expect(res.status).toBe(422);
      expect(res.body.error.details.refusal).toBe('NO_IMPLEMENTED_MEASURE');
      // Plan coverage (应帮尽帮) counts a column the commit writes with each measure: a planned one is not yet covered.
      expect((await fast.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).measureImplemented).toBe(false);
    } finally {
      await fast.stop();
    }
  });

  it('a household with no working capacity is never eliminated: refused on request, and the timer review schedules the next one', async () => {
    const fast = await startHarness({ policy: compressedPolicy({ notice: 1, elimination: 2, review: 3600 }) });
    try {
      const caseId = await createCase(fast, { household: { noLabour: true }, riskTypes: ['NO_LABOUR'] });
      await driveToMonitored(fast, caseId);
      await implementMeasure(fast, caseId);
      const res = await requestElimination(fast, caseId);
      expect(res.status).toBe(422);
      expect(res.body.error.details.refusal).toBe('NO_LABOUR_HOUSEHOLD');
      await eventually(async () => (await actions(fast, caseId)).includes('NEXT_REVIEW_SCHEDULED'), 'timer review refusal and the next review');
      expect(await actions(fast, caseId)).toContain('REVIEW_NOT_ELIGIBLE');
      const c = await fast.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      expect(c.status).toBe('MONITORED');
      expect(c.nextReviewAt!.getTime()).toBeGreaterThan(Date.now() + 3000_000);
    } finally {
      await fast.stop();
    }
  });
});

describe('elimination review', () => {
  it('a declined elimination keeps the case monitored and schedules the next review', async () => {
    const fast = await startHarness({ policy: compressedPolicy({ notice: 1, elimination: 1, review: 3600 }) });
    try {
      const caseId = await createCase(fast);
      await driveToMonitored(fast, caseId);
      await implementMeasure(fast, caseId);
      await untilEliminationStarts(fast, caseId);
      await approve(fast, caseId, 'ELIM_ASSESSMENT');
      const res = await decide(fast, caseId, 'ELIM_VILLAGE_REVIEW', 'REJECT', { reason: '收入尚不稳定' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('MONITORED');
      const c = await fast.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      expect(c.nextReviewAt!.getTime()).toBeGreaterThan(Date.now() + 3000_000);
      expect(await actions(fast, caseId)).toEqual(expect.arrayContaining(['ELIMINATION_DECLINED', 'NEXT_REVIEW_SCHEDULED']));
    } finally {
      await fast.stop();
    }
  });

  it('an elimination is rolled back within the window, and a new lead for an eliminated household is linked to the old case', async () => {
    const fast = await startHarness({ policy: compressedPolicy({ notice: 1, elimination: 1, review: 3600 }) });
    try {
      const county = await fast.officialOf('COUNTY', DEMO.county);
      const village = await fast.officialOf('VILLAGE', DEMO.villageA1);
      // Rollback.
      const a = await createCase(fast);
      await driveToMonitored(fast, a);
      await implementMeasure(fast, a);
      expect((await fast.prisma.case.findUniqueOrThrow({ where: { id: a } })).measureImplemented, 'an implemented measure covers the plan').toBe(true);
      await untilEliminationStarts(fast, a);
      await driveElimination(fast, a);
      // The commit that eliminates stores the figures' compliance; the rollback clears it.
      expect((await fast.prisma.case.findUniqueOrThrow({ where: { id: a } })).eliminationCompliant).toBe(true);
      const rb = await fast.api('POST', `/api/cases/${a}/rollback`, { as: county, body: { reason: '返贫风险复现' } });
      expect(rb.status, JSON.stringify(rb.body)).toBe(200);
      await eventually(async () => (await actions(fast, a)).includes('ELIMINATION_ROLLED_BACK'), 'rollback recorded');
      const rolled = await fast.prisma.case.findUniqueOrThrow({ where: { id: a } });
      expect(rolled.status).toBe('MONITORED');
      expect(rolled.eliminatedAt).toBeNull();
      expect(rolled.eliminationCompliant).toBeNull();
      const st = await fast.state(a);
      expect(st.status).toBe('MONITORED');
      expect(st.measures.filter((m) => m.status === 'IMPLEMENTED')).toHaveLength(1);
      // Re-identification (风险再标注).
      const idNumber = randomIdNumber();
      const b = await createCase(fast, { household: { idNumber } });
      await driveToMonitored(fast, b);
      await implementMeasure(fast, b);
      await untilEliminationStarts(fast, b);
      await driveElimination(fast, b);
      const again = await fast.api('POST', '/api/cases', {
        as: village, body: { household: { headName: '王测试', idNumber, villageCode: DEMO.villageA1 }, category: 'UNSTABLE_LIFTED', riskTypes: ['ACCIDENT'], channel: 'SELF_APPLICATION' },
      });
      expect(again.status).toBe(201);
      expect(again.body.case.previousCaseId).toBe(b);
      expect(again.body.case.id).not.toBe(b);
    } finally {
      await fast.stop();
    }
  });

  it('a rollback after the window is refused (422), and the workflow completes when its rollback window ends', async () => {
    const fast = await startHarness({ policy: { ...compressedPolicy({ notice: 1, elimination: 1, review: 3600 }), rollbackWindow: { unit: 'SECONDS', amount: 1 } } });
    try {
      const caseId = await createCase(fast);
      await driveToMonitored(fast, caseId);
      await implementMeasure(fast, caseId);
      await untilEliminationStarts(fast, caseId);
      await driveElimination(fast, caseId);
      await new Promise((r) => setTimeout(r, 1500));
      const county = await fast.officialOf('COUNTY', DEMO.county);
      const res = await fast.api('POST', `/api/cases/${caseId}/rollback`, { as: county, body: { reason: 'late' } });
      expect(res.status).toBe(422);
      expect(res.body.error.details.refusal).toBe('ROLLBACK_WINDOW_PASSED');
      const row = await fast.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      expect(row.status).toBe('ELIMINATED');
      await fast.client.workflow.getHandle(row.workflowId).result();
      expect(await actions(fast, caseId)).toContain('ROLLBACK_WINDOW_CLOSED');
    } finally {
      await fast.stop();
    }
  });
});

describe('reminders, escalation and contact', () => {
  it('a reminder before due and an escalation after due are recorded once each, also across a worker restart', async () => {
    const fast = await startHarness({ policy: compressedPolicy({ step: 4, reminder: 2 }) });
    try {
      const caseId = await createCase(fast);
      const task = await openTaskOf(fast, caseId, 'VERIFICATION');
      await eventually(async () => (await actions(fast, caseId)).includes('REMINDER_SENT'), 'reminder');
      await fast.restartWorker();
      await eventually(async () => (await actions(fast, caseId)).includes('TASK_ESCALATED'), 'escalation');
      await fast.restartWorker();
      await new Promise((r) => setTimeout(r, 1500));
      const all = await actions(fast, caseId);
      expect(all.filter((a) => a === 'REMINDER_SENT')).toHaveLength(1);
      expect(all.filter((a) => a === 'TASK_ESCALATED')).toHaveLength(1);
      const reminders = await fast.prisma.notification.findMany({ where: { caseId, kind: 'REMINDER' } });
      expect(reminders.map((n) => n.recipientId)).toEqual([task.assigneeId]);
      const township = await fast.officialOf('TOWNSHIP', DEMO.townshipA);
      const escalations = await fast.prisma.notification.findMany({ where: { caseId, kind: 'ESCALATION' } });
      expect(escalations.filter((n) => n.recipientId === township)).toHaveLength(1);
      const row = await fast.prisma.task.findUniqueOrThrow({ where: { id: task.id } });
      expect(row.escalations).toBe(1);
      expect(row.remindedAt).not.toBeNull();
    } finally {
      await fast.stop();
    }
  });

  it('a missed month of contact reminds the contact, and a second missed month escalates to the township', async () => {
    const fast = await startHarness({ policy: compressedPolicy({ notice: 1, contact: 2 }) });
    try {
      const caseId = await createCase(fast);
      await driveToMonitored(fast, caseId);
      const c = await fast.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      await eventually(async () => (await actions(fast, caseId)).includes('CONTACT_MISSED_ESCALATED'), 'second missed contact', 20_000);
      const all = await actions(fast, caseId);
      expect(all.indexOf('CONTACT_MISSED')).toBeLessThan(all.indexOf('CONTACT_MISSED_ESCALATED'));
      const township = await fast.officialOf('TOWNSHIP', DEMO.townshipA);
      const notes = await fast.prisma.notification.findMany({ where: { caseId, kind: { in: ['CONTACT_REMINDER', 'CONTACT_ESCALATION'] } }, orderBy: { id: 'asc' } });
      expect(notes[0]).toMatchObject({ kind: 'CONTACT_REMINDER', recipientId: c.contactId });
      expect(notes.some((n) => n.kind === 'CONTACT_ESCALATION' && n.recipientId === township)).toBe(true);
    } finally {
      await fast.stop();
    }
  });

  it('a plan not made in time reminds the contact and the township, and a year of monitoring flags the annual check', async () => {
    const policy = { ...compressedPolicy({ notice: 1 }), planDue: { unit: 'SECONDS' as const, amount: 2 }, annualCheckAfter: { unit: 'SECONDS' as const, amount: 3 } };
    const fast = await startHarness({ policy });
    try {
      const caseId = await createCase(fast);
      await driveToMonitored(fast, caseId);
      await eventually(async () => (await fast.prisma.case.findUnique({ where: { id: caseId } }))?.annualCheck, 'annual check flag');
      const all = await actions(fast, caseId);
      expect(all).toEqual(expect.arrayContaining(['PLAN_OVERDUE', 'ANNUAL_CHECK_FLAGGED']));
      const c = await fast.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      const township = await fast.officialOf('TOWNSHIP', DEMO.townshipA);
      const plan = await fast.prisma.notification.findMany({ where: { caseId, kind: 'PLAN_DUE' } });
      expect(plan.map((n) => n.recipientId).sort()).toEqual([c.contactId, township].sort());
    } finally {
      await fast.stop();
    }
  });

  it('a recorded contact resets the missed-contact count', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const c = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const res = await h.api('POST', `/api/cases/${caseId}/contacts`, { as: c.contactId!, body: { contactedOn: today, method: 'VISIT', note: '入户走访' } });
    expect(res.status).toBe(201);
    const st = await h.state(caseId);
    expect(st.contactCount).toBe(1);
    expect(st.missedContactPeriods).toBe(0);
    expect(await h.prisma.contact.count({ where: { caseId } })).toBe(1);
    const future = await h.api('POST', `/api/cases/${caseId}/contacts`, { as: c.contactId!, body: { contactedOn: '2099-01-01' } });
    expect(future.status).toBe(400);
    expect(future.body.error.field).toBe('contactedOn');
  });
});
