/**
 * Grid monitoring and 集中排查 (screening campaigns), end to end with a real worker, Temporal,
 * PostgreSQL and SMTP server: a roster for two villages, a campaign, grid workers' tasks driven
 * through their links (a risk found becoming a case, a household not at home revisited, a late grid
 * reminded and escalated), a village refused closing its ledger with a household missing, the
 * meeting recorded, the township review with its random sample, and the county summary whose
 * figures equal SQL counts; the ledger XLSX lists every household with its result.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedPolicy } from '../workflows/policy';
import type { TPolicy } from '../workflows/policy';
import { processSnapshotQuery } from '../workflows/process-contracts';
import type { Harness } from './support/harness';
import { DEMO, eventually, leadBody, randomIdNumber, startHarness } from './support/harness';
import { csrfOf, getPage, postForm, textOf } from './support/link-client';
import { adminLogin } from './support/admin';
import type { TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';

let h: Harness;
let smtp: TestSmtp;

/** Grid tasks due 10 s after the launch (reminded 2 s before, escalated at the due time); later steps have an hour. */
const policy: TPolicy = {
  ...compressedPolicy({ reminder: 2, escalationRepeat: 60 }),
  processSteps: {
    SCREENING_CAMPAIGN: {
      GRID_SCREENING: { unit: 'SECONDS', amount: 10 }, VILLAGE_LEDGER: { unit: 'SECONDS', amount: 3600 },
      TOWNSHIP_REVIEW: { unit: 'SECONDS', amount: 3600 }, COUNTY_SUMMARY: { unit: 'SECONDS', amount: 3600 },
    },
  },
  screeningSampleSize: 2,
};

const COUNTY = 'off-cty';
const W1 = 'off-vil-dongfeng';
const W2 = 'off-vil-dongfeng-2';
const W3 = 'off-vil-hongqi';
const TOWNSHIP_EMAIL = 'zhen.dongfeng@demo.bangfu.local';

beforeAll(async () => {
  smtp = await startTestSmtp();
  // A grid worker's GRID_ASSIGNED mail belongs to no case or process: delivered to GRID officials (only this file makes them).
  h = await startHarness({ policy, mail: { smtpUrl: smtp.url, alsoScope: { kind: 'GRID_ASSIGNED', recipientId: { startsWith: 'off-gri-' } } } });
});
afterAll(async () => {
  await h?.stop();
  await smtp?.stop();
});

/** Posts a form with repeated fields (one per ticked checkbox), as a browser does; no redirect followed. */
async function postMulti(url: string, fields: [string, string][]): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, text: await res.text() };
}

const today = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const inDays = (n: number): string => new Date(Date.now() + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);

