/**
 * The process core: a process other than the household case — the 约谈 (interview) — uses the same
 * task table, mails, task links, reminders, escalations, audit trail and timeline as a case, with a
 * real worker, Temporal, PostgreSQL and SMTP server, and a compressed policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import { processSnapshotQuery } from '../workflows/process-contracts';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { csrfOf, getPage, postForm, textOf } from './support/link-client';
import type { TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';

let h: Harness;
let smtp: TestSmtp;

/**
 * Due 12 s after opening, reminded 5 s before, escalated at the due time and again every 30 s (a
 * reminder whose timer fires after the due time is rightly skipped: the margins hold on a loaded machine).
 */
const policy: TPolicy = {
  ...compressedPolicy({ reminder: 5, escalationRepeat: 30 }),
  processSteps: { INTERVIEW: { HOLD_INTERVIEW: { unit: 'SECONDS', amount: 12 } } },
};

const COUNTY = 'off-cty';
const COUNTY_EMAIL = 'xian@demo.bangfu.local';
const ADMIN_EMAIL = 'admin@demo.bangfu.local';

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ policy, mail: { smtpUrl: smtp.url } });
});
afterAll(async () => {
  await h?.stop();
  await smtp?.stop();
});

const today = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Asks for an interview of 东风镇 as the county; returns the process and its open task. */
async function askForInterview(extra: Record<string, unknown> = {}): Promise<{ processId: string; taskId: string; body: any }> {
  const res = await h.api('POST', '/api/interviews', { as: COUNTY, body: { subjectCode: DEMO.townshipA, reason: '季度通报连续两期排名末位', ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.started).toBe(true);
  const p = res.body.process;
  expect(p.kind).toBe('INTERVIEW');
  expect(p.openTasks).toHaveLength(1);
  return { processId: p.id, taskId: p.openTasks[0].id, body: res.body };
}

describe('约谈 on the process core', () => {
  it('an interview opens one task for the county supervisor, mailed with a link, reminded, escalated, and completed through the link with its outcome', async () => {
    const { processId, taskId, body } = await askForInterview();
    expect(body.process.title).toBe('约谈：东风镇');
    expect(body.process.status).toBe('OPEN');
    expect(body.process.openTasks[0]).toMatchObject({ processId, caseId: null, step: 'HOLD_INTERVIEW', level: 'COUNTY', assigneeId: COUNTY });

    // The same mail templates and dispatcher: a new-task mail with a personal link.
    const newTask = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(COUNTY_EMAIL) && m.text.includes('约谈：东风镇'), 'new-task mail of the interview');
    expect(newTask.subject).toContain('Hold the interview');
    expect(newTask.link).toBeTruthy();
    // Reminder before the due time, then an escalation to the administrators (and an overdue copy to the assignee).
    await smtp.waitFor((m) => m.kind === 'REMINDER' && m.to.includes(COUNTY_EMAIL) && m.text.includes('约谈：东风镇'), 'reminder of the interview');
    const escalation = await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes(ADMIN_EMAIL) && m.text.includes('约谈：东风镇'), 'escalation to the administrator', 60_000);
    expect(escalation.subject).toContain('逾期上报');
    expect(escalation.link, 'the supervisor gets a nudge/reassign link').toBeTruthy();
    const supervise = await getPage(escalation.link!);
    expect(supervise.status).toBe(200);
    expect(textOf(supervise.html)).toContain('催办');
    const task = await h.prisma.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(task.remindedAt).not.toBeNull();
    expect(task.escalations).toBeGreaterThanOrEqual(1);

    // The link page: what is decided, the step's form as the registry declares it, nothing decided by a GET.
    const page = await getPage(`${newTask.link!}?lang=zh-CN`);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain('约谈并记录结果');
    expect(text).toContain('约谈日期');
    expect(text).toContain('季度通报连续两期排名末位');
    expect(page.html).toContain('name="f_heldOn"');
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('OPEN');

    // A refused submit re-renders the form naming the field (held, but no date).
    const csrf = csrfOf(page.html);
    const refused = await postForm(newTask.link!, { csrf, action: 'DONE', f_held: 'on', f_notes: '已约谈' });
    expect(refused.status).toBe(400);
    expect(textOf(refused.html)).toContain('heldOn');

    const done = await postForm(newTask.link!, { csrf, action: 'DONE', f_held: 'on', f_heldOn: today(), f_notes: '约谈乡镇主要负责人，限期整改' });
    expect(done.status, textOf(done.html).slice(0, 400)).toBe(303);
    const result = await getPage(`${h.baseUrl}${done.location!}`);
    expect(result.status).toBe(200);
    expect(textOf(result.html)).toMatch(/Held|已约谈/);
    // A link acts once.
    expect((await postForm(newTask.link!, { csrf, action: 'DONE', f_held: 'on', f_heldOn: today(), f_notes: 'again' })).status).toBe(409);

    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(row.status).toBe('HELD');
    expect(row.closedAt).not.toBeNull();
    expect((row.data as any).outcome).toEqual({ held: true, heldOn: today(), notes: '约谈乡镇主要负责人，限期整改' });
    const handle = h.client.workflow.getHandle(row.workflowId);
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ processId, outcome: { held: true, heldOn: today() }, decidedById: COUNTY });

    // The audit trail: same rows and actions as a case's, owned by the process.
    const audit = await h.prisma.auditEvent.findMany({ where: { processId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
    const actions = audit.map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual(['PROCESS_STARTED', 'INTERVIEW_REQUESTED', 'TASK_OPENED']);
    for (const a of ['REMINDER_SENT', 'TASK_ESCALATED', 'INTERVIEW_HELD']) expect(actions).toContain(a);
    expect(audit.every((e) => e.caseId === null)).toBe(true);
    expect(audit.find((e) => e.action === 'INTERVIEW_HELD')?.actorId).toBe(COUNTY);
    expect(await h.prisma.notification.count({ where: { processId, kind: { in: ['NEW_TASK', 'REMINDER', 'ESCALATION'] } } })).toBeGreaterThanOrEqual(3);
    expect(await h.prisma.taskLink.count({ where: { processId } })).toBeGreaterThanOrEqual(1);
  });

  it('a decision through the API is checked against the step: hostile data gets a 4xx naming the field, never a 500', async () => {
    const { processId, taskId } = await askForInterview();
    const decide = (body: unknown, as = COUNTY) => h.api('POST', `/api/tasks/${taskId}/decision`, { as, body });
    const cases: [unknown, number, string][] = [
      [{ action: 'DONE', data: { held: 'yes', notes: 'x' } }, 400, 'body.data.held'],
      [{ action: 'DONE', data: { held: true, notes: 'x' } }, 400, 'body.data.heldOn'],
      [{ action: 'DONE', data: { held: true, heldOn: '2026-13-45x', notes: 'x' } }, 400, 'body.data.heldOn'],
      [{ action: 'DONE', data: { held: false, notes: '' } }, 400, 'body.data.notes'],
      [{ action: 'DONE', data: { held: false, notes: 'a\u0000b' } }, 400, 'body.data.notes'],
      [{ action: 'DONE', data: { held: false, notes: 'x', extra: 1 } }, 400, 'body.data'],
      [{ action: 'DONE', data: 'x' }, 400, 'body.data'],
      [{ action: 'APPROVE', data: { held: false, notes: 'x' } }, 400, 'body.action'],
      [{ action: 'DONE', data: { held: true, heldOn: '2999-01-01', notes: 'x' } }, 400, 'data.heldOn'],
    ];
    for (const [body, status, field] of cases) {
      const res = await decide(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.field, JSON.stringify(body)).toContain(field);
    }
    // Another level is refused by the workflow's validator (a typed refusal), not by a crash.
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await decide({ action: 'DONE', data: { held: false, notes: 'x' } }, village)).status).toBe(403);
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('OPEN');

    // The snapshot and the read model agree; a proper outcome is recorded through the API.
    const got = await h.api('GET', `/api/processes/${processId}`, { as: COUNTY });
    expect(got.status).toBe(200);
    expect(got.body.snapshot).toMatchObject({ processId, kind: 'INTERVIEW', status: 'OPEN', step: 'HOLD_INTERVIEW' });
    expect(got.body.snapshot.openTasks.map((t: any) => t.taskId)).toEqual([taskId]);
    const ok = await decide({ action: 'DONE', data: { held: false, notes: '乡镇负责人出差，改期' } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ taskId, processId, status: 'NOT_HELD', step: null, openTasks: [] });
    const again = await decide({ action: 'DONE', data: { held: false, notes: 'again' } });
    expect(again.status).toBe(409);
    const snapshot = await eventually(async () => {
      const s = await h.client.workflow.getHandle(`process-${processId}`).query(processSnapshotQuery);
      return s.finished ? s : null;
    }, 'the interview to finish');
    expect(snapshot.data.outcome).toEqual({ held: false, notes: '乡镇负责人出差，改期' });
  });

  it('an interview is seen only within the region, and its id starts it once', async () => {
    const { processId } = await askForInterview({ processId: `YT-test-${Date.now()}` });
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const otherTownship = await h.officialOf('TOWNSHIP', DEMO.townshipB);
    expect((await h.api('GET', `/api/processes/${processId}`, { as: otherTownship })).status).toBe(403);
    expect((await h.api('GET', `/api/processes/${processId}`, { as: village })).status).toBe(403);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    expect((await h.api('GET', `/api/processes/${processId}`, { as: township })).status).toBe(200);
    const list = await h.api('GET', '/api/processes?kind=INTERVIEW&pageSize=200', { as: otherTownship });
    expect(list.body.items.some((p: any) => p.id === processId)).toBe(false);
    // A township does not ask for its own interview; a repeat of the same id starts nothing new.
    expect((await h.api('POST', '/api/interviews', { as: township, body: { subjectCode: DEMO.townshipA, reason: 'x' } })).status).toBe(403);
    const repeat = await h.api('POST', '/api/interviews', { as: COUNTY, body: { subjectCode: DEMO.townshipA, reason: 'x', processId } });
    expect(repeat.status).toBe(200);
    expect(repeat.body.started).toBe(false);
    expect(await h.prisma.task.count({ where: { processId } })).toBe(1);
    // A named supervisor must be of the level above the unit.
    const bad = await h.api('POST', '/api/interviews', { as: COUNTY, body: { subjectCode: DEMO.townshipA, reason: 'x', supervisorId: village } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('supervisorId');
  });
});
