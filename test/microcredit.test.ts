/**
 * 小额信贷 (microcredit) on the process core, with a real worker, Temporal, PostgreSQL and SMTP
 * server and a compressed policy (a "month" of a term is a second): application → village check
 * (through its mailed task link) → township check → the bank's decision → the MICROCREDIT measure
 * on the household's case → use check → reminders → repaid; another loan to > 90 days overdue;
 * the zero-lending villages listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '@prisma/client';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { createCase, driveToMonitored } from './support/driver';
import { TEST_ACCOUNT, applyForLoan, decideProcessTask, microcreditTestPolicy, openProcessTask, todayBeijing, townshipAndBank } from './support/microcredit-driver';
import { csrfOf, getPage, postForm, textOf } from './support/link-client';
import type { TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';

let h: Harness;
let smtp: TestSmtp;
const ACCOUNT = TEST_ACCOUNT;
const today = todayBeijing;

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ policy: microcreditTestPolicy(), mail: { smtpUrl: smtp.url } });
});
afterAll(async () => {
  await h?.stop();
  await smtp?.stop();
});

/** A monitored household's case in village A1. */
async function monitoredCase(): Promise<string> {
  const caseId = await createCase(h);
  await driveToMonitored(h, caseId);
  return caseId;
}

const apply = (caseId: string, body: Record<string, unknown> = {}): Promise<string> => applyForLoan(h, caseId, body);
const openTask = (processId: string, step: string, seen?: Set<string>): Promise<Task> => openProcessTask(h, processId, step, seen);
const decide = (t: Task, action: string, data: Record<string, unknown> = {}): Promise<any> => decideProcessTask(h, t, action, data);

async function processRow(processId: string) {
  return h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
}

/** Village (through the mailed link) and township checks, then the bank's disbursement. */
async function checkAndDisburse(processId: string, termMonths: number): Promise<void> {
  const mail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.text.includes(processId), 'new-task mail of the village check');
  expect(mail.link).toBeTruthy();
  const page = await getPage(`${mail.link!}?lang=zh-CN`);
  expect(page.status).toBe(200);
  expect(textOf(page.html)).toContain('村级审核贷款申请');
  expect(page.html, 'the bank account never reaches a page').not.toContain(ACCOUNT);
  const done = await postForm(mail.link!, { csrf: csrfOf(page.html), action: 'APPROVE' });
  expect(done.status, textOf(done.html).slice(0, 300)).toBe(303);
  await townshipAndBank(h, processId, termMonths);
}

