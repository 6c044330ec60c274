/**
 * Captures the histories of real runs of the case workflow for a release, into
 * test/histories/<release>/<scenario>.json. Run by `npm run histories:capture -- <release>`
 * (vitest.capture.config.ts), never by `npm test`: the replay test (test/histories.test.ts)
 * replays what is checked in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness';
import { DEMO, eventually, startHarness } from '../support/harness';
import { compressedPolicy } from '../../workflows/policy';
import {
  actions, approve, createCase, decide, driveElimination, driveToMonitored, implementMeasure, openTaskOf, waitForCase, untilEliminationStarts } from '../support/driver';

import { historyToFile } from '../support/history-files';
import { makeResidentId } from '../../core/resident-id';
import { applyForLoan, decideProcessTask, microcreditTestPolicy, openProcessTask, todayBeijing, townshipAndBank } from '../support/microcredit-driver';

const release = process.env.BANGFU_RELEASE;
if (!release || !/^[\w.-]+$/.test(release)) throw new Error('set BANGFU_RELEASE (npm run histories:capture -- <release>)');
const dir = path.join(import.meta.dirname, release);
fs.mkdirSync(dir, { recursive: true });

const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.stop();
});
async function harness(opts: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const h = await startHarness(opts);
  harnesses.push(h);
  return h;
}

/** Writes every run of the case's workflow (oldest first), waiting until the latest run is idle. */
async function save(h: Harness, caseId: string, scenario: string, runIds?: string[]): Promise<void> {
  const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
  const runs = runIds ?? [(await h.client.workflow.getHandle(row.workflowId).describe()).runId];
  for (const [i, runId] of runs.entries()) {
    const history = await h.client.workflow.getHandle(row.workflowId, runId).fetchHistory();
    const file = path.join(dir, `${scenario}${runs.length > 1 ? `.run${i + 1}` : ''}.json`);
    fs.writeFileSync(file, historyToFile(history));
    console.log(`captured ${file} (${history.events?.length} events)`);
  }
}

/** Writes the history of a process's workflow (约谈, loan …) once it has closed. */
async function saveProcess(h: Harness, processId: string, scenario: string): Promise<void> {
  const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
  await h.client.workflow.getHandle(row.workflowId).result();
  const history = await h.client.workflow.getHandle(row.workflowId).fetchHistory();
  const file = path.join(dir, `${scenario}.json`);
  fs.writeFileSync(file, historyToFile(history));
  console.log(`captured ${file} (${history.events?.length} events)`);
}

