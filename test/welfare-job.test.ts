/**
 * 公益岗位 (public-welfare job) on the process core, with a real worker, Temporal and PostgreSQL
 * and a compressed policy (a "month" is a second, the notice six seconds (time to object), a wage confirmation due
 * four seconds after the month closes): application → village review → township approval → notice
 * → agreement → the PUBLIC_WELFARE_JOB measure on the case → two monthly wage confirmations, the
 * second late and escalated → exit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { makeResidentId } from '../core/resident-id';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { createCase, driveToMonitored } from './support/driver';
import { decideProcessTask, openProcessTask, todayBeijing } from './support/microcredit-driver';

let h: Harness;
const base = compressedPolicy({ notice: 1, reminder: 1, escalationRepeat: 30 });
const policy: TPolicy = {
  ...base,
  processSteps: { ...base.processSteps, PUBLIC_WELFARE_JOB: { ...base.processSteps.PUBLIC_WELFARE_JOB, WAGE_CONFIRMATION: { unit: 'SECONDS', amount: 4 } } },
  welfareJobs: { minAge: 16, maxAge: 65, maxTermMonths: 12, notice: { unit: 'SECONDS', amount: 6 }, monthUnit: 'SECONDS' },
};

beforeAll(async () => {
  h = await startHarness({ policy });
});
afterAll(async () => {
  await h?.stop();
});

/** A valid ID number of a person born on `birth` (YYYYMMDD). */
const idOf = (birth: string): string => makeResidentId('410599', birth, String(randomInt(0, 1000)).padStart(3, '0'));

async function apply(caseId: string, idNumber: string, extra: Record<string, unknown> = {}) {
  const village = await h.officialOf('VILLAGE', DEMO.villageA1);
  return h.api('POST', '/api/welfare-jobs', { as: village, body: { caseId, idNumber, post: '护林员', monthlyWage: 800, termMonths: 2, member: '户主', ...extra } });
}

