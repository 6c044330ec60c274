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

/** Writes the runs of a process's workflow. */
async function saveProcess(h: Harness, processId: string, scenario: string, runIds?: string[]): Promise<void> {
  const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
  const runs = runIds ?? [(await h.client.workflow.getHandle(row.workflowId).describe()).runId];
  for (const [i, runId] of runs.entries()) {
    const history = await h.client.workflow.getHandle(row.workflowId, runId).fetchHistory();
    const file = path.join(dir, `${scenario}${runs.length > 1 ? `.run${i + 1}` : ''}.json`);
    fs.writeFileSync(file, historyToFile(history));
    console.log(`captured ${file} (${history.events?.length} events)`);
  }
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
});
