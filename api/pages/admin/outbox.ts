/**
 * GET /admin/outbox — the notification outbox (reminders, escalations, new tasks…) with its
 * delivery state, filterable by status and kind, newest first.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context';
import { listOutbox } from '../../services/list-outbox';
import { html } from '../html';
import type { Lang } from '../i18n';
import { dropEmpty } from './case-list';
import { w } from './labels';
import { adminPage, options, when } from './shell';

const ZOutboxQuery = z.object({
  status: z.string().regex(/^[A-Z_]+$/).optional(),
  kind: z.string().regex(/^[A-Z_]+$/).optional(),
  caseId: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export function outboxPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const parsed = ZOutboxQuery.safeParse(dropEmpty(req.query as Record<string, unknown>));
    const q = parsed.success ? parsed.data : ZOutboxQuery.parse({});
    const { items, total, kinds, statuses } = await listOutbox(ctx, official, q);
    const pages = Math.max(1, Math.ceil(total / q.pageSize));
    const link = (page: number): string => {
      const p = new URLSearchParams(Object.entries({ status: q.status, kind: q.kind, caseId: q.caseId }).filter((e): e is [string, string] => !!e[1]));
      p.set('page', String(page));
      return `/admin/outbox?${p.toString()}`;
    };
    const body = html`<form class="card filters" method="get" action="/admin/outbox">
<div><label for="o-status">${w(lang, 'status')}</label><select id="o-status" name="status">${options(statuses.map((s) => ({ value: s, text: s })), q.status, w(lang, 'any'))}</select></div>
<div><label for="o-kind">${w(lang, 'kind')}</label><select id="o-kind" name="kind">${options(kinds.map((k) => ({ value: k, text: k })), q.kind, w(lang, 'any'))}</select></div>
<div><label for="o-case">${w(lang, 'caseId')}</label><input id="o-case" name="caseId" value="${q.caseId ?? ''}"></div>
<div class="actions"><button type="submit">${w(lang, 'filter')}</button><a class="button secondary" href="/admin/outbox">${w(lang, 'clear')}</a></div>
</form>
<p class="muted" data-total="${total}">${w(lang, 'total')} ${total} · ${w(lang, 'page')} ${q.page} / ${pages}</p>
${items.length === 0 ? html`<p class="notice">${w(lang, 'noMessages')}</p>` : html`<div class="table-wrap"><table class="data"><thead><tr><th>#</th><th>${w(lang, 'created')}</th><th>${w(lang, 'kind')}</th><th>${w(lang, 'recipient')}</th><th>${w(lang, 'caseId')}</th><th>${w(lang, 'status')}</th><th class="num">${w(lang, 'attempts')}</th><th>${w(lang, 'sent')}</th><th>${w(lang, 'error')}</th></tr></thead>
<tbody>${items.map((n) => html`<tr data-notification-id="${n.id}"><td>${n.id}</td><td>${when(n.createdAt, lang)}</td><td><code>${n.kind}</code></td><td>${n.recipientName ?? n.recipientId}</td>
<td>${n.caseId ? html`<a href="/admin/cases/${encodeURIComponent(n.caseId)}">${n.caseId}</a>` : '—'}</td><td>${n.status}</td><td class="num">${n.attempts}</td><td>${when(n.sentAt, lang)}</td><td>${n.lastError ?? ''}</td></tr>`)}</tbody></table></div>`}
<nav class="pager">${q.page > 1 ? html`<a rel="prev" href="${link(q.page - 1)}">${w(lang, 'prev')}</a>` : ''}${q.page < pages ? html`<a rel="next" href="${link(q.page + 1)}">${w(lang, 'next')}</a>` : ''}</nav>`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: w(lang, 'outbox'), body }));
  };
}
