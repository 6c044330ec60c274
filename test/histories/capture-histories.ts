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
import { DEMO, eventually, randomIdNumber, startHarness } from '../support/harness';
import { compressedPolicy } from '../../workflows/policy';
import {
  actions, approve, createCase, decide, driveElimination, driveToMonitored, implementMeasure, openTaskOf, waitForCase, untilEliminationStarts } from '../support/driver';

import { historyToFile } from '../support/history-files';
import { reassignContactUpdate } from '../../workflows/contracts';
import { seedCases } from '../support/seed-cases';
import { ensureReportSchedules, reportScheduleId } from '../../api/services/ensure-report-schedules';
import type { CityReportInput, ReportInput, ReportResult } from '../../workflows/report/contracts';
import { CITY_REPORT_WORKFLOW, REPORT_WORKFLOW } from '../../workflows/report/contracts';
import { periodOfKey } from '../../workflows/report/rules';
import type { ConfirmationInput } from '../../workflows/confirmation/contracts';
import { CONFIRMATION_WORKFLOW, confirmationProcessId } from '../../workflows/confirmation/contracts';
import { processWorkflowId } from '../../workflows/process-contracts';
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

/**
 * Writes the given runs of a workflow (oldest first; default: the latest run) to
 * `<scenario>[.runN].json`, after waiting for the workflow to close when `closed` is set.
 */
async function saveRuns(h: Harness, workflowId: string, scenario: string, o: { runIds?: string[]; closed?: boolean } = {}): Promise<void> {
  if (o.closed) await h.client.workflow.getHandle(workflowId).result();
  const runs = o.runIds ?? [(await h.client.workflow.getHandle(workflowId).describe()).runId];
  for (const [i, runId] of runs.entries()) {
    const history = await h.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const file = path.join(dir, `${scenario}${runs.length > 1 ? `.run${i + 1}` : ''}.json`);
    fs.writeFileSync(file, historyToFile(history));
    console.log(`captured ${file} (${history.events?.length} events)`);
  }
}

/** Writes the runs of a case's workflow. */
async function save(h: Harness, caseId: string, scenario: string, runIds?: string[]): Promise<void> {
  const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
  await saveRuns(h, row.workflowId, scenario, { runIds });
}

/** Writes the history of one workflow (any process), once it has completed. */
async function saveWorkflow(h: Harness, workflowId: string, scenario: string): Promise<void> {
  await saveRuns(h, workflowId, scenario, { closed: true });
}

