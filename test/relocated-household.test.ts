/**
 * 易地搬迁户后续扶持 — per relocated household of a settlement: a monthly visit recording its
 * employment status, reminded and escalated when overdue like a missed contact, and employment
 * updates between visits. The visit is the household's assistance contact's (帮扶责任人), the
 * village's when its case has none. Real worker, Temporal, PostgreSQL and a capturing SMTP server,
 * with a compressed policy (a "month" between visits is six seconds). The contact's tests run in
 * villages of this file's own, so deactivating a contact touches no other test's households.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { createCase, driveToMonitored } from './support/driver';
import { decideProcessTask, openProcessTask, todayBeijing } from './support/microcredit-driver';
import { adminLogin } from './support/admin';
import { csrfOf, getPage, postForm, textOf } from './support/link-client';
import type { TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';

let h: Harness;
let smtp: TestSmtp;
const base = compressedPolicy({ reminder: 1, escalationRepeat: 30 });
const policy: TPolicy = { ...base, processSteps: { ...base.processSteps, RELOCATED_HOUSEHOLD: { VISIT: { unit: 'SECONDS', amount: 6 } } } };

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ policy, mail: { smtpUrl: smtp.url } });
});
afterAll(async () => {
  await h?.stop();
  await smtp?.stop();
});

/** Officials of this file's own township and village (under the demo county), with their emails. */
interface OwnVillage { township: string; village: string; townshipOfficial: string; villageOfficial: string; email: (id: string) => string }

/** A township and a village of this file, with a township and a village official (no contact yet). */
async function ownVillage(): Promise<OwnVillage> {
  for (;;) {
    const n = String(randomInt(100, 1000));
    const township = `410599${n}000`;
    const village = `410599${n}207`;
    if (await h.prisma.region.findUnique({ where: { code: township } })) continue;
    await h.prisma.region.create({ data: { code: township, name: `搬迁镇${n}`, level: 'TOWNSHIP', parentCode: DEMO.county } });
    await h.prisma.region.create({ data: { code: village, name: `搬迁村${n}`, level: 'VILLAGE', parentCode: township } });
    const townshipOfficial = await official('TOWNSHIP', township, n);
    const villageOfficial = await official('VILLAGE', village, n);
    return { township, village, townshipOfficial, villageOfficial, email: (id) => `${id}@test.bangfu.local` };
  }
}

/** A new official of this file (email `<id>@test.bangfu.local`). */
async function official(role: string, regionCode: string, n: string): Promise<string> {
  const id = `reloc-${role.slice(0, 3).toLowerCase()}-${n}-${randomInt(1e6)}`;
  await h.prisma.official.create({ data: { id, name: `搬迁${role}`, email: `${id}@test.bangfu.local`, role, regionCode } });
  return id;
}

/** A monitored case of the village, registered as relocated at a settlement of its township; the follow-up's process id. */
async function relocatedIn(v: OwnVillage): Promise<{ caseId: string; processId: string; settlementId: string }> {
  const s = await h.api('POST', '/api/settlements', { as: v.townshipOfficial, body: { name: '新村安置点', townshipCode: v.township } });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  const caseId = await createCase(h, { household: { villageCode: v.village } });
  await driveToMonitored(h, caseId);
  const reg = await h.api('POST', `/api/settlements/${s.body.process.id}/households`, { as: v.townshipOfficial, body: { caseId } });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  return { caseId, processId: reg.body.process.id as string, settlementId: s.body.process.id as string };
}

