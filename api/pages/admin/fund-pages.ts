/**
 * 项目库与资产台账页面 — GET /admin/projects (the project library with filters, the start rate and
 * the spending pace per township against the curve as SVG charts, the ranking of the monthly
 * report), GET /admin/assets (the asset ledger with filters), GET /admin/processes/:id (a project's
 * or an asset's timeline from its audit trail). Lists are filtered and paged in PostgreSQL
 * (../../services/list-fund-processes.ts); a page's "next" link carries the filters and a cursor.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { safeText } from '../../../core/text';
import type { ServiceContext } from '../../services/context';
import { figuresFromSums } from '../../services/fund-figures';
import { listAssets, listProjects, projectSums } from '../../services/list-fund-processes';
import type { FundListPage } from '../../services/list-fund-processes';
import { loadProcessRow } from '../../services/process-actions';
import { processAuditLabel, processKindLabel, processStatusLabel, processStepLabel } from '../../process-kinds/registry';
import { PROJECT_KIND, PROJECT_STATUSES } from '../../../workflows/project/contracts';
import { beijingDate, DEFAULT_INDUSTRY_SHARE_PCT, industryShare, yuan } from '../../../workflows/project/rules';
import { html } from '../html';
import type { Lang } from '../i18n';
import { percentBarChart } from './charts';
import { dropEmpty } from './case-list';
import { adminPage, options, regionsInScope, when } from './shell';

const t = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);

const ZProjectsQuery = z.object({
  status: z.enum(PROJECT_STATUSES).optional(),
  township: safeText().regex(/^\d{6,12}$/).optional(),
  type: z.enum(['INDUSTRY', 'INFRASTRUCTURE']).optional(),
  behind: z.literal('1').optional(),
  notStarted: z.literal('1').optional(),
  after: safeText().regex(/^[A-Za-z0-9_-]{1,400}$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

const ZAssetsQuery = z.object({
  assetClass: z.enum(['INCOME', 'PUBLIC', 'HOUSEHOLD']).optional(),
  owner: safeText().trim().max(100).optional(),
  idle: z.literal('1').optional(),
  overdue: z.literal('1').optional(),
  after: safeText().regex(/^[A-Za-z0-9_-]{1,400}$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

/** The link to the next page: the same filters, the page's cursor. */
function nextLink(path: string, q: Record<string, string | undefined>, p: FundListPage, lang: Lang): ReturnType<typeof html> | '' {
  if (!p.next) return '';
  const params = new URLSearchParams(Object.entries({ ...q, after: p.next }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  return html`<p class="pager"><a class="button secondary" rel="next" href="${path}?${params.toString()}">${t(lang, '下一页', 'Next page')}</a></p>`;
}

async function townshipNames(ctx: ServiceContext, official: Parameters<typeof regionsInScope>[1], lang: Lang): Promise<Map<string, string>> {
  const regions = await regionsInScope(ctx.prisma, official);
  return new Map(regions.filter((r) => r.level === 'TOWNSHIP').map((r) => [r.code, lang === 'en' && r.nameEn ? r.nameEn : r.name]));
}

/** GET /admin/projects */
export function projectsPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const parsed = ZProjectsQuery.safeParse(dropEmpty(req.query as Record<string, unknown>));
    const q = parsed.success ? parsed.data : {};
    // Filtered and paged in PostgreSQL; the figures are per-township sums, however large the library.
    const [list, sums, names] = await Promise.all([
      listProjects(ctx, official, { ...q, behind: q.behind === '1', notStarted: q.notStarted === '1' }, { after: q.after, limit: q.limit }),
      projectSums(ctx, official), townshipNames(ctx, official, lang),
    ]);
    const shown = list.rows;
    const today = beijingDate(Date.now());
    const figures = figuresFromSums(sums, today);
    const name = (code: string | null): string => (code ? names.get(code) ?? code : '—');
    const statusOptions = PROJECT_STATUSES.map((s) => ({ value: s, text: processStatusLabel(PROJECT_KIND, s, lang) }));
    const body = html`<form class="card filters" method="get" action="/admin/projects">
<div><label for="p-status">${t(lang, '状态', 'Status')}</label><select id="p-status" name="status">${options(statusOptions, q.status, t(lang, '全部', 'Any'))}</select></div>
<div><label for="p-township">${t(lang, '乡镇', 'Township')}</label><select id="p-township" name="township">${options([...names].map(([value, text]) => ({ value, text })), q.township, t(lang, '全部', 'Any'))}</select></div>
<div><label for="p-type">${t(lang, '类型', 'Type')}</label><select id="p-type" name="type">${options([{ value: 'INDUSTRY', text: t(lang, '产业', 'Industry') }, { value: 'INFRASTRUCTURE', text: t(lang, '基础设施', 'Infrastructure') }], q.type, t(lang, '全部', 'Any'))}</select></div>
<div><label><input type="checkbox" name="behind" value="1"${q.behind ? html` checked` : ''}> ${t(lang, '支出进度滞后', 'Behind pace')}</label></div>
<div><label><input type="checkbox" name="notStarted" value="1"${q.notStarted ? html` checked` : ''}> ${t(lang, '逾期未开工', 'Not started')}</label></div>
<div class="actions"><button type="submit">${t(lang, '筛选', 'Filter')}</button><a class="button secondary" href="/admin/projects">${t(lang, '清除', 'Clear')}</a></div>
</form>
${!parsed.success ? html`<p class="notice error">${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}</p>` : ''}
<section class="card" id="fig-start-rate"><h2>${t(lang, '开工率（按乡镇）', 'Start rate by township')}</h2>
${percentBarChart(t(lang, '开工率', 'Start rate'), figures.townships.map((f) => ({ key: f.townshipCode, label: name(f.townshipCode), value: f.startRatePct })), { id: 'chart-start-rate' })}
</section>
<section class="card" id="fig-pace"><h2>${t(lang, '资金支出进度与序时进度', 'Funds paid against the spending pace')}</h2>
${percentBarChart(t(lang, '支出进度', 'Funds paid'), figures.townships.map((f) => ({ key: f.townshipCode, label: name(f.townshipCode), value: f.paidPct, target: f.expectedPct })),
    { id: 'chart-pace', targetLabel: t(lang, `虚线：截至 ${today} 的序时进度 ${figures.expectedPct}%`, `Dashed line: the expected ${figures.expectedPct}% by ${today}`) })}
</section>
<section class="card" id="fig-industry-share"><h2>${t(lang, '年度计划产业资金占比', 'Industry share of the annual plan')}</h2>
${((): ReturnType<typeof html> => {
    const plan = sums.reduce((a, x) => ({ industry: a.industry + x.planIndustryFen, total: a.total + x.planTotalFen }), { industry: 0, total: 0 });
    const share = industryShare([{ type: 'INDUSTRY', budgetFen: plan.industry }, { type: 'INFRASTRUCTURE', budgetFen: plan.total - plan.industry }], DEFAULT_INDUSTRY_SHARE_PCT);
    return html`<p data-share="${share.sharePct}" data-meets="${share.meets}">${share.sharePct}% / ≥ ${share.minPct}% · ${share.meets ? t(lang, '达标', 'met') : t(lang, `未达标，差 ${yuan(share.missingFen)} 元`, `missed by ${yuan(share.missingFen)} yuan`)}</p>`;
  })()}
</section>
<section class="card" id="fig-ranking"><h2>${t(lang, '乡镇排名（月度调度）', 'Township ranking (monthly report)')}</h2>
<div class="table-wrap"><table class="data"><thead><tr><th>#</th><th>${t(lang, '乡镇', 'Township')}</th><th class="num">${t(lang, '项目数', 'Projects')}</th><th class="num">${t(lang, '开工率', 'Start rate')}</th><th class="num">${t(lang, '支出进度', 'Paid')}</th><th class="num">${t(lang, '与序时进度差', 'Gap to pace')}</th><th class="num">${t(lang, '滞后', 'Behind')}</th><th class="num">${t(lang, '逾期未开工', 'Not started')}</th></tr></thead>
<tbody>${figures.townships.map((f, i) => html`<tr data-township="${f.townshipCode}"><td>${i + 1}</td><td>${name(f.townshipCode)}</td><td class="num">${f.projects}</td><td class="num">${f.startRatePct}%</td><td class="num">${f.paidPct}%</td><td class="num">${f.paceGapPct}</td><td class="num">${f.behind}</td><td class="num">${f.notStarted}</td></tr>`)}</tbody></table></div>
</section>
<section class="card" id="project-list"><h2>${t(lang, '项目库', 'Project library')} (${list.total})</h2>
<div class="table-wrap"><table class="data"><thead><tr><th>${t(lang, '项目', 'Project')}</th><th>${t(lang, '乡镇', 'Township')}</th><th>${t(lang, '状态', 'Status')}</th><th class="num">${t(lang, '预算（元）', 'Budget (yuan)')}</th><th class="num">${t(lang, '已支付（元）', 'Paid (yuan)')}</th></tr></thead>
<tbody>${shown.map((p) => html`<tr data-project="${p.id}"><td><a href="/admin/processes/${encodeURIComponent(p.id)}">${p.title}</a></td><td>${name(p.townshipCode)}</td><td>${processStatusLabel(PROJECT_KIND, p.status, lang)}${p.data.behind ? html` · <strong>${t(lang, '滞后', 'behind')}</strong>` : ''}</td><td class="num">${yuan(Number(p.data.budgetFen ?? 0))}</td><td class="num">${yuan(Number(p.data.paidFen ?? 0))}</td></tr>`)}</tbody></table></div>
${nextLink('/admin/projects', { status: q.status, township: q.township, type: q.type, behind: q.behind, notStarted: q.notStarted, limit: q.limit?.toString() }, list, lang)}
</section>`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: t(lang, '衔接资金项目', 'Fund projects'), body }));
  };
}