describe('公益岗位 public-welfare job', () => {
  it('a job goes from application through review, approval, notice and agreement to two monthly wage confirmations (one late and escalated) and exit, with the PUBLIC_WELFARE_JOB measure on the case', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const idNumber = idOf('19800101');
    const res = await apply(caseId, idNumber);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const processId = res.body.process.id as string;
    expect(res.body.process).toMatchObject({ kind: 'PUBLIC_WELFARE_JOB', status: 'APPLIED', step: 'VILLAGE_REVIEW' });
    expect(JSON.stringify(res.body)).not.toContain(idNumber);

    // One post per person: the same person cannot apply again while this one is open.
    const again = await apply(caseId, idNumber);
    expect(again.status).toBe(422);
    expect(again.body.error.field).toBe('idNumber');
    expect(JSON.stringify(again.body)).not.toContain(idNumber);

    await decideProcessTask(h, await openProcessTask(h, processId, 'VILLAGE_REVIEW'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, processId, 'TOWNSHIP_APPROVAL'), 'APPROVE');
    expect((await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).status).toBe('NOTICE');
    const agreement = await openProcessTask(h, processId, 'AGREEMENT');
    const tooLong = await h.api('POST', `/api/tasks/${agreement.id}/decision`, { as: agreement.assigneeId!, body: { action: 'DONE', data: { startOn: todayBeijing(), termMonths: 13 } } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.field).toBe('body.data.termMonths');
    await decideProcessTask(h, agreement, 'DONE', { startOn: todayBeijing(), termMonths: 2 });

    const state = await eventually(async () => {
      const s = await h.state(caseId);
      return s.measures.some((m) => m.type === 'PUBLIC_WELFARE_JOB' && m.status === 'IMPLEMENTED') ? s : null;
    }, 'the PUBLIC_WELFARE_JOB measure on the case');
    expect(state.measures.find((m) => m.type === 'PUBLIC_WELFARE_JOB')?.measureId).toBe(`${processId}-M`);

    // Month 1 confirmed at once; month 2 left until it is overdue and escalated to the township.
    const seen = new Set<string>();
    const m1 = await openProcessTask(h, processId, 'WAGE_CONFIRMATION', seen);
    const unpaidNoNotes = await h.api('POST', `/api/tasks/${m1.id}/decision`, { as: m1.assigneeId!, body: { action: 'DONE', data: { attendanceDays: 22, wagePaid: false } } });
    expect(unpaidNoNotes.status).toBe(400);
    expect(unpaidNoNotes.body.error.field).toBe('body.data.notes');
    await decideProcessTask(h, m1, 'DONE', { attendanceDays: 22, wagePaid: true });
    const m2 = await openProcessTask(h, processId, 'WAGE_CONFIRMATION', seen);
    await eventually(async () => (await h.prisma.auditEvent.count({ where: { processId, taskId: m2.id, action: 'TASK_ESCALATED' } })) > 0, 'the late month escalated', 20_000);
    expect(await h.prisma.notification.count({ where: { processId, taskId: m2.id, kind: 'ESCALATION' } })).toBeGreaterThanOrEqual(1);
    await decideProcessTask(h, m2, 'DONE', { attendanceDays: 20, wagePaid: true });

    const end = await openProcessTask(h, processId, 'END_OF_TERM');
    const r = await decideProcessTask(h, end, 'DONE', { outcome: 'EXIT', notes: '期满退出' });
    expect(r).toMatchObject({ processId, status: 'EXITED', openTasks: [] });
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(await h.client.workflow.getHandle(row.workflowId).result()).toEqual({ processId, status: 'EXITED', measureRecorded: true, monthsConfirmed: 2, monthsLate: 1 });
    expect((row.data as any).wages.map((w: any) => [w.month, w.late])).toEqual([[1, false], [2, true]]);
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    for (const a of ['JOB_APPLIED', 'JOB_NOTICE_STARTED', 'JOB_NOTICE_ENDED', 'JOB_AGREEMENT_SIGNED', 'MEASURE_RECORDED_ON_CASE', 'WAGE_CONFIRMED', 'WAGE_CONFIRMED_LATE', 'JOB_EXITED', 'MEASURE_ENDED_ON_CASE']) {
      expect(actions, a).toContain(a);
    }
    // The exit ends the PUBLIC_WELFARE_JOB measure on the case; it stays implemented (it was carried out).
    const ended = (await h.state(caseId)).measures.find((m) => m.measureId === `${processId}-M`);
    expect(ended).toMatchObject({ status: 'IMPLEMENTED', endedOn: expect.any(String) });
    const measureRow = await h.prisma.measure.findUniqueOrThrow({ where: { id: `${processId}-M` } });
    expect(measureRow.status).toBe('IMPLEMENTED');
    expect(measureRow.endedOn).not.toBeNull();
    expect(await h.prisma.auditEvent.count({ where: { caseId, action: 'MEASURE_ENDED' } })).toBe(1);

    // The ID number is sealed at rest and nowhere else; after exit the person may hold a post again.
    const pd = await h.prisma.programmePersonalData.findUniqueOrThrow({ where: { processId } });
    expect(pd.idNumberSealed).toMatch(/^pd1\./);
    expect(JSON.stringify((await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => [e.comment, e.data]))).not.toContain(idNumber);
    expect(JSON.stringify(row.data)).not.toContain(idNumber);
    expect((await apply(caseId, idNumber)).status).toBe(201);

    // Figures: the township's months confirmed and late, and its on-time rate.
    const figures = await h.api('GET', '/api/welfare-jobs/figures', { as: await h.officialOf('COUNTY', DEMO.county) });
    expect(figures.status, JSON.stringify(figures.body)).toBe(200);
    const a = figures.body.townships.find((t: any) => t.townshipCode === DEMO.townshipA);
    expect(a.monthsConfirmed).toBeGreaterThanOrEqual(2);
    expect(a.monthsLate).toBeGreaterThanOrEqual(1);
    expect(a.onTimeRate).toBeLessThan(1);
    expect(a.jobs).toBeGreaterThanOrEqual(2);
  });

  it('an early exit (提前退出) during the term ends the job EXITED with its reason, cancels the open month and ends the measure on the case', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const idNumber = idOf('19850505');
    const res = await apply(caseId, idNumber, { termMonths: 12 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const processId = res.body.process.id as string;
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    // Not in post yet: refused.
    const early = await h.api('POST', `/api/welfare-jobs/${processId}/exit`, { as: village, body: { reason: '辞职' } });
    expect(early.status).toBe(409);
    await decideProcessTask(h, await openProcessTask(h, processId, 'VILLAGE_REVIEW'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, processId, 'TOWNSHIP_APPROVAL'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, processId, 'AGREEMENT'), 'DONE', { startOn: todayBeijing(), termMonths: 12 });
    await eventually(async () => ((await h.state(caseId)).measures.some((m) => m.measureId === `${processId}-M`) ? true : null), 'the measure on the case');
    const m1 = await openProcessTask(h, processId, 'WAGE_CONFIRMATION');
    const noReason = await h.api('POST', `/api/welfare-jobs/${processId}/exit`, { as: village, body: { reason: ' ' } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.field).toBe('body.reason');
    const exit = await h.api('POST', `/api/welfare-jobs/${processId}/exit`, { as: village, body: { reason: '外出务工' } });
    expect(exit.status, JSON.stringify(exit.body)).toBe(200);
    expect(exit.body).toMatchObject({ id: processId, status: 'EXITED' });
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(row.closedAt).not.toBeNull();
    expect((row.data as any).exit).toMatchObject({ early: true, reason: '外出务工' });
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: m1.id } })).status).toBe('CANCELLED');
    // The workflow ends at once (no month left to wait out) and the measure is ended on the case.
    expect(await h.client.workflow.getHandle(row.workflowId).result()).toMatchObject({ processId, status: 'EXITED', measureRecorded: true });
    const measureRow = await h.prisma.measure.findUniqueOrThrow({ where: { id: `${processId}-M` } });
    expect(measureRow.endedOn).not.toBeNull();
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['JOB_EXITED_EARLY', 'MEASURE_ENDED_ON_CASE']));
    expect((await h.prisma.task.count({ where: { processId, status: 'OPEN' } }))).toBe(0);
    // Once ended, a second exit is a conflict; the person may hold a post again.
    expect((await h.api('POST', `/api/welfare-jobs/${processId}/exit`, { as: village, body: { reason: '辞职' } })).status).toBe(409);
    expect((await apply(caseId, idNumber)).status).toBe(201);
  });

  it('an objection during the notice (公示异议) opens a township investigation: dismissed, the notice completes and the agreement follows; upheld, the application is rejected', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const toNotice = async (birth: string): Promise<string> => {
      const res = await apply(caseId, idOf(birth));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const id = res.body.process.id as string;
      // Before the notice: refused.
      expect((await h.api('POST', `/api/welfare-jobs/${id}/objections`, { as: village, body: { text: '不符合条件' } })).status).toBe(409);
      await decideProcessTask(h, await openProcessTask(h, id, 'VILLAGE_REVIEW'), 'APPROVE');
      await decideProcessTask(h, await openProcessTask(h, id, 'TOWNSHIP_APPROVAL'), 'APPROVE');
      return id;
    };
    const dismissed = await toNotice('19900101');
    const empty = await h.api('POST', `/api/welfare-jobs/${dismissed}/objections`, { as: village, body: { text: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('body.text');
    const o1 = await h.api('POST', `/api/welfare-jobs/${dismissed}/objections`, { as: village, body: { text: '家庭收入已超标' } });
    expect(o1.status, JSON.stringify(o1.body)).toBe(201);
    expect(o1.body).toMatchObject({ status: 'NOTICE' });
    const inv1 = await openProcessTask(h, dismissed, 'INVESTIGATION');
    expect(inv1.level).toBe('TOWNSHIP');
    // The notice's period passes; it stays open while the investigation is.
    await new Promise((r) => setTimeout(r, 7000));
    expect((await h.prisma.process.findUniqueOrThrow({ where: { id: dismissed } })).status).toBe('NOTICE');
    await decideProcessTask(h, inv1, 'APPROVE');
    const agreement = await openProcessTask(h, dismissed, 'AGREEMENT');
    expect(agreement.level).toBe('TOWNSHIP');
    expect((await h.api('POST', `/api/welfare-jobs/${dismissed}/objections`, { as: village, body: { text: '再次异议' } })).status).toBe(409);

    const upheld = await toNotice('19910101');
    expect((await h.api('POST', `/api/welfare-jobs/${upheld}/objections`, { as: village, body: { text: '已在其他岗位任职' } })).status).toBe(201);
    const r = await decideProcessTask(h, await openProcessTask(h, upheld, 'INVESTIGATION'), 'REJECT');
    expect(r).toMatchObject({ processId: upheld, status: 'REJECTED' });
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: upheld } });
    expect(row.closedAt).not.toBeNull();
    expect(await h.client.workflow.getHandle(row.workflowId).result()).toMatchObject({ processId: upheld, status: 'REJECTED', measureRecorded: false });
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId: { in: [dismissed, upheld] } } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['OBJECTION_FILED', 'OBJECTION_DISMISSED', 'OBJECTION_UPHELD_REJECTED', 'JOB_NOTICE_ENDED']));
  });

  it('a renewal (续聘) at the end of the term starts the next term as a new run: a new agreement, months counted again, the post still held by the person', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const idNumber = idOf('19870707');
    const res = await apply(caseId, idNumber, { termMonths: 1 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const processId = res.body.process.id as string;
    await decideProcessTask(h, await openProcessTask(h, processId, 'VILLAGE_REVIEW'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, processId, 'TOWNSHIP_APPROVAL'), 'APPROVE');
    const seenAgreements = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, processId, 'AGREEMENT', seenAgreements), 'DONE', { startOn: todayBeijing(), termMonths: 1 });
    const seen = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, processId, 'WAGE_CONFIRMATION', seen), 'DONE', { attendanceDays: 22, wagePaid: true });
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    const handle = h.client.workflow.getHandle(row.workflowId);
    const firstRun = (await handle.describe()).runId;
    const renewed = await decideProcessTask(h, await openProcessTask(h, processId, 'END_OF_TERM'), 'DONE', { outcome: 'RENEW', notes: '表现良好' });
    expect(renewed).toMatchObject({ processId, status: 'IN_POST', step: 'AGREEMENT' });
    await eventually(async () => ((await handle.describe()).runId !== firstRun ? true : null), 'the next term as a new run', 40_000);

    // The post is still held: the same person cannot apply for another one.
    const again = await apply(caseId, idNumber);
    expect(again.status).toBe(422);
    expect(again.body.error.field).toBe('idNumber');

    // The next term: a new agreement, its months counted from 1 again.
    await decideProcessTask(h, await openProcessTask(h, processId, 'AGREEMENT', seenAgreements), 'DONE', { startOn: todayBeijing(), termMonths: 2 });
    await decideProcessTask(h, await openProcessTask(h, processId, 'WAGE_CONFIRMATION', seen), 'DONE', { attendanceDays: 21, wagePaid: true });
    await decideProcessTask(h, await openProcessTask(h, processId, 'WAGE_CONFIRMATION', seen), 'DONE', { attendanceDays: 20, wagePaid: true });
    await decideProcessTask(h, await openProcessTask(h, processId, 'END_OF_TERM'), 'DONE', { outcome: 'EXIT' });
    expect(await handle.result()).toEqual({ processId, status: 'EXITED', measureRecorded: true, monthsConfirmed: 2, monthsLate: 0 });
    const data = (await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).data as any;
    expect(data.term).toBe(2);
    expect(data.terms).toEqual([expect.objectContaining({ term: 1, monthsConfirmed: 1, monthsLate: 0 })]);
    expect(data.agreement.termMonths).toBe(2);
    expect(data.wages.map((w: any) => w.month)).toEqual([1, 2]);
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['JOB_RENEWAL_REQUESTED', 'JOB_RENEWED', 'JOB_EXITED', 'MEASURE_ENDED_ON_CASE']));
    expect(actions.filter((a) => a === 'JOB_AGREEMENT_SIGNED')).toHaveLength(2);
    // The figures count both terms' months (1 + 2).
    expect(data.priorMonthsConfirmed).toBe(1);
  });

  it('an applicant outside the policy ages, or a household not monitored, is refused naming the field', async () => {
    const caseId = await createCase(h);
    const notMonitored = await apply(caseId, idOf('19800101'));
    expect(notMonitored.status).toBe(422);
    expect(notMonitored.body.error.field).toBe('caseId');
    await driveToMonitored(h, caseId);
    const old = await apply(caseId, idOf('19400101'));
    expect(old.status).toBe(422);
    expect(old.body.error.field).toBe('idNumber');
    const bad = await apply(caseId, '410599198001011234');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('body.idNumber');
    expect((await apply(caseId, idOf('19800101'), { termMonths: 13 })).status).toBe(400);
  });

  it('one post per person (一人一岗) holds when two applications for the same person arrive at once', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const person = idOf('19850505');
    const [a, b] = await Promise.all([apply(caseId, person), apply(caseId, person, { post: '保洁员' })]);
    expect([a.status, b.status].sort(), JSON.stringify([a.body, b.body])).toEqual([201, 422]);
    const refused = a.status === 422 ? a : b;
    expect(refused.body.error).toMatchObject({ field: 'idNumber', details: { refusal: 'ONE_POST_PER_PERSON' } });
    expect(JSON.stringify(refused.body)).not.toContain(person);
  });
});