describe('小额信贷 microcredit', () => {
  it('a loan goes from application through the checks, the bank and its use check to repayment, with reminders, and records the MICROCREDIT measure on the case', async () => {
    const caseId = await monitoredCase();
    const processId = await apply(caseId);
    await checkAndDisburse(processId, 14);

    // The measure appears on the household's case, through the case's own Updates.
    const state = await eventually(async () => {
      const s = await h.state(caseId);
      return s.measures.some((m) => m.type === 'MICROCREDIT' && m.status === 'IMPLEMENTED') ? s : null;
    }, 'the MICROCREDIT measure on the case');
    expect(state.measures.find((m) => m.type === 'MICROCREDIT')?.measureId).toBe(`${processId}-M`);
    const kase = await h.api('GET', `/api/cases/${caseId}`, { as: await h.officialOf('COUNTY', DEMO.county) });
    expect(kase.body.measures.some((m: any) => m.type === 'MICROCREDIT' && m.status === 'IMPLEMENTED')).toBe(true);
    const row = await processRow(processId);
    expect(row.status).toBe('DISBURSED');
    expect((row.data as any).loan).toMatchObject({ amount: 30_000, termMonths: 14, subsidy: Math.round(30_000 * 0.0345 * (14 / 12) * 0.5 * 100) / 100 });
    expect((row.data as any).measure).toEqual({ recorded: true, caseId });

    // Use check; a refused use is refused by the schema when unknown.
    const use = await openTask(processId, 'USE_CHECK');
    expect((await h.api('POST', `/api/tasks/${use.id}/decision`, { as: use.assigneeId!, body: { action: 'DONE', data: { use: 'GAMBLING' } } })).body.error.field).toBe('body.data.use');
    await decide(use, 'DONE', { use: 'PRODUCTION' });

    // Two reminders before the due date, then the repayment record at the due date.
    const seen = new Set<string>();
    await decide(await openTask(processId, 'REPAYMENT_REMINDER', seen), 'DONE', { notes: '已电话提醒' });
    await decide(await openTask(processId, 'REPAYMENT_REMINDER', seen), 'DONE');
    const check = await openTask(processId, 'REPAYMENT_CHECK');
    expect((await processRow(processId)).status).toBe('DUE');
    const bad = await h.api('POST', `/api/tasks/${check.id}/decision`, { as: check.assigneeId!, body: { action: 'DONE', data: { repaid: true } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('body.data.repaidOn');
    const r = await decide(check, 'DONE', { repaid: true, repaidOn: today() });
    expect(r).toMatchObject({ processId, status: 'REPAID', step: null, openTasks: [] });
    const end = await h.client.workflow.getHandle(row.workflowId).result();
    expect(end).toEqual({ processId, status: 'REPAID', measureRecorded: true });

    const actions = (await h.prisma.auditEvent.findMany({ where: { processId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] })).map((e) => e.action);
    for (const a of ['LOAN_APPLIED', 'APPROVED', 'LOAN_DISBURSED', 'MEASURE_RECORDED_ON_CASE', 'LOAN_USE_CONFIRMED', 'REPAYMENT_REMINDER_DUE', 'REPAYMENT_REMINDED', 'LOAN_DUE', 'LOAN_REPAID']) {
      expect(actions, a).toContain(a);
    }
    expect(actions).not.toContain('LOAN_OVERDUE');

    // The bank account is sealed at rest and nowhere else.
    const pd = await h.prisma.programmePersonalData.findUniqueOrThrow({ where: { processId } });
    expect(pd.bankAccountSealed).toMatch(/^pd1\./);
    expect(pd.bankAccountSealed).not.toContain(ACCOUNT);
    const audit = JSON.stringify((await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => [e.action, e.comment, e.data]));
    expect(audit).not.toContain(ACCOUNT);
    expect(JSON.stringify(row)).not.toContain(ACCOUNT);
    expect(smtp.messages.some((m) => m.raw.includes(ACCOUNT))).toBe(false);
  });

  it('an unpaid loan is graded overdue 1–30, 31–90 and > 90 days with a follow-up task at each grade, and the > 90-day loan is listed for the risk-compensation fund', async () => {
    const caseId = await monitoredCase();
    const processId = await apply(caseId, { amount: 20_000, termMonths: 2 });
    await checkAndDisburse(processId, 2);
    // The use check finds the money spent on consumption: the finding goes onto the case's MICROCREDIT measure.
    await decide(await openTask(processId, 'USE_CHECK'), 'DONE', { use: 'CONSUMPTION', notes: '贷款用于购买家电' });
    const finding = await eventually(async () => h.prisma.auditEvent.findFirst({ where: { caseId, action: 'MEASURE_FINDING_RECORDED' } }), 'the use finding on the case');
    expect(finding.data).toMatchObject({ processId, measureId: `${processId}-M`, finding: 'LOAN_USE_REFUSED', use: 'CONSUMPTION' });
    expect(finding.comment).toBe('贷款用于购买家电');
    expect((await h.state(caseId)).measures.find((m) => m.measureId === `${processId}-M`)).toMatchObject({ status: 'IMPLEMENTED', findings: ['LOAN_USE_REFUSED'] });
    await eventually(async () => h.prisma.auditEvent.findFirst({ where: { processId, action: 'USE_FINDING_RECORDED_ON_CASE' } }), 'the loan says the finding went to the case');
    await decide(await openTask(processId, 'REPAYMENT_CHECK'), 'DONE', { repaid: false, notes: '农户外出务工，未还' });

    const seen = new Set<string>();
    const levels: string[] = [];
    for (const status of ['OVERDUE_1_30', 'OVERDUE_31_90', 'OVERDUE_90_PLUS']) {
      await eventually(async () => (await processRow(processId)).status === status, `loan ${status}`, 40_000);
      const t = await openTask(processId, 'OVERDUE_FOLLOW_UP', seen);
      levels.push(t.level);
      if (status !== 'OVERDUE_90_PLUS') await decide(t, 'DONE', { repaid: false, notes: '已上门催收' });
    }
    expect(levels).toEqual(['VILLAGE', 'TOWNSHIP', 'COUNTY']);
    expect((await processRow(processId)).data).toMatchObject({ overdueGrade: 3, riskCompensation: true });
    const county = await h.officialOf('COUNTY', DEMO.county);
    const listed = await h.api('GET', '/api/processes?kind=MICROCREDIT&status=OVERDUE_90_PLUS&pageSize=200', { as: county });
    expect(listed.body.items.map((p: any) => p.id)).toContain(processId);

    // The county's follow-up hands it to the fund.
    const last = [...seen].at(-1)!;
    await decide(await h.prisma.task.findUniqueOrThrow({ where: { id: last } }), 'DONE', { repaid: false, notes: '启动风险补偿金代偿' });
    await eventually(async () => (await processRow(processId)).status === 'RISK_COMPENSATION', 'handed to the fund');
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    expect(actions.filter((a) => a === 'LOAN_OVERDUE')).toHaveLength(2);
    expect(actions).toContain('LOAN_LISTED_FOR_RISK_COMPENSATION');
    expect(actions).toContain('LOAN_HANDED_TO_RISK_COMPENSATION');

    // Figures: this year's loans counted in village A1, overdue > 90 days, and the villages that lent nothing listed.
    const figures = await h.api('GET', `/api/microcredit/figures?year=${today().slice(0, 4)}`, { as: county });
    expect(figures.status, JSON.stringify(figures.body)).toBe(200);
    const a1 = figures.body.villages.find((v: any) => v.villageCode === DEMO.villageA1);
    expect(a1.loans).toBeGreaterThanOrEqual(1);
    expect(a1.overdue[2]).toBeGreaterThanOrEqual(1);
    const zero = figures.body.zeroLendingVillages.map((v: any) => v.villageCode);
    expect(zero).toContain(DEMO.villageA2);
    expect(zero).not.toContain(DEMO.villageA1);
    expect(figures.body.overdueRate[2]).toBeGreaterThan(0);
  });

  it('an overdue loan is extended (展期) through the county\'s approval: its overdue tasks close and it falls due again at the new date', async () => {
    const caseId = await monitoredCase();
    const processId = await apply(caseId, { amount: 10_000, termMonths: 2 });
    await checkAndDisburse(processId, 2);
    const check = await openTask(processId, 'REPAYMENT_CHECK');
    await eventually(async () => (await processRow(processId)).status === 'OVERDUE_1_30', 'loan overdue', 40_000);
    const followUp = await openTask(processId, 'OVERDUE_FOLLOW_UP');
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const ask = (body: Record<string, unknown>) => h.api('POST', `/api/microcredit/loans/${processId}/extension`, { as: village, body });
    const tooLong = await ask({ months: 40, reason: '养殖周期延长' });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error.field).toBe('months');
    const asked = await ask({ months: 20, reason: '养殖周期延长' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    expect(asked.body.openTasks.map((t: any) => t.step)).toContain('EXTENSION_APPROVAL');
    expect((await ask({ months: 2, reason: 'again' })).status).toBe(409);
    expect((await h.api('POST', `/api/microcredit/loans/${processId}/extension`, { as: await h.officialOf('VILLAGE', DEMO.villageB1), body: { months: 2, reason: 'x' } })).status).toBe(403);

    const approval = await openTask(processId, 'EXTENSION_APPROVAL');
    expect(approval.level).toBe('COUNTY');
    await decide(approval, 'APPROVE');
    const row = await processRow(processId);
    expect(row.status).toBe('DISBURSED');
    expect((row.data as any)).toMatchObject({ loan: { termMonths: 22 }, extensions: 1, overdueGrade: 0, extensionPending: null });
    for (const t of [check, followUp]) expect((await h.prisma.task.findUniqueOrThrow({ where: { id: t.id } })).status).toBe('CANCELLED');

    // It falls due again at the new date, and is repaid.
    const again = await openTask(processId, 'REPAYMENT_CHECK', new Set([check.id]));
    expect(again.openedAt.getTime()).toBeGreaterThan(row.updatedAt.getTime() + 5_000);
    await decide(again, 'DONE', { repaid: true, repaidOn: today() });
    await eventually(async () => (await processRow(processId)).status === 'REPAID', 'repaid');
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    for (const a of ['LOAN_EXTENSION_REQUESTED', 'LOAN_EXTENSION_APPROVED', 'LOAN_EXTENDED', 'LOAN_REPAID']) expect(actions, a).toContain(a);
  });

  it('an application beyond the policy maximums, or for a household not monitored, is refused naming the field; hostile input never gets a 500', async () => {
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const caseId = await createCase(h);
    const post = (body: Record<string, unknown>) => h.api('POST', '/api/microcredit/loans', { as: village, body: { caseId, amount: 10_000, termMonths: 12, purpose: 'PLANTING', bankAccount: ACCOUNT, ...body } });
    const notMonitored = await post({});
    expect(notMonitored.status).toBe(422);
    expect(notMonitored.body.error.field).toBe('caseId');
    await driveToMonitored(h, caseId);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ amount: 60_000 }, 422, 'amount'],
      [{ termMonths: 48 }, 422, 'termMonths'],
      [{ purpose: 'GAMBLING' }, 400, 'body.purpose'],
      [{ bankAccount: '12ab' }, 400, 'body.bankAccount'],
      [{ amount: 'x' }, 400, 'body.amount'],
      [{ caseId: 'nope' }, 404, 'id'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
      expect(JSON.stringify(res.body)).not.toContain(ACCOUNT);
    }
    const other = await h.officialOf('VILLAGE', DEMO.villageB1);
    expect((await h.api('POST', '/api/microcredit/loans', { as: other, body: { caseId, amount: 1000, termMonths: 12, purpose: 'PLANTING', bankAccount: ACCOUNT } })).status).toBe(403);
  });
});