const CLASS_LABELS: Record<string, [string, string]> = { INCOME: ['经营性', 'Income-producing'], PUBLIC: ['公益性', 'Public'], HOUSEHOLD: ['到户类', 'Household'] };

/** GET /admin/assets */
export function assetsPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const parsed = ZAssetsQuery.safeParse(dropEmpty(req.query as Record<string, unknown>));
    const q = parsed.success ? parsed.data : {};
    const list = await listAssets(ctx, official, { assetClass: q.assetClass, owner: q.owner, idle: q.idle === '1', overdue: q.overdue === '1' }, { after: q.after, limit: q.limit });
    const body = html`<form class="card filters" method="get" action="/admin/assets">
<div><label for="a-class">${t(lang, '资产类别', 'Class')}</label><select id="a-class" name="assetClass">${options(Object.entries(CLASS_LABELS).map(([value, l]) => ({ value, text: t(lang, ...l) })), q.assetClass, t(lang, '全部', 'Any'))}</select></div>
<div><label for="a-owner">${t(lang, '所有权人', 'Owner')}</label><input id="a-owner" name="owner" value="${q.owner ?? ''}"></div>
<div><label><input type="checkbox" name="idle" value="1"${q.idle ? html` checked` : ''}> ${t(lang, '闲置', 'Idle')}</label></div>
<div><label><input type="checkbox" name="overdue" value="1"${q.overdue ? html` checked` : ''}> ${t(lang, '巡查逾期', 'Inspection overdue')}</label></div>
<div class="actions"><button type="submit">${t(lang, '筛选', 'Filter')}</button><a class="button secondary" href="/admin/assets">${t(lang, '清除', 'Clear')}</a></div>
</form>
<section class="card" id="asset-list"><h2>${t(lang, '资产台账', 'Asset ledger')} (${list.total})</h2>
<div class="table-wrap"><table class="data"><thead><tr><th>${t(lang, '资产', 'Asset')}</th><th>${t(lang, '类别', 'Class')}</th><th>${t(lang, '所有权人', 'Owner')}</th><th class="num">${t(lang, '价值（元）', 'Value (yuan)')}</th><th>${t(lang, '状态', 'Status')}</th></tr></thead>
<tbody>${list.rows.map((row) => {
    const d = row.data;
    const overdue = row.overdue;
    const cls = CLASS_LABELS[String(d.assetClass)];
    return html`<tr data-asset="${row.id}"><td><a href="/admin/processes/${encodeURIComponent(row.id)}">${row.title}</a></td><td>${cls ? t(lang, ...cls) : String(d.assetClass)}</td><td>${String(d.ownerName ?? '')}</td><td class="num">${yuan(Number(d.valueFen ?? 0))}</td><td>${processStatusLabel(row.kind, row.status, lang)}${overdue ? html` · <strong>${t(lang, '巡查逾期', 'inspection overdue')}</strong>` : ''}</td></tr>`;
  })}</tbody></table></div>
${nextLink('/admin/assets', { assetClass: q.assetClass, owner: q.owner, idle: q.idle, overdue: q.overdue, limit: q.limit?.toString() }, list, lang)}
</section>`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: t(lang, '帮扶项目资产', 'Project assets'), body }));
  };
}

