/**
 * 我的网格 — GET /admin/grid: a grid worker's (网格员) page of their grids, each household with its
 * category, members, open case (在监测 …) and result in the latest campaign. Plain HTML, no
 * scripts. A GRID official's admin session sees this page only (see the router).
 */
import type { RequestHandler } from 'express';
import { gridsOfWorker } from '../../services/campaign/grid-households';
import type { ServiceContext } from '../../services/context';
import { html } from '../html';
import type { Lang } from '../i18n';
import { adminPage, when } from './shell';

const t = (lang: Lang, zh: string, en: string): string => (lang === 'zh-CN' ? zh : en);
const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const CATEGORY: Record<string, { 'zh-CN': string; en: string }> = { LIFTED: b('脱贫户', 'Lifted'), ORDINARY: b('一般农户', 'Ordinary'), DIBAO: b('低保户', 'Dibao'), TEKUN: b('特困户', 'Tekun') };
const RESULT: Record<string, { 'zh-CN': string; en: string }> = {
  NO_RISK: b('无风险', 'No risk'), RISK_FOUND: b('发现风险', 'Risk found'), ALREADY_MONITORED: b('已纳入监测', 'Already monitored'), NOT_HOME: b('不在家（待复访）', 'Not at home (revisit)'),
};
const CASE: Record<string, { 'zh-CN': string; en: string }> = { IDENTIFYING: b('识别中', 'Being identified'), MONITORED: b('在监测', 'Monitored'), ELIMINATING: b('风险消除审核中', 'Elimination under review') };

/** GET /admin/grid */
export function gridWorkerPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const grids = await gridsOfWorker(ctx, official);
    const body = grids.length === 0
      ? html`<p class="notice">${t(lang, '您目前不是任何网格的网格员。', 'You are not the grid worker of any grid.')}</p>`
      : html`${grids.map((g) => html`<section class="card" data-grid="${g.gridId}"><h2>${g.villageName} · ${g.name}（${t(lang, `${g.households.length} 户`, `${g.households.length} households`)}）</h2>
<p class="muted">${t(lang, '请定期走访本网格全部农户（不只是脱贫户）；集中排查时按任务链接逐户记录结果。', 'Visit every household of the grid regularly (not only lifted ones); in a campaign, record each result through the task link.')}</p>
<div class="table-wrap"><table class="data"><thead><tr><th>${t(lang, '户主', 'Head')}</th><th>${t(lang, '类别', 'Category')}</th><th class="num">${t(lang, '人口', 'Members')}</th>
<th>${t(lang, '监测状态', 'Monitoring')}</th><th>${t(lang, '最近排查结果', 'Latest screening')}</th></tr></thead>
<tbody>${g.households.map((h) => html`<tr data-household="${h.householdId}" data-state="${h.openCase?.status ?? 'NONE'}"><td>${h.headName}</td><td>${CATEGORY[h.category]?.[lang] ?? h.category}</td><td class="num">${h.memberCount}</td>
<td>${h.openCase ? (CASE[h.openCase.status]?.[lang] ?? h.openCase.status) : t(lang, '未监测', 'Not monitored')}</td>
<td>${h.lastVisit ? html`${h.lastVisit.result ? (RESULT[h.lastVisit.result]?.[lang] ?? h.lastVisit.result) : t(lang, '未走访', 'Not visited')}${h.lastVisit.visitedAt ? html` · ${when(h.lastVisit.visitedAt, lang)}` : ''}` : '—'}</td></tr>`)}</tbody></table></div></section>`)}`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: t(lang, '我的网格', 'My grid'), body }));
  };
}
