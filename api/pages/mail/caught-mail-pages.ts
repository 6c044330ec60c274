/**
 * `/admin/mail` — the mail the local catcher caught (`npm start` without SMTP_URL), for an
 * administrator: a list, and each message as text with its links clickable. Signed in through the
 * admin session (`/admin/login`) or with `Authorization: Bearer <administrator token>`.
 */
import express from 'express';
import type { Request, Response, Router } from 'express';
import { simpleParser } from 'mailparser';
import { hashToken } from '../../auth/tokens';
import type { ServiceContext } from '../../services/context';
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';
import { beijingTime, pickLang } from '../i18n';
import { page } from '../layout';
import { officialOfSession } from '../admin/session';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const t = (lang: Lang, zh: string, en: string): string => (lang === 'zh-CN' ? zh : en);

/** Text with http(s) links turned into anchors; everything else escaped. */
function linkify(text: string): SafeHtml {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return html`${parts.map((p, i) => (i % 2 === 1 ? html`<a href="${p}">${p}</a>` : p))}`;
}

/** The caught-mail router. */
export function caughtMailPages(ctx: ServiceContext): Router {
  const router = express.Router();
  const send = (res: Response, status: number, body: string): void => {
    res.status(status).set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' }).type('html').send(body);
  };

  /** An administrator by bearer token or admin session; otherwise the response is sent (401 or a redirect to log in). */
  async function admitted(req: Request, res: Response): Promise<boolean> {
    const bearer = BEARER.exec(req.get('authorization') ?? '')?.[1];
    if (bearer) {
      const row = await ctx.prisma.apiToken.findUnique({ where: { tokenHash: hashToken(bearer) }, include: { official: true } });
      if (row && !row.revokedAt && row.official.active && row.official.role === 'ADMIN') return true;
      res.status(401).type('text/plain').send('an administrator token is required');
      return false;
    }
    const s = await officialOfSession(ctx.prisma, ctx.secret, req);
    if (s?.official.role === 'ADMIN') return true;
    res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
    return false;
  }

  router.get('/admin/mail', async (req, res) => {
    const lang = pickLang(req);
    if (!(await admitted(req, res))) return;
    const rows = await ctx.prisma.caughtMail.findMany({ orderBy: { id: 'desc' }, take: 200, select: { id: true, envelopeTo: true, subject: true, receivedAt: true } });
    send(res, 200, page({
      lang, title: t(lang, '已截获的邮件', 'Caught mail'), selfPath: '/admin/mail',
      body: html`<p class="muted">${t(lang, '未配置 SMTP_URL：系统发出的邮件由本地邮件捕获器接收并保存在此，未真正外发。', 'SMTP_URL is not set: outgoing mail is caught locally and kept here, not delivered.')}</p>
${rows.length === 0 ? html`<p>${t(lang, '暂无邮件。', 'No mail yet.')}</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${t(lang, '时间', 'Received')}</th><th scope="col">${t(lang, '收件人', 'To')}</th><th scope="col">${t(lang, '主题', 'Subject')}</th></tr></thead>
<tbody>${rows.map((m) => html`<tr><td>${beijingTime(m.receivedAt, lang)}</td><td>${m.envelopeTo.join(', ')}</td><td><a href="/admin/mail/${String(m.id)}">${m.subject || '—'}</a></td></tr>`)}</tbody>
</table></div>`}`,
    }));
  });

  router.get('/admin/mail/:id', async (req, res) => {
    const lang = pickLang(req);
    if (!(await admitted(req, res))) return;
    const id = /^\d{1,18}$/.test(req.params.id) ? BigInt(req.params.id) : null;
    const row = id === null ? null : await ctx.prisma.caughtMail.findUnique({ where: { id } });
    if (!row) return send(res, 404, page({ lang, title: t(lang, '没有这封邮件', 'No such message'), body: html`<p><a href="/admin/mail">←</a></p>` }));
    const mail = await simpleParser(row.raw);
    const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? row.envelopeTo.join(', '));
    send(res, 200, page({
      lang, title: mail.subject ?? t(lang, '（无主题）', '(no subject)'), selfPath: `/admin/mail/${row.id}`,
      body: html`<p><a href="/admin/mail">← ${t(lang, '全部邮件', 'All mail')}</a></p>
<section class="card"><dl>
<dt>${t(lang, '发件人', 'From')}</dt><dd>${mail.from?.text ?? row.envelopeFrom}</dd>
<dt>${t(lang, '收件人', 'To')}</dt><dd>${to}</dd>
<dt>${t(lang, '时间', 'Received')}</dt><dd>${beijingTime(row.receivedAt, lang)}</dd>
<dt>Message-ID</dt><dd>${row.messageId ?? ''}</dd></dl></section>
<section class="card"><pre style="white-space:pre-wrap;word-break:break-word;font:inherit;margin:0">${linkify(mail.text ?? '')}</pre></section>`,
    }));
  });

  return router;
}