const kindsTo = (email: string): string[] => smtp.to(email).map((m) => m.kind);

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
    // The demo village has an assistance contact, the case's since monitoring: the visit is theirs.
    const contactId = (await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).contactId;
    expect(contactId).toBeTruthy();
    expect([v1.level, v1.assigneeId]).toEqual(['CONTACT', contactId]);
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

  it('the settlement\'s employment figures (安置点就业统计) count its households in work, their workers, those seeking work and those not yet recorded, in the API and on its page', async () => {
    const v = await ownVillage();
    const s = await h.api('POST', '/api/settlements', { as: v.townshipOfficial, body: { name: '就业安置点', townshipCode: v.township } });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    const settlementId = s.body.process.id as string;
    const followUps: string[] = [];
    for (let i = 0; i < 3; i++) {
      const caseId = await createCase(h, { household: { villageCode: v.village } });
      await driveToMonitored(h, caseId);
      const reg = await h.api('POST', `/api/settlements/${settlementId}/households`, { as: v.townshipOfficial, body: { caseId } });
      expect(reg.status, JSON.stringify(reg.body)).toBe(201);
      followUps.push(reg.body.process.id as string);
    }
    const figuresOf = async (as: string): Promise<any> => {
      const r = await h.api('GET', '/api/settlements/figures', { as });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.settlements.find((x: any) => x.settlementId === settlementId);
    };
    expect(await figuresOf(v.townshipOfficial)).toMatchObject({ name: '就业安置点', townshipCode: v.township, households: 3, employedHouseholds: 0, notRecorded: 3, employmentRate: null, checklist: { done: 0, total: 6 } });

    // Two households in work (3 and 1 members), one seeking work.
    for (const [id, status, workers] of [[followUps[0], 'EMPLOYED_LOCAL', 3], [followUps[1], 'PUBLIC_WELFARE_JOB', 1], [followUps[2], 'SEEKING_WORK', 0]] as const) {
      const r = await h.api('POST', `/api/relocated-households/${id}/employment`, { as: v.villageOfficial, body: { status, workers } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const f = await eventually(async () => {
      const x = await figuresOf(v.townshipOfficial);
      return x?.notRecorded === 0 ? x : undefined;
    }, 'the three employment records in the figures');
    expect(f).toMatchObject({ households: 3, employedHouseholds: 2, workers: 4, seekingWork: 1, noLabour: 0, notRecorded: 0 });
    expect(f.employmentRate).toBeCloseTo(2 / 3);
    // Another township's official sees no figures of this settlement.
    expect(await figuresOf(await h.officialOf('TOWNSHIP', DEMO.townshipA))).toBeUndefined();

    const admin = await adminLogin(h, v.townshipOfficial);
    const page = await admin.get(`/admin/settlements/${encodeURIComponent(settlementId)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-employed="2" data-workers="4" data-seeking="1" data-not-recorded="0"');
    expect(textOf(page.text)).toContain('有劳动力就业 2 户（就业 4 人），待业 1 户');
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

  it('a relocated household\'s visit goes to its case\'s assistance contact: reminded to the contact, escalated to the village, then the township, when overdue; recorded by the contact', async () => {
    const v = await ownVillage();
    const n = v.village.slice(6, 9);
    const contact = await official('CONTACT', v.village, n);
    const { caseId, processId, settlementId } = await relocatedIn(v);
    expect((await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).contactId).toBe(contact);

    const seen = new Set<string>();
    const v1 = await openProcessTask(h, processId, 'VISIT', seen);
    expect(v1).toMatchObject({ level: 'CONTACT', regionCode: v.village, assigneeId: contact, allowedIds: [contact] });
    await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(v.email(contact)), 'the visit mailed to the contact');
    // The settlement's page names who holds the visit.
    const admin = await adminLogin(h, 'off-admin');
    const page = await admin.get(`/admin/settlements/${settlementId}`);
    expect(page.text).toContain(`data-visit-assignee="${contact}"`);
    expect(page.text).toContain('帮扶责任人');
    await smtp.waitFor((m) => m.kind === 'REMINDER' && m.to.includes(v.email(contact)), 'the reminder to the contact', 30_000);
    // Overdue: the first escalation goes to the village (and the contact), the repeat to the township.
    await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes(v.email(v.villageOfficial)), 'the escalation to the village', 30_000);
    await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes(v.email(v.townshipOfficial)), 'the repeat escalation to the township', 60_000);
    expect(kindsTo(v.email(v.villageOfficial))).not.toContain('REMINDER');
    expect(kindsTo(v.email(v.villageOfficial))).not.toContain('NEW_TASK');
    expect(kindsTo(v.email(contact))).toContain('ESCALATION');

    // Another village's official cannot record the contact's visit (the household's village could); the contact does, late.
    const byOther = await h.api('POST', `/api/tasks/${v1.id}/decision`, { as: await h.officialOf('VILLAGE', DEMO.villageB1), body: { action: 'DONE', data: { visitedOn: todayBeijing(), status: 'EMPLOYED_LOCAL', workers: 1 } } });
    expect(byOther.status).toBe(403);
    await decideProcessTask(h, v1, 'DONE', { visitedOn: todayBeijing(), status: 'EMPLOYED_LOCAL', workers: 1 });
    await eventually(async () => Number(((await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).data as any).lateVisits) === 1, 'the late visit recorded');
    const next = await openProcessTask(h, processId, 'VISIT', seen);
    expect(next.assigneeId).toBe(contact);
  });

  it('a deactivated contact\'s open visit goes to a colleague contact of the village, who holds the next visits as the case\'s new contact', async () => {
    const v = await ownVillage();
    const n = v.village.slice(6, 9);
    const first = await official('CONTACT', v.village, n);
    const { caseId, processId } = await relocatedIn(v);
    const colleague = await official('CONTACT', v.village, n);
    const seen = new Set<string>();
    const v1 = await openProcessTask(h, processId, 'VISIT', seen);
    expect(v1.assigneeId).toBe(first);

    const admin = await adminLogin(h, 'off-admin');
    const out = await admin.post(`/admin/officials/${first}/deactivate`, { _csrf: await admin.csrf() });
    expect(out.status, out.text.slice(0, 300)).toBe(200);
    expect(out.text).toContain(`data-task-id="${v1.id}" data-outcome="TRANSFERRED"`);
    const moved = await eventually(async () => {
      const t = await h.prisma.task.findUniqueOrThrow({ where: { id: v1.id } });
      return t.assigneeId === colleague ? t : null;
    }, 'the open visit with the colleague');
    await eventually(async () => ((await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).contactId === colleague ? true : null), 'the colleague the case\'s contact');
    const mail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(v.email(colleague)), 'the moved visit mailed to the colleague');
    expect(moved.level).toBe('CONTACT');
    // The colleague records the visit through the mail's task link.
    const form = await getPage(`${mail.link!}?lang=zh-CN`);
    expect(form.status).toBe(200);
    const posted = await postForm(mail.link!, { csrf: csrfOf(form.html), action: 'DONE', f_visitedOn: todayBeijing(), f_status: 'SEEKING_WORK', f_workers: '0' });
    expect(posted.status, textOf(posted.html).slice(0, 300)).toBe(303);
    const v2 = await openProcessTask(h, processId, 'VISIT', seen);
    expect([v2.level, v2.assigneeId]).toEqual(['CONTACT', colleague]);
  });

  it('a relocated household whose case has no assistance contact is visited by the village: reminded to the village official, escalated to the township', async () => {
    const v = await ownVillage();
    const { caseId, processId, settlementId } = await relocatedIn(v);
    expect((await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).contactId).toBeNull();
    const v1 = await openProcessTask(h, processId, 'VISIT');
    expect(v1).toMatchObject({ level: 'VILLAGE', regionCode: v.village, assigneeId: v.villageOfficial });
    expect((await (await adminLogin(h, 'off-admin')).get(`/admin/settlements/${settlementId}`)).text).toContain(`data-visit-assignee="${v.villageOfficial}"`);
    await smtp.waitFor((m) => m.kind === 'REMINDER' && m.to.includes(v.email(v.villageOfficial)), 'the reminder to the village official', 30_000);
    await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes(v.email(v.townshipOfficial)), 'the escalation to the township', 30_000);
    await decideProcessTask(h, v1, 'DONE', { visitedOn: todayBeijing(), status: 'NO_LABOUR', workers: 0 });
  });
});
