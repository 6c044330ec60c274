/**
 * The rules of task links, over plain HTTP: signed, bound to one task and one official, expiring,
 * revoked when the task is decided or transferred, acting once, only by POST with a CSRF token,
 * rate-limited — and each problem gets a page that says what to do next.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTaskLink } from '../api/links/issue-link';
import { signLink, taskLinkOptions } from '../api/links/link-token';
import { taskLinkPages } from '../api/pages/task-link/task-link-pages';
import type { Harness } from './support/harness';
import { DEMO, TEST_SECRET, eventually, leadBody, startHarness } from './support/harness';
import { csrfOf, getPage, postForm, textOf } from './support/link-client';
import type { CapturedMail, TestSmtp } from './support/smtp';
import { startTestSmtp } from './support/smtp';
import { endCasesOf } from './support/end-cases';

let h: Harness;
let smtp: TestSmtp;
const links = taskLinkOptions({ secret: TEST_SECRET });

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await startHarness({ mail: { smtpUrl: smtp.url } });
});
afterAll(async () => {
  if (h) await endCasesOf(h);
  await h?.stop();
  await smtp?.stop();
});

const VILLAGE = 'off-vil-dongfeng';
const VILLAGE_EMAIL = 'cun.dongfeng@demo.bangfu.local';

/** A new case; resolves with its verification task and the emailed link. */
async function caseWithTask(): Promise<{ caseId: string; taskId: string; mail: CapturedMail }> {
  const res = await h.api('POST', '/api/cases', { as: VILLAGE, body: leadBody() });
  expect(res.status).toBe(201);
  const caseId: string = res.body.case.id;
  const mail = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes(VILLAGE_EMAIL) && m.text.includes(caseId), `new task mail of ${caseId}`);
  const task = await h.prisma.task.findFirstOrThrow({ where: { caseId, status: 'OPEN' } });
  return { caseId, taskId: task.id, mail };
}