/** Writes the runs of a process's workflow (约谈, loan, project …), once it has closed when `closed`. */
async function saveProcess(h: Harness, processId: string, scenario: string, runIds?: string[], closed = false): Promise<void> {
  const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
  await saveRuns(h, row.workflowId, scenario, { runIds, closed });
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

  it('a monitored case whose assistance contact is deactivated: the contact replaced through the case workflow', async () => {
    const h = await harness({ policy: compressedPolicy({ notice: 1, elimination: 3600 }) });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const result = await h.client.workflow.getHandle(row.workflowId).executeUpdate(reassignContactUpdate, {
      args: [{ fromOfficialId: row.contactId!, toOfficialId: null, reason: '帮扶责任人已停用', actor: { id: 'off-admin', role: 'ADMIN', regionCode: DEMO.county } }],
    });
    expect(result).toBeTruthy();
    await eventually(async () => (await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).contactId === null, 'the contact cleared');
    await save(h, caseId, 'contact-reassigned');
  });

  it('an interview (约谈) reminded and escalated, then recorded as held', async () => {
    const h = await harness({
      policy: { ...compressedPolicy({ reminder: 1, escalationRepeat: 30 }), processSteps: { INTERVIEW: { HOLD_INTERVIEW: { unit: 'SECONDS', amount: 2 } } } },
    });
    const county = await h.officialOf('COUNTY', DEMO.county);
    const res = await h.api('POST', '/api/interviews', { as: county, body: { subjectCode: DEMO.townshipA, reason: '季度通报连续两期排名末位' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const processId = res.body.process.id as string;
    const taskId = res.body.process.openTasks[0].id as string;
    await eventually(async () => (await h.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).escalations >= 1, 'the interview task escalated');
    const done = await h.api('POST', `/api/tasks/${taskId}/decision`, { as: county, body: { action: 'DONE', data: { held: true, heldOn: today(), notes: '约谈乡镇主要负责人，限期整改' } } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await saveWorkflow(h, `process-${processId}`, 'interview-reminded-escalated-held');
  });

  it('reports: a scheduled 月调度, and a 季通报 that opens an 约谈 for a township at the bottom twice', async () => {
    const policy = {
      ...compressedPolicy(),
      reports: { monthly: { every: 'SECONDS' as const, seconds: 3 }, quarterly: { every: 'SECONDS' as const, seconds: 3 }, bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: 2, catchupWindowSeconds: 60 },
    };
    const h = await harness({ policy });
    const suffix = h.taskQueue.slice(5, 13);
    const scheduleId = reportScheduleId('MONTHLY', DEMO.county, suffix);
    await ensureReportSchedules({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy, counties: [DEMO.county], kinds: ['MONTHLY'], idSuffix: suffix });
    const report = await eventually(() => h.prisma.report.findFirst({ where: { requestKey: { startsWith: `${scheduleId}-` } } }), 'a scheduled report');
    await h.client.schedule.getHandle(scheduleId).delete();
    await h.client.workflow.getHandle(report.requestKey).result();
    fs.writeFileSync(path.join(dir, 'report-scheduled-monthly.json'), historyToFile(await h.client.workflow.getHandle(report.requestKey).fetchHistory()));

    const year = 1960 + Math.floor(Math.random() * 25);
    const at = (m: number): Date => new Date(`${year}-0${m}-10T10:00:00+08:00`);
    await seedCases(h.prisma, [
      { village: DEMO.villageA1, status: 'MONITORED', openedAt: at(1), approvedAt: at(2), lastContactAt: at(3), measures: [{ status: 'IMPLEMENTED', implementedOn: at(2) }] },
      { village: DEMO.villageB1, status: 'MONITORED', openedAt: at(1), approvedAt: at(2), slaBreached: true },
    ]);
    const run = (key: string): Promise<ReportResult> => {
      const input: ReportInput = {
        countyCode: DEMO.county, kind: 'QUARTERLY', cadence: policy.reports.quarterly, period: periodOfKey(key)!, bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: 2,
        interviewPolicy: { processSteps: h.policy.processSteps, reminderLead: h.policy.reminderLead, escalationRepeat: h.policy.escalationRepeat, version: h.policy.version },
      };
      return h.client.workflow.execute(REPORT_WORKFLOW, { taskQueue: h.taskQueue, workflowId: `report-capture-${key}-${h.taskQueue}`, args: [input] });
    };
    await run(`${year}-Q1`);
    const second = await run(`${year}-Q2`);
    expect(second.interviews).toHaveLength(1);
    fs.writeFileSync(path.join(dir, 'report-quarterly-interview.json'), historyToFile(await h.client.workflow.getHandle(`report-capture-${year}-Q2-${h.taskQueue}`).fetchHistory()));
    console.log(`captured the report histories in ${dir}`);
  });

  it('city reports: a scheduled city 月调度, and a city 季通报 that opens an 约谈 for a county at the bottom twice', async () => {
    const policy = {
      ...compressedPolicy(),
      reports: { monthly: { every: 'SECONDS' as const, seconds: 3 }, quarterly: { every: 'SECONDS' as const, seconds: 3 }, bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: 2, catchupWindowSeconds: 60 },
    };
    const h = await harness({ policy });
    // A private city of two counties, each with a township and a village, and a county official for the 约谈.
    const rr = String(10 + Math.floor(Math.random() * 89));
    const [city, c1, c2, t1, t2, v1, v2] = [`46${rr}00000000`, `46${rr}01000000`, `46${rr}02000000`, `46${rr}01100000`, `46${rr}02100000`, `46${rr}01100201`, `46${rr}02100201`];
    for (const r of [
      { code: city, name: `捕获市${rr}`, level: 'CITY', parentCode: null }, { code: c1, name: `捕获甲县${rr}`, level: 'COUNTY', parentCode: city },
      { code: c2, name: `捕获乙县${rr}`, level: 'COUNTY', parentCode: city }, { code: t1, name: `甲镇${rr}`, level: 'TOWNSHIP', parentCode: c1 },
      { code: t2, name: `乙镇${rr}`, level: 'TOWNSHIP', parentCode: c2 }, { code: v1, name: `甲村${rr}`, level: 'VILLAGE', parentCode: t1 },
      { code: v2, name: `乙村${rr}`, level: 'VILLAGE', parentCode: t2 },
    ]) await h.prisma.region.create({ data: r });
    await h.prisma.official.create({ data: { id: `off-cty-capture-${rr}`, name: '乙县干部', email: `cty-capture-${rr}@demo.bangfu.local`, role: 'COUNTY', regionCode: c2 } });
    const suffix = h.taskQueue.slice(5, 13);
    const scheduleId = reportScheduleId('MONTHLY', city, suffix, 'CITY');
    await ensureReportSchedules({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy, counties: [], cities: [city], kinds: ['MONTHLY'], idSuffix: suffix });
    const report = await eventually(() => h.prisma.report.findFirst({ where: { requestKey: { startsWith: `${scheduleId}-` } } }), 'a scheduled city report');
    await h.client.schedule.getHandle(scheduleId).delete();
    await saveRuns(h, report.requestKey, 'city-report-scheduled-monthly', { closed: true });

    const year = 1960 + Math.floor(Math.random() * 25);
    const at = (m: number): Date => new Date(`${year}-0${m}-10T10:00:00+08:00`);
    await seedCases(h.prisma, [
      { village: v1, township: t1, county: c1, status: 'MONITORED', openedAt: at(1), approvedAt: at(2), lastContactAt: at(3), measures: [{ status: 'IMPLEMENTED', implementedOn: at(2) }] },
      { village: v2, township: t2, county: c2, status: 'MONITORED', openedAt: at(1), approvedAt: at(2), slaBreached: true },
    ]);
    const run = (key: string): Promise<ReportResult> => {
      const input: CityReportInput = {
        cityCode: city, kind: 'QUARTERLY', cadence: policy.reports.quarterly, period: periodOfKey(key)!, bottomCount: 2, interviewAfterBottomRuns: 2, lateAfterSeconds: 2,
        interviewPolicy: { processSteps: h.policy.processSteps, reminderLead: h.policy.reminderLead, escalationRepeat: h.policy.escalationRepeat, version: h.policy.version },
      };
      return h.client.workflow.execute(CITY_REPORT_WORKFLOW, { taskQueue: h.taskQueue, workflowId: `city-report-capture-${key}-${h.taskQueue}`, args: [input] });
    };
    await run(`${year}-Q1`);
    const second = await run(`${year}-Q2`);
    expect(second.interviews).toHaveLength(1);
    await saveRuns(h, `city-report-capture-${year}-Q2-${h.taskQueue}`, 'city-report-quarterly-interview', { closed: true });
  });

  it('monthly confirmation (月调度数据确认): villages confirm, flag a discrepancy or answer late after an escalation; a township confirms; the rest close unanswered', async () => {
    const h = await harness({
      policy: {
        ...compressedPolicy({ reminder: 1, escalationRepeat: 3600 }),
        reports: {
          monthly: { every: 'SECONDS', seconds: 30 }, quarterly: { every: 'SECONDS', seconds: 3600 }, bottomCount: 1, interviewAfterBottomRuns: 2,
          lateAfterSeconds: 60, catchupWindowSeconds: 120, confirmation: { every: 'SECONDS', villageSeconds: 6, townshipSeconds: 20 },
        },
      },
    });
    const rr = String(10 + Math.floor(Math.random() * 89));
    const [county, t1, t2] = [`45${rr}01000000`, `45${rr}01100000`, `45${rr}01200000`];
    const [v1, v2, v3, w1] = [`45${rr}01100201`, `45${rr}01100202`, `45${rr}01100203`, `45${rr}01200201`];
    await h.prisma.region.create({ data: { code: county, name: `确认县${rr}`, level: 'COUNTY', parentCode: null } });
    for (const [code, parent] of [[t1, county], [t2, county]]) await h.prisma.region.create({ data: { code, name: `镇${code.slice(6, 8)}`, level: 'TOWNSHIP', parentCode: parent } });
    for (const [code, parent] of [[v1, t1], [v2, t1], [v3, t1], [w1, t2]]) await h.prisma.region.create({ data: { code, name: `村${code.slice(-2)}`, level: 'VILLAGE', parentCode: parent } });
    for (const [code, role] of [[v1, 'VILLAGE'], [v2, 'VILLAGE'], [v3, 'VILLAGE'], [w1, 'VILLAGE'], [t1, 'TOWNSHIP'], [t2, 'TOWNSHIP']]) {
      await h.prisma.official.create({ data: { id: `off-cap-${code}`, name: `干部${code.slice(-4)}`, email: `cap-${code}@test.bangfu.local`, role, regionCode: code } });
    }
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const period = { key: from, from, to: new Date(Date.now() + 30_000).toISOString() };
    const processId = confirmationProcessId(county, period.key);
    const input: ConfirmationInput = {
      countyCode: county, cadence: { every: 'SECONDS', seconds: 30 }, period, due: { every: 'SECONDS', villageSeconds: 6, townshipSeconds: 20 },
      limits: { reminderLead: h.policy.reminderLead, escalationRepeat: h.policy.escalationRepeat }, policyVersion: h.policy.version,
    };
    await h.client.workflow.start(CONFIRMATION_WORKFLOW, { taskQueue: h.taskQueue, workflowId: processWorkflowId(processId), args: [input] });
    const task = (code: string) => eventually(() => h.prisma.task.findFirst({ where: { processId, regionCode: code, status: 'OPEN' } }), `the task of ${code}`, 40_000);
    await decideProcessTask(h, await task(v1), 'APPROVE', { note: '务工就业12人', employed: 12 });
    await decideProcessTask(h, await task(v2), 'REJECT');
    const late = await task(v3);
    await eventually(async () => (await h.prisma.task.findUniqueOrThrow({ where: { id: late.id } })).escalations >= 1, 'the late village escalated');
    const township = await task(t1);
    await decideProcessTask(h, late, 'APPROVE');
    await decideProcessTask(h, township, 'APPROVE', { note: '已核对' });
    await saveWorkflow(h, processWorkflowId(processId), 'monthly-confirmation-late-escalated-closed');
  });

  it('a screening campaign (集中排查): roster, visits with a revisit, grid submitted, ledger closed, township review with its sample, county summary', async () => {
    const h = await harness({
      policy: {
        ...compressedPolicy(),
        processSteps: { SCREENING_CAMPAIGN: { GRID_SCREENING: { unit: 'SECONDS', amount: 3600 }, VILLAGE_LEDGER: { unit: 'SECONDS', amount: 3600 }, TOWNSHIP_REVIEW: { unit: 'SECONDS', amount: 3600 }, COUNTY_SUMMARY: { unit: 'SECONDS', amount: 3600 } } },
        screeningSampleSize: 1,
      },
    });
    const county = await h.officialOf('COUNTY', DEMO.county);
    const worker = await h.officialOf('VILLAGE', DEMO.villageB1);
    const csv = ['村代码,网格,网格员,户主,身份证号,人口,类别',
      `${DEMO.villageB1},青山一网格,cun.qingshan@demo.bangfu.local,钱一,${randomIdNumber()},3,一般农户`,
      `${DEMO.villageB1},青山一网格,,钱二,${randomIdNumber()},2,脱贫户`].join('\n');
    const roster = await fetch(`${h.baseUrl}/api/roster`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${await h.token(county)}` }, body: csv });
    const households = ((await roster.json()) as { rows: { key: string }[] }).rows.map((r) => r.key);
    const launched = await h.api('POST', '/api/campaigns', { as: county, body: { name: '历史捕获', deadline: today(), villageCodes: [DEMO.villageB1] } });
    expect(launched.status).toBe(201);
    const id = launched.body.campaign.id as string;
    const visit = (householdId: string, result: string) => h.api('POST', `/api/campaigns/${id}/visits`, { as: worker, body: { householdId, result } });
    expect((await visit(households[0], 'NO_RISK')).status).toBe(200);
    expect((await visit(households[1], 'NOT_HOME')).status).toBe(200);
    expect((await visit(households[1], 'NO_RISK')).status).toBe(200);
    const taskOf = (step: string) => eventually(() => h.prisma.task.findFirst({ where: { processId: id, step, status: 'OPEN' } }), step);
    expect((await h.api('POST', `/api/tasks/${(await taskOf('GRID_SCREENING')).id}/decision`, { as: worker, body: { action: 'DONE', data: {} } })).status).toBe(200);
    const meeting = { meetingOn: today(), attendees: 8, minutes: '逐户过堂' };
    expect((await h.api('POST', `/api/tasks/${(await taskOf('VILLAGE_LEDGER')).id}/decision`, { as: worker, body: { action: 'DONE', data: meeting } })).status).toBe(200);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipB);
    expect((await h.api('POST', `/api/tasks/${(await taskOf('TOWNSHIP_REVIEW')).id}/decision`, { as: township, body: { action: 'APPROVE', data: { checked: 1, discrepancies: 0 } } })).status).toBe(200);
    expect((await h.api('POST', `/api/tasks/${(await taskOf('COUNTY_SUMMARY')).id}/decision`, { as: county, body: { action: 'DONE', data: {} } })).status).toBe(200);
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id } });
    await h.client.workflow.getHandle(row.workflowId).result();
    const history = await h.client.workflow.getHandle(row.workflowId).fetchHistory();
    const file = path.join(dir, 'screening-campaign.json');
    fs.writeFileSync(file, historyToFile(history));
    console.log(`captured ${file} (${history.events?.length} events)`);
  });
  it('a screening campaign whose township review returns the village (退回重新排查): ledger and grid reopened, re-checked, reviewed again', async () => {
    const h = await harness({
      policy: {
        ...compressedPolicy(),
        processSteps: { SCREENING_CAMPAIGN: { GRID_SCREENING: { unit: 'SECONDS', amount: 3600 }, VILLAGE_LEDGER: { unit: 'SECONDS', amount: 3600 }, TOWNSHIP_REVIEW: { unit: 'SECONDS', amount: 3600 }, COUNTY_SUMMARY: { unit: 'SECONDS', amount: 3600 } } },
        screeningSampleSize: 1,
      },
    });
    const county = await h.officialOf('COUNTY', DEMO.county);
    const worker = await h.officialOf('VILLAGE', DEMO.villageB1);
    const csv = ['村代码,网格,网格员,户主,身份证号,人口,类别',
      `${DEMO.villageB1},青山退回网格,cun.qingshan@demo.bangfu.local,钱三,${randomIdNumber()},3,一般农户`,
      `${DEMO.villageB1},青山退回网格,,钱四,${randomIdNumber()},2,脱贫户`].join('\n');
    const roster = await fetch(`${h.baseUrl}/api/roster`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${await h.token(county)}` }, body: csv });
    const households = ((await roster.json()) as { rows: { key: string }[] }).rows.map((r) => r.key);
    const launched = await h.api('POST', '/api/campaigns', { as: county, body: { name: '历史捕获（退回）', deadline: today(), villageCodes: [DEMO.villageB1] } });
    expect(launched.status).toBe(201);
    const id = launched.body.campaign.id as string;
    const visit = (householdId: string, result: string) => h.api('POST', `/api/campaigns/${id}/visits`, { as: worker, body: { householdId, result } });
    for (const hh of households) expect((await visit(hh, 'NO_RISK')).status).toBe(200);
    const taskOf = (step: string) => eventually(() => h.prisma.task.findFirst({ where: { processId: id, step, status: 'OPEN' } }), step);
    const decideAs = async (as: string, step: string, body: Record<string, unknown>) => {
      const r = await h.api('POST', `/api/tasks/${(await taskOf(step)).id}/decision`, { as, body });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await decideAs(worker, 'GRID_SCREENING', { action: 'DONE', data: {} });
    const meeting = { meetingOn: today(), attendees: 8, minutes: '逐户过堂' };
    await decideAs(worker, 'VILLAGE_LEDGER', { action: 'DONE', data: meeting });
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipB);
    await decideAs(township, 'TOWNSHIP_REVIEW', { action: 'RETURN', reason: '抽查发现1户结果有误', data: { checked: 1, discrepancies: 1, returnVillages: [DEMO.villageB1], recheckGrids: true } });
    await eventually(async () => ((await h.prisma.villageLedger.count({ where: { campaignId: id } })) === 0 ? true : null), 'the ledger to reopen');
    expect((await visit(households[0], 'NO_RISK')).status).toBe(200);
    await decideAs(worker, 'GRID_SCREENING', { action: 'DONE', data: {} });
    await decideAs(worker, 'VILLAGE_LEDGER', { action: 'DONE', data: { ...meeting, minutes: '复核后重新研究' } });
    await decideAs(township, 'TOWNSHIP_REVIEW', { action: 'APPROVE', data: { checked: 1, discrepancies: 0 } });
    await decideAs(county, 'COUNTY_SUMMARY', { action: 'DONE', data: {} });
    await saveProcess(h, id, 'screening-campaign-review-returned', undefined, true);
  });
  it('a screening campaign that continues as new during its visits', async () => {
    const h = await harness({
      policy: {
        ...compressedPolicy(),
        processSteps: { SCREENING_CAMPAIGN: { GRID_SCREENING: { unit: 'SECONDS', amount: 3600 }, VILLAGE_LEDGER: { unit: 'SECONDS', amount: 3600 }, TOWNSHIP_REVIEW: { unit: 'SECONDS', amount: 3600 }, COUNTY_SUMMARY: { unit: 'SECONDS', amount: 3600 } } },
        screeningSampleSize: 1,
      },
      maxHistoryEvents: 40,
    });
    const county = await h.officialOf('COUNTY', DEMO.county);
    const worker = await h.officialOf('VILLAGE', '410599101202');
    const csv = ['村代码,网格,网格员,户主,身份证号,人口,类别',
      ...Array.from({ length: 8 }, (_, i) => `${'410599101202'},石桥网格,cun.shiqiao@demo.bangfu.local,孙${i},${randomIdNumber()},2,一般农户`)].join('\n');
    const roster = await fetch(`${h.baseUrl}/api/roster`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${await h.token(county)}` }, body: csv });
    const households = ((await roster.json()) as { rows: { key: string }[] }).rows.map((r) => r.key);
    const launched = await h.api('POST', '/api/campaigns', { as: county, body: { name: '历史捕获（续跑）', deadline: today(), villageCodes: ['410599101202'] } });
    expect(launched.status).toBe(201);
    const id = launched.body.campaign.id as string;
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id } });
    const handle = h.client.workflow.getHandle(row.workflowId);
    const firstRun = (await handle.describe()).runId;
    for (const hh of households) expect((await h.api('POST', `/api/campaigns/${id}/visits`, { as: worker, body: { householdId: hh, result: 'NO_RISK' } })).status).toBe(200);
    const secondRun = await eventually(async () => {
      const r = (await handle.describe()).runId;
      return r !== firstRun ? r : null;
    }, 'continue-as-new');
    const task = await eventually(() => h.prisma.task.findFirst({ where: { processId: id, step: 'GRID_SCREENING', status: 'OPEN' } }), 'grid task');
    expect((await h.api('POST', `/api/tasks/${task.id}/decision`, { as: worker, body: { action: 'DONE', data: {} } })).status).toBe(200);
    for (const [i, runId] of [firstRun, secondRun].entries()) {
      const history = await h.client.workflow.getHandle(row.workflowId, runId).fetchHistory();
      const file = path.join(dir, `screening-campaign-continue-as-new.run${i + 1}.json`);
      fs.writeFileSync(file, historyToFile(history));
      console.log(`captured ${file} (${history.events?.length} events)`);
    }
  });
});

// ─── Fund projects (衔接资金项目) and their assets ───────────────────────────────────────────────

const secs = (amount: number) => ({ unit: 'SECONDS' as const, amount });
function fundPolicy() {
  const base = compressedPolicy({ reminder: 1, escalationRepeat: 30 });
  return {
    ...base,
    processSteps: {
      ...base.processSteps,
      FUND_PROJECT: { ...base.processSteps.FUND_PROJECT, VILLAGE_NOTICE: secs(1), COUNTY_ANNOUNCEMENT: secs(1), ACCEPTANCE_NOTICE: secs(1), REPORT_EVERY: secs(1), START_WORKS: secs(3), PACE_RECOVERY: secs(2) },
      PROJECT_ASSET: { ...base.processSteps.PROJECT_ASSET, INSPECT_EVERY_SOLAR: secs(2), INSPECTION: secs(2), IDLE_AFTER: secs(4) },
    },
  };
}

async function decideStep(h: Harness, processId: string, step: string, as: string, body: Record<string, unknown>): Promise<void> {
  const t = await eventually(() => h.prisma.task.findFirst({ where: { processId, step, status: 'OPEN' } }), `open ${step} of ${processId}`);
  const res = await h.api('POST', `/api/tasks/${t.id}/decision`, { as, body });
  expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(200);
}

const CHECKS = { authenticity: true, necessity: true, feasibility: true, budgetEstimate: true, farmerLinkage: true, performanceTargets: true };

describe(`capture fund histories for release ${release}`, () => {
  it('fund project: return, approval, late start flagged, behind pace three times with an 约谈, acceptance and handover', async () => {
    const h = await harness({ policy: fundPolicy() });
    const county = await h.officialOf('COUNTY', DEMO.county);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/projects', { as: village, body: {
      reference: `H-${Date.now().toString(36)}`, name: '光伏电站扩建', type: 'INDUSTRY', villageCode: DEMO.villageA1, location: '一村', budgetFen: 1_000_000,
      fundingSource: '中央衔接资金', beneficiaries: 100, farmerLinkage: '分红', performanceTargets: '收益 8 万元', year: 2026,
    } });
    expect(res.status).toBe(201);
    const id = res.body.process.id as string;
    await decideStep(h, id, 'TOWNSHIP_REVIEW', township, { action: 'RETURN', reason: '补充绩效目标' });
    await decideStep(h, id, 'REVISE_PROPOSAL', village, { action: 'DONE', data: { note: '已补充' } });
    await decideStep(h, id, 'TOWNSHIP_REVIEW', township, { action: 'APPROVE', data: CHECKS });
    await decideStep(h, id, 'COUNTY_APPRAISAL', county, { action: 'APPROVE', data: {} });
    await decideStep(h, id, 'COUNTY_DECISION', county, { action: 'APPROVE', data: {} });
    await decideStep(h, id, 'APPROVAL', county, { action: 'APPROVE', data: { approvalNo: '县〔2026〕1号' } });
    await eventually(async () => (await h.prisma.process.findUniqueOrThrow({ where: { id } })).status === 'NOT_STARTED_FLAGGED', 'flagged', 20_000);
    await decideStep(h, id, 'START_WORKS', township, { action: 'DONE', data: { startedOn: '2026-04-01' } });
    for (const [asOf, paidFen] of [['2026-06-30', 100_000], ['2026-07-31', 150_000], ['2026-08-31', 200_000]] as const) {
      await decideStep(h, id, 'PROGRESS_REPORT', township, { action: 'DONE', data: { asOf, physicalPct: 50, paidFen } });
    }
    await eventually(() => h.prisma.task.findFirst({ where: { processId: `YT-${id}-1`, status: 'OPEN' } }), 'the interview');
    await decideStep(h, id, 'PROGRESS_REPORT', township, { action: 'DONE', data: { asOf: '2026-11-30', physicalPct: 100, paidFen: 960_000 } });
    await decideStep(h, id, 'ACCEPTANCE', county, { action: 'APPROVE', data: { acceptedOn: '2026-12-01', record: '合格' } });
    await decideStep(h, id, 'ASSET_REGISTRATION', township, { action: 'DONE', data: { assetName: '光伏电站', assetClass: 'INCOME', valueFen: 1_000_000, assetKind: 'SOLAR' } });
    await decideStep(h, id, 'HANDOVER_OUT', township, { action: 'DONE', data: {} });
    await decideStep(h, id, 'HANDOVER_IN', village, { action: 'DONE', data: {} });
    await h.client.workflow.getHandle(`process-${id}`).result();
    await saveProcess(h, id, 'fund-project-full');
  });

  it('fund project rejected by the county', async () => {
    const h = await harness({ policy: fundPolicy() });
    const county = await h.officialOf('COUNTY', DEMO.county);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/projects', { as: village, body: {
      reference: `HR-${Date.now().toString(36)}`, name: '重复申报的道路', type: 'INFRASTRUCTURE', villageCode: DEMO.villageA1, location: '一村', budgetFen: 500_000,
      fundingSource: '省级衔接资金', beneficiaries: 50, farmerLinkage: '务工', performanceTargets: '道路 1 公里', year: 2026,
    } });
    const id = res.body.process.id as string;
    await decideStep(h, id, 'TOWNSHIP_REVIEW', township, { action: 'APPROVE', data: CHECKS });
    await decideStep(h, id, 'COUNTY_APPRAISAL', county, { action: 'REJECT', reason: '与已实施项目重复' });
    await h.client.workflow.getHandle(`process-${id}`).result();
    await saveProcess(h, id, 'fund-project-rejected');
  });

  it('fund project: an objection during the village notice, upheld and returned, noticed again', async () => {
    const policy = fundPolicy();
    const h = await harness({ policy: { ...policy, processSteps: { ...policy.processSteps, FUND_PROJECT: { ...policy.processSteps.FUND_PROJECT, VILLAGE_NOTICE: secs(3) } } } });
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/projects', { as: village, body: {
      reference: `HO-${Date.now().toString(36)}`, name: '村集体养殖场', type: 'INDUSTRY', villageCode: DEMO.villageA1, location: '一村', budgetFen: 800_000,
      fundingSource: '中央衔接资金', beneficiaries: 60, farmerLinkage: '分红', performanceTargets: '收益 5 万元', year: 2026,
    } });
    const id = res.body.process.id as string;
    await eventually(async () => (await h.prisma.process.findUniqueOrThrow({ where: { id } })).status === 'IN_NOTICE', 'the village notice');
    expect((await h.api('POST', `/api/projects/${id}/objections`, { as: village, body: { text: '选址占用耕地' } })).status).toBe(201);
    await decideStep(h, id, 'INVESTIGATION', township, { action: 'RETURN', reason: '需调整选址' });
    await decideStep(h, id, 'REVISE_PROPOSAL', village, { action: 'DONE', data: { note: '已调整选址' } });
    await decideStep(h, id, 'TOWNSHIP_REVIEW', township, { action: 'REJECT', reason: '调整后仍不符合用地要求' });
    await h.client.workflow.getHandle(`process-${id}`).result();
    await saveProcess(h, id, 'fund-project-objection');
  });

  it('asset: inspections escalated, idle flagged and resolved, continued as new', async () => {
    const h = await harness({ policy: fundPolicy(), maxHistoryEvents: 150 });
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/assets', { as: township, body: {
      reference: `HA-${Date.now().toString(36)}`, name: '光伏电站', assetClass: 'INCOME', assetKind: 'SOLAR', valueFen: 1_000_000, fundingSource: '中央衔接资金',
      ownerName: '一村村集体', villageCode: DEMO.villageA1, handedOverOn: '2026-01-15',
    } });
    expect(res.status).toBe(201);
    const id = res.body.process.id as string;
    const handle = h.client.workflow.getHandle(`process-${id}`);
    const firstRun = (await handle.describe()).runId;
    await decideStep(h, id, 'INSPECTION', village, { action: 'DONE', data: { condition: 'GOOD', notes: '正常', incomeFen: 10_000 } });
    await decideStep(h, id, 'IDLE_RESOLUTION', township, { action: 'DONE', data: { plan: '重新发包' } });
    await eventually(async () => ((await handle.describe()).runId !== firstRun ? true : null), 'continued as new', 90_000);
    await new Promise((r) => setTimeout(r, 1500));
    await saveProcess(h, id, 'asset-idle-continue-as-new', [firstRun, (await handle.describe()).runId]);
  });

  it('asset registered before its handover: 确权 disputed, determined again, confirmed, handed over by both sides', async () => {
    const h = await harness({ policy: fundPolicy() });
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/assets', { as: township, body: {
      reference: `HC-${Date.now().toString(36)}`, name: '冷链仓库', assetClass: 'PUBLIC', assetKind: 'WORKSHOP', valueFen: 800_000, fundingSource: '中央衔接资金',
      villageCode: DEMO.villageA1,
    } });
    expect(res.status).toBe(201);
    const id = res.body.process.id as string;
    await decideStep(h, id, 'OWNERSHIP_CONFIRMATION', village, { action: 'RETURN', reason: '跨村使用', data: {} });
    await decideStep(h, id, 'OWNERSHIP_REDETERMINATION', township, { action: 'DONE', data: { managingLevel: 'TOWNSHIP', ownerName: '东风镇人民政府' } });
    await decideStep(h, id, 'OWNERSHIP_CONFIRMATION', township, { action: 'APPROVE', data: { ownerName: '东风镇集体资产管理中心', certificateNo: 'QQ-1' } });
    await decideStep(h, id, 'HANDOVER_OUT', township, { action: 'DONE', data: {} });
    await decideStep(h, id, 'HANDOVER_IN', township, { action: 'DONE', data: {} });
    await eventually(async () => (await h.prisma.process.findUniqueOrThrow({ where: { id } })).status === 'IN_USE', 'in use');
    await new Promise((r) => setTimeout(r, 1500));
    await saveProcess(h, id, 'asset-ownership-confirmed');
  });

  it('asset income distribution: plan returned and revised, reviewed, filed; income recorded; a late payout confirmed', async () => {
    const policy = fundPolicy();
    const h = await harness({ policy: { ...policy, processSteps: { ...policy.processSteps, PROJECT_ASSET: { ...policy.processSteps.PROJECT_ASSET, PAYOUT_EVERY: secs(3), PAYOUT_CONFIRMATION: secs(2), IDLE_AFTER: secs(3600) } } } });
    const county = await h.officialOf('COUNTY', DEMO.county);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/assets', { as: township, body: {
      reference: `HD-${Date.now().toString(36)}`, name: '扶贫车间', assetClass: 'INCOME', assetKind: 'WORKSHOP', valueFen: 1_000_000, fundingSource: '中央衔接资金',
      ownerName: '一村村集体', villageCode: DEMO.villageA1, handedOverOn: '2026-01-15',
    } });
    expect(res.status).toBe(201);
    const id = res.body.process.id as string;
    const plan = { resolution: '村民代表大会决议', welfareJobPct: 60, householdPct: 30, collectivePct: 10 };
    await decideStep(h, id, 'DISTRIBUTION_PLAN', village, { action: 'DONE', data: plan });
    await decideStep(h, id, 'DISTRIBUTION_TOWNSHIP_REVIEW', township, { action: 'RETURN', reason: '名单未附' });
    await decideStep(h, id, 'DISTRIBUTION_PLAN', village, { action: 'DONE', data: { ...plan, resolution: '村民代表大会决议（附名单）' } });
    await decideStep(h, id, 'DISTRIBUTION_TOWNSHIP_REVIEW', township, { action: 'APPROVE', data: {} });
    await decideStep(h, id, 'DISTRIBUTION_COUNTY_FILING', county, { action: 'APPROVE', data: {} });
    expect((await h.api('POST', `/api/assets/${id}/income`, { as: village, body: { amountFen: 100_000, receivedOn: '2026-03-31', source: '租金' } })).status).toBe(200);
    const payout = await eventually(() => h.prisma.task.findFirst({ where: { processId: id, step: 'PAYOUT_CONFIRMATION', status: 'OPEN' } }), 'payout', 20_000);
    await eventually(async () => (await h.prisma.task.findUniqueOrThrow({ where: { id: payout.id } })).escalations >= 1, 'escalated', 20_000);
    await decideStep(h, id, 'PAYOUT_CONFIRMATION', village, { action: 'DONE', data: { paidFen: 100_000, households: 40 } });
    await new Promise((r) => setTimeout(r, 1500));
    await saveProcess(h, id, 'asset-income-distribution');
  });

  it('fund project registering two assets, each confirmed by its owner and handed over', async () => {
    const policy = fundPolicy();
    const h = await harness({ policy: { ...policy, processSteps: { ...policy.processSteps, FUND_PROJECT: { ...policy.processSteps.FUND_PROJECT, START_WORKS: secs(3600) } } } });
    const county = await h.officialOf('COUNTY', DEMO.county);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const reference = `HM-${Date.now().toString(36)}`;
    const res = await h.api('POST', '/api/projects', { as: village, body: {
      reference, name: '光伏电站和产业路', type: 'INDUSTRY', villageCode: DEMO.villageA1, location: '一村', budgetFen: 1_000_000,
      fundingSource: '中央衔接资金', beneficiaries: 100, farmerLinkage: '分红', performanceTargets: '收益 8 万元', year: 2026,
    } });
    expect(res.status).toBe(201);
    const id = res.body.process.id as string;
    await decideStep(h, id, 'TOWNSHIP_REVIEW', township, { action: 'APPROVE', data: CHECKS });
    await decideStep(h, id, 'COUNTY_APPRAISAL', county, { action: 'APPROVE', data: {} });
    await decideStep(h, id, 'COUNTY_DECISION', county, { action: 'APPROVE', data: {} });
    await decideStep(h, id, 'APPROVAL', county, { action: 'APPROVE', data: { approvalNo: '县〔2026〕2号' } });
    await decideStep(h, id, 'START_WORKS', township, { action: 'DONE', data: { startedOn: '2026-04-01' } });
    await decideStep(h, id, 'PROGRESS_REPORT', township, { action: 'DONE', data: { asOf: '2026-11-30', physicalPct: 100, paidFen: 960_000 } });
    await decideStep(h, id, 'ACCEPTANCE', county, { action: 'APPROVE', data: { acceptedOn: '2026-12-01', record: '合格' } });
    await decideStep(h, id, 'ASSET_REGISTRATION', township, { action: 'DONE', data: { assets: [
      { assetName: '光伏电站', assetClass: 'INCOME', valueFen: 600_000, assetKind: 'SOLAR' },
      { assetName: '产业路', assetClass: 'PUBLIC', valueFen: 400_000, assetKind: 'ROAD', managingLevel: 'TOWNSHIP' },
    ] } });
    for (const [assetId, owner] of [[`ZC-${reference}-1`, village], [`ZC-${reference}-2`, township]] as const) {
      await decideStep(h, assetId, 'OWNERSHIP_CONFIRMATION', owner, { action: 'APPROVE', data: { ownerName: '所有权人' } });
      await decideStep(h, assetId, 'HANDOVER_OUT', township, { action: 'DONE', data: {} });
      await decideStep(h, assetId, 'HANDOVER_IN', owner, { action: 'DONE', data: {} });
    }
    await h.client.workflow.getHandle(`process-${id}`).result();
    await saveProcess(h, id, 'fund-project-two-assets');
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
    await saveProcess(h, repaid, 'microcredit-repaid', undefined, true);

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
    await saveProcess(h, overdue, 'microcredit-overdue-risk-compensation', undefined, true);
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
    await saveProcess(h, processId, 'welfare-job-late-unpaid-exit', undefined, true);
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
    await saveProcess(h, processId, 'settlement-checklist-late-item', undefined, true);
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
    await saveProcess(h, loan, 'microcredit-extension-repaid', undefined, true);
  });
});

describe(`capture programmes 0.4.0 paths for release ${release}`, () => {
  const welfarePolicy = (): Parameters<typeof startHarness>[0] => {
    const base = compressedPolicy({ notice: 1, reminder: 1, escalationRepeat: 30 });
    return {
      policy: {
        ...base,
        processSteps: { ...base.processSteps, PUBLIC_WELFARE_JOB: { ...base.processSteps.PUBLIC_WELFARE_JOB, WAGE_CONFIRMATION: { unit: 'SECONDS', amount: 4 } } },
        welfareJobs: { minAge: 16, maxAge: 65, maxTermMonths: 12, notice: { unit: 'SECONDS', amount: 1 }, monthUnit: 'SECONDS' },
      },
    };
  };

  it('programmes 0.4.0: a loan whose use is refused (the finding on the case) continues as new between milestones and is repaid; the case with the finding', async () => {
    const h = await harness({ policy: microcreditTestPolicy(), maxHistoryEvents: 40 });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const loan = await applyForLoan(h, caseId, { termMonths: 14 });
    await decideProcessTask(h, await openProcessTask(h, loan, 'VILLAGE_CHECK'), 'APPROVE');
    await townshipAndBank(h, loan, 14);
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: loan } });
    const handle = h.client.workflow.getHandle(row.workflowId);
    const firstRun = (await handle.describe()).runId;
    await decideProcessTask(h, await openProcessTask(h, loan, 'USE_CHECK'), 'DONE', { use: 'BUILDING', notes: '用于建房' });
    await eventually(() => h.prisma.auditEvent.findFirst({ where: { processId: loan, action: 'USE_FINDING_RECORDED_ON_CASE' } }), 'finding on the case');
    const seen = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, loan, 'REPAYMENT_REMINDER', seen), 'DONE');
    await eventually(async () => ((await handle.describe()).runId !== firstRun ? true : null), 'continued as new', 40_000);
    await decideProcessTask(h, await openProcessTask(h, loan, 'REPAYMENT_CHECK'), 'DONE', { repaid: true, repaidOn: todayBeijing() });
    await handle.result();
    await saveProcess(h, loan, 'microcredit-use-finding-continue-as-new', [firstRun, (await handle.describe()).runId]);
    await save(h, caseId, 'case-programme-finding');
  });

  it('programmes 0.4.0: a job\'s exit ends its measure on the case; an imported post exits too; the case with the ended measures', async () => {
    const h = await harness(welfarePolicy());
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/welfare-jobs', { as: village, body: { caseId, idNumber: makeResidentId('410599', '19800101', '078'), post: '保洁员', monthlyWage: 800, termMonths: 1 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const job = res.body.process.id as string;
    await decideProcessTask(h, await openProcessTask(h, job, 'VILLAGE_REVIEW'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, job, 'TOWNSHIP_APPROVAL'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, job, 'AGREEMENT'), 'DONE', { startOn: todayBeijing(), termMonths: 1 });
    await decideProcessTask(h, await openProcessTask(h, job, 'WAGE_CONFIRMATION'), 'DONE', { attendanceDays: 22, wagePaid: true });
    await decideProcessTask(h, await openProcessTask(h, job, 'END_OF_TERM'), 'DONE', { outcome: 'EXIT' });
    await saveProcess(h, job, 'welfare-job-exit-measure-ended', undefined, true);

    const county = await h.officialOf('COUNTY', DEMO.county);
    const csv = ['reference,caseId,idNumber,post,monthlyWage,startOn,termMonths,monthsConfirmed', `CAP-${Date.now().toString(36)},${caseId},${makeResidentId('410599', '19850101', '079')},护林员,700,${todayBeijing()},2,1`].join('\n');
    const imported = await fetch(`${h.baseUrl}/api/imports/welfare-jobs`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${await h.token(county)}` }, body: csv });
    const report = await imported.json() as { rows: { outcome: string; processId: string }[] };
    expect(report.rows[0].outcome, JSON.stringify(report)).toBe('STARTED');
    const post = report.rows[0].processId;
    await decideProcessTask(h, await openProcessTask(h, post, 'WAGE_CONFIRMATION'), 'DONE', { attendanceDays: 20, wagePaid: true });
    await decideProcessTask(h, await openProcessTask(h, post, 'END_OF_TERM'), 'DONE', { outcome: 'EXIT' });
    await saveProcess(h, post, 'welfare-job-imported-exit', undefined, true);
    await save(h, caseId, 'case-programme-measure-ended');
  });

  it('programmes 0.4.0: a job with an objection dismissed during the notice, renewed into a second term (continue-as-new), then an early exit', async () => {
    const base = compressedPolicy({ notice: 1, reminder: 1, escalationRepeat: 30 });
    const h = await harness({
      policy: {
        ...base,
        processSteps: { ...base.processSteps, PUBLIC_WELFARE_JOB: { ...base.processSteps.PUBLIC_WELFARE_JOB, WAGE_CONFIRMATION: { unit: 'SECONDS', amount: 4 } } },
        welfareJobs: { minAge: 16, maxAge: 65, maxTermMonths: 12, notice: { unit: 'SECONDS', amount: 5 }, monthUnit: 'SECONDS' },
      },
    });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const res = await h.api('POST', '/api/welfare-jobs', { as: village, body: { caseId, idNumber: makeResidentId('410599', '19820202', '081'), post: '护林员', monthlyWage: 800, termMonths: 1 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const job = res.body.process.id as string;
    await decideProcessTask(h, await openProcessTask(h, job, 'VILLAGE_REVIEW'), 'APPROVE');
    await decideProcessTask(h, await openProcessTask(h, job, 'TOWNSHIP_APPROVAL'), 'APPROVE');
    expect((await h.api('POST', `/api/welfare-jobs/${job}/objections`, { as: village, body: { text: '家庭收入已超标' } })).status).toBe(201);
    await decideProcessTask(h, await openProcessTask(h, job, 'INVESTIGATION'), 'APPROVE');
    const agreements = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, job, 'AGREEMENT', agreements), 'DONE', { startOn: todayBeijing(), termMonths: 1 });
    const seen = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, job, 'WAGE_CONFIRMATION', seen), 'DONE', { attendanceDays: 22, wagePaid: true });
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: job } });
    const handle = h.client.workflow.getHandle(row.workflowId);
    const firstRun = (await handle.describe()).runId;
    await decideProcessTask(h, await openProcessTask(h, job, 'END_OF_TERM'), 'DONE', { outcome: 'RENEW' });
    await eventually(async () => ((await handle.describe()).runId !== firstRun ? true : null), 'the next term as a new run', 40_000);
    await decideProcessTask(h, await openProcessTask(h, job, 'AGREEMENT', agreements), 'DONE', { startOn: todayBeijing(), termMonths: 3 });
    await decideProcessTask(h, await openProcessTask(h, job, 'WAGE_CONFIRMATION', seen), 'DONE', { attendanceDays: 20, wagePaid: true });
    await openProcessTask(h, job, 'WAGE_CONFIRMATION', seen);
    expect((await h.api('POST', `/api/welfare-jobs/${job}/exit`, { as: village, body: { reason: '外出务工' } })).status).toBe(200);
    expect(await handle.result()).toMatchObject({ status: 'EXITED' });
    await saveProcess(h, job, 'welfare-job-objection-renewal-early-exit', [firstRun, (await handle.describe()).runId]);
  });

  it('programmes 0.4.0: an imported loan enters disbursed and is repaid at its due date', async () => {
    const h = await harness({ policy: microcreditTestPolicy() });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const county = await h.officialOf('COUNTY', DEMO.county);
    const csv = ['reference,caseId,amount,termMonths,annualRatePct,disbursedOn,purpose,bankAccount', `CAP-${Date.now().toString(36)},${caseId},20000,12,3.45,${todayBeijing()},养殖,6228480012345670000`].join('\n');
    const imported = await fetch(`${h.baseUrl}/api/imports/loans`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${await h.token(county)}` }, body: csv });
    const report = await imported.json() as { rows: { outcome: string; processId: string }[] };
    expect(report.rows[0].outcome, JSON.stringify(report)).toBe('STARTED');
    const loan = report.rows[0].processId;
    const seen = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, loan, 'REPAYMENT_REMINDER', seen), 'DONE');
    await decideProcessTask(h, await openProcessTask(h, loan, 'REPAYMENT_CHECK'), 'DONE', { repaid: true, repaidOn: todayBeijing() });
    await saveProcess(h, loan, 'microcredit-imported-repaid', undefined, true);
  });

  it('programmes 0.4.0: a relocated household visited, one visit late and escalated, employment updated, continued as new', async () => {
    const base = compressedPolicy({ reminder: 1, escalationRepeat: 30 });
    const h = await harness({ policy: { ...base, processSteps: { ...base.processSteps, RELOCATED_HOUSEHOLD: { VISIT: { unit: 'SECONDS', amount: 4 } } } }, maxHistoryEvents: 60 });
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const s = await h.api('POST', '/api/settlements', { as: township, body: { name: '安居苑安置点', townshipCode: DEMO.townshipA } });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const reg = await h.api('POST', `/api/settlements/${s.body.process.id}/households`, { as: township, body: { caseId } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const id = reg.body.process.id as string;
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id } });
    const handle = h.client.workflow.getHandle(row.workflowId);
    const firstRun = (await handle.describe()).runId;
    const seen = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, id, 'VISIT', seen), 'DONE', { visitedOn: todayBeijing(), status: 'EMPLOYED_AWAY', workers: 2 });
    const late = await openProcessTask(h, id, 'VISIT', seen);
    await eventually(async () => (await h.prisma.auditEvent.count({ where: { processId: id, taskId: late.id, action: 'TASK_ESCALATED' } })) > 0, 'escalation', 30_000);
    await decideProcessTask(h, late, 'DONE', { visitedOn: todayBeijing(), status: 'EMPLOYED_LOCAL', workers: 1 });
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('POST', `/api/relocated-households/${id}/employment`, { as: village, body: { status: 'PUBLIC_WELFARE_JOB', workers: 1 } })).status).toBe(200);
    for (let i = 0; i < 6 && (await handle.describe()).runId === firstRun; i++) {
      await decideProcessTask(h, await openProcessTask(h, id, 'VISIT', seen), 'DONE', { visitedOn: todayBeijing(), status: 'EMPLOYED_LOCAL', workers: 1 });
    }
    const secondRun = await eventually(async () => { const r = (await handle.describe()).runId; return r !== firstRun ? r : null; }, 'continued as new', 30_000);
    await decideProcessTask(h, await openProcessTask(h, id, 'VISIT', seen), 'DONE', { visitedOn: todayBeijing(), status: 'EMPLOYED_LOCAL', workers: 1 });
    await openProcessTask(h, id, 'VISIT', seen);
    await saveProcess(h, id, 'relocated-household-visits-continue-as-new', [firstRun, secondRun]);
  });
});

describe(`capture relocated-visit-to-contact paths for release ${release}`, () => {
  it('relocated visit to contact: each visit opens for the case\'s assistance contact, one late, reminded and escalated, recorded by the contact', async () => {
    const base = compressedPolicy({ reminder: 1, escalationRepeat: 30 });
    const h = await harness({ policy: { ...base, processSteps: { ...base.processSteps, RELOCATED_HOUSEHOLD: { VISIT: { unit: 'SECONDS', amount: 4 } } } } });
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const s = await h.api('POST', '/api/settlements', { as: township, body: { name: '幸福家园安置点', townshipCode: DEMO.townshipA } });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const contactId = (await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).contactId;
    expect(contactId).toBeTruthy();
    const reg = await h.api('POST', `/api/settlements/${s.body.process.id}/households`, { as: township, body: { caseId } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const id = reg.body.process.id as string;
    const seen = new Set<string>();
    const first = await openProcessTask(h, id, 'VISIT', seen);
    expect([first.level, first.assigneeId]).toEqual(['CONTACT', contactId]);
    await decideProcessTask(h, first, 'DONE', { visitedOn: todayBeijing(), status: 'EMPLOYED_AWAY', workers: 2 });
    const late = await openProcessTask(h, id, 'VISIT', seen);
    await eventually(async () => (await h.prisma.auditEvent.count({ where: { processId: id, taskId: late.id, action: 'TASK_ESCALATED' } })) > 0, 'escalation', 30_000);
    await decideProcessTask(h, late, 'DONE', { visitedOn: todayBeijing(), status: 'EMPLOYED_LOCAL', workers: 1 });
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    expect((await h.api('POST', `/api/relocated-households/${id}/employment`, { as: village, body: { status: 'PUBLIC_WELFARE_JOB', workers: 1 } })).status).toBe(200);
    expect((await openProcessTask(h, id, 'VISIT', seen)).assigneeId).toBe(contactId);
    await saveProcess(h, id, 'relocated-household-visit-to-contact');
  });
});