/** GET /admin/processes/:id — a process's facts, open tasks and timeline (its audit trail). */
export function processPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const p = await loadProcessRow(ctx, official, String(req.params.id));
    const [events, tasks] = await Promise.all([
      ctx.prisma.auditEvent.findMany({ where: { processId: p.id }, orderBy: [{ at: 'asc' }, { id: 'asc' }], take: 1000 }),
      ctx.prisma.task.findMany({ where: { processId: p.id, status: 'OPEN' }, orderBy: { openedAt: 'asc' } }),
    ]);
    const body = html`<section class="card"><h2>${p.title}</h2>
<p>${processKindLabel(p.kind, lang)} · ${processStatusLabel(p.kind, p.status, lang)}${p.step ? html` · ${processStepLabel(p.kind, p.step, lang)}` : ''}</p>
${tasks.length > 0 ? html`<h3>${t(lang, '待办', 'Open tasks')}</h3><ul>${tasks.map((k) => html`<li>${processStepLabel(p.kind, k.step, lang)} · ${k.level} · ${t(lang, '截止', 'due')} ${when(k.dueAt, lang)}</li>`)}</ul>` : ''}
</section>
<section class="card"><h2>${t(lang, '时间线', 'Timeline')}</h2><ol class="timeline">${events.map((e) => html`<li data-action="${e.action}"><span class="when">${when(e.at, lang)}</span> ${processAuditLabel(p.kind, e.action, lang) ?? e.action}${e.step ? html` · ${processStepLabel(p.kind, e.step, lang)}` : ''}${e.comment ? html`<blockquote>${e.comment}</blockquote>` : ''}</li>`)}</ol></section>`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: p.title, body }));
  };
}
