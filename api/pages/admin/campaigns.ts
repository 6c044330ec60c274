/**
 * Admin pages of screening campaigns (集中排查): GET /admin/campaigns (the list), GET
 * /admin/campaigns/:id (progress per village as a bar chart in plain HTML — the pages run no
 * scripts — villages with zero findings, meetings, ledger downloads, the campaign's timeline) and
 * GET /admin/campaigns/:id/ledger.xlsx (a village's ledger, or the whole campaign's).
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../../http/app-error';
import type { ServiceContext } from '../../services/context';
import { figuresFor, ledgerRows, meetingsOf } from '../../services/campaign/read-campaign';
import { ledgerWorkbook } from '../../services/campaign/ledger-xlsx';
import { processScopeWhere } from '../../services/process-actions';
import { processStatusLabel } from '../../process-kinds/registry';
import { CAMPAIGN_KIND } from '../../../workflows/campaign/contracts';
import { html, raw } from '../html';
import type { Lang } from '../i18n';
import { loadProcessView, renderProcessTimeline } from '../task-link/process-pages';
import { adminPage, when } from './shell';

const t = (lang: Lang, zh: string, en: string): string => (lang === 'zh-CN' ? zh : en);
const CHART_CSS = raw('<style>.bar{background:#e5e7eb;height:.9rem;min-width:8rem;border-radius:2px}.bar>span{display:block;height:100%;background:#15803d;border-radius:2px}</style>');

/** GET /admin/campaigns */
export function campaignsPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const items = await ctx.prisma.process.findMany({ where: { AND: [processScopeWhere(official), { kind: CAMPAIGN_KIND }] }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: 100 });
    const body = html`${items.length === 0 ? html`<p class="notice">${t(lang, '暂无集中排查。', 'No campaigns yet.')}</p>` : html`<div class="table-wrap"><table class="data"><thead><tr>
<th>${t(lang, '排查', 'Campaign')}</th><th>${t(lang, '状态', 'Status')}</th><th>${t(lang, '截止日期', 'Deadline')}</th><th>${t(lang, '发起时间', 'Launched')}</th></tr></thead>
<tbody>${items.map((p) => html`<tr data-campaign-id="${p.id}"><td><a href="/admin/campaigns/${encodeURIComponent(p.id)}">${p.title}</a></td><td>${processStatusLabel(p.kind, p.status, lang)}</td>
<td>${String((p.data as { deadline?: string } | null)?.deadline ?? '—')}</td><td>${when(p.createdAt, lang)}</td></tr>`)}</tbody></table></div>`}`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: t(lang, '集中排查', 'Screening campaigns'), body }));
  };
}

/** GET /admin/campaigns/:id */
export function campaignDetailPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const id = String(req.params.id);
    const { process, figures } = await figuresFor(ctx, official, id);
    const names = new Map((await ctx.prisma.region.findMany({ where: { code: { in: figures.villages.flatMap((v) => [v.villageCode, v.townshipCode]) } }, select: { code: true, name: true } })).map((r) => [r.code, r.name]));
    const pct = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 100));
    const view = await loadProcessView(ctx.prisma, process.id);
    const body = html`${CHART_CSS}<section class="card"><h2>${process.title}</h2><dl>
<dt>${t(lang, '状态', 'Status')}</dt><dd>${processStatusLabel(process.kind, process.status, lang)}</dd>
<dt>${t(lang, '已排查/应排查', 'Screened / total')}</dt><dd data-screened="${figures.totals.screened}" data-total="${figures.totals.total}">${figures.totals.screened} / ${figures.totals.total}</dd>
<dt>${t(lang, '发现风险', 'Risks found')}</dt><dd>${figures.totals.risksFound}（${t(lang, '启动识别', 'leads')} ${figures.totals.leadsStarted}，${t(lang, '已纳入监测', 'monitored')} ${figures.totals.becameMonitored}）</dd>
<dt>${t(lang, '会议记录', 'Meetings recorded')}</dt><dd>${figures.totals.meetingsRecorded} / ${figures.totals.villages}</dd>
<dt>${t(lang, '零发现村（列入核查）', 'Villages with zero findings (to check)')}</dt><dd data-zero="${figures.zeroFindingVillages.join(',')}">${figures.zeroFindingVillages.map((c) => names.get(c) ?? c).join('、') || t(lang, '无', 'none')}</dd>
</dl><p><a class="button secondary" href="/admin/campaigns/${encodeURIComponent(process.id)}/ledger.xlsx">${t(lang, '下载全部台账（XLSX）', 'Download the whole ledger (XLSX)')}</a></p></section>
<section class="card"><h2>${t(lang, '各村进度', 'Progress per village')}</h2><div class="table-wrap"><table class="data"><thead><tr>
<th>${t(lang, '村', 'Village')}</th><th>${t(lang, '乡镇', 'Township')}</th><th>${t(lang, '进度', 'Progress')}</th><th class="num">${t(lang, '已排查/应排查', 'Screened / total')}</th><th class="num">${t(lang, '发现风险', 'Risks')}</th>
<th class="num">${t(lang, '不在家', 'Not at home')}</th><th>${t(lang, '会议记录', 'Meeting')}</th><th>${t(lang, '台账', 'Ledger')}</th></tr></thead>
<tbody>${figures.villages.map((v) => html`<tr data-village="${v.villageCode}"><td>${names.get(v.villageCode) ?? v.villageCode}</td><td>${names.get(v.townshipCode) ?? v.townshipCode}</td>
<td><div class="bar" role="img" aria-label="${pct(v.screened, v.total)}%"><span style="width:${pct(v.screened, v.total)}%"></span></div></td><td class="num">${v.screened} / ${v.total}</td>
<td class="num">${v.risksFound}</td><td class="num">${v.notHome}</td><td>${v.meetingRecorded ? t(lang, '已记录', 'recorded') : t(lang, '未记录', 'none')}</td>
<td><a href="/admin/campaigns/${encodeURIComponent(process.id)}/ledger.xlsx?villageCode=${v.villageCode}">XLSX</a></td></tr>`)}</tbody></table></div></section>
${renderProcessTimeline(view, lang)}`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: process.title, body }));
  };
}

const ZLedgerQuery = z.object({ villageCode: z.string().regex(/^\d{12}$/).optional() });

/** GET /admin/campaigns/:id/ledger.xlsx */
export function campaignLedgerXlsx(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const q = ZLedgerQuery.safeParse(req.query);
    if (!q.success) throw new AppError('INVALID_INPUT', 'villageCode: a 12-digit village code', { field: 'villageCode' });
    const id = String(req.params.id);
    const { process, rows } = await ledgerRows(ctx, req.official!, id, q.data.villageCode ? { villageCode: q.data.villageCode } : {});
    const { figures } = await figuresFor(ctx, req.official!, id);
    const bytes = await ledgerWorkbook(process.title, rows, figures, await meetingsOf(ctx, process.id, [...new Set(rows.map((r) => r.villageCode))]));
    res.status(200).type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .setHeader('Content-Disposition', `attachment; filename="ledger-${process.id}${q.data.villageCode ? `-${q.data.villageCode}` : ''}.xlsx"`).end(bytes);
  };
}