describe('task links', () => {
  it('opening a link decides nothing; only a POST with the page’s CSRF token does', async () => {
    const { taskId, mail } = await caseWithTask();
    const page = await getPage(mail.link!);
    expect(page.status).toBe(200);
    await getPage(mail.link!);
    const noCsrf = await postForm(mail.link!, { action: 'REJECT', reason: 'no token' });
    expect(noCsrf.status).toBe(403);
    expect(textOf(noCsrf.html)).toContain('表单已失效');
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('OPEN');
    expect((await getPage(mail.link!)).status).toBe(200);
  });

  it('a forged or altered link gets a 401 page saying what to do', async () => {
    const { mail } = await caseWithTask();
    const token = mail.link!.split('/t/')[1];
    const flip = (t: string, i: number): string => `${t.slice(0, i)}${t[i] === 'A' ? 'B' : 'A'}${t.slice(i + 1)}`;
    const lastBitsOnly = `${token.slice(0, -1)}${String.fromCharCode(token.charCodeAt(token.length - 1) ^ 1)}`;
    for (const t of [flip(token, token.length - 10), flip(token, 5), lastBitsOnly, 'not-a-token', signLink(['another-key-0123456789abcdef'], { v: 1, l: 'lk-x', p: 'DECIDE', c: 'c', t: 't', o: VILLAGE, e: 9e9 })]) {
      const res = await getPage(`${h.baseUrl}/t/${t}`);
      expect(res.status).toBe(401);
      expect(textOf(res.html)).toContain('链接无效');
      expect(textOf(res.html)).toContain('请从邮件中完整地打开链接');
    }
  });

  it('an expired link gets a 410 page in the official’s language', async () => {
    const { caseId, taskId } = await caseWithTask();
    const token = await issueTaskLink(h.prisma, links, { purpose: 'DECIDE', caseId, taskId, officialId: VILLAGE, expiresAt: new Date(Date.now() - 1000) });
    const res = await getPage(`${h.baseUrl}/t/${token}`);
    expect(res.status).toBe(410);
    expect(textOf(res.html)).toContain('链接已过期');
    expect(textOf(res.html)).toContain('下一封提醒邮件');
    const en = await getPage(`${h.baseUrl}/t/${token}?lang=en`);
    expect(textOf(en.html)).toContain('This link has expired');
  });

  it('a link is revoked (410) once its task is decided elsewhere', async () => {
    const { taskId, mail } = await caseWithTask();
    const decided = await h.api('POST', `/api/tasks/${taskId}/decision`, { as: VILLAGE, body: { action: 'APPROVE', consentSigned: true } });
    expect(decided.status).toBe(200);
    const res = await getPage(mail.link!);
    expect(res.status).toBe(410);
    expect(textOf(res.html)).toContain('待办已办理');
    const row = await h.prisma.taskLink.findFirstOrThrow({ where: { taskId } });
    expect(row.revokedReason).toBe('TASK_DECIDED');
  });

  it("the link of another official's task is refused (403)", async () => {
    const { caseId, taskId } = await caseWithTask();
    const otherVillage = await h.officialOf('VILLAGE', DEMO.villageB1);
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    for (const officialId of [otherVillage, township]) {
      const token = await issueTaskLink(h.prisma, links, { purpose: 'DECIDE', caseId, taskId, officialId, expiresAt: new Date(Date.now() + 3_600_000) });
      const res = await getPage(`${h.baseUrl}/t/${token}`);
      expect(res.status).toBe(403);
      expect(textOf(res.html)).toContain('这不是您的待办');
      const post = await postForm(`${h.baseUrl}/t/${token}`, { csrf: 'x', action: 'APPROVE', consentSigned: 'on' });
      expect(post.status).toBe(403);
    }
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('OPEN');
  });

  it('a refusal of the workflow is shown on the page and the form keeps what was entered', async () => {
    const { taskId, mail } = await caseWithTask();
    const page = await getPage(mail.link!);
    const noConsent = await postForm(mail.link!, { csrf: csrfOf(page.html), action: 'APPROVE', reason: '已入户，材料待补' });
    expect(noConsent.status).toBe(422);
    expect(textOf(noConsent.html)).toContain('核实通过前，须确认农户已签署承诺授权书');
    expect(noConsent.html).toContain('已入户，材料待补</textarea>');
    const noReason = await postForm(mail.link!, { csrf: csrfOf(page.html), action: 'REJECT' });
    expect(noReason.status).toBe(400);
    expect(textOf(noReason.html)).toContain('驳回或退回时必须填写理由');
    // The link still works: corrected, the same form goes through.
    const ok = await postForm(mail.link!, { csrf: csrfOf(page.html), action: 'APPROVE', consentSigned: 'on' });
    expect(ok.status).toBe(303);
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).outcome).toBe('APPROVE');
  });

  it('a nudge mails a fresh link; a transfer from the page revokes the old links and mails the colleague a new one', async () => {
    const { caseId, taskId, mail } = await caseWithTask();
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    expect((await h.api('POST', `/api/tasks/${taskId}/nudge`, { as: township })).status).toBe(200);
    const nudge = await smtp.waitFor((m) => m.kind === 'NUDGE' && m.to.includes(VILLAGE_EMAIL) && m.text.includes(caseId), 'nudge mail');
    expect(nudge.subject).toContain('催办');
    expect(nudge.link).not.toBe(mail.link);
    expect((await getPage(nudge.link!)).status).toBe(200);

    const page = await getPage(mail.link!);
    const moved = await postForm(mail.link!, { csrf: csrfOf(page.html), action: 'TRANSFER', toOfficialId: 'off-vil-dongfeng-2', transferReason: '出差' });
    expect(moved.status).toBe(303);
    const done = await getPage(`${h.baseUrl}${moved.location}`);
    expect(textOf(done.html)).toContain('您已将「入户核实」转交给 赵丽');
    const stale = await getPage(nudge.link!);
    expect(stale.status).toBe(410);
    expect(textOf(stale.html)).toContain('待办已转交');

    const fresh = await smtp.waitFor((m) => m.kind === 'NEW_TASK' && m.to.includes('cun2.dongfeng@demo.bangfu.local') && m.text.includes(caseId), 'mail to the colleague');
    const theirs = await getPage(fresh.link!);
    expect(theirs.status).toBe(200);
    expect(textOf(theirs.html)).toContain('本链接仅供 赵丽 使用');
  });

  it('a supervisor nudges from the escalation page, and the assignee gets a fresh reminder', async () => {
    const { caseId, taskId } = await caseWithTask();
    const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
    const token = await issueTaskLink(h.prisma, links, { purpose: 'SUPERVISE', caseId, taskId, officialId: township, expiresAt: new Date(Date.now() + 3_600_000) });
    const url = `${h.baseUrl}/t/${token}`;
    const page = await getPage(url);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('承办人 王建国');
    const res = await postForm(url, { csrf: csrfOf(page.html), action: 'NUDGE' });
    expect(res.status).toBe(303);
    const nudge = await smtp.waitFor((m) => m.kind === 'NUDGE' && m.to.includes(VILLAGE_EMAIL) && m.text.includes(caseId), 'nudge mail');
    expect((await getPage(nudge.link!)).status).toBe(200);
    expect(await h.prisma.auditEvent.count({ where: { caseId, action: 'TASK_NUDGED', actorId: township } })).toBe(1);
  });

  it('task-link pages are rate-limited per client (429), and the count is shared by every API process', async () => {
    // Two API processes on one database: guesses alternate between them and count together.
    const servers: Server[] = [];
    const bases: string[] = [];
    for (let i = 0; i < 2; i++) {
      const app = express();
      app.use(taskLinkPages({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy: h.policy, secret: TEST_SECRET, namespace: 'default' }, { rateLimit: { burst: 3, perSecond: 0.01, keyPrefix: `tlink-limit-${h.taskQueue}` } }));
      const server: Server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      servers.push(server);
      bases.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await getPage(`${bases[i % 2]}/t/guess-${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const limited = await fetch(`${bases[1]}/t/guess`);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(textOf(await limited.text())).toContain('请求过于频繁');
    } finally {
      for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('revocations are recorded for the audit', async () => {
    await eventually(async () => (await h.prisma.taskLink.count({ where: { revokedReason: 'TRANSFERRED' } })) > 0, 'a recorded transfer revocation');
  });
});
