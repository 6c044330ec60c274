/**
 * Project assets (帮扶项目资产, DESIGN §5.2) as long-lived workflows, with a real worker, Temporal,
 * PostgreSQL and a compressed policy: periodic inspection tasks by the asset's kind, escalated when
 * overdue; an income asset without income is flagged idle and the township's task resolves it;
 * the workflow continues as new and keeps its state.
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
const s = (amount: number) => ({ unit: 'SECONDS' as const, amount });
const base = compressedPolicy({ reminder: 1, escalationRepeat: 60 });
/**
 * Solar stations inspected every 2 s, other assets hourly; an inspection is due in 2 s; idle after 5 s without income;
 * payouts every 4 s under a filed plan, each due in 2 s; at least 50 % of a plan for 公益岗位 wages.
 */
const policy: TPolicy = {
  ...base,
  processSteps: {
    ...base.processSteps,
    PROJECT_ASSET: { ...base.processSteps.PROJECT_ASSET, INSPECT_EVERY_SOLAR: s(2), INSPECTION: s(2), IDLE_AFTER: s(5), PAYOUT_EVERY: s(4), PAYOUT_CONFIRMATION: s(2) },
  },
  assetIncome: { welfareJobMinSharePct: 50 },
};
const run = Date.now().toString(36);
let township: string;
let village: string;

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ policy, maxHistoryEvents: 150, mail: { smtpUrl: smtp.url } });
  township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
  village = await h.officialOf('VILLAGE', DEMO.villageA1);
});
afterAll(async () => {
  await h?.stop();
  await smtp?.stop();
});

const asset = (reference: string, extra: Record<string, unknown> = {}) => ({
  reference, name: '东风镇一村光伏电站', assetClass: 'INCOME', assetKind: 'SOLAR', valueFen: 1_000_000, fundingSource: '中央衔接资金', ownerName: '一村村集体',
  villageCode: DEMO.villageA1, handedOverOn: '2026-01-15', ...extra,
});

