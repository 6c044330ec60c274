/**
 * 帮扶项目台账页面 — the household programmes for the bureau: GET /admin/loans (小额信贷, filters:
 * township, village, status, overdue grade, overdue tasks), GET /admin/welfare-jobs (公益岗位,
 * filters: township, village, status, late confirmations, overdue tasks), GET /admin/settlements
 * (易地搬迁安置点, filters: township, completeness, overdue items); each filtered and paged in SQL
 * (services/list-programmes.ts). Each one's page shows its facts, open tasks and its timeline:
 * the audit trail merged with its workflow's history (named timers), as for a case. No scripts;
 * readable at 360 px (tables scroll inside their card).
 */
import type { Process } from '@prisma/client';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { safeText } from '../../../core/text';
import { AppError, fromZodError } from '../../http/app-error';
import { processAuditLabel, processStatusLabel, processStepLabel } from '../../process-kinds/registry';
import type { TimelineEntry, TimelineView } from '../../services/build-timeline';
import { buildProcessTimeline } from '../../services/build-timeline';
import type { ServiceContext } from '../../services/context';
import type { ProgrammeList, ProgrammeListOptions } from '../../services/list-programmes';
import { PROGRAMME_LIST_KIND, listProgrammes } from '../../services/list-programmes';
import { loadProcessRow, processScopeWhere } from '../../services/process-actions';
import { EMPLOYMENT_LABELS } from '../../process-kinds/relocated-household';
import { RELOCATED_HOUSEHOLD_KIND } from '../../../workflows/relocated-household/contracts';
import { MICROCREDIT_STATUSES } from '../../../workflows/microcredit/contracts';
import { WELFARE_JOB_STATUSES } from '../../../workflows/welfare-job/contracts';
import { SETTLEMENT_ITEMS } from '../../../workflows/relocation/contracts';
import type { SafeHtml } from '../html';
import type { SettlementEmployment } from '../../services/settlement-figures';
import { employmentOf, relocatedRows } from '../../services/settlement-figures';
import { html } from '../html';
import type { Lang } from '../i18n';
import { AUDIT_LABELS, LEVEL_LABELS, label } from '../i18n';
import { dropEmpty } from './case-list';
import { TEMPORAL_LABELS, w } from './labels';
import { describeEntry } from './timeline';
import { adminPage, due, options, regionNames, regionsInScope, when } from './shell';
import { welfareJobExitForm } from './welfare-job-quotas';

const t = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);
const CODE = safeText().regex(/^\d{6,12}$/, 'a region code');
const flag = z.literal('1').optional();

const ZPaging = { page: z.coerce.number().int().min(1).max(10_000).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) };

/** Filters of each list page (query string). */
export const ZProgrammeQuery = {
  loans: z.object({ townshipCode: CODE.optional(), villageCode: CODE.optional(), status: z.enum(MICROCREDIT_STATUSES).optional(), grade: z.enum(['1', '2', '3']).optional(), overdue: flag, ...ZPaging }).strict(),
  posts: z.object({ townshipCode: CODE.optional(), villageCode: CODE.optional(), status: z.enum(WELFARE_JOB_STATUSES).optional(), late: flag, overdue: flag, ...ZPaging }).strict(),
  settlements: z.object({ townshipCode: CODE.optional(), completeness: z.enum(['COMPLETE', 'INCOMPLETE', 'LATE']).optional(), overdue: flag, ...ZPaging }).strict(),
} as const;

/** Where each list lives and what it is called. */
const LIST_PAGES: Record<ProgrammeList, { path: string; title: [string, string]; statuses: readonly string[] }> = {
  loans: { path: '/admin/loans', title: ['小额信贷台账', 'Microcredit loans'], statuses: MICROCREDIT_STATUSES },
  posts: { path: '/admin/welfare-jobs', title: ['公益岗位台账', 'Public-welfare posts'], statuses: WELFARE_JOB_STATUSES },
  settlements: { path: '/admin/settlements', title: ['易地搬迁安置点', 'Relocation settlements'], statuses: ['OPEN', 'COMPLETE'] },
};