/** Posts a CSV roster as the county. */
async function postRoster(bytes: Buffer): Promise<{ status: number; body: any }> {
  const res = await fetch(`${h.baseUrl}/api/roster`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${await h.token(COUNTY)}` }, body: bytes });
  return { status: res.status, body: await res.json() };
}

describe('集中排查 — a campaign over a roster', () => {
  const tag = Date.now().toString(36);
  const ids = Array.from({ length: 7 }, () => randomIdNumber());
  const heads = ['王一', '李二', '张三', '赵四', '刘五', '孙六', '周七'].map((n) => `${n}${tag.slice(-3)}`);
  const g1 = `一网格${tag}`;
  const g2 = `二网格${tag}`;
  const g3 = `红旗网格${tag}`;
  const rows: string[][] = [
    [DEMO.villageA1, g1, 'cun.dongfeng@demo.bangfu.local', heads[0], ids[0], '4', '脱贫户'],
    [DEMO.villageA1, g1, '', heads[1], ids[1], '2', '一般农户'],
    [DEMO.villageA1, g1, '', heads[2], ids[2], '5', '低保户'],
    [DEMO.villageA1, g2, 'cun2.dongfeng@demo.bangfu.local', heads[3], ids[3], '3', '一般农户'],
    [DEMO.villageA1, g2, '', heads[4], ids[4], '1', '特困户'],
    [DEMO.villageA2, g3, 'cun.hongqi@demo.bangfu.local', heads[5], ids[5], '3', '脱贫户'],
    [DEMO.villageA2, g3, '', heads[6], ids[6], '4', '一般农户'],
  ];
  const csv = (rs: string[][]) => ['村代码,网格,网格员,户主,身份证号,人口,类别', ...rs.map((r) => r.join(','))].join('\r\n');
  let campaignId = '';
  let hh: string[] = [];
  let monitoredCaseId = '';

  it('the roster loads from GBK with a per-row report, is idempotent, and keys households as leads do', async () => {
    // A household known from a lead before the roster: the roster finds the same household.
    const lead = await h.api('POST', '/api/cases', { as: W3, body: leadBody({ household: { headName: heads[5], idNumber: ids[5], villageCode: DEMO.villageA2 } }) });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    monitoredCaseId = lead.body.case.id;

    const bad = [DEMO.villageA1, g1, '', '错号', `${ids[0].slice(0, 17)}${ids[0].endsWith('0') ? '1' : '0'}`, '2', '一般农户'];
    const first = await postRoster(iconv.encode(csv([...rows, bad]), 'gbk'));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.encoding).toMatch(/^(gbk|gb18030)$/i);
    expect(first.body.counts).toMatchObject({ ADDED: 7, REFUSED: 1 });
    const refused = first.body.rows.find((r: any) => r.outcome === 'REFUSED');
    expect(refused).toMatchObject({ row: 9, field: 'idNumber' });
    // Never an ID number in the report.
    expect(JSON.stringify(first.body)).not.toMatch(/\d{17}[\dX]/);
    expect(first.body.rows.find((r: any) => r.row === 7).reason).toContain('known from a lead');
    expect(first.body.rows.find((r: any) => r.row === 7).key).toBe(lead.body.case.householdId);

    const again = await postRoster(Buffer.from(csv(rows), 'utf8'));
    expect(again.body.counts).toMatchObject({ ADDED: 0, UPDATED: 0, UNCHANGED: 7, REFUSED: 0 });
    hh = first.body.rows.filter((r: any) => r.outcome === 'ADDED').map((r: any) => r.key);
    expect(hh).toHaveLength(7);
    // Sealed at rest, as a lead's household.
    const row = await h.prisma.household.findUniqueOrThrow({ where: { id: hh[0] } });
    expect(row.idNumberSealed).not.toContain(ids[0]);
    expect(await h.prisma.grid.count({ where: { name: { in: [g1, g2, g3] }, workerId: { not: null } } })).toBe(3);
  });

  it('a campaign gives every grid worker one task for the grid and every village one for its ledger, mailed with links', async () => {
    const res = await h.api('POST', '/api/campaigns', { as: COUNTY, body: { name: `2026年度集中排查${tag}`, deadline: inDays(7), villageCodes: [DEMO.villageA1, DEMO.villageA2] } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    campaignId = res.body.campaign.id;
    const tasks = res.body.campaign.openTasks;
    expect(tasks.map((t: any) => `${t.step}:${t.assigneeId ?? ''}`).sort()).toEqual(
      ['GRID_SCREENING:off-vil-dongfeng', 'GRID_SCREENING:off-vil-dongfeng-2', 'GRID_SCREENING:off-vil-hongqi', `VILLAGE_LEDGER:${W1}`, `VILLAGE_LEDGER:${W3}`].sort(),
    );
    expect(await h.prisma.campaignVisit.count({ where: { campaignId } })).toBe(7);
    // Only the county launches; a village with no roster is refused naming the field.
    expect((await h.api('POST', '/api/campaigns', { as: W1, body: { name: 'x', deadline: inDays(7) } })).status).toBe(403);
    const noRoster = await h.api('POST', '/api/campaigns', { as: COUNTY, body: { name: 'x', deadline: inDays(7), villageCodes: [DEMO.villageB1] } });
    expect(noRoster.status).toBe(422);
    expect(noRoster.body.error.field).toBe('villageCodes');
  });

  it('grid workers record results; a risk found becomes a case; not at home is revisited before the grid can be submitted through its link', async () => {
    const mail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes('cun.dongfeng@demo.bangfu.local') && m.text.includes(tag) && m.subject.includes('网格入户排查'), 'grid 1 task mail');
    expect(mail.link).toBeTruthy();
    const visit = (as: string, body: Record<string, unknown>) => h.api('POST', `/api/campaigns/${campaignId}/visits`, { as, body });

    // The grid worker's page (no JavaScript): the grid's households, one tap per result.
    const gridPage = await getPage(`${mail.link!}?lang=zh-CN`);
    expect(gridPage.status).toBe(200);
    const listed = textOf(gridPage.html);
    for (const name of heads.slice(0, 3)) expect(listed).toContain(name);
    expect(listed).not.toContain(heads[3]);
    expect(listed).toContain('已有结果 0/3');
    const tap = (fields: Record<string, string>) => postForm(`${mail.link!}/visit`, { csrf: csrfOf(gridPage.html), ...fields });
    const first = await tap({ householdId: hh[0], result: 'NO_RISK' });
    expect(first.status, textOf(first.html).slice(0, 300)).toBe(303);
    expect(first.location).toContain(`#${hh[0]}`);
    // A risk found opens the identification with the form's category and risk type.
    expect((await tap({ householdId: hh[1], result: 'RISK_FOUND', category: 'MARGINAL', riskTypes: 'ILLNESS' })).status).toBe(303);
    const riskRow = await h.prisma.campaignVisit.findUniqueOrThrow({ where: { campaignId_householdId: { campaignId, householdId: hh[1] } } });
    expect(riskRow.result).toBe('RISK_FOUND');
    const kase = await h.prisma.case.findUniqueOrThrow({ where: { id: riskRow.caseId! } });
    expect(kase).toMatchObject({ householdId: hh[1], channel: 'CADRE_SCREENING', leadKey: `CADRE_SCREENING:${campaignId}:${hh[1]}`, status: 'IDENTIFYING', category: 'MARGINAL', riskTypes: ['ILLNESS'] });
    // The same risk again through the API finds the same case (the lead is keyed by campaign and household).
    const risk = await visit(W1, { householdId: hh[1], result: 'RISK_FOUND', lead: { category: 'MARGINAL', riskTypes: ['ILLNESS'] } });
    expect(risk.status, JSON.stringify(risk.body)).toBe(200);
    expect(risk.body.caseId).toBe(kase.id);
    expect(textOf((await getPage(`${mail.link!}?lang=zh-CN`)).html)).toContain('已有结果 2/3');
    const notHome = await visit(W1, { householdId: hh[2], result: 'NOT_HOME' });
    expect(notHome.body.grid).toEqual({ total: 3, settled: 2 });

    // Another grid's worker, a risk without its lead, a household of no campaign: refused naming the field.
    expect((await visit(W2, { householdId: hh[0], result: 'NO_RISK' })).status).toBe(403);
    // … and starts no lead for a household of another grid.
    expect((await visit(W2, { householdId: hh[0], result: 'RISK_FOUND', lead: { category: 'MARGINAL', riskTypes: ['ILLNESS'] } })).status).toBe(403);
    expect(await h.prisma.case.count({ where: { householdId: hh[0] } })).toBe(0);
    // Hostile input names the field, never a 500.
    const nul = await visit(W1, { householdId: hh[0], result: 'NO_RISK', note: 'a\u0000b' });
    expect([nul.status, nul.body.error.field]).toEqual([400, 'body.note']);
    const noLead = await visit(W1, { householdId: hh[0], result: 'RISK_FOUND' });
    expect([noLead.status, noLead.body.error.field]).toEqual([400, 'body.lead']);
    expect((await visit(W1, { householdId: 'hh-00000000000000000000', result: 'NO_RISK' })).body.error.field).toBe('householdId');

    // The link page; submitting with a household not at home is refused.
    const page = await getPage(`${mail.link!}?lang=zh-CN`);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('网格入户排查');
    const early = await postForm(mail.link!, { csrf: csrfOf(page.html), action: 'DONE' });
    expect(early.status).toBe(422);
    expect(textOf(early.html)).toContain('no result yet');

    const revisit = await visit(W1, { householdId: hh[2], result: 'NO_RISK', note: '复访' });
    expect(revisit.body.grid).toEqual({ total: 3, settled: 3 });
    const done = await postForm(mail.link!, { csrf: csrfOf(page.html), action: 'DONE' });
    expect(done.status, textOf(done.html).slice(0, 300)).toBe(303);
    expect((await h.prisma.campaignVisit.findUniqueOrThrow({ where: { campaignId_householdId: { campaignId, householdId: hh[2] } } })).visits).toBe(2);
    // A submitted grid takes no more visits.
    expect((await visit(W1, { householdId: hh[0], result: 'NOT_HOME' })).status).toBe(409);
  });

  it('a late grid is reminded and escalated to the township; the village cannot close its ledger with households missing', async () => {
    await smtp.waitFor((m) => m.kind === 'REMINDER' && m.to.includes('cun2.dongfeng@demo.bangfu.local') && m.text.includes(tag), 'reminder of the late grid');
    await smtp.waitFor((m) => m.kind === 'ESCALATION' && m.to.includes(TOWNSHIP_EMAIL) && m.text.includes(tag), 'escalation of the late grid to the township', 30_000);
    const g2Task = await h.prisma.task.findFirstOrThrow({ where: { processId: campaignId, step: 'GRID_SCREENING', assigneeId: W2 } });
    expect(g2Task.escalations).toBeGreaterThanOrEqual(1);

    const ledger = await h.prisma.task.findFirstOrThrow({ where: { processId: campaignId, step: 'VILLAGE_LEDGER', regionCode: DEMO.villageA1 } });
    const meeting = { meetingOn: today(), attendees: 15, minutes: '逐户研究排查结果' };
    const refused = await h.api('POST', `/api/tasks/${ledger.id}/decision`, { as: W1, body: { action: 'DONE', data: meeting } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain('2 household(s) of the village have no result');
    expect(await h.prisma.villageLedger.count({ where: { campaignId } })).toBe(0);

    // The late grid finishes; its worker submits through the API.
    for (const id of [hh[3], hh[4]]) expect((await h.api('POST', `/api/campaigns/${campaignId}/visits`, { as: W2, body: { householdId: id, result: 'NO_RISK' } })).status).toBe(200);
    expect((await h.api('POST', `/api/tasks/${g2Task.id}/decision`, { as: W2, body: { action: 'DONE', data: {} } })).status).toBe(200);

    // 红旗村: the household with an open case is already monitored; a household without one cannot be.
    expect((await h.api('POST', `/api/campaigns/${campaignId}/visits`, { as: W3, body: { householdId: hh[6], result: 'ALREADY_MONITORED' } })).status).toBe(422);
    expect((await h.api('POST', `/api/campaigns/${campaignId}/visits`, { as: W3, body: { householdId: hh[5], result: 'ALREADY_MONITORED' } })).status).toBe(200);
    expect((await h.api('POST', `/api/campaigns/${campaignId}/visits`, { as: W3, body: { householdId: hh[6], result: 'NO_RISK' } })).status).toBe(200);
    const g3Task = await h.prisma.task.findFirstOrThrow({ where: { processId: campaignId, step: 'GRID_SCREENING', assigneeId: W3 } });
    expect((await h.api('POST', `/api/tasks/${g3Task.id}/decision`, { as: W3, body: { action: 'DONE', data: {} } })).status).toBe(200);

    // The meeting is recorded through the village's link; the other village through the API.
    const ledgerMail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes('cun.dongfeng@demo.bangfu.local') && m.text.includes(tag) && m.subject.includes('村级会议'), 'ledger task mail');
    const page = await getPage(`${ledgerMail.link!}?lang=zh-CN`);
    expect(page.html).toContain('name="f_minutes"');
    const closed = await postForm(ledgerMail.link!, { csrf: csrfOf(page.html), action: 'DONE', f_meetingOn: meeting.meetingOn, f_attendees: '15', f_minutes: meeting.minutes });
    expect(closed.status, textOf(closed.html).slice(0, 300)).toBe(303);
    const l2 = await h.prisma.task.findFirstOrThrow({ where: { processId: campaignId, step: 'VILLAGE_LEDGER', regionCode: DEMO.villageA2 } });
    expect((await h.api('POST', `/api/tasks/${l2.id}/decision`, { as: W3, body: { action: 'DONE', data: { ...meeting, attendees: 9 } } })).status).toBe(200);
    expect(await h.prisma.villageLedger.count({ where: { campaignId } })).toBe(2);
  });

  it('the township reviews with a random sample, then the county summary equals SQL counts and ends the campaign', async () => {
    const review = await eventually(() => h.prisma.task.findFirst({ where: { processId: campaignId, step: 'TOWNSHIP_REVIEW', status: 'OPEN' } }), 'the township review');
    expect(review.regionCode).toBe(DEMO.townshipA);
    expect(await h.prisma.campaignVisit.count({ where: { campaignId, sampled: true } })).toBe(2);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const short = await h.api('POST', `/api/tasks/${review.id}/decision`, { as: township, body: { action: 'APPROVE', data: { checked: 1, discrepancies: 0 } } });
    expect([short.status, short.body.error.field]).toEqual([422, 'data.checked']);
    expect((await h.api('POST', `/api/tasks/${review.id}/decision`, { as: township, body: { action: 'APPROVE', data: { checked: 2, discrepancies: 0, notes: '抽查2户，结果一致' } } })).status).toBe(200);

    const summary = await eventually(() => h.prisma.task.findFirst({ where: { processId: campaignId, step: 'COUNTY_SUMMARY', status: 'OPEN' } }), 'the county summary');
    const figures = await h.api('GET', `/api/campaigns/${campaignId}/figures`, { as: COUNTY });
    expect(figures.status).toBe(200);
    const sql = await h.prisma.$queryRaw<{ village: string; total: bigint; screened: bigint; risks: bigint; leads: bigint; monitored: bigint; meetings: bigint }[]>`
      SELECT v."villageCode" AS village, count(*) AS total,
             count(*) FILTER (WHERE v.result IN ('NO_RISK', 'RISK_FOUND', 'ALREADY_MONITORED')) AS screened,
             count(*) FILTER (WHERE v.result = 'RISK_FOUND') AS risks,
             count(*) FILTER (WHERE v."caseId" IS NOT NULL) AS leads,
             count(*) FILTER (WHERE c.status IN ('MONITORED', 'ELIMINATING', 'ELIMINATED')) AS monitored,
             (SELECT count(*) FROM "VillageLedger" l WHERE l."campaignId" = ${campaignId} AND l."villageCode" = v."villageCode") AS meetings
        FROM "CampaignVisit" v LEFT JOIN "Case" c ON c.id = v."caseId"
       WHERE v."campaignId" = ${campaignId} GROUP BY v."villageCode" ORDER BY v."villageCode"`;
    expect(figures.body.villages.map((v: any) => [v.villageCode, v.total, v.screened, v.risksFound, v.leadsStarted, v.becameMonitored, v.meetingRecorded ? 1 : 0]))
      .toEqual(sql.map((r) => [r.village, Number(r.total), Number(r.screened), Number(r.risks), Number(r.leads), Number(r.monitored), Number(r.meetings)]));
    expect(figures.body.totals).toMatchObject({ total: 7, screened: 7, risksFound: 1, leadsStarted: 1, meetingsRecorded: 2, villages: 2 });
    expect(figures.body.townships).toEqual([expect.objectContaining({ townshipCode: DEMO.townshipA, total: 7, risksFound: 1 })]);
    // 红旗村 found nothing: listed for a check.
    expect(figures.body.zeroFindingVillages).toEqual([DEMO.villageA2]);
    // The summary the county reads was drawn from the same rows.
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: campaignId } });
    expect((row.data as any).summary.totals).toEqual(figures.body.totals);
    // A village sees only its own.
    const own = await h.api('GET', `/api/campaigns/${campaignId}/figures`, { as: W3 });
    expect(own.body.villages.map((v: any) => v.villageCode)).toEqual([DEMO.villageA2]);

    expect((await h.api('POST', `/api/tasks/${summary.id}/decision`, { as: COUNTY, body: { action: 'DONE', data: { notes: '全县排查完成' } } })).status).toBe(200);
    const snapshot = await eventually(async () => {
      const s = await h.client.workflow.getHandle(row.workflowId).query(processSnapshotQuery);
      return s.finished ? s : null;
    }, 'the campaign to finish');
    expect(snapshot.status).toBe('COMPLETED');
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId: campaignId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] })).map((e) => e.action);
    for (const a of ['CAMPAIGN_LAUNCHED', 'VISIT_RECORDED', 'GRID_SUBMITTED', 'TASK_ESCALATED', 'MEETING_RECORDED', 'LEDGER_CLOSED', 'SAMPLE_DRAWN', 'REVIEW_PASSED', 'SUMMARY_DRAWN', 'SUMMARY_CONFIRMED', 'CAMPAIGN_COMPLETED']) {
      expect(actions, a).toContain(a);
    }
  });

  it('the ledger XLSX opens and lists every household of the village with its result; the ledger shows a roster household\'s open case', async () => {
    const res = await fetch(`${h.baseUrl}/api/campaigns/${campaignId}/ledger.xlsx?villageCode=${DEMO.villageA1}`, { headers: { authorization: `Bearer ${await h.token(W1)}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('排查台账')!;
    const values = ws.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1).map((c) => String(c ?? '')));
    const body = values.slice(2);
    expect(body.map((r) => r[2]).sort()).toEqual(heads.slice(0, 5).sort());
    expect(body.find((r) => r[2] === heads[1])![5]).toBe('发现风险');
    expect(body.find((r) => r[2] === heads[2])).toEqual(expect.arrayContaining(['无风险', '2']));
    // No ID numbers in the ledger; the village's meeting record beside it.
    expect(JSON.stringify(values)).not.toMatch(/\d{17}[\dX]/);
    const meetings = wb.getWorksheet('会议记录')!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1).map(String));
    expect(meetings.slice(1)).toEqual([[DEMO.villageA1, today(), '15', '逐户研究排查结果']]);
    // Another village's ledger is not this official's.
    expect((await h.api('GET', `/api/campaigns/${campaignId}/ledger?villageCode=${DEMO.villageA2}`, { as: W1 })).status).toBe(403);
    const hongqi = await h.api('GET', `/api/campaigns/${campaignId}/ledger?villageCode=${DEMO.villageA2}`, { as: W3 });
    expect(hongqi.body.rows.find((r: any) => r.householdId === hh[5]).openCaseId).toBe(monitoredCaseId);
  });

  it('the admin pages list the campaign, its progress per village, the villages with zero findings, its timeline and the ledger download', async () => {
    const admin = await adminLogin(h, COUNTY);
    const list = await admin.get('/admin/campaigns');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`data-campaign-id="${campaignId}"`);
    const detail = await admin.get(`/admin/campaigns/${campaignId}?lang=zh-CN`);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('data-screened="7" data-total="7"');
    expect(detail.text).toContain(`data-zero="${DEMO.villageA2}"`);
    expect(detail.text).toContain(`data-village="${DEMO.villageA1}"`);
    expect(textOf(detail.text)).toContain('村排查台账已关闭');
    const xlsx = await fetch(`${h.baseUrl}/admin/campaigns/${campaignId}/ledger.xlsx`, { headers: { cookie: admin.cookie } });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect(wb.getWorksheet('排查台账')!.rowCount).toBe(2 + 7);
    // A township official of another township sees none of it.
    const other = await adminLogin(h, await h.officialOf('TOWNSHIP', DEMO.townshipB));
    expect((await other.get(`/admin/campaigns/${campaignId}`)).status).toBe(403);
  });
});

describe('集中排查 — a township returns a village to re-check (退回重新排查)', () => {
  const tag = `r${Date.now().toString(36)}`;
  const SHIQIAO = '410599101202';
  const WORKER = 'off-vil-shiqiao';
  const WORKER_EMAIL = 'cun.shiqiao@demo.bangfu.local';
  const TOWNSHIP_B_EMAIL = 'xiang.qingshan@demo.bangfu.local';

  it('a returned village reopens its ledger and grid by link, re-checks, closes again, and the township reviews again', async () => {
    const rows = ['一般农户', '脱贫户', '低保户'].map((c, i) => `${SHIQIAO},石桥网格${tag},${WORKER_EMAIL},石${i}${tag.slice(-3)},${randomIdNumber()},2,${c}`);
    const roster = await postRoster(Buffer.from(['村代码,网格,网格员,户主,身份证号,人口,类别', ...rows].join('\n'), 'utf8'));
    expect(roster.status, JSON.stringify(roster.body)).toBe(200);
    const launched = await h.api('POST', '/api/campaigns', { as: COUNTY, body: { name: `退回排查${tag}`, deadline: inDays(7), villageCodes: [SHIQIAO] } });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const id = launched.body.campaign.id as string;
    const households = (await h.prisma.campaignVisit.findMany({ where: { campaignId: id }, orderBy: { householdId: 'asc' } })).map((v) => v.householdId);
    expect(households).toHaveLength(3);
    for (const hh of households) expect((await h.api('POST', `/api/campaigns/${id}/visits`, { as: WORKER, body: { householdId: hh, result: 'NO_RISK' } })).status).toBe(200);
    const openTask = (step: string) => eventually(() => h.prisma.task.findFirst({ where: { processId: id, step, status: 'OPEN' } }), step);
    const gridTask = await openTask('GRID_SCREENING');
    const isGridMail = (m: { kind: string; to: string[]; text: string; subject: string; link: string | null }) => m.kind === 'NEW_TASK' && m.to.includes(WORKER_EMAIL) && m.text.includes(tag) && m.subject.includes('网格入户排查') && !!m.link;
    const firstGridMail = await smtp.waitFor(isGridMail, 'the grid task mail');
    expect((await h.api('POST', `/api/tasks/${gridTask.id}/decision`, { as: WORKER, body: { action: 'DONE', data: {} } })).status).toBe(200);
    const meeting = { meetingOn: today(), attendees: 7, minutes: '研究排查结果' };
    expect((await h.api('POST', `/api/tasks/${(await openTask('VILLAGE_LEDGER')).id}/decision`, { as: WORKER, body: { action: 'DONE', data: meeting } })).status).toBe(200);

    // The township's review link: the sample check found a household wrongly marked; it returns the village.
    const reviewMail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(TOWNSHIP_B_EMAIL) && m.text.includes(tag), 'the township review mail');
    const page = await getPage(`${reviewMail.link!}?lang=zh-CN`);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('退回村重新排查');
    // The review page lists the sampled households (names, no ID numbers) and the villages with their codes.
    expect(textOf(page.html)).toContain('抽查农户');
    expect(page.html).toContain(`data-village="${SHIQIAO}"`);
    expect((page.html.match(/data-sampled=/g) ?? []).length).toBe(await h.prisma.campaignVisit.count({ where: { campaignId: id, sampled: true } }));
    expect(page.html).not.toMatch(/\d{17}[\dX]/);
    const form = { csrf: csrfOf(page.html), action: 'RETURN', f_checked: '1', f_discrepancies: '1' };
    // Hostile or incomplete returns name the field, in Chinese on the page.
    const noVillage = await postForm(`${reviewMail.link!}?lang=zh-CN`, { ...form, reason: '抽查发现1户结果有误' });
    expect(noVillage.status, textOf(noVillage.html).slice(0, 600)).toBe(400);
    expect(noVillage.html).toContain('returnVillages');
    const otherVillage = await postForm(`${reviewMail.link!}?lang=zh-CN`, { ...form, reason: '抽查发现1户结果有误', f_returnVillages: DEMO.villageA1 });
    expect(otherVillage.status).toBe(422);
    const noReason = await postForm(`${reviewMail.link!}?lang=zh-CN`, { ...form, f_returnVillages: SHIQIAO, f_recheckGrids: 'on' });
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain('退回');
    const returned = await postForm(`${reviewMail.link!}?lang=zh-CN`, { ...form, reason: '抽查发现1户结果有误', f_returnVillages: SHIQIAO, f_recheckGrids: 'on' });
    expect(returned.status, textOf(returned.html).slice(0, 400)).toBe(303);

    // The ledger reopens (its meeting record stays in the audit), the grid and the village get new tasks by link.
    await eventually(async () => ((await h.prisma.villageLedger.count({ where: { campaignId: id } })) === 0 ? true : null), 'the ledger to reopen');
    const regrid = await eventually(() => h.prisma.task.findFirst({ where: { processId: id, step: 'GRID_SCREENING', status: 'OPEN' } }), 'the grid task again');
    expect(regrid.id).not.toBe(gridTask.id);
    expect(regrid.assigneeId).toBe(WORKER);
    const reledger = await openTask('VILLAGE_LEDGER');
    const gridMail = await smtp.waitFor((m) => isGridMail(m) && m.link !== firstGridMail.link, 'the grid task mailed again');
    const actions = (await h.prisma.auditEvent.findMany({ where: { processId: id }, select: { action: true } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['REVIEW_RETURNED', 'LEDGER_REOPENED', 'LEDGER_CLOSED']));

    // The village cannot close before its grid is submitted again.
    const early = await h.api('POST', `/api/tasks/${reledger.id}/decision`, { as: WORKER, body: { action: 'DONE', data: meeting } });
    expect([early.status, early.body.error.field]).toEqual([422, 'grids']);
    // The grid worker corrects the household on the page and submits the grid again.
    const gridPage = await getPage(`${gridMail.link!}?lang=zh-CN`);
    expect(textOf(gridPage.html)).toContain('已有结果 3/3');
    expect((await postForm(`${gridMail.link!}/visit`, { csrf: csrfOf(gridPage.html), householdId: households[0], result: 'NOT_HOME' })).status).toBe(303);
    expect((await postForm(`${gridMail.link!}/visit`, { csrf: csrfOf(gridPage.html), householdId: households[0], result: 'NO_RISK' })).status).toBe(303);
    expect((await postForm(gridMail.link!, { csrf: csrfOf(gridPage.html), action: 'DONE' })).status).toBe(303);
    expect((await h.api('POST', `/api/tasks/${reledger.id}/decision`, { as: WORKER, body: { action: 'DONE', data: { ...meeting, minutes: '复核后重新研究' } } })).status).toBe(200);
    expect((await h.prisma.villageLedger.findFirstOrThrow({ where: { campaignId: id } })).minutes).toBe('复核后重新研究');

    // The township reviews again (same sample), passes, and the county summary opens.
    const again = await eventually(() => h.prisma.task.findFirst({ where: { processId: id, step: 'TOWNSHIP_REVIEW', status: 'OPEN' } }), 'the township review again');
    expect(await h.prisma.task.count({ where: { processId: id, step: 'TOWNSHIP_REVIEW' } })).toBe(2);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipB);
    const sampled = await h.prisma.campaignVisit.count({ where: { campaignId: id, sampled: true } });
    expect((await h.api('POST', `/api/tasks/${again.id}/decision`, { as: township, body: { action: 'APPROVE', data: { checked: sampled, discrepancies: 0 } } })).status).toBe(200);
    await openTask('COUNTY_SUMMARY');
    expect((await h.prisma.campaignVisit.findUniqueOrThrow({ where: { campaignId_householdId: { campaignId: id, householdId: households[0] } } })).visits).toBe(3);
  });
});

describe('集中排查 — grid workers of role GRID (网格员)', () => {
  const tag = `g${Date.now().toString(36)}`;
  const SHIQIAO = '410599101202';
  const emails = [`wangge1.${tag}@demo.bangfu.local`, `wangge2.${tag}@demo.bangfu.local`];
  let campaignId = '';
  let grid1 = '';
  let grid2 = '';
  let hh1: string[] = [];
  let hh2: string[] = [];

  it('the officials file creates grid workers (网格员); a roster naming them mails each that they are the grid worker of grid X with N households', async () => {
    const { loadOfficials } = await import('../api/services/load-officials');
    const file = ['姓名,邮箱,角色,区划代码', `网格员甲,${emails[0]},网格员,${SHIQIAO}`, `网格员乙,${emails[1]},GRID,${SHIQIAO}`, `错放,x.${tag}@demo.bangfu.local,网格员,${DEMO.townshipB}`].join('\n');
    const report = await loadOfficials(h.prisma, new TextEncoder().encode(file));
    expect(report.counts).toMatchObject({ ADDED: 2, REFUSED: 1 });
    expect(report.rows.find((r) => r.outcome === 'REFUSED')?.field).toBe('regionCode');
    const workers = await h.prisma.official.findMany({ where: { email: { in: emails } }, orderBy: { email: 'asc' } });
    expect(workers.map((w) => w.role)).toEqual(['GRID', 'GRID']);
    [grid1, grid2] = [`网格甲${tag}`, `网格乙${tag}`];
    const rows = [
      [grid1, emails[0], '脱贫户'], [grid1, '', '一般农户'], [grid2, emails[1], '低保户'], [grid2, '', '一般农户'],
    ].map(([g, w, c], i) => `${SHIQIAO},${g},${w},网${i}${tag.slice(-3)},${randomIdNumber()},3,${c}`);
    const roster = await postRoster(Buffer.from(['村代码,网格,网格员,户主,身份证号,人口,类别', ...rows].join('\n'), 'utf8'));
    expect(roster.status, JSON.stringify(roster.body)).toBe(200);
    expect(roster.body.counts).toMatchObject({ ADDED: 4, REFUSED: 0 });
    const keys = roster.body.rows.map((r: any) => r.key);
    hh1 = keys.slice(0, 2);
    hh2 = keys.slice(2, 4);
    const mail = await smtp.waitFor((m) => m.kind === 'GRID_ASSIGNED' && m.to.includes(emails[0]), 'the grid worker told they are one');
    expect(mail.subject).toContain(`您是石桥村${grid1}的网格员`);
    expect(mail.text).toContain('本网格共有 2 户农户');
    expect(mail.text).toMatch(/http:\/\/127.0.0.1:\d+\/admin\/grid/);
    expect(mail.text).not.toMatch(/\d{17}[\dX]/);
    // The same file again mails nobody again.
    expect((await postRoster(Buffer.from(['村代码,网格,网格员,户主,身份证号,人口,类别', ...rows].join('\n'), 'utf8'))).body.counts).toMatchObject({ UNCHANGED: 4 });
    expect(await h.prisma.notification.count({ where: { kind: 'GRID_ASSIGNED', recipientId: { in: workers.map((w) => w.id) } } })).toBe(2);
  });

  it('a grid worker sees and records only their own grid: the task link lists its households; another grid, the village ledger, figures and cases are refused', async () => {
    const [w1, w2] = await Promise.all(emails.map((email) => h.prisma.official.findUniqueOrThrow({ where: { email } })));
    const launched = await h.api('POST', '/api/campaigns', { as: COUNTY, body: { name: `网格员排查${tag}`, deadline: inDays(7), villageCodes: [SHIQIAO] } });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    campaignId = launched.body.campaign.id;
    const tasks = launched.body.campaign.openTasks as { step: string; assigneeId: string }[];
    expect(tasks.filter((t) => t.step === 'GRID_SCREENING').map((t) => t.assigneeId)).toEqual(expect.arrayContaining([w1.id, w2.id]));
    const mail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(emails[0]) && m.text.includes(tag), 'the GRID worker\'s task mail');
    const page = await getPage(`${mail.link!}?lang=zh-CN`);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain('已有结果 0/2');
    for (const id of hh2) expect(page.html).not.toContain(id);
    expect((await postForm(`${mail.link!}/visit`, { csrf: csrfOf(page.html), householdId: hh1[0], result: 'NO_RISK' })).status).toBe(303);
    // A risk found with several risk types at once (checkboxes): the lead carries them all.
    const multi = await postMulti(`${mail.link!}/visit`, [['csrf', csrfOf(page.html)], ['householdId', hh1[1]], ['result', 'RISK_FOUND'], ['category', 'MARGINAL'], ['riskTypes', 'ILLNESS'], ['riskTypes', 'SCHOOLING']]);
    expect(multi.status, multi.text.slice(0, 300)).toBe(303);
    const riskRow = await h.prisma.campaignVisit.findUniqueOrThrow({ where: { campaignId_householdId: { campaignId, householdId: hh1[1] } } });
    const lead = await h.prisma.case.findUniqueOrThrow({ where: { id: riskRow.caseId! } });
    expect([...lead.riskTypes].sort()).toEqual(['ILLNESS', 'SCHOOLING']);
    // Hostile input: an unknown type, none ticked, or types without a risk → 400 naming riskTypes, in Chinese on the page; nothing stored.
    const unknown = await postMulti(`${mail.link!}/visit?lang=zh-CN`, [['csrf', csrfOf(page.html)], ['householdId', hh1[0]], ['result', 'RISK_FOUND'], ['riskTypes', 'ILLNESS'], ['riskTypes', 'WITCHCRAFT']]);
    expect(unknown.status).toBe(400);
    expect(textOf(unknown.text)).toContain('风险类型');
    expect(unknown.text).toContain('riskTypes');
    const none = await postMulti(`${mail.link!}/visit?lang=zh-CN`, [['csrf', csrfOf(page.html)], ['householdId', hh1[0]], ['result', 'RISK_FOUND'], ['category', 'MARGINAL']]);
    expect(none.status).toBe(400);
    expect(textOf(none.text)).toContain('请至少勾选一种风险类型');
    const stray = await postMulti(`${mail.link!}/visit?lang=zh-CN`, [['csrf', csrfOf(page.html)], ['householdId', hh1[0]], ['result', 'NO_RISK'], ['riskTypes', 'ILLNESS']]);
    expect(stray.status).toBe(400);
    expect(await h.prisma.case.count({ where: { householdId: hh1[0] } })).toBe(0);
    expect((await h.prisma.campaignVisit.findUniqueOrThrow({ where: { campaignId_householdId: { campaignId, householdId: hh1[0] } } })).result).toBe('NO_RISK');
    // The page offers the risk types as checkboxes (no script).
    expect(page.html).toContain('type="checkbox"');
    expect(page.html).toContain('name="riskTypes"');
    expect(page.html).not.toContain('<script');
    // Another grid's household through the link or the API: refused before anything is stored.
    const other = await postForm(`${mail.link!}/visit?lang=zh-CN`, { csrf: csrfOf(page.html), householdId: hh2[0], result: 'NO_RISK' });
    expect(other.status).toBe(403);
    const viaApi = await h.api('POST', `/api/campaigns/${campaignId}/visits`, { as: w1.id, body: { householdId: hh2[0], result: 'RISK_FOUND', lead: { category: 'MARGINAL', riskTypes: ['ILLNESS'] } } });
    expect([viaApi.status, viaApi.body.error.field]).toEqual([403, 'gridId']);
    expect(await h.prisma.case.count({ where: { householdId: hh2[0] } })).toBe(0);
    expect((await h.prisma.campaignVisit.findUniqueOrThrow({ where: { campaignId_householdId: { campaignId, householdId: hh2[0] } } })).result).toBeNull();
    // Only their grid's ledger; no village ledger, no figures, no cases.
    const gridId = (await h.prisma.campaignVisit.findUniqueOrThrow({ where: { campaignId_householdId: { campaignId, householdId: hh1[0] } } })).gridId;
    const own = await h.api('GET', `/api/campaigns/${campaignId}/ledger?gridId=${encodeURIComponent(gridId)}`, { as: w1.id });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.rows.map((r: any) => r.householdId).sort()).toEqual([...hh1].sort());
    expect((await h.api('GET', `/api/campaigns/${campaignId}/ledger?villageCode=${SHIQIAO}`, { as: w1.id })).status).toBe(403);
    expect((await h.api('GET', `/api/campaigns/${campaignId}/figures`, { as: w1.id })).status).toBe(403);
    const cases = await h.api('GET', '/api/cases', { as: w1.id });
    expect([200, 403]).toContain(cases.status);
    if (cases.status === 200) expect(cases.body.items ?? cases.body.cases ?? []).toEqual([]);
    // A grid worker cannot decide the village's step.
    const ledger = await h.prisma.task.findFirstOrThrow({ where: { processId: campaignId, step: 'VILLAGE_LEDGER', status: 'OPEN' } });
    expect((await h.api('POST', `/api/tasks/${ledger.id}/decision`, { as: w1.id, body: { action: 'DONE', data: { meetingOn: today(), attendees: 3, minutes: 'x' } } })).status).toBe(403);
    // The second worker records theirs through the API and submits the grid.
    for (const id of hh2) expect((await h.api('POST', `/api/campaigns/${campaignId}/visits`, { as: w2.id, body: { householdId: id, result: 'NO_RISK' } })).status).toBe(200);
    const g2Task = await h.prisma.task.findFirstOrThrow({ where: { processId: campaignId, step: 'GRID_SCREENING', assigneeId: w2.id } });
    expect((await h.api('POST', `/api/tasks/${g2Task.id}/decision`, { as: w2.id, body: { action: 'DONE', data: {} } })).status).toBe(200);
  });

  it('the grid page (我的网格) lists the worker\'s households with their state, and is all a grid worker\'s session shows', async () => {
    const w1 = await h.prisma.official.findUniqueOrThrow({ where: { email: emails[0] } });
    const admin = await adminLogin(h, w1.id);
    const start = await admin.get('/admin?lang=zh-CN');
    expect([200, 303]).toContain(start.status);
    const page = await admin.get('/admin/grid?lang=zh-CN');
    expect(page.status).toBe(200);
    for (const id of hh1) expect(page.text).toContain(`data-household="${id}"`);
    for (const id of hh2) expect(page.text).not.toContain(id);
    // State: the household with no risk, and the one whose risk started an identification.
    expect(textOf(page.text)).toContain('无风险');
    expect(textOf(page.text)).toContain('发现风险');
    expect(page.text).toContain(`data-household="${hh1[1]}" data-state="IDENTIFYING"`);
    expect(textOf(page.text)).toContain('识别中');
    expect((await admin.get('/admin/cases')).status).toBe(403);
    expect((await admin.get(`/admin/campaigns/${campaignId}`)).status).toBe(403);
  });

  it('a deactivated grid worker\'s open grid task goes to the village official', async () => {
    const w1 = await h.prisma.official.findUniqueOrThrow({ where: { email: emails[0] } });
    const task = await h.prisma.task.findFirstOrThrow({ where: { processId: campaignId, step: 'GRID_SCREENING', assigneeId: w1.id, status: 'OPEN' } });
    const admin = await adminLogin(h, 'off-admin');
    const out = await admin.post(`/admin/officials/${w1.id}/deactivate`, { _csrf: await admin.csrf() });
    expect(out.status, out.text.slice(0, 300)).toBe(200);
    expect(out.text).toContain(`data-task-id="${task.id}" data-outcome="TRANSFERRED"`);
    await eventually(async () => ((await h.prisma.task.findUnique({ where: { id: task.id } }))?.assigneeId === 'off-vil-shiqiao' ? true : null), 'the grid task with the village official');
  });

  it('a village whose roster lists lifted households (脱贫户) only is refused at the launch, naming the field (its ledger could not close either)', async () => {
    // The village's roster as a county that loaded only its lifted households would have it.
    await h.prisma.rosterEntry.updateMany({ where: { villageCode: SHIQIAO }, data: { category: 'LIFTED' } });
    const refused = await h.api('POST', '/api/campaigns', { as: COUNTY, body: { name: `只排查脱贫户${tag}`, deadline: inDays(7), villageCodes: [SHIQIAO] } });
    expect([refused.status, refused.body.error.field]).toEqual([422, 'villageCodes']);
    expect(refused.body.error.message).toContain('脱贫户');
    expect(await h.prisma.process.count({ where: { title: { contains: `只排查脱贫户${tag}` } } })).toBe(0);
  });
});

describe('集中排查 — a long campaign', () => {
  it('continues as new when its history grows, carrying open tasks and counts, and still ends with every household settled', async () => {
    const h2 = await startHarness({ policy: { ...policy, processSteps: { SCREENING_CAMPAIGN: { ...policy.processSteps.SCREENING_CAMPAIGN, GRID_SCREENING: { unit: 'SECONDS', amount: 3600 } } } }, maxHistoryEvents: 60 });
    try {
      const county = await h2.officialOf('COUNTY', DEMO.county);
      const worker = await h2.officialOf('VILLAGE', DEMO.villageB1);
      const rows = Array.from({ length: 12 }, (_, i) => `${DEMO.villageB1},青山网格,cun.qingshan@demo.bangfu.local,钱${i},${randomIdNumber()},2,${i % 2 ? '脱贫户' : '一般农户'}`);
      const res = await fetch(`${h2.baseUrl}/api/roster`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${await h2.token(county)}` }, body: ['村代码,网格,网格员,户主,身份证号,人口,类别', ...rows].join('\n') });
      const households = ((await res.json()) as { rows: { key: string }[] }).rows.map((r) => r.key);
      expect(households).toHaveLength(12);
      const launched = await h2.api('POST', '/api/campaigns', { as: county, body: { name: '长排查', deadline: inDays(3), villageCodes: [DEMO.villageB1] } });
      expect(launched.status, JSON.stringify(launched.body)).toBe(201);
      const id = launched.body.campaign.id as string;
      const row = await h2.prisma.process.findUniqueOrThrow({ where: { id } });
      const handle = h2.client.workflow.getHandle(row.workflowId);
      const firstRun = (await handle.describe()).runId;
      for (const hh of households) {
        const v = await h2.api('POST', `/api/campaigns/${id}/visits`, { as: worker, body: { householdId: hh, result: 'NO_RISK' } });
        expect(v.status, JSON.stringify(v.body)).toBe(200);
      }
      await eventually(async () => (await handle.describe()).runId !== firstRun, 'the campaign to continue as new');
      const taskOf = (step: string) => eventually(() => h2.prisma.task.findFirst({ where: { processId: id, step, status: 'OPEN' } }), step);
      expect((await h2.api('POST', `/api/tasks/${(await taskOf('GRID_SCREENING')).id}/decision`, { as: worker, body: { action: 'DONE', data: {} } })).status).toBe(200);
      const meeting = { meetingOn: today(), attendees: 6, minutes: '研究排查结果' };
      expect((await h2.api('POST', `/api/tasks/${(await taskOf('VILLAGE_LEDGER')).id}/decision`, { as: worker, body: { action: 'DONE', data: meeting } })).status).toBe(200);
      const township = await h2.officialOf('TOWNSHIP', DEMO.townshipB);
      expect((await h2.api('POST', `/api/tasks/${(await taskOf('TOWNSHIP_REVIEW')).id}/decision`, { as: township, body: { action: 'APPROVE', data: { checked: 2, discrepancies: 0 } } })).status).toBe(200);
      expect((await h2.api('POST', `/api/tasks/${(await taskOf('COUNTY_SUMMARY')).id}/decision`, { as: county, body: { action: 'DONE', data: {} } })).status).toBe(200);
      const done = await eventually(async () => {
        const s = await handle.query(processSnapshotQuery);
        return s.finished ? s : null;
      }, 'the long campaign to finish');
      expect(done.continuedAsNew).toBeGreaterThanOrEqual(1);
      const figures = await h2.api('GET', `/api/campaigns/${id}/figures`, { as: county });
      expect(figures.body.totals).toMatchObject({ total: 12, screened: 12, meetingsRecorded: 1 });
    } finally {
      await h2.stop();
    }
  });
});