async function register(body: Record<string, unknown>): Promise<string> {
  const res = await h.api('POST', '/api/assets', { as: township, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.process).toMatchObject({ kind: 'PROJECT_ASSET', status: 'IN_USE' });
  return res.body.process.id;
}

describe('project assets as long-lived workflows', () => {
  it('a solar station gets monthly (here: 2 s) inspection tasks for its owner, escalated when overdue; an inspection with income records it', async () => {
    const processId = await register(asset(`A1-${run}`));
    const first = await eventually(() => h.prisma.task.findFirst({ where: { processId, step: 'INSPECTION', status: 'OPEN' } }), 'the first inspection task', 10_000);
    expect(first).toMatchObject({ level: 'VILLAGE', assigneeId: village });
    await eventually(async () => (await h.prisma.task.findUniqueOrThrow({ where: { id: first.id } })).escalations >= 1, 'the overdue inspection escalated', 15_000);
    const decided = await h.api('POST', `/api/tasks/${first.id}/decision`, { as: village, body: { action: 'DONE', data: { condition: 'NEEDS_UPKEEP', notes: '组件表面积灰，杂草需清理', incomeFen: 52_000 } } });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(row.data).toMatchObject({ totalIncomeFen: 52_000, lastCondition: 'NEEDS_UPKEEP', idle: false });
    const bad = await h.api('POST', `/api/tasks/${(await eventually(() => h.prisma.task.findFirst({ where: { processId, step: 'INSPECTION', status: 'OPEN' } }), 'a next inspection', 10_000)).id}/decision`,
      { as: village, body: { action: 'DONE', data: { condition: 'BROKEN', notes: 'x' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toContain('condition');
    // A non-solar asset waits for its quarterly (here: hourly) inspection.
    const road = await register(asset(`A2-${run}`, { name: '一村产业路', assetClass: 'PUBLIC', assetKind: 'ROAD' }));
    await new Promise((r) => setTimeout(r, 3000));
    expect(await h.prisma.task.count({ where: { processId: road } })).toBe(0);
  });

  it('an income asset without income for the idle period is flagged idle, and the township\'s task resolves it; a public asset is never idle', async () => {
    const processId = await register(asset(`A3-${run}`, { assetKind: 'WORKSHOP' }));
    const publicId = await register(asset(`A4-${run}`, { assetClass: 'PUBLIC', assetKind: 'WORKSHOP' }));
    const idle = await eventually(async () => {
      const p = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
      return p.status === 'IDLE' ? p : null;
    }, 'the asset flagged idle', 15_000);
    expect(idle.data).toMatchObject({ idle: true });
    const task = await eventually(() => h.prisma.task.findFirst({ where: { processId, step: 'IDLE_RESOLUTION', status: 'OPEN' } }), 'the idle task');
    expect(task.assigneeId).toBe(township);
    const res = await h.api('POST', `/api/tasks/${task.id}/decision`, { as: township, body: { action: 'DONE', data: { plan: '重新发包给合作社经营，年租金 3 万元' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('IN_USE');
    const audit = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['ASSET_REGISTERED', 'ASSET_IDLE_FLAGGED', 'ASSET_IDLE_RESOLVED']));
    expect((await h.prisma.process.findUniqueOrThrow({ where: { id: publicId } })).status).toBe('IN_USE');
  });

  it('an asset is disposed of only through the township\'s review and the county\'s approval; a refusal returns it to use', async () => {
    const county = await h.officialOf('COUNTY', DEMO.county);
    const processId = await register(asset(`A6-${run}`, { name: '一村旧厂房', assetClass: 'PUBLIC', assetKind: 'WORKSHOP' }));
    const ask = (body: unknown) => h.api('POST', `/api/assets/${processId}/disposal`, { as: village, body });
    expect((await ask({ method: 'SCRAP', reason: '' })).body.error.field).toContain('reason');
    expect((await ask({ method: 'BURN', reason: 'x' })).status).toBe(400);
    const asked = await ask({ method: 'SCRAP', reason: '厂房老化，鉴定为危房' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.status).toBe('DISPOSAL_REQUESTED');
    expect((await ask({ method: 'SCRAP', reason: 'again' })).status).toBe(409);
    const taskOf = (step: string) => eventually(() => h.prisma.task.findFirst({ where: { processId, step, status: 'OPEN' } }), step);
    // The township refuses: back in use; asked again, approved by both levels: disposed of, upkeep ends.
    const refused = await h.api('POST', `/api/tasks/${(await taskOf('DISPOSAL_TOWNSHIP_REVIEW')).id}/decision`, { as: township, body: { action: 'REJECT', reason: '可改作仓库继续使用' } });
    expect(refused.body.status).toBe('IN_USE');
    expect((await ask({ method: 'SCRAP', reason: '仓库用途已另行解决，厂房拆除' })).status).toBe(200);
    expect((await h.api('POST', `/api/tasks/${(await taskOf('DISPOSAL_TOWNSHIP_REVIEW')).id}/decision`, { as: township, body: { action: 'APPROVE' } })).status).toBe(200);
    const approved = await h.api('POST', `/api/tasks/${(await taskOf('DISPOSAL_COUNTY_APPROVAL')).id}/decision`, { as: county, body: { action: 'APPROVE' } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('DISPOSED');
    await h.client.workflow.getHandle(`process-${processId}`).result();
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(row.closedAt).not.toBeNull();
    const audit = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    expect(audit.filter((a) => a === 'DISPOSAL_REQUESTED')).toHaveLength(2);
    expect(audit).toContain('ASSET_DISPOSED');
    expect((await ask({ method: 'SCRAP', reason: 'again' })).status).toBe(409);
  });

  it('an asset registered before its handover is confirmed (确权) by the owner 谁主管谁负责 names; a dispute goes back to the township, who names the owner again; upkeep starts once both sides confirm the handover', async () => {
    const body = asset(`A7-${run}`, { name: '东风镇冷链仓库', assetClass: 'INCOME', assetKind: 'WORKSHOP' });
    delete (body as Record<string, unknown>).handedOverOn;
    delete (body as Record<string, unknown>).ownerName;
    const res = await h.api('POST', '/api/assets', { as: township, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const processId = res.body.process.id as string;
    const row = await eventually(async () => {
      const p = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
      return p.status === 'CONFIRMING_OWNERSHIP' ? p : null;
    }, 'ownership being confirmed');
    expect(row.data).toMatchObject({ managingLevel: 'VILLAGE', ownerType: 'VILLAGE_COLLECTIVE', ownerLevel: 'VILLAGE', handedOverOn: null });
    expect(String((row.data as Record<string, unknown>).ownerName)).toContain('村集体经济组织');
    // No disposal before the handover.
    expect((await h.api('POST', `/api/assets/${processId}/disposal`, { as: village, body: { method: 'SCRAP', reason: '测试' } })).status).toBe(409);
    const taskOf = (step: string) => eventually(() => h.prisma.task.findFirst({ where: { processId, step, status: 'OPEN' } }), step);
    const decide = async (step: string, as: string, body: Record<string, unknown>) => {
      const r = await h.api('POST', `/api/tasks/${(await taskOf(step)).id}/decision`, { as, body });
      expect(r.status, `${step}: ${JSON.stringify(r.body)}`).toBe(200);
      return r.body;
    };
    const confirm = await taskOf('OWNERSHIP_CONFIRMATION');
    expect(confirm.assigneeId).toBe(village);
    // Confirming needs the owner's name; a dispute needs a reason.
    const noName = await h.api('POST', `/api/tasks/${confirm.id}/decision`, { as: village, body: { action: 'APPROVE', data: {} } });
    expect(noName.status).toBe(400);
    expect(noName.body.error.field).toContain('ownerName');
    const noReason = await h.api('POST', `/api/tasks/${confirm.id}/decision`, { as: village, body: { action: 'RETURN', data: {} } });
    expect(noReason.status).toBeGreaterThanOrEqual(400);
    expect(noReason.status).toBeLessThan(500);
    // The village disputes: the warehouse serves several villages, so the township determines it again and confirms it itself.
    expect((await decide('OWNERSHIP_CONFIRMATION', village, { action: 'RETURN', reason: '该仓库跨村使用，应由乡镇管理', data: {} })).status).toBe('OWNERSHIP_DISPUTED');
    const bad = await h.api('POST', `/api/tasks/${(await taskOf('OWNERSHIP_REDETERMINATION')).id}/decision`, { as: township, body: { action: 'DONE', data: { managingLevel: 'CITY', ownerName: 'x' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toContain('managingLevel');
    await decide('OWNERSHIP_REDETERMINATION', township, { action: 'DONE', data: { managingLevel: 'TOWNSHIP', ownerName: '东风镇人民政府' } });
    const second = await taskOf('OWNERSHIP_CONFIRMATION');
    expect(second.assigneeId).toBe(township);
    expect((await decide('OWNERSHIP_CONFIRMATION', township, { action: 'APPROVE', data: { ownerName: '东风镇集体资产管理中心' } })).status).toBe('HANDING_OVER');
    await decide('HANDOVER_OUT', township, { action: 'DONE', data: {} });
    const handedIn = await decide('HANDOVER_IN', township, { action: 'DONE', data: { note: '已接收，钥匙及资料齐全' } });
    expect(handedIn.status).toBe('IN_USE');
    const done = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(done.data).toMatchObject({ managingLevel: 'TOWNSHIP', ownerType: 'TOWNSHIP', ownerName: '东风镇集体资产管理中心', ownershipConfirmed: true, handedOverOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    const audit = (await h.prisma.auditEvent.findMany({ where: { processId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] })).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['ASSET_REGISTERED', 'OWNERSHIP_DETERMINED', 'OWNERSHIP_DISPUTED', 'OWNERSHIP_REDETERMINED', 'OWNERSHIP_CONFIRMED', 'ASSET_HANDED_OVER']));
    expect(audit.filter((a) => a === 'OWNERSHIP_DETERMINED')).toHaveLength(2);
  });

  it('an income asset distributes its income by a plan the village decides, the township reviews and the county files (备案), each by task link; a payout confirmation each quarter is escalated when late', async () => {
    const county = await h.officialOf('COUNTY', DEMO.county);
    const reference = `A8-${run}`;
    const processId = await register(asset(reference, { name: '一村扶贫车间', assetKind: 'WORKSHOP' }));
    const emailOf = async (id: string) => (await h.prisma.official.findUniqueOrThrow({ where: { id } })).email as string;
    /** Opens the task's link from its mail and posts the form; returns the page's status and text. */
    /** The step's label in either language (an official's mail is in their language). */
    const LABEL: Record<string, [string, string]> = {
      DISTRIBUTION_PLAN: ['收益分配方案（村级决议）', 'Income distribution plan'], DISTRIBUTION_TOWNSHIP_REVIEW: ['收益分配方案审核', 'Distribution plan review'],
      DISTRIBUTION_COUNTY_FILING: ['收益分配方案备案', 'Distribution plan filing'], PAYOUT_CONFIRMATION: ['收益发放确认', 'Confirm the payout'],
    };
    const viaLink = async (step: string, who: string, fields: Record<string, string>, nth = 1) => {
      const task = await eventually(() => h.prisma.task.findFirst({ where: { processId, step, status: 'OPEN' } }), `open ${step}`);
      expect(task.assigneeId).toBe(who);
      const email = await emailOf(who);
      const mails = await eventually(async () => {
        const found = smtp.messages.filter((m) => m.kind === 'NEW_TASK' && m.to.includes(email) && m.text.includes(reference) && LABEL[step].some((l) => m.text.includes(l)));
        return found.length >= nth ? found : null;
      }, `${step} mail`);
      const link = mails[nth - 1].link!;
      const page = await getPage(`${link}?lang=zh-CN`);
      expect(page.status).toBe(200);
      const posted = await postForm(link, { csrf: csrfOf(page.html), ...fields });
      return { status: posted.status, text: textOf(posted.html), taskId: task.id };
    };
    // The village decides the plan; a 公益岗位 share under the policy's 50 % is refused, naming the field.
    const low = await viaLink('DISTRIBUTION_PLAN', village, { action: 'DONE', f_resolution: '2026年3月村民代表大会决议', f_welfareJobPct: '40', f_householdPct: '40', f_collectivePct: '20' });
    expect(low.status).toBe(422);
    expect(low.text).toContain('welfareJobPct');
    expect((await viaLink('DISTRIBUTION_PLAN', village, { action: 'DONE', f_resolution: '2026年3月村民代表大会决议', f_welfareJobPct: '60', f_householdPct: '30', f_collectivePct: '10' })).status).toBe(303);
    // The township returns it with a reason; the village revises; the township approves; the county files it.
    const noReason = await viaLink('DISTRIBUTION_TOWNSHIP_REVIEW', township, { action: 'RETURN' });
    expect(noReason.status).toBeGreaterThanOrEqual(400);
    expect(noReason.status).toBeLessThan(500);
    expect((await viaLink('DISTRIBUTION_TOWNSHIP_REVIEW', township, { action: 'RETURN', reason: '分红对象名单未附' })).status).toBe(303);
    expect((await viaLink('DISTRIBUTION_PLAN', village, { action: 'DONE', f_resolution: '2026年4月村民代表大会决议（附分红名单）', f_welfareJobPct: '60', f_householdPct: '30', f_collectivePct: '10' }, 2)).status).toBe(303);
    expect((await viaLink('DISTRIBUTION_TOWNSHIP_REVIEW', township, { action: 'APPROVE' }, 2)).status).toBe(303);
    expect((await viaLink('DISTRIBUTION_COUNTY_FILING', county, { action: 'APPROVE' })).status).toBe(303);
    const filed = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect((filed.data as any).distribution.plan).toMatchObject({ no: 1, revision: 1, status: 'FILED', welfareJobPct: 60, householdPct: 30, collectivePct: 10 });
    // Income is recorded through the API (hostile input named); the quarter's payout confirmation opens and, left alone, is escalated.
    const income = (body: unknown) => h.api('POST', `/api/assets/${processId}/income`, { as: village, body });
    expect((await income({ amountFen: -5, receivedOn: '2026-03-31', source: '租金' })).body.error.field).toContain('amountFen');
    const recorded = await income({ amountFen: 100_000, receivedOn: '2026-03-31', source: '车间租金' });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    const payout = await eventually(() => h.prisma.task.findFirst({ where: { processId, step: 'PAYOUT_CONFIRMATION', status: 'OPEN' } }), 'the payout confirmation', 15_000);
    expect(payout.assigneeId).toBe(village);
    await eventually(async () => (await h.prisma.task.findUniqueOrThrow({ where: { id: payout.id } })).escalations >= 1, 'the late payout confirmation escalated', 15_000);
    const townshipEmail = await emailOf(township);
    await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes(townshipEmail) && m.text.includes(reference), 'escalation to the township');
    expect((await viaLink('PAYOUT_CONFIRMATION', village, { action: 'DONE', f_paidFen: '100000', f_households: '42' })).status).toBe(303);
    const paid = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect((paid.data as any).distribution).toMatchObject({ distributedFen: 100_000, payouts: [{ no: 1, paidFen: 100_000, welfareJobFen: 60_000, householdFen: 30_000, collectiveFen: 10_000, households: 42 }] });
    const audit = (await h.prisma.auditEvent.findMany({ where: { processId } })).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['DISTRIBUTION_PLAN_DUE', 'DISTRIBUTION_PLAN_DECIDED', 'RETURNED', 'DISTRIBUTION_PLAN_FILED', 'ASSET_INCOME_RECORDED', 'PAYOUT_DUE', 'PAYOUT_CONFIRMED']));
    // A public asset records no income.
    const road = await register(asset(`A9-${run}`, { assetClass: 'PUBLIC', assetKind: 'ROAD' }));
    expect((await h.api('POST', `/api/assets/${road}/income`, { as: village, body: { amountFen: 100, receivedOn: '2026-03-31', source: 'x' } })).status).toBe(409);
  });

  it('an asset workflow continues as new when its history grows, keeping its state and its open tasks', async () => {
    const processId = await register(asset(`A5-${run}`, { assetClass: 'PUBLIC' }));
    const snap = await eventually(async () => {
      const sn = await h.client.workflow.getHandle(`process-${processId}`).query(processSnapshotQuery);
      return sn.continuedAsNew >= 1 ? sn : null;
    }, 'the asset continued as new', 60_000);
    expect(snap.data).toMatchObject({ reference: `A5-${run}`, assetClass: 'PUBLIC' });
    const open = await h.prisma.task.findMany({ where: { processId, status: 'OPEN' } });
    expect(snap.openTasks.map((t) => t.taskId).sort()).toEqual(open.map((t) => t.id).sort());
  });
});
