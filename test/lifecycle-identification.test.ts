/**
 * Identification rules (识别认定): the full path, rejections, returns, objections, duplicates, SLA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, TEST_SECRET, eventually, leadBody, startHarness } from './support/harness';
import { householdKey } from '../api/services/ids';
import { SEALED, personalDataCipher } from '../runtime/personal-data';
import {
  actions, approve, createCase, decide, driveElimination, driveToMonitored, implementMeasure, openTaskOf, waitForCase, untilEliminationStarts } from './support/driver';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: compressedPolicy({ notice: 1, elimination: 2, sla: 3600 }) });
});
afterAll(async () => {
  await h?.stop();
});

describe('identification and the full path', () => {
  it('a lead goes through every step to elimination, and the history records each transition', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const monitored = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(monitored.approvedAt).not.toBeNull();
    expect(monitored.contactId).not.toBeNull();
    await implementMeasure(h, caseId);
    await untilEliminationStarts(h, caseId);
    await driveElimination(h, caseId);
    const done = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(done.eliminationRoute).toBe('ASSISTED');
    expect(done.eliminatedAt).not.toBeNull();
    const history = await actions(h, caseId);
    expect(history).toEqual(expect.arrayContaining([
      'LEAD_RECEIVED', 'TASK_OPENED', 'APPROVED', 'NOTICE_STARTED', 'NOTICE_ENDED', 'COUNTY_APPROVED_MONITORING_STARTED',
      'MEASURE_RECORDED', 'MEASURE_IMPLEMENTED', 'ELIMINATION_REVIEW_STARTED', 'APPROVED_ELIMINATED',
    ]));
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    // The run waits out the rollback window on a named timer before it completes.
    const desc = await h.client.workflow.getHandle(row.workflowId).describe();
    expect(desc.status.name).toBe('RUNNING');
    const snapshot = await h.state(caseId);
    expect(Date.parse(snapshot.rollbackUntil!)).toBeGreaterThan(Date.parse(snapshot.eliminatedAt!));
  });

  it.each(['VERIFICATION', 'VILLAGE_REVIEW', 'TOWNSHIP_REVIEW', 'COUNTY_APPROVAL'])('a rejection at %s ends the case as REJECTED', async (step) => {
    const caseId = await createCase(h);
    const order = ['VERIFICATION', 'VILLAGE_REVIEW', 'TOWNSHIP_REVIEW', 'COUNTY_APPROVAL'];
    for (const s of order.slice(0, order.indexOf(step))) await approve(h, caseId, s);
    const res = await decide(h, caseId, step, 'REJECT', { reason: '收入超过监测范围' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('REJECTED');
    await waitForCase(h, caseId, 'REJECTED', null);
    expect(await h.prisma.task.count({ where: { caseId, status: 'OPEN' } })).toBe(0);
  });

  it('a rejection without a reason is refused with 400 naming reason, and the task stays open', async () => {
    const caseId = await createCase(h);
    const res = await decide(h, caseId, 'VERIFICATION', 'REJECT', { reason: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('reason');
    expect((await openTaskOf(h, caseId, 'VERIFICATION')).status).toBe('OPEN');
  });

  it('verification is approved only with the household signed consent', async () => {
    const caseId = await createCase(h);
    const res = await decide(h, caseId, 'VERIFICATION', 'APPROVE', { consentSigned: false });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe('consentSigned');
  });

  it('a township return sends the case back to the village review, and a county return to the township', async () => {
    const caseId = await createCase(h);
    await approve(h, caseId, 'VERIFICATION');
    await approve(h, caseId, 'VILLAGE_REVIEW');
    const ret = await decide(h, caseId, 'TOWNSHIP_REVIEW', 'RETURN', { reason: '评议记录不全' });
    expect(ret.status).toBe(200);
    expect(ret.body.step).toBe('VILLAGE_REVIEW');
    await approve(h, caseId, 'VILLAGE_REVIEW');
    await approve(h, caseId, 'TOWNSHIP_REVIEW');
    const ret2 = await decide(h, caseId, 'COUNTY_APPROVAL', 'RETURN', { reason: '请补充收入核算' });
    expect(ret2.body.step).toBe('TOWNSHIP_REVIEW');
    const returned = await h.prisma.auditEvent.findMany({ where: { caseId, action: 'RETURNED' }, orderBy: { id: 'asc' } });
    expect(returned.map((e) => e.comment)).toEqual(['评议记录不全', '请补充收入核算']);
  });

  it('the first step cannot be returned (422)', async () => {
    const caseId = await createCase(h);
    const res = await decide(h, caseId, 'VERIFICATION', 'RETURN', { reason: 'x' });
    expect(res.status).toBe(422);
  });

  describe('objections during the public notice (公示)', () => {
    let slow: Harness;
    beforeAll(async () => {
      slow = await startHarness({ policy: compressedPolicy({ notice: 3 }) });
    });
    afterAll(async () => {
      await slow?.stop();
    });

    /** Takes a new case into its notice and files an objection; returns the case id. */
    async function objectDuringNotice(text: string): Promise<string> {
      const caseId = await createCase(slow);
      await approve(slow, caseId, 'VERIFICATION');
      await approve(slow, caseId, 'VILLAGE_REVIEW');
      await waitForCase(slow, caseId, 'IDENTIFYING', 'PUBLIC_NOTICE');
      const village = await slow.officialOf('VILLAGE', DEMO.villageA1);
      const obj = await slow.api('POST', `/api/cases/${caseId}/objections`, { as: village, body: { text } });
      expect(obj.status).toBe(201);
      await openTaskOf(slow, caseId, 'INVESTIGATION');
      return caseId;
    }

    it('an upheld objection returns the case to the village review', async () => {
      const caseId = await objectDuringNotice('该户有营运车辆');
      const res = await decide(slow, caseId, 'INVESTIGATION', 'RETURN', { reason: '异议属实，重新评议' });
      expect(res.body.step).toBe('VILLAGE_REVIEW');
      expect(await actions(slow, caseId)).toContain('OBJECTION_UPHELD_RETURNED');
      expect((await slow.prisma.objection.findFirstOrThrow({ where: { caseId } })).outcome).toBe('UPHELD_RETURNED');
    });

    it('with two objections, dismissing one settles only that one and the notice waits for the other', async () => {
      const caseId = await objectDuringNotice('第一条异议');
      const village = await slow.officialOf('VILLAGE', DEMO.villageA1);
      expect((await slow.api('POST', `/api/cases/${caseId}/objections`, { as: village, body: { text: '第二条异议' } })).status).toBe(201);
      const tasks = await eventually(async () => {
        const t = await slow.prisma.task.findMany({ where: { caseId, step: 'INVESTIGATION', status: 'OPEN' }, orderBy: { openedAt: 'asc' } });
        return t.length === 2 ? t : null;
      }, 'two investigations');
      await eventually(async () => (await slow.state(caseId)).openTasks.filter((t) => t.step === 'INVESTIGATION').length === 2, 'workflow lists both');
      const res = await slow.api('POST', `/api/tasks/${tasks[0].id}/decision`, { as: tasks[0].assigneeId!, body: { action: 'DISMISS' } });
      expect(res.status).toBe(200);
      const objections = await slow.prisma.objection.findMany({ where: { caseId }, orderBy: { filedAt: 'asc' } });
      expect(objections.map((o) => [o.text, o.outcome])).toEqual([['第一条异议', 'DISMISSED'], ['第二条异议', null]]);
      await new Promise((r) => setTimeout(r, 3500)); // the notice period is over, but an objection is open
      expect((await slow.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).step).toBe('PUBLIC_NOTICE');
      const second = await slow.api('POST', `/api/tasks/${tasks[1].id}/decision`, { as: tasks[1].assigneeId!, body: { action: 'DISMISS' } });
      expect(second.status).toBe(200);
      await openTaskOf(slow, caseId, 'TOWNSHIP_REVIEW');
    });

    it('a dismissed objection lets the notice run on to the township review', async () => {
      const caseId = await objectDuringNotice('邻里矛盾');
      const res = await decide(slow, caseId, 'INVESTIGATION', 'DISMISS');
      expect(res.status).toBe(200);
      await openTaskOf(slow, caseId, 'TOWNSHIP_REVIEW');
      expect(await actions(slow, caseId)).toEqual(expect.arrayContaining(['OBJECTION_FILED', 'OBJECTION_DISMISSED', 'NOTICE_ENDED']));
    });
  });

  it('an objection outside the notice is refused (409)', async () => {
    const caseId = await createCase(h);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', `/api/cases/${caseId}/objections`, { as: village, body: { text: 'x' } });
    expect(res.status).toBe(409);
  });

  it('a second open identification for the same household is refused with 409, and the same lead reference never makes a second case', async () => {
    const body = leadBody({ leadRef: `dept-${Date.now()}` });
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const first = await h.api('POST', '/api/cases', { as: village, body });
    expect(first.status).toBe(201);
    const again = await h.api('POST', '/api/cases', { as: village, body });
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('ALREADY_RECEIVED');
    expect(again.body.case.id).toBe(first.body.case.id);
    const other = await h.api('POST', '/api/cases', { as: village, body: { ...body, leadRef: undefined } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('CASE_ALREADY_OPEN');
    const household = await h.prisma.case.findUniqueOrThrow({ where: { id: first.body.case.id } });
    expect(await h.prisma.case.count({ where: { householdId: household.householdId } })).toBe(1);
  });

  it('a lead reference used for another household is refused (409 naming leadRef), and a refused lead changes no stored household', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const first = leadBody({ leadRef: `ref-${Date.now()}`, household: { phone: '13700000001' } });
    expect((await h.api('POST', '/api/cases', { as: village, body: first })).status).toBe(201);
    const other = await h.api('POST', '/api/cases', { as: village, body: leadBody({ leadRef: first.leadRef }) });
    expect(other.status).toBe(409);
    expect(other.body.error.field).toBe('leadRef');
    const dup = await h.api('POST', '/api/cases', { as: village, body: { ...first, leadRef: undefined, household: { ...first.household, phone: '13700000002' } } });
    expect(dup.status).toBe(409);
    const stored = await h.prisma.household.findUniqueOrThrow({ where: { idKey: householdKey(TEST_SECRET, first.household.idNumber) } });
    expect(personalDataCipher({ secret: TEST_SECRET }).open(stored.phoneSealed!, SEALED.phone(stored.id))).toBe('13700000001');
  });

  it('the wrong official or level cannot decide a task (403), and a decided task cannot be decided again (409)', async () => {
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    const otherVillage = await h.officialOf('VILLAGE', DEMO.villageA2);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const wrong = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: otherVillage, body: { action: 'APPROVE', consentSigned: true } });
    expect(wrong.status).toBe(403);
    const level = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: township, body: { action: 'APPROVE', consentSigned: true } });
    expect(level.status).toBe(403);
    await approve(h, caseId, 'VERIFICATION');
    const twice = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: task.assigneeId!, body: { action: 'APPROVE', consentSigned: true } });
    expect(twice.status).toBe(409);
    expect(await h.prisma.auditEvent.count({ where: { caseId, action: 'APPROVED' } })).toBe(1);
  });

  it('a withdrawn case closes its tasks', async () => {
    const caseId = await createCase(h);
    await openTaskOf(h, caseId, 'VERIFICATION');
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', `/api/cases/${caseId}/withdraw`, { as: village, body: { reason: '农户主动撤回申请' } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('WITHDRAWN');
    expect(await h.prisma.task.count({ where: { caseId, status: 'OPEN' } })).toBe(0);
  });

  it('the 15-day identification SLA breach is flagged', async () => {
    const fast = await startHarness({ policy: compressedPolicy({ sla: 2 }) });
    try {
      const caseId = await createCase(fast);
      await eventually(async () => (await fast.prisma.case.findUnique({ where: { id: caseId } }))?.slaBreached, 'SLA breach flag');
      expect(await actions(fast, caseId)).toContain('SLA_BREACHED');
      expect(await fast.prisma.notification.count({ where: { caseId, kind: 'SLA_BREACHED' } })).toBeGreaterThan(0);
    } finally {
      await fast.stop();
    }
  });

  it('assistance may start before approval for disaster cases only', async () => {
    const disaster = await createCase(h, { riskTypes: ['DISASTER'], category: 'SUDDEN_HARDSHIP' });
    const illness = await createCase(h);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const ok = await h.api('POST', `/api/cases/${disaster}/measures`, { as: village, body: { type: 'TEMPORARY_RELIEF', description: '临时救助' } });
    expect(ok.status).toBe(201);
    const refused = await h.api('POST', `/api/cases/${illness}/measures`, { as: village, body: { type: 'MEDICAL', description: '医疗救助' } });
    expect(refused.status).toBe(409);
  });
});
