/**
 * GET /admin/imports — 批量导入 (bulk imports) with what became of their rows: received, cases
 * started, already known, refused, pending (stored, case not started yet); each links to its
 * refused rows (GET /admin/imports/:id), which name the row, the column and why — never the value.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context';
import { getImport, listImports, refusedRows } from '../../services/import-progress';
import { html } from '../html';
import type { Bilingual, Lang } from '../i18n';
import { adminPage, when } from './shell';

const L = {
  imports: { 'zh-CN': '批量导入', en: 'Imports' },
  import: { 'zh-CN': '导入批次', en: 'Import' },
  file: { 'zh-CN': '文件', en: 'File' },
  created: { 'zh-CN': '时间', en: 'Created' },
  received: { 'zh-CN': '收到', en: 'Received' },
  started: { 'zh-CN': '已建档启动', en: 'Started' },
  known: { 'zh-CN': '已有线索/案件', en: 'Already known' },
  refused: { 'zh-CN': '未受理', en: 'Refused' },
  pending: { 'zh-CN': '待启动', en: 'Pending' },
  none: { 'zh-CN': '还没有导入。', en: 'No imports yet.' },
  noRefused: { 'zh-CN': '没有未受理的行。', en: 'No refused rows.' },
  row: { 'zh-CN': '行号', en: 'Row' },
  leadRef: { 'zh-CN': '线索编号', en: 'Lead ref' },
  outcome: { 'zh-CN': '结果', en: 'Outcome' },
  field: { 'zh-CN': '列', en: 'Column' },
  reason: { 'zh-CN': '原因', en: 'Reason' },
  more: { 'zh-CN': '后面的行', en: 'More rows' },
  refusedRows: { 'zh-CN': '未受理的行', en: 'Refused rows' },
} satisfies Record<string, Bilingual>;
const t = (lang: Lang, k: keyof typeof L): string => L[k][lang];

/** The import list. */
export function importsPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const items = await listImports(ctx, official, 100);
    const body = items.length === 0 ? html`<p class="notice">${t(lang, 'none')}</p>` : html`<div class="table-wrap"><table class="data"><thead><tr>
<th>${t(lang, 'import')}</th><th>${t(lang, 'file')}</th><th>${t(lang, 'created')}</th><th class="num">${t(lang, 'received')}</th><th class="num">${t(lang, 'started')}</th>
<th class="num">${t(lang, 'known')}</th><th class="num">${t(lang, 'refused')}</th><th class="num">${t(lang, 'pending')}</th></tr></thead>
<tbody>${items.map((i) => html`<tr data-import-id="${i.id}"><td><a href="/admin/imports/${encodeURIComponent(i.id)}">${i.id}</a></td><td>${i.fileName ?? '—'}</td><td>${when(i.createdAt, lang)}</td>
<td class="num" data-count="received">${i.received}</td><td class="num" data-count="started">${i.started}</td><td class="num" data-count="known">${i.known}</td>
<td class="num" data-count="refused">${i.refused > 0 ? html`<a href="/admin/imports/${encodeURIComponent(i.id)}">${i.refused}</a>` : '0'}</td><td class="num" data-count="pending">${i.pending}</td></tr>`)}</tbody></table></div>`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: t(lang, 'imports'), body }));
  };
}

const ZRowsQuery = z.object({ after: z.coerce.number().int().min(0).default(0) });

/** One import: its counts and its refused rows, 200 at a time. */
export function importRowsPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const id = String(req.params.id ?? '');
    const q = ZRowsQuery.safeParse(req.query);
    const after = q.success ? q.data.after : 0;
    const info = await getImport(ctx, official, id);
    const rows = await refusedRows(ctx, official, id, after, 200);
    const counts = (['received', 'started', 'known', 'refused', 'pending'] as const).map((k) => html`<div><dt>${t(lang, k)}</dt><dd data-count="${k}">${info[k]}</dd></div>`);
    const body = html`<p><a href="/admin/imports">← ${t(lang, 'imports')}</a></p>
<dl class="card">${counts}</dl>
<h2>${t(lang, 'refusedRows')}</h2>
${rows.length === 0 ? html`<p class="notice">${t(lang, 'noRefused')}</p>` : html`<div class="table-wrap"><table class="data"><thead><tr><th class="num">${t(lang, 'row')}</th><th>${t(lang, 'leadRef')}</th>
<th>${t(lang, 'outcome')}</th><th>${t(lang, 'field')}</th><th>${t(lang, 'reason')}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-row="${r.row}"><td class="num">${r.row}</td><td>${r.leadRef ?? '—'}</td><td><code>${r.outcome}</code></td><td>${r.field ?? ''}</td><td>${r.reason ?? ''}</td></tr>`)}</tbody></table></div>`}
${rows.length === 200 ? html`<nav class="pager"><a rel="next" href="/admin/imports/${encodeURIComponent(id)}?after=${rows[rows.length - 1].row}">${t(lang, 'more')}</a></nav>` : ''}`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: `${t(lang, 'import')} ${info.id}${info.fileName ? ` · ${info.fileName}` : ''}`, body }));
  };
}