const today = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe(`capture histories for release ${release}`, () => {
  it('identification with an objection dismissed and a township return, to county approval', async () => {
    const h = await harness({ policy: compressedPolicy({ notice: 2 }) });
    const caseId = await createCase(h);
    await approve(h, caseId, 'VERIFICATION');
    await approve(h, caseId, 'VILLAGE_REVIEW');
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('POST', `/api/cases/${caseId}/objections`, { as: village, body: { text: '家中有车' } })).status).toBe(201);
    expect((await decide(h, caseId, 'INVESTIGATION', 'DISMISS')).status).toBe(200);
    expect((await decide(h, caseId, 'TOWNSHIP_REVIEW', 'RETURN')).status).toBe(200);
    await approve(h, caseId, 'VILLAGE_REVIEW');
    await approve(h, caseId, 'TOWNSHIP_REVIEW');
    await approve(h, caseId, 'COUNTY_APPROVAL');
    await waitForCase(h, caseId, 'MONITORED');
    await save(h, caseId, 'identification-objection-return');
  });

  it('rejection, withdrawal and an upheld objection', async () => {
    const h = await harness({ policy: compressedPolicy({ notice: 30 }) });
    const rejected = await createCase(h);
    await approve(h, rejected, 'VERIFICATION');
    expect((await decide(h, rejected, 'VILLAGE_REVIEW', 'REJECT')).status).toBe(200);
    await save(h, rejected, 'rejection');
    const upheld = await createCase(h);
    await approve(h, upheld, 'VERIFICATION');
    await approve(h, upheld, 'VILLAGE_REVIEW');
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('POST', `/api/cases/${upheld}/objections`, { as: village, body: { text: '收入不实' } })).status).toBe(201);
    expect((await decide(h, upheld, 'INVESTIGATION', 'REJECT')).status).toBe(200);
    await save(h, upheld, 'objection-upheld-rejected');
  });

  it('reminders and escalations of an overdue task, a transfer and a nudge', async () => {
    const h = await harness({ policy: compressedPolicy({ step: 3, reminder: 1 }) });
    const caseId = await createCase(h);
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    const colleague = await h.prisma.official.findFirstOrThrow({ where: { role: 'VILLAGE', regionCode: DEMO.villageA1, id: { not: task.assigneeId! }, standsInForId: null } });
    expect((await h.api('POST', `/api/tasks/${task.id}/transfer`, { as: task.assigneeId!, body: { toOfficialId: colleague.id } })).status).toBe(200);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    expect((await h.api('POST', `/api/tasks/${task.id}/nudge`, { as: township })).status).toBe(200);
    await eventually(async () => (await actions(h, caseId)).includes('TASK_ESCALATED'), 'escalation', 20_000);
    await save(h, caseId, 'task-reminder-escalation-transfer');
  });

  it('monitoring with measures and contacts, the review timer and elimination, then a rollback', async () => {
    const h = await harness({ policy: compressedPolicy({ notice: 1, elimination: 3 }) });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect((await h.api('POST', `/api/cases/${caseId}/contacts`, { as: row.contactId!, body: { contactedOn: today(), note: '入户走访' } })).status).toBe(201);
    await implementMeasure(h, caseId);
    await untilEliminationStarts(h, caseId);
    await driveElimination(h, caseId);
    const county = await h.officialOf('COUNTY', DEMO.county);
    expect((await h.api('POST', `/api/cases/${caseId}/rollback`, { as: county, body: { reason: '返贫风险复现' } })).status).toBe(200);
    await waitForCase(h, caseId, 'MONITORED');
    await save(h, caseId, 'monitoring-review-elimination-rollback');
  });

  it('a review the household does not qualify for, and a declined elimination', async () => {
    const h = await harness({ policy: compressedPolicy({ notice: 1, elimination: 2, review: 3 }) });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    await eventually(async () => (await actions(h, caseId)).includes('REVIEW_NOT_ELIGIBLE'), 'a review without a measure');
    await implementMeasure(h, caseId);
    await untilEliminationStarts(h, caseId);
    expect((await decide(h, caseId, 'ELIM_ASSESSMENT', 'REJECT')).status).toBe(200);
    await waitForCase(h, caseId, 'MONITORED');
    await save(h, caseId, 'review-not-eligible-declined');
  });

  it('continue-as-new carries a monitored case onto a new run', async () => {
    const h = await harness({ policy: compressedPolicy({ notice: 1, elimination: 3600 }), maxHistoryEvents: 120 });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    await implementMeasure(h, caseId);
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const handle = h.client.workflow.getHandle(row.workflowId);
    const firstRun = (await handle.describe()).runId;
    for (let i = 0; i < 40 && (await handle.describe()).runId === firstRun; i++) {
      expect((await h.api('POST', `/api/cases/${caseId}/contacts`, { as: row.contactId!, body: { contactedOn: today() } })).status).toBe(201);
    }
    const secondRun = (await handle.describe()).runId;
    expect(secondRun).not.toBe(firstRun);
    expect((await h.api('POST', `/api/cases/${caseId}/contacts`, { as: row.contactId!, body: { contactedOn: today() } })).status).toBe(201);
    await save(h, caseId, 'continue-as-new', [firstRun, secondRun]);
  });

  it('microcredit: a loan repaid after its reminders, and a loan overdue past 90 days handed to the risk-compensation fund', async () => {
    const h = await harness({ policy: microcreditTestPolicy() });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const repaid = await applyForLoan(h, caseId);
    await decideProcessTask(h, await openProcessTask(h, repaid, 'VILLAGE_CHECK'), 'APPROVE');
    await townshipAndBank(h, repaid, 14);
    await decideProcessTask(h, await openProcessTask(h, repaid, 'USE_CHECK'), 'DONE', { use: 'PRODUCTION' });
    const seen = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, repaid, 'REPAYMENT_REMINDER', seen), 'DONE');
    await decideProcessTask(h, await openProcessTask(h, repaid, 'REPAYMENT_REMINDER', seen), 'DONE');
    await decideProcessTask(h, await openProcessTask(h, repaid, 'REPAYMENT_CHECK'), 'DONE', { repaid: true, repaidOn: todayBeijing() });
    await saveProcess(h, repaid, 'microcredit-repaid');

    const overdue = await applyForLoan(h, caseId, { amount: 20_000, termMonths: 2 });
    await decideProcessTask(h, await openProcessTask(h, overdue, 'VILLAGE_CHECK'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, overdue, 'TOWNSHIP_CHECK'), 'RETURN', {});
    await decideProcessTask(h, await openProcessTask(h, overdue, 'VILLAGE_CHECK'), 'APPROVE');
    await townshipAndBank(h, overdue, 2, 20_000);
    await decideProcessTask(h, await openProcessTask(h, overdue, 'USE_CHECK'), 'DONE', { use: 'CONSUMPTION', notes: '用于日常消费' });
    const followUps = new Set<string>();
    for (const status of ['OVERDUE_1_30', 'OVERDUE_31_90', 'OVERDUE_90_PLUS']) {
      await eventually(async () => (await h.prisma.process.findUniqueOrThrow({ where: { id: overdue } })).status === status, status, 40_000);
      await decideProcessTask(h, await openProcessTask(h, overdue, 'OVERDUE_FOLLOW_UP', followUps), 'DONE', { repaid: false, notes: '已上门催收' });
    }
    await saveProcess(h, overdue, 'microcredit-overdue-risk-compensation');
  });

  it('public-welfare job: review, a township return, notice, agreement, two monthly confirmations (one late, one unpaid) and exit', async () => {
    const base = compressedPolicy({ notice: 1, reminder: 1, escalationRepeat: 30 });
    const h = await harness({
      policy: {
        ...base,
        processSteps: { ...base.processSteps, PUBLIC_WELFARE_JOB: { ...base.processSteps.PUBLIC_WELFARE_JOB, WAGE_CONFIRMATION: { unit: 'SECONDS', amount: 4 } } },
        welfareJobs: { minAge: 16, maxAge: 65, maxTermMonths: 12, notice: { unit: 'SECONDS', amount: 2 }, monthUnit: 'SECONDS' },
      },
    });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/welfare-jobs', { as: village, body: { caseId, idNumber: makeResidentId('410599', '19800101', '077'), post: '保洁员', monthlyWage: 800, termMonths: 2 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const processId = res.body.process.id as string;
    await decideProcessTask(h, await openProcessTask(h, processId, 'VILLAGE_REVIEW'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, processId, 'TOWNSHIP_APPROVAL'), 'RETURN');
    await decideProcessTask(h, await openProcessTask(h, processId, 'VILLAGE_REVIEW'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, processId, 'TOWNSHIP_APPROVAL'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, processId, 'AGREEMENT'), 'DONE', { startOn: todayBeijing(), termMonths: 2 });
    const seen = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, processId, 'WAGE_CONFIRMATION', seen), 'DONE', { attendanceDays: 22, wagePaid: false, notes: '资金未到位' });
    const m2 = await openProcessTask(h, processId, 'WAGE_CONFIRMATION', seen);
    await eventually(async () => (await h.prisma.auditEvent.count({ where: { processId, taskId: m2.id, action: 'TASK_ESCALATED' } })) > 0, 'escalation', 20_000);
    await decideProcessTask(h, m2, 'DONE', { attendanceDays: 20, wagePaid: true });
    await decideProcessTask(h, await openProcessTask(h, processId, 'WAGE_ARREARS'), 'DONE', { notes: '已补发' });
    await decideProcessTask(h, await openProcessTask(h, processId, 'END_OF_TERM'), 'DONE', { outcome: 'EXIT' });
    await saveProcess(h, processId, 'welfare-job-late-unpaid-exit');
  });

  it('settlement checklist: six items, one late and escalated, completed', async () => {
    const base = compressedPolicy({ reminder: 1, escalationRepeat: 30 });
    const h = await harness({
      policy: { ...base, processSteps: { ...base.processSteps, RELOCATION_SETTLEMENT: { ...base.processSteps.RELOCATION_SETTLEMENT, PROPERTY_MANAGEMENT: { unit: 'SECONDS', amount: 4 } } } },
    });
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const res = await h.api('POST', '/api/settlements', { as: township, body: { name: '幸福家园安置点', townshipCode: DEMO.townshipA } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const processId = res.body.process.id as string;
    for (const item of ['PARTY_ORGANISATION', 'GOVERNANCE_BODY', 'GRID_LEADERS', 'SERVICE_CENTRE', 'RIGHTS_PROTECTION']) {
      await decideProcessTask(h, await openProcessTask(h, processId, item), 'DONE', { details: '已建立' });
    }
    const late = await openProcessTask(h, processId, 'PROPERTY_MANAGEMENT');
    await eventually(async () => (await h.prisma.auditEvent.count({ where: { processId, taskId: late.id, action: 'TASK_ESCALATED' } })) > 0, 'escalation', 20_000);
    await decideProcessTask(h, late, 'DONE', { details: '已引入物业公司' });
    await saveProcess(h, processId, 'settlement-checklist-late-item');
  });

  it('microcredit extension: an overdue loan extended through approval, then repaid', async () => {
    const h = await harness({ policy: microcreditTestPolicy() });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const loan = await applyForLoan(h, caseId, { amount: 10_000, termMonths: 2 });
    await decideProcessTask(h, await openProcessTask(h, loan, 'VILLAGE_CHECK'), 'APPROVE');
    await townshipAndBank(h, loan, 2, 10_000);
    const check = await openProcessTask(h, loan, 'REPAYMENT_CHECK');
    await eventually(async () => (await h.prisma.process.findUniqueOrThrow({ where: { id: loan } })).status === 'OVERDUE_1_30', 'overdue', 40_000);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('POST', `/api/microcredit/loans/${loan}/extension`, { as: village, body: { months: 12, reason: '养殖周期延长' } })).status).toBe(202);
    await decideProcessTask(h, await openProcessTask(h, loan, 'EXTENSION_APPROVAL'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, loan, 'REPAYMENT_CHECK', new Set([check.id])), 'DONE', { repaid: true, repaidOn: todayBeijing() });
    await saveProcess(h, loan, 'microcredit-extension-repaid');
  });
});
