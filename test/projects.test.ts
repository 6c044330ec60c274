/**
 * Fund projects (衔接资金项目, DESIGN §5.2) on the process core, with a real worker, Temporal,
 * PostgreSQL and SMTP server and a compressed policy: a project from proposal to acceptance and
 * the handover of its asset through the API and task links; behind the spending pace it is
 * reminded, escalated and after three months in a row gets an 约谈; not started by its deadline it
 * is flagged for fund recall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { csrfOf, getPage, postForm, textOf } from './support/link-client';
import type { TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';

let h: Harness;
let smtp: TestSmtp;

const s = (amount: number) => ({ unit: 'SECONDS' as const, amount });
const base = compressedPolicy({ reminder: 1, escalationRepeat: 30 });
/** Village notice 3 s, other notices 1 s, start deadline 5 s, a behind-pace task due in 3 s, reports 1 s apart; other steps an hour. */
const policy: TPolicy = {
  ...base,
  processSteps: {
    ...base.processSteps,
    FUND_PROJECT: {
      ...base.processSteps.FUND_PROJECT,
      VILLAGE_NOTICE: s(3), COUNTY_ANNOUNCEMENT: s(1), ACCEPTANCE_NOTICE: s(1), REPORT_EVERY: s(1), START_WORKS: s(5), PACE_RECOVERY: s(3),
    },
  },
};

const run = `${Date.now().toString(36)}`;
let county: string;
let township: string;
let village: string;

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ policy, mail: { smtpUrl: smtp.url } });
  county = await h.officialOf('COUNTY', DEMO.county);
  township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
  village = await h.officialOf('VILLAGE', DEMO.villageA1);
});
afterAll(async () => {
  await h?.stop();
  await smtp?.stop();
});

const proposal = (reference: string, extra: Record<string, unknown> = {}) => ({
  reference, name: '光伏电站扩建', type: 'INDUSTRY', villageCode: DEMO.villageA1, location: '东风镇一村', budgetFen: 1_000_000,
  fundingSource: '中央衔接资金', beneficiaries: 120, farmerLinkage: '收益用于公益岗位和小型公益事业', performanceTargets: '年发电收益不低于 8 万元', year: 2026, ...extra,
});

/** The open task of a step of a process (waits for it). */
async function openTask(processId: string, step: string): Promise<{ id: string; assigneeId: string | null }> {
  return eventually(() => h.prisma.task.findFirst({ where: { processId, step, status: 'OPEN' }, select: { id: true, assigneeId: true } }), `open ${step} task of ${processId}`);
}