type Data = Record<string, any>;
const PURPOSE_LABELS: Record<string, [string, string]> = {
  PLANTING: ['种植', 'Planting'], BREEDING: ['养殖', 'Breeding'], PROCESSING: ['加工', 'Processing'], SERVICES: ['服务业', 'Services'], OTHER_PRODUCTION: ['其他生产经营', 'Other production'],
};
const dataOf = (p: Pick<Process, 'data'>): Data => (p.data ?? {}) as Data;

function pageHref(path: string, q: Record<string, unknown>, page: number): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && k !== 'page') p.set(k, String(v));
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

function checkbox(name: string, on: boolean, text: string): SafeHtml {
  return html`<div><label><input type="checkbox" name="${name}" value="1"${on ? html` checked` : ''}> ${text}</label></div>`;
}

/** What a row of each list shows besides title, region and status. */
function rowFacts(list: ProgrammeList, d: Data, lang: Lang): string {
  if (list === 'loans') {
    const loan = d.loan as { amount?: number; disbursedOn?: string } | undefined;
    const grade = Number(d.overdueGrade ?? 0);
    return [loan?.amount !== undefined ? `${loan.amount} ${t(lang, '元', 'yuan')}` : (d.application?.amount !== undefined ? `${t(lang, '申请', 'asked')} ${d.application.amount} ${t(lang, '元', 'yuan')}` : ''),
      loan?.disbursedOn ? `${t(lang, '放款', 'lent')} ${loan.disbursedOn}` : '', d.schedule?.dueAt ? `${t(lang, '到期', 'due')} ${when(d.schedule.dueAt, lang)}` : '',
      grade > 0 ? t(lang, `逾期第${grade}档`, `overdue grade ${grade}`) : '', d.useCheck && d.useCheck.ok === false ? t(lang, '用途不合规', 'use refused') : ''].filter(Boolean).join(' · ');
  }
  if (list === 'posts') {
    return [d.application?.post ?? '', d.application?.monthlyWage !== undefined ? `${d.application.monthlyWage} ${t(lang, '元/月', 'yuan/month')}` : '',
      d.agreement?.startOn ? `${t(lang, '上岗', 'from')} ${d.agreement.startOn}` : '',
      d.monthsConfirmed !== undefined ? t(lang, `已确认 ${d.monthsConfirmed} 月，迟报 ${d.monthsLate ?? 0} 月`, `${d.monthsConfirmed} months confirmed, ${d.monthsLate ?? 0} late`) : ''].filter(Boolean).join(' · ');
  }
  const c = d.completeness as { done: number; total: number; late: number } | undefined;
  return c ? t(lang, `完成 ${c.done}/${c.total}，逾期完成 ${c.late}`, `${c.done} of ${c.total} done, ${c.late} late`) : '';
}