async function decide(processId: string, step: string, as: string, body: Record<string, unknown>): Promise<any> {
  const t = await openTask(processId, step);
  const res = await h.api('POST', `/api/tasks/${t.id}/decision`, { as, body });
  expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

const ALL_CHECKS = { authenticity: true, necessity: true, feasibility: true, budgetEstimate: true, farmerLinkage: true, performanceTargets: true };

async function propose(reference: string): Promise<string> {
  const res = await h.api('POST', '/api/projects', { as: village, body: proposal(reference) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.process).toMatchObject({ kind: 'FUND_PROJECT', villageCode: DEMO.villageA1, townshipCode: DEMO.townshipA });
  return res.body.process.id;
}

/** Proposal → approval (批复), straight through. */
async function toApproval(processId: string): Promise<void> {
  await decide(processId, 'TOWNSHIP_REVIEW', township, { action: 'APPROVE', data: ALL_CHECKS });
  await decide(processId, 'COUNTY_APPRAISAL', county, { action: 'APPROVE', data: { opinion: '论证可行' } });
  await decide(processId, 'COUNTY_DECISION', county, { action: 'APPROVE', data: {} });
  await decide(processId, 'APPROVAL', county, { action: 'APPROVE', data: { approvalNo: '县衔接办〔2026〕12号' } });
}

const auditOf = async (processId: string) => (await h.prisma.auditEvent.findMany({ where: { processId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] })).map((e) => e.action);

describe('fund projects on the process core', () => {
  it('a project runs from proposal through the six-check review, approval, progress and acceptance to its asset\'s 确权 by the owner and the handover confirmed by both sides through task links', async () => {
    const processId = await propose(`T1-${run}`);
    // The township approves only with all six checks; a return goes back to the village, who resubmits.
    const t = await openTask(processId, 'TOWNSHIP_REVIEW');
    const refused = await h.api('POST', `/api/tasks/${t.id}/decision`, { as: township, body: { action: 'APPROVE', data: { ...ALL_CHECKS, performanceTargets: false } } });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.body.error.field).toContain('performanceTargets');
    await decide(processId, 'TOWNSHIP_REVIEW', township, { action: 'RETURN', reason: '绩效目标不明确' });
    await decide(processId, 'REVISE_PROPOSAL', village, { action: 'DONE', data: { note: '补充了量化绩效目标' } });
    await toApproval(processId);
    await decide(processId, 'START_WORKS', township, { action: 'DONE', data: { startedOn: '2026-04-01' } });
    // On pace by 30 June (60 % paid) — no catch-up task.
    await decide(processId, 'PROGRESS_REPORT', township, { action: 'DONE', data: { asOf: '2026-06-30', physicalPct: 60, paidFen: 600_000 } });
    await decide(processId, 'PROGRESS_REPORT', township, { action: 'DONE', data: { asOf: '2026-11-30', physicalPct: 100, paidFen: 960_000 } });
    expect(await h.prisma.task.count({ where: { processId, step: 'PACE_RECOVERY' } })).toBe(0);
    await decide(processId, 'ACCEPTANCE', county, { action: 'APPROVE', data: { acceptedOn: '2026-12-01', record: '工程质量合格，资料齐全' } });
    await decide(processId, 'ASSET_REGISTRATION', township, { action: 'DONE', data: { assetName: '东风镇一村光伏电站', assetClass: 'INCOME', valueFen: 1_000_000, assetKind: 'SOLAR' } });

    // The asset lives on in its own workflow, registered from the project: 确权 by the owner 谁主管谁负责 names (a village asset: the village collective).
    const assetId = `ZC-T1-${run}`;
    const registered = await eventually(() => h.prisma.process.findUnique({ where: { id: assetId } }), 'the asset registered');
    expect(registered.data).toMatchObject({ ownerType: 'VILLAGE_COLLECTIVE', ownerName: '东风镇一村村集体经济组织', handedOverOn: null });
    const viaLink = async (id: string, step: string, who: string, words: string, fields: Record<string, string>) => {
      const task = await openTask(id, step);
      expect(task.assigneeId).toBe(who);
      const email = (await h.prisma.official.findUniqueOrThrow({ where: { id: who } })).email as string;
      const mail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(email) && m.text.includes(`T1-${run}`) && m.text.includes(words), `${step} mail`);
      const page = await getPage(`${mail.link!}?lang=zh-CN`);
      expect(page.status).toBe(200);
      const posted = await postForm(mail.link!, { csrf: csrfOf(page.html), ...fields });
      expect(posted.status, `${step}: ${posted.html.slice(0, 300)}`).toBe(303);
      expect((await h.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe('DONE');
    };
    await viaLink(assetId, 'OWNERSHIP_CONFIRMATION', village, '确权', { action: 'APPROVE', f_ownerName: '东风镇一村股份经济合作社', f_certificateNo: 'QQ-2026-001' });
    // The project waits for the handover, confirmed by both sides through their task links.
    expect((await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).status).toBe('HANDING_OVER');
    await viaLink(assetId, 'HANDOVER_OUT', township, '移交方', { action: 'DONE' });
    await viaLink(assetId, 'HANDOVER_IN', village, '接收方', { action: 'DONE' });
    const result = await h.client.workflow.getHandle(`process-${processId}`).result();
    expect(result).toEqual({ processId, status: 'HANDED_OVER' });
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(row.closedAt).not.toBeNull();
    expect(row.data).toMatchObject({
      paidFen: 960_000, physicalPct: 100, townshipChecks: ALL_CHECKS, asset: { assetClass: 'INCOME', kind: 'SOLAR' }, acceptance: { acceptedOn: '2026-12-01' }, assetIds: [assetId],
    });
    const actions = await auditOf(processId);
    for (const a of ['PROJECT_PROPOSED', 'NOTICE_STARTED', 'RETURNED', 'TOWNSHIP_REVIEW_PASSED', 'ENTERED_ANNUAL_PLAN', 'PROJECT_APPROVED', 'WORKS_STARTED',
      'PROGRESS_REPORTED', 'WORKS_COMPLETED', 'PROJECT_ACCEPTED', 'ASSET_REGISTERED', 'ASSETS_TO_OWNERS', 'ASSET_HANDED_OVER']) expect(actions).toContain(a);
    expect(actions).not.toContain('BEHIND_PACE');
    const asset = await h.prisma.process.findUniqueOrThrow({ where: { id: assetId } });
    expect(asset).toMatchObject({ kind: 'PROJECT_ASSET', status: 'IN_USE', villageCode: DEMO.villageA1 });
    expect(asset.data).toMatchObject({
      assetClass: 'INCOME', assetKind: 'SOLAR', projectId: processId, valueFen: 1_000_000, ownerName: '东风镇一村股份经济合作社', ownershipConfirmed: true,
      ownership: { certificateNo: 'QQ-2026-001' }, handedOverOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(await auditOf(assetId)).toEqual(expect.arrayContaining(['OWNERSHIP_DETERMINED', 'OWNERSHIP_CONFIRMED', 'HANDOVER_CONFIRMED_OUT', 'HANDOVER_CONFIRMED_IN', 'ASSET_HANDED_OVER']));
    expect(actions).not.toContain('NOT_STARTED_FLAGGED');
  });

  it('a project registers several assets at acceptance (the task-link form takes further assets one a line); each is confirmed by its own owner and handed over, and the project ends once all of them are', async () => {
    const processId = await propose(`T6-${run}`);
    await toApproval(processId);
    await decide(processId, 'START_WORKS', township, { action: 'DONE', data: { startedOn: '2026-04-01' } });
    await decide(processId, 'PROGRESS_REPORT', township, { action: 'DONE', data: { asOf: '2026-11-30', physicalPct: 100, paidFen: 960_000 } });
    await decide(processId, 'ACCEPTANCE', county, { action: 'APPROVE', data: { acceptedOn: '2026-12-01', record: '合格' } });
    const reg = await openTask(processId, 'ASSET_REGISTRATION');
    const post = (data: unknown) => h.api('POST', `/api/tasks/${reg.id}/decision`, { as: township, body: { action: 'DONE', data } });
    // Hostile lists are refused, naming the field.
    expect((await post({ assets: [] })).status).toBe(400);
    const badItem = await post({ assets: [{ assetName: '光伏电站', assetClass: 'INCOME', valueFen: 600_000 }, { assetName: '道路', assetClass: 'ROADS', valueFen: 1 }] });
    expect(badItem.status).toBe(400);
    expect(JSON.stringify(badItem.body.error)).toContain('assetClass');
    // The township registers through its task link: one asset in the fields, the others one a line.
    const email = (await h.prisma.official.findUniqueOrThrow({ where: { id: township } })).email as string;
    const mail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(email) && m.text.includes(`T6-${run}`) && /资产登记|Register the asset/.test(m.text), 'the registration mail');
    const form = await getPage(`${mail.link!}?lang=zh-CN`);
    expect(form.status).toBe(200);
    const fields = { action: 'DONE', f_assetName: '一村光伏电站', f_assetClass: 'INCOME', f_valueFen: '600000', f_managingLevel: 'VILLAGE' };
    const badLine = await postForm(mail.link!, { csrf: csrfOf(form.html), ...fields, f_moreAssets: '连村产业路|道路类|400000' });
    expect(badLine.status).toBeGreaterThanOrEqual(400);
    expect(badLine.status).toBeLessThan(500);
    expect(textOf(badLine.html)).toContain('moreAssets line 1');
    const posted = await postForm(mail.link!, { csrf: csrfOf(form.html), ...fields, f_moreAssets: '连村产业路|公益性|400000|ROAD|乡镇' });
    expect(posted.status, textOf(posted.html).slice(0, 300)).toBe(303);
    const [solar, road] = [`ZC-T6-${run}-1`, `ZC-T6-${run}-2`];
    // Each asset is confirmed by the owner its class and managing level name: the village collective, and the township.
    expect((await openTask(solar, 'OWNERSHIP_CONFIRMATION')).assigneeId).toBe(village);
    expect((await openTask(road, 'OWNERSHIP_CONFIRMATION')).assigneeId).toBe(township);
    await decide(solar, 'OWNERSHIP_CONFIRMATION', village, { action: 'APPROVE', data: { ownerName: '一村股份经济合作社' } });
    await decide(solar, 'HANDOVER_OUT', township, { action: 'DONE', data: {} });
    await decide(solar, 'HANDOVER_IN', village, { action: 'DONE', data: {} });
    await eventually(async () => (await h.prisma.process.findUniqueOrThrow({ where: { id: solar } })).status === 'IN_USE', 'the solar station in use');
    // One asset handed over is not enough: the project waits for the other.
    await new Promise((r) => setTimeout(r, 500));
    expect((await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).status).toBe('HANDING_OVER');
    await decide(road, 'OWNERSHIP_CONFIRMATION', township, { action: 'APPROVE', data: { ownerName: '东风镇人民政府' } });
    await decide(road, 'HANDOVER_OUT', township, { action: 'DONE', data: {} });
    await decide(road, 'HANDOVER_IN', township, { action: 'DONE', data: {} });
    expect(await h.client.workflow.getHandle(`process-${processId}`).result()).toEqual({ processId, status: 'HANDED_OVER' });
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(row.data).toMatchObject({ assetIds: [solar, road], assets: [{ name: '一村光伏电站', assetClass: 'INCOME' }, { name: '连村产业路', kind: 'ROAD', managingLevel: 'TOWNSHIP' }] });
    expect((row.data as any).assetsHandedOver.map((a: { assetId: string }) => a.assetId)).toEqual([solar, road]);
    const assets = await h.prisma.process.findMany({ where: { id: { in: [solar, road] } }, orderBy: { id: 'asc' } });
    expect(assets.map((a) => [a.status, (a.data as any).projectId, (a.data as any).valueFen])).toEqual([['IN_USE', processId, 600_000], ['IN_USE', processId, 400_000]]);
  });

  it('a project behind the spending pace gets a catch-up task for the township, escalated to the county when overdue; three months in a row opens an 约谈 for the county', async () => {
    const processId = await propose(`T2-${run}`);
    await toApproval(processId);
    await decide(processId, 'START_WORKS', township, { action: 'DONE', data: { startedOn: '2026-04-01' } });
    await decide(processId, 'PROGRESS_REPORT', township, { action: 'DONE', data: { asOf: '2026-06-30', physicalPct: 30, paidFen: 100_000 } });
    const recovery = await openTask(processId, 'PACE_RECOVERY');
    expect(recovery.assigneeId).toBe(township);
    // Not acted on: reminded, then escalated to the county.
    await eventually(async () => (await h.prisma.task.findUniqueOrThrow({ where: { id: recovery.id } })).escalations >= 1, 'the catch-up task escalated', 20_000);
    const countyEmail = (await h.prisma.official.findUniqueOrThrow({ where: { id: county } })).email as string;
    await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes(countyEmail) && m.text.includes(`T2-${run}`), 'escalation of the catch-up task to the county');
    expect(await h.prisma.process.count({ where: { kind: 'INTERVIEW', id: { startsWith: `YT-${processId}` } } })).toBe(0);

    await decide(processId, 'PROGRESS_REPORT', township, { action: 'DONE', data: { asOf: '2026-07-31', physicalPct: 35, paidFen: 150_000 } });
    await decide(processId, 'PROGRESS_REPORT', township, { action: 'DONE', data: { asOf: '2026-08-31', physicalPct: 40, paidFen: 200_000 } });
    const interviewId = `YT-${processId}-1`;
    const interviewTask = await openTask(interviewId, 'HOLD_INTERVIEW');
    expect(interviewTask.assigneeId).toBe(county);
    const interview = await h.prisma.process.findUniqueOrThrow({ where: { id: interviewId } });
    expect(interview).toMatchObject({ kind: 'INTERVIEW', townshipCode: DEMO.townshipA });
    expect((interview.data as any).requestedBy).toEqual({ processId, kind: 'FUND_PROJECT' });
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(row.data).toMatchObject({ behind: true, behindStreak: 3, interviews: [interviewId] });
    const actions = await auditOf(processId);
    expect(actions.filter((a) => a === 'BEHIND_PACE')).toHaveLength(3);
    expect(actions).toContain('INTERVIEW_OPENED');
    // The county holds it through the API like any 约谈.
    const held = await h.api('POST', `/api/tasks/${interviewTask.id}/decision`, { as: county, body: { action: 'DONE', data: { held: false, notes: '约谈已安排' } } });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
  });

  it('a project not started by its deadline is flagged for fund recall, and still takes its start report', async () => {
    const processId = await propose(`T3-${run}`);
    await toApproval(processId);
    const start = await openTask(processId, 'START_WORKS');
    const flagged = await eventually(async () => {
      const p = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
      return p.status === 'NOT_STARTED_FLAGGED' ? p : null;
    }, 'the project flagged as not started', 20_000);
    expect(flagged.data).toMatchObject({ notStartedFlagged: true });
    expect(await auditOf(processId)).toContain('NOT_STARTED_FLAGGED');
    const res = await h.api('POST', `/api/tasks/${start.id}/decision`, { as: township, body: { action: 'DONE', data: { startedOn: '2026-10-01' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('IN_PROGRESS');
  });

  it('an objection during the village notice holds the notice until the township investigates it; upheld, the proposal goes back to the village', async () => {
    const processId = await propose(`T5-${run}`);
    await eventually(async () => (await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).status === 'IN_NOTICE', 'the village notice');
    const filed = await h.api('POST', `/api/projects/${processId}/objections`, { as: village, body: { text: '受益户名单与实际不符' } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect((await h.api('POST', `/api/projects/${processId}/objections`, { as: village, body: { text: '' } })).body.error.field).toContain('text');
    const investigation = await openTask(processId, 'INVESTIGATION');
    expect(investigation.assigneeId).toBe(township);
    // Past the notice period the notice is still held by the open investigation.
    await new Promise((r) => setTimeout(r, 3500));
    expect((await h.prisma.process.findUniqueOrThrow({ where: { id: processId } })).status).toBe('IN_NOTICE');
    await decide(processId, 'INVESTIGATION', township, { action: 'RETURN', reason: '名单需重新核实' });
    await decide(processId, 'REVISE_PROPOSAL', village, { action: 'DONE', data: { note: '重新核实受益户名单' } });
    // The revised proposal is noticed again; without objections it reaches the township review.
    await openTask(processId, 'TOWNSHIP_REVIEW');
    const actions = await auditOf(processId);
    expect(actions).toEqual(expect.arrayContaining(['OBJECTION_FILED', 'OBJECTION_UPHELD_RETURNED']));
    expect(actions.filter((a) => a === 'NOTICE_STARTED')).toHaveLength(2);
    // Outside a notice an objection is refused.
    expect((await h.api('POST', `/api/projects/${processId}/objections`, { as: village, body: { text: '再提异议' } })).status).toBe(409);
  });

  it('a proposal is refused outside the official\'s region and with hostile data, naming the field; the same reference starts nothing new', async () => {
    const other = await h.officialOf('VILLAGE', DEMO.villageB1);
    const outside = await h.api('POST', '/api/projects', { as: other, body: proposal(`T4-${run}`) });
    expect(outside.status).toBe(403);
    for (const [extra, field] of [[{ budgetFen: 1.5 }, 'budgetFen'], [{ reference: 'a/b' }, 'reference'], [{ name: 'x\u0000' }, 'name'], [{ type: 'OTHER' }, 'type']] as const) {
      const res = await h.api('POST', '/api/projects', { as: village, body: proposal(`T4-${run}`, extra) });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.body.error.field).toContain(field);
    }
    const id = await propose(`T4-${run}`);
    const again = await h.api('POST', '/api/projects', { as: village, body: proposal(`T4-${run}`) });
    expect(again.status).toBe(200);
    expect(again.body.started).toBe(false);
    expect(again.body.process.id).toBe(id);
  });
});