/** A programme list page. */
export function programmeListPage(ctx: ServiceContext, list: ProgrammeList): RequestHandler {
  const def = LIST_PAGES[list];
  const kind = PROGRAMME_LIST_KIND[list];
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const raw = dropEmpty(req.query as Record<string, unknown>);
    const parsed = ZProgrammeQuery[list].safeParse(raw);
    const regions = await regionsInScope(ctx.prisma, official);
    const regionLabel = (r: { name: string; nameEn: string | null }): string => (lang === 'en' && r.nameEn ? r.nameEn : r.name);
    const v = (k: string): string | undefined => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
    const townships = regions.filter((r) => r.level === 'TOWNSHIP').map((r) => ({ value: r.code, text: regionLabel(r) }));
    const villages = regions.filter((r) => r.level === 'VILLAGE').map((r) => ({ value: r.code, text: regionLabel(r) }));
    const form = html`<style>.filters label input[type=checkbox]{width:auto;min-height:0;margin:0 .4rem 0 0;vertical-align:middle}</style>
<form class="card filters" method="get" action="${def.path}" role="search">
<div><label for="f-township">${w(lang, 'township')}</label><select id="f-township" name="townshipCode">${options(townships, v('townshipCode'), w(lang, 'any'))}</select></div>
${list !== 'settlements' ? html`<div><label for="f-village">${w(lang, 'village')}</label><select id="f-village" name="villageCode">${options(villages, v('villageCode'), w(lang, 'any'))}</select></div>
<div><label for="f-status">${w(lang, 'status')}</label><select id="f-status" name="status">${options(def.statuses.map((s) => ({ value: s, text: processStatusLabel(kind, s, lang) })), v('status'), w(lang, 'any'))}</select></div>` : ''}
${list === 'loans' ? html`<div><label for="f-grade">${t(lang, '逾期档次', 'Overdue grade')}</label><select id="f-grade" name="grade">${options([
      { value: '1', text: t(lang, '1–30天', '1–30 days') }, { value: '2', text: t(lang, '31–90天', '31–90 days') }, { value: '3', text: t(lang, '90天以上', '> 90 days') }], v('grade'), w(lang, 'any'))}</select></div>` : ''}
${list === 'settlements' ? html`<div><label for="f-complete">${t(lang, '完成情况', 'Completeness')}</label><select id="f-complete" name="completeness">${options([
      { value: 'COMPLETE', text: t(lang, '已全部完成', 'Complete') }, { value: 'INCOMPLETE', text: t(lang, '未完成', 'Incomplete') }, { value: 'LATE', text: t(lang, '有逾期事项', 'With late items') }], v('completeness'), w(lang, 'any'))}</select></div>` : ''}
${list === 'posts' ? checkbox('late', v('late') === '1', t(lang, '有迟报月份', 'Late confirmations')) : ''}
${checkbox('overdue', v('overdue') === '1', t(lang, '有超期待办', 'Overdue tasks'))}
<div class="actions"><button type="submit">${w(lang, 'filter')}</button><a class="button secondary" href="${def.path}">${w(lang, 'clear')}</a></div>
</form>`;
    let results: SafeHtml;
    if (!parsed.success) {
      results = html`<p class="notice error" role="alert">${fromZodError(parsed.error, undefined, lang, raw).message}</p>`;
    } else {
      const q = parsed.data as Record<string, any>;
      const opts: ProgrammeListOptions = {
        townshipCode: q.townshipCode, villageCode: q.villageCode, status: q.status, grade: q.grade ? (Number(q.grade) as 1 | 2 | 3) : undefined,
        overdue: q.overdue === '1', lateConfirmations: q.late === '1', completeness: q.completeness, page: q.page, pageSize: q.pageSize,
      };
      const { rows, total } = await listProgrammes(ctx, official, list, opts);
      const name = await regionNames(ctx.prisma, rows.flatMap((r) => [r.villageCode, r.townshipCode].filter((c): c is string => !!c)), regions);
      const pages = Math.max(1, Math.ceil(total / opts.pageSize));
      results = html`<p class="muted" data-total="${total}">${w(lang, 'total')} ${total} · ${w(lang, 'page')} ${opts.page} / ${pages}</p>
${rows.length === 0 ? html`<p class="notice">${t(lang, '没有符合条件的记录。', 'Nothing matches.')}</p>` : html`<div class="table-wrap"><table class="data">
<thead><tr><th>${t(lang, '名称', 'Name')}</th><th>${t(lang, '地区', 'Region')}</th><th>${w(lang, 'status')}</th><th>${t(lang, '情况', 'Facts')}</th><th></th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-process="${r.id}"><td><a href="${def.path}/${encodeURIComponent(r.id)}">${r.title}</a></td>
<td>${name(r.townshipCode, lang)}${r.villageCode ? html` · ${name(r.villageCode, lang)}` : ''}</td>
<td>${processStatusLabel(kind, r.status, lang)}${r.step ? html`<div class="muted">${processStepLabel(kind, r.step, lang)}</div>` : ''}</td>
<td>${rowFacts(list, dataOf(r), lang)}</td>
<td>${r.overdueTasks > 0 ? html`<span class="badge overdue" data-overdue="${r.overdueTasks}">${t(lang, `超期待办 ${r.overdueTasks}`, `${r.overdueTasks} overdue`)}</span>` : ''}</td></tr>`)}</tbody></table></div>`}
<nav class="pager" aria-label="${w(lang, 'page')}">${opts.page > 1 ? html`<a rel="prev" href="${pageHref(def.path, raw, opts.page - 1)}">${w(lang, 'prev')}</a>` : ''}${opts.page < pages ? html`<a rel="next" href="${pageHref(def.path, raw, opts.page + 1)}">${w(lang, 'next')}</a>` : ''}</nav>`;
    }
    const quotasLink = list === 'posts' ? html`<p><a class="button secondary" href="/admin/welfare-jobs/quotas">${t(lang, '各乡镇岗位指标与公告', 'Posts per township and announcements')}</a></p>` : '';
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: t(lang, ...def.title), body: html`${quotasLink}${form}${results}` }));
  };
}

/** The facts of one loan, post or settlement. */
function detailFacts(list: ProgrammeList, d: Data, lang: Lang): SafeHtml {
  const row = (k: string, v: unknown): SafeHtml => html`<dt>${k}</dt><dd>${v === undefined || v === null || v === '' ? '—' : String(v)}</dd>`;
  if (list === 'loans') {
    const loan = (d.loan ?? {}) as Data;
    const app = (d.application ?? {}) as Data;
    return html`<dl>
${row(t(lang, '申请金额（元）', 'Amount asked (yuan)'), app.amount)}${row(t(lang, '用途', 'Purpose'), [app.purpose ? t(lang, ...(PURPOSE_LABELS[app.purpose] ?? [app.purpose, app.purpose])) : '', app.purposeNote].filter(Boolean).join(' · '))}
${row(t(lang, '放款金额（元）', 'Amount lent (yuan)'), loan.amount)}${row(t(lang, '期限（月）', 'Term (months)'), loan.termMonths)}
${row(t(lang, '年利率（%）', 'Annual rate (%)'), loan.annualRatePct)}${row(t(lang, '贴息（元）', 'Interest subsidy (yuan)'), loan.subsidy)}
${row(t(lang, '放款日期', 'Date lent'), loan.disbursedOn)}${row(t(lang, '到期', 'Due'), d.schedule?.dueAt ? when(d.schedule.dueAt, lang) : null)}
${row(t(lang, '逾期档次', 'Overdue grade'), Number(d.overdueGrade ?? 0) || null)}
${row(t(lang, '用途核查', 'Use check'), d.useCheck ? `${d.useCheck.use}${d.useCheck.ok ? '' : t(lang, '（不合规）', ' (refused)')}` : null)}
${row(t(lang, '帮扶措施', 'Measure on the case'), d.measure ? (d.measure.recorded ? `${t(lang, '已记入', 'recorded on')} ${d.measure.caseId}` : d.measure.reason) : null)}
${row(t(lang, '还款日期', 'Repaid on'), d.repaidOn)}
</dl>`;
  }
  if (list === 'posts') {
    const app = (d.application ?? {}) as Data;
    const wages = (d.wages ?? []) as { month: number; attendanceDays: number; wagePaid: boolean; late: boolean; confirmedAt: string }[];
    return html`<dl>
${row(t(lang, '岗位', 'Post'), app.post)}${row(t(lang, '月工资（元）', 'Monthly wage (yuan)'), app.monthlyWage)}${row(t(lang, '在岗成员', 'Member'), app.member)}
${row(t(lang, '上岗日期', 'Start'), d.agreement?.startOn)}${row(t(lang, '协议期限（月）', 'Term (months)'), d.agreement?.termMonths)}
${row(t(lang, '已确认月数', 'Months confirmed'), d.monthsConfirmed)}${row(t(lang, '迟报月数', 'Months confirmed late'), d.monthsLate)}
${row(t(lang, '帮扶措施', 'Measure on the case'), d.measure ? (d.measure.recorded ? `${t(lang, '已记入', 'recorded on')} ${d.measure.caseId}` : d.measure.reason) : null)}
</dl>
${wages.length > 0 ? html`<div class="table-wrap"><table class="data" id="wages"><thead><tr><th>${t(lang, '月份', 'Month')}</th><th class="num">${t(lang, '出勤天数', 'Days')}</th><th>${t(lang, '工资', 'Wage')}</th><th>${t(lang, '确认时间', 'Confirmed')}</th></tr></thead>
<tbody>${wages.map((m) => html`<tr data-month="${m.month}"><td>${m.month}</td><td class="num">${m.attendanceDays}</td><td>${m.wagePaid ? t(lang, '已发放', 'paid') : html`<strong>${t(lang, '未发放', 'unpaid')}</strong>`}</td><td>${when(m.confirmedAt, lang)}${m.late ? html` <span class="badge overdue">${t(lang, '迟报', 'late')}</span>` : ''}</td></tr>`)}</tbody></table></div>` : ''}`;
  }
  const items = (d.items ?? {}) as Record<string, { done: boolean; late?: boolean; dueAt?: string; details?: string; completedAt?: string }>;
  return html`<div class="table-wrap"><table class="data" id="checklist"><thead><tr><th>${t(lang, '事项', 'Item')}</th><th>${w(lang, 'due')}</th><th>${w(lang, 'status')}</th><th>${t(lang, '内容', 'Details')}</th></tr></thead>
<tbody>${SETTLEMENT_ITEMS.map((i) => {
    const it = items[i];
    return html`<tr data-item="${i}" data-done="${it?.done ? '1' : '0'}"><td>${processStepLabel(PROGRAMME_LIST_KIND.settlements, i, lang)}</td><td>${due(it?.dueAt, lang)}</td>
<td>${it?.done ? html`${t(lang, '已完成', 'done')} ${when(it.completedAt, lang)}${it.late ? html` <span class="badge overdue">${t(lang, '逾期完成', 'late')}</span>` : ''}` : t(lang, '未完成', 'open')}</td><td>${it?.details ?? ''}</td></tr>`;
  })}</tbody></table></div>`;
}

/** A timeline line of a process: its own audit labels, the workflow's own timer names. */
function describeProcessEntry(kind: string, e: TimelineEntry, lang: Lang): string {
  if (e.source === 'audit') {
    const base = processAuditLabel(kind, e.action, lang) ?? (label(AUDIT_LABELS, e.action, lang) || e.action);
    return e.step ? `${base} · ${processStepLabel(kind, e.step, lang)}` : base;
  }
  if (e.kind === 'timer' && e.timer?.purpose === 'UNKNOWN' && e.timer.summary) {
    const fires = e.action === 'TIMER_STARTED' && e.timer.firesAt ? ` · ${t(lang, '到时', 'fires')} ${when(e.timer.firesAt, lang)}` : '';
    return `${label(TEMPORAL_LABELS, e.action, lang)}${lang === 'en' ? ': ' : '：'}${e.timer.summary}${fires}`;
  }
  return describeEntry(e, lang);
}

/** A programme's page: facts, open tasks, timeline. */
export function programmeDetailPage(ctx: ServiceContext, list: ProgrammeList): RequestHandler {
  const def = LIST_PAGES[list];
  const kind = PROGRAMME_LIST_KIND[list];
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const p = await loadProcessRow(ctx, official, String(req.params.id));
    if (p.kind !== kind) throw new AppError('NOT_FOUND', `${list} ${p.id} not found`, { field: 'id' });
    const view: TimelineView = req.query.view === 'audit' || req.query.view === 'full' ? req.query.view : 'readable';
    const [timeline, tasks, relocated, employment] = await Promise.all([
      buildProcessTimeline(ctx, p.id, { view }),
      ctx.prisma.task.findMany({ where: { processId: p.id, status: 'OPEN' }, orderBy: { openedAt: 'asc' } }),
      list === 'settlements'
        ? ctx.prisma.process.findMany({
          where: { AND: [{ kind: RELOCATED_HOUSEHOLD_KIND, data: { path: ['settlementId'], equals: p.id } }, processScopeWhere(official)] },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 500,
          select: {
            id: true, caseId: true, status: true, data: true, _count: { select: { tasks: { where: { status: 'OPEN', dueAt: { lt: new Date() } } } } },
            // Who holds the open visit: the case's assistance contact (帮扶责任人), else the village.
            tasks: { where: { status: 'OPEN' }, select: { assigneeId: true, level: true }, orderBy: { openedAt: 'asc' }, take: 1 },
          },
        })
        : Promise.resolve([]),
      list === 'settlements' ? relocatedRows(ctx, [p.id]).then(employmentOf) : Promise.resolve(null),
    ]);
    const ids = new Set([...tasks.map((k) => k.assigneeId), ...relocated.flatMap((r) => r.tasks.map((k) => k.assigneeId)), ...timeline.entries.flatMap((e) => [e.actorId, e.onBehalfOfId])].filter((x): x is string => typeof x === 'string'));
    const names = new Map((await ctx.prisma.official.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } })).map((o) => [o.id, o.name]));
    const region = await regionNames(ctx.prisma, [p.villageCode, p.townshipCode, p.countyCode].filter((c): c is string => !!c));
    const now = Date.now();
    const self = `${def.path}/${encodeURIComponent(p.id)}`;
    const body = html`<p><a href="${def.path}">← ${t(lang, ...def.title)}</a></p>
${req.query.done === '1' ? html`<p class="notice ok" role="status">${t(lang, '已办理。', 'Done.')}</p>` : ''}
<section class="card" aria-labelledby="facts"><h2 id="facts">${p.title}</h2>
<p data-status="${p.status}">${processStatusLabel(kind, p.status, lang)}${p.step ? html` · ${processStepLabel(kind, p.step, lang)}` : ''} · ${region(p.townshipCode, lang)}${p.villageCode ? html` · ${region(p.villageCode, lang)}` : ''}</p>
${p.caseId ? html`<p>${t(lang, '帮扶案件', 'Case')}: <a href="/admin/cases/${encodeURIComponent(p.caseId)}">${p.caseId}</a></p>` : ''}
${detailFacts(list, dataOf(p), lang)}
</section>
${list === 'posts' ? welfareJobExitForm(official, p.id, p.status, res.locals.csrf, lang) : ''}
${list === 'settlements' ? html`<section class="card" id="relocated"><h2>${t(lang, '搬迁户后续扶持', 'Relocated households')} (${relocated.length})</h2>
${employment && employment.households > 0 ? employmentFacts(employment, lang) : ''}
${relocated.length === 0 ? html`<p class="muted">${t(lang, '尚未登记搬迁户。', 'No relocated household registered yet.')}</p>` : html`<div class="table-wrap"><table class="data"><thead><tr><th>${t(lang, '帮扶案件', 'Case')}</th><th>${t(lang, '就业状况', 'Employment')}</th><th class="num">${t(lang, '走访次数', 'Visits')}</th><th class="num">${t(lang, '逾期走访', 'Late visits')}</th><th>${t(lang, '走访责任人', 'Visit held by')}</th><th></th></tr></thead>
<tbody>${relocated.map((r) => {
    const d = dataOf(r);
    const status = d.employment?.status as keyof typeof EMPLOYMENT_LABELS | undefined;
    const visit = r.tasks[0];
    return html`<tr data-relocated="${r.id}"><td>${r.caseId ? html`<a href="/admin/cases/${encodeURIComponent(r.caseId)}">${r.caseId}</a>` : '—'}</td><td>${status ? `${EMPLOYMENT_LABELS[status]?.[lang] ?? status}${lang === 'en' ? ` (${d.employment.workers})` : `（${d.employment.workers}）`}` : '—'}</td><td class="num">${Number(d.visits ?? 0)}</td><td class="num">${Number(d.lateVisits ?? 0)}</td><td data-visit-assignee="${visit?.assigneeId ?? ''}">${visit ? `${visit.assigneeId ? names.get(visit.assigneeId) ?? visit.assigneeId : '—'}${lang === 'en' ? ` (${label(LEVEL_LABELS, visit.level, lang)})` : `（${label(LEVEL_LABELS, visit.level, lang)}）`}` : '—'}</td><td>${r._count.tasks > 0 ? html`<span class="badge overdue">${t(lang, '走访超期', 'visit overdue')}</span>` : ''}</td></tr>`;
  })}</tbody></table></div>`}
</section>` : ''}
<section class="card" aria-labelledby="tasks"><h2 id="tasks">${w(lang, 'openTasks')}</h2>
${tasks.length === 0 ? html`<p class="muted">${w(lang, 'noOpenTasks')}</p>` : html`<ul>${tasks.map((k) => html`<li data-task-id="${k.id}">${processStepLabel(kind, k.step, lang)} · ${k.assigneeId ? names.get(k.assigneeId) ?? k.assigneeId : '—'} · ${w(lang, 'due')} ${due(k.dueAt, lang)}${k.dueAt.getTime() < now ? html` <span class="badge overdue">${w(lang, 'overdueCount')}</span>` : ''}</li>`)}</ul>`}
</section>
<section class="card" aria-labelledby="tl"><h2 id="tl">${w(lang, 'timeline')}</h2>
<p class="actions">${view !== 'readable' ? html`<a class="button secondary" href="${self}">${w(lang, 'readable')}</a>` : ''}${view !== 'audit' ? html`<a class="button secondary" href="${self}?view=audit">${w(lang, 'onlyAudit')}</a>` : ''}${view !== 'full' ? html`<a class="button secondary" href="${self}?view=full">${w(lang, 'everything')}</a>` : ''}</p>
${timeline.temporalError ? html`<p class="notice warn">${w(lang, 'temporalUnavailable')}</p>` : ''}
<ol class="timeline" id="timeline">${timeline.entries.map((e) => {
    const who = e.actorName ? `${w(lang, 'by')} ${e.actorName}` : e.source === 'audit' ? w(lang, 'system') : null;
    return html`<li data-source="${e.source}" data-kind="${e.kind}" data-action="${e.action}"><span class="when">${when(e.at, lang)}</span> <strong>${describeProcessEntry(kind, e, lang)}</strong>${who ? html` · <span class="who">${who}</span>` : ''}${e.comment ? html`<blockquote>${e.comment}</blockquote>` : ''}</li>`;
  })}</ol>
</section>`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: p.title, body }));
  };
}

/** 安置点就业统计 — the settlement's households' employment in one line of figures. */
function employmentFacts(e: SettlementEmployment, lang: Lang): SafeHtml {
  const pct = e.employmentRate === null ? '—' : `${Math.round(e.employmentRate * 1000) / 10}%`;
  return html`<p class="figures" data-employment data-households="${e.households}" data-employed="${e.employedHouseholds}" data-workers="${e.workers}" data-seeking="${e.seekingWork}" data-not-recorded="${e.notRecorded}">${lang === 'en'
    ? `${e.households} households followed up: ${e.employedHouseholds} with labour in work (${e.workers} members working), ${e.seekingWork} seeking work, ${e.noLabour} without labour, ${e.notRecorded} not yet recorded; employment rate ${pct}; ${e.overdueVisits} visits overdue, ${e.lateVisits} late so far.`
    : `后续扶持 ${e.households} 户：有劳动力就业 ${e.employedHouseholds} 户（就业 ${e.workers} 人），待业 ${e.seekingWork} 户，无劳动力 ${e.noLabour} 户，未录入 ${e.notRecorded} 户；就业率 ${pct}；走访超期 ${e.overdueVisits} 户，累计逾期走访 ${e.lateVisits} 次。`}</p>`;
}
