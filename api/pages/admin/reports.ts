/**
 * /admin/reports — the county's reports (月调度、季通报): the list of versions, a report's page
 * (figures per township, the ranking with its chart drawn as SVG on the server, what changed
 * against the previous version, and whether it was produced late), and its downloads as XLSX and
 * PDF.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../http/app-error';
import type { ServiceContext } from '../../services/context';
import { getReport, listReports, readableCounties } from '../../services/load-report';
import { computeReportFigures } from '../../../activities/report/report-figures';
import { periodOfKey } from '../../../workflows/report/rules';
import type { HalfYearDraft } from '../../services/report-documents/half-year-draft';
import { draftMonitoringSection } from '../../services/report-documents/half-year-draft';
import { draftDocx } from '../../services/report-documents/half-year-docx';
import { renderPdf } from '../../services/report-documents/report-pdf';
import { resolveCjkFont } from '../../services/report-documents/cjk-font';
import { townshipRatesSvg } from '../../services/report-documents/report-chart';
import { reportPdf } from '../../services/report-documents/report-pdf';
import type { ReportUnits } from '../../services/report-documents/report-view';
import {
  CAMPAIGN_COLUMNS, FIGURE_COLUMNS, FUND_COLUMNS, countingNote, fig, fundRates, levelWords, pct, producedLine, programmeNote, rankingOf, reportTitle, t, unitsOf,
} from '../../services/report-documents/report-view';
import { complianceSvg } from '../../services/report-documents/compliance-chart';
import { confirmationSvg } from '../../services/report-documents/confirmation-chart';
import type { ReportConfirmations } from '../../../workflows/confirmation/contracts';
import type { UnitFigures } from '../../../workflows/report/contracts';
import { reportXlsx } from '../../services/report-documents/report-xlsx';
import type { SafeHtml } from '../html';
import { html, raw } from '../html';
import type { Lang } from '../i18n';
import { adminPage, when } from './shell';

/** GET /admin/reports */
export function reportListPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const lang: Lang = res.locals.lang;
    const reports = await listReports(ctx, req.official!);
    const body = html`<section class="card"><div class="table-wrap"><table class="data">
<thead><tr><th>${t(lang, '报表', 'Report')}</th><th>${t(lang, '统计期', 'Period')}</th><th>${t(lang, '版本', 'Version')}</th><th>${t(lang, '生成', 'Produced')}</th></tr></thead>
<tbody>${reports.map((r) => html`<tr><td><a href="/admin/reports/${encodeURIComponent(r.id)}">${unitsOf(r.figures).level === 'CITY' ? t(lang, '市级', 'City ') : ''}${r.kind === 'MONTHLY' ? t(lang, '月调度', 'Monthly') : t(lang, '季通报', 'Quarterly')}</a></td><td>${r.periodKey}</td><td>${r.version}</td><td>${when(r.producedAt, lang)}${r.late ? html` <span class="badge overdue">${t(lang, '逾期生成', 'late')}</span>` : ''}</td></tr>`)}</tbody>
</table></div>${reports.length === 0 ? html`<p class="muted">${t(lang, '暂无报表：报表按日程自动生成（npm run setup -- schedules）。', 'No reports yet: they run on their schedules (npm run setup -- schedules).')}</p>` : ''}</section>`;
    res.type('html').send(adminPage({ lang, req, official: req.official, csrf: res.locals.csrf, title: t(lang, '报表', 'Reports'), body }));
  };
}

/** The campaign and fund tables of a report page (head and ranked units), with the zero-finding villages named. */
function programmeSections(u: ReportUnits, lang: Lang): SafeHtml {
  const words = levelWords(u.level, lang);
  const units = [u.head, ...u.ranked];
  const cell = (x: UnitFigures, key: keyof UnitFigures): SafeHtml => html`<td class="num" data-figure="${key}">${fig(x, key) ?? '—'}</td>`;
  const zeroVillages = u.level === 'COUNTY' ? u.below.filter((v) => (v.campaignZeroVillages ?? 0) > 0).map((v) => v.name) : [];
  const expected = u.fundExpectedPct;
  return html`<section class="card" id="report-campaign"><h2>${t(lang, '集中排查', 'Screening campaigns')}</h2><div class="table-wrap"><table class="data">
<thead><tr><th>${words.ranked}</th>${CAMPAIGN_COLUMNS.map((c) => html`<th class="num">${t(lang, c.zh, c.en)}</th>`)}</tr></thead>
<tbody>${units.map((x) => html`<tr data-unit="${x.code}"><td>${x.name}</td>${CAMPAIGN_COLUMNS.map((c) => cell(x, c.key))}</tr>`)}</tbody>
</table></div>${zeroVillages.length > 0 ? html`<p>${t(lang, '零发现村：', 'Villages with zero findings: ')}<strong>${zeroVillages.join('、')}</strong></p>` : ''}</section>
<section class="card" id="report-fund"><h2>${t(lang, '衔接资金项目与资产', 'Fund projects and assets')}</h2>
<p class="muted">${t(lang, `序时进度：期末应支付 ${expected === null ? '—' : `${expected}%`}`, `Spending pace: ${expected === null ? '—' : `${expected}%`} expected paid by the period's end`)}</p>
<div class="table-wrap"><table class="data">
<thead><tr><th>${words.ranked}</th><th class="num">${t(lang, '已批复项目', 'Approved')}</th><th class="num">${t(lang, '已开工', 'Started')}</th><th class="num">${t(lang, '开工率', 'Start rate')}</th><th class="num">${t(lang, '支付进度', 'Paid')}</th><th class="num">${t(lang, '序时进度滞后', 'Behind pace')}</th><th class="num">${t(lang, '逾期未开工', 'Not started')}</th><th class="num">${t(lang, '项目资产', 'Assets')}</th><th class="num">${t(lang, '闲置', 'Idle')}</th><th class="num">${t(lang, '巡查逾期', 'Inspection overdue')}</th></tr></thead>
<tbody>${units.map((x) => {
    const r = fundRates(x);
    const behindCurve = r.paidRate !== null && expected !== null && r.paidRate * 100 < expected;
    return html`<tr data-unit="${x.code}"><td>${x.name}</td>${cell(x, 'projectsApproved')}${cell(x, 'projectsStarted')}<td class="num" data-figure="startRate">${pct(r.startRate)}</td><td class="num" data-figure="paidRate">${pct(r.paidRate)}${behindCurve ? html` <span class="badge overdue">${t(lang, '慢于序时', 'behind')}</span>` : ''}</td>${cell(x, 'projectsBehind')}${cell(x, 'projectsNotStarted')}${cell(x, 'assets')}${cell(x, 'assetsIdle')}${cell(x, 'assetsInspectionOverdue')}</tr>`;
  })}</tbody>
</table></div><p class="muted">${programmeNote(lang)}</p></section>`;
}

const TIMING = { ON_TIME: ['按时', 'on time'], LATE: ['逾期', 'late'], NONE: ['未确认', 'not confirmed'] } as const;

/** 月调度数据确认: the villages' and townships' confirmations (a chart and the units not on time), when the report has them. */
function confirmationSection(figures: unknown, lang: Lang): SafeHtml | '' {
  const c = (figures as { confirmations?: ReportConfirmations } | null)?.confirmations;
  if (!c) return '';
  const notOnTime = c.units.filter((x) => x.timing !== 'ON_TIME');
  const line = (k: 'villages' | 'townships', zh: string, en: string) => html`<li data-level="${k}" data-on-time="${String(c[k].onTime)}" data-late="${String(c[k].late)}" data-none="${String(c[k].none)}">${t(lang,
    `${zh}：按时确认 ${c[k].onTime}，逾期确认 ${c[k].late}，未确认 ${c[k].none}（其中报告数据有误 ${c[k].discrepancies}）`,
    `${en}: on time ${c[k].onTime}, late ${c[k].late}, not confirmed ${c[k].none} (discrepancies flagged ${c[k].discrepancies})`)}</li>`;
  return html`<section class="card" id="report-confirmations"><h2>${t(lang, '村、乡镇数据确认情况', 'Confirmations by villages and townships')}</h2>
<figure style="margin:0">${raw(confirmationSvg(c, lang))}</figure>
<ul>${line('villages', '村', 'Villages')}${line('townships', '乡镇', 'Townships')}${c.employed && c.employed.villages > 0 ? html`<li data-employed="${String(c.employed.total)}">${t(lang, `务工就业（村报）：${c.employed.total}人（${c.employed.villages}个村填报）`, `Employment of lifted labour (villages' own numbers): ${c.employed.total} (${c.employed.villages} villages reported)`)}</li>` : ''}</ul>
${notOnTime.length > 0 ? html`<ul>${notOnTime.map((x) => html`<li data-unit="${x.code}" data-timing="${x.timing}">${x.name} · ${t(lang, TIMING[x.timing][0], TIMING[x.timing][1])}</li>`)}</ul>` : ''}
${c.units.some((x) => x.outcome === 'DISCREPANCY') ? html`<ul>${c.units.filter((x) => x.outcome === 'DISCREPANCY').map((x) => html`<li data-discrepancy="${x.code}">${x.name} · ${t(lang, '报告数据有误', 'discrepancy')}${x.note ? `：${x.note}` : ''}</li>`)}</ul>` : ''}</section>`;
}

/** GET /admin/reports/:id */
export function reportPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const lang: Lang = res.locals.lang;
    const { report: r, countyName } = await getReport(ctx, req.official!, String(req.params.id));
    const u = unitsOf(r.figures);
    const words = levelWords(u.level, lang);
    const ranking = rankingOf(r);
    const changes = (r.changes as { previousVersion: number; figures: { unit: string; figure: string; before: number; after: number }[] } | null);
    const unitName = new Map([u.head, ...u.ranked].map((x) => [x.code, x.name]));
    const label = new Map([...FIGURE_COLUMNS, ...CAMPAIGN_COLUMNS, ...FUND_COLUMNS].map((c) => [c.key as string, t(lang, c.zh, c.en)]));
    const id = encodeURIComponent(r.id);
    const body = html`<p class="notice${r.late ? ' warn' : ''}" data-late="${String(r.late)}">${producedLine(r, lang)}</p>
<p class="actions"><a class="button" href="/admin/reports/${id}/xlsx">${t(lang, '下载 XLSX', 'Download XLSX')}</a><a class="button secondary" href="/admin/reports/${id}/pdf">${t(lang, '下载 PDF', 'Download PDF')}</a></p>
<section class="card" id="report-chart" data-level="${u.level}"><h2>${t(lang, `${words.ranked}排名`, `${words.ranked} ranking`)}</h2>
<figure style="margin:0">${raw(townshipRatesSvg(ranking, r.bottom, lang))}</figure>
${r.bottom.length > 0 ? html`<p>${t(lang, '末位：', 'Bottom: ')}<strong>${r.bottom.map((c) => ranking.find((x) => x.code === c)?.name ?? c).join('、')}</strong></p>` : ''}
</section>
<section class="card" id="report-compliance"><h2>${t(lang, `各${words.ranked}认定时效与走访达标率`, `Identification SLA and contact compliance per ${words.ranked.toLowerCase()}`)}</h2>
<figure style="margin:0">${raw(complianceSvg(u.ranked.map((x) => ({ code: x.code, name: x.name, slaApproved: x.slaApproved, slaMet: x.slaMet, monitored: x.monitored, contacted: x.contacted })), lang))}</figure></section>
<section class="card"><h2>${t(lang, `各${words.ranked}数据`, `Figures by ${words.ranked.toLowerCase()}`)}</h2><div class="table-wrap"><table class="data">
<thead><tr><th>${t(lang, '单位', 'Unit')}</th>${FIGURE_COLUMNS.map((c) => html`<th class="num">${t(lang, c.zh, c.en)}</th>`)}</tr></thead>
<tbody>${[u.head, ...u.ranked].map((x) => html`<tr data-unit="${x.code}"><td>${x.name}</td>${FIGURE_COLUMNS.map((c) => html`<td class="num" data-figure="${c.key}">${x[c.key] as number}</td>`)}</tr>`)}</tbody>
</table></div></section>
${programmeSections(u, lang)}
${confirmationSection(r.figures, lang)}
<section class="card"><h2>${t(lang, '排名明细', 'Ranking')}</h2><ol>${ranking.filter((x) => x.rank > 0).map((x) => html`<li>${x.name}: ${pct(x.score)} (${t(lang, '时效', 'SLA')} ${pct(x.slaRate)} · ${t(lang, '应帮尽帮', 'coverage')} ${pct(x.coverageRate)} · ${t(lang, '走访', 'contact')} ${pct(x.contactRate)})</li>`)}</ol></section>
${changes ? html`<section class="card" id="report-changes"><h2>${t(lang, `较第${changes.previousVersion}版的变化`, `Changes since version ${changes.previousVersion}`)}</h2>
${changes.figures.length === 0 ? html`<p>${t(lang, '数据无变化', 'No figure changed')}</p>` : html`<ul>${changes.figures.map((c) => html`<li>${unitName.get(c.unit) ?? c.unit} · ${label.get(c.figure) ?? c.figure}: ${c.before} → ${c.after}</li>`)}</ul>`}</section>` : ''}
<p class="muted">${countingNote(lang)}</p>`;
    res.type('html').send(adminPage({ lang, req, official: req.official, csrf: res.locals.csrf, title: reportTitle(r, countyName, lang), body }));
  };
}

function attachment(name: string): string {
  return `attachment; filename="report.${name.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** GET /admin/reports/:id/xlsx */
export function reportXlsxDownload(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const lang: Lang = res.locals.lang;
    const { report, countyName } = await getReport(ctx, req.official!, String(req.params.id));
    const bytes = await reportXlsx(report, countyName, lang);
    res.setHeader('Content-Disposition', attachment(`${reportTitle(report, countyName, lang)}.xlsx`));
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(bytes);
  };
}

/** GET /admin/reports/:id/pdf */
export function reportPdfDownload(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const lang: Lang = res.locals.lang;
    const { report, countyName } = await getReport(ctx, req.official!, String(req.params.id));
    const font = resolveCjkFont();
    if (!font) throw new AppError('UNAVAILABLE', 'no Chinese font on this server: install fonts-noto-cjk or set BANGFU_CJK_FONT');
    const bytes = await reportPdf(report, countyName, lang, font);
    res.setHeader('Content-Disposition', attachment(`${reportTitle(report, countyName, lang)}.pdf`));
    res.type('application/pdf').send(bytes);
  };
}

/** The county and period of a draft request, checked: `?period=2026-H1` (or a month or quarter), `?county=` for a city administrator. */
async function draftFor(ctx: ServiceContext, req: Parameters<RequestHandler>[0]): Promise<{ draft: HalfYearDraft; period: string }> {
  const q = req.query as Record<string, unknown>;
  const key = typeof q.period === 'string' && q.period ? q.period : `${new Date(Date.now() + 8 * 3_600_000).getUTCFullYear()}-H1`;
  const period = periodOfKey(key);
  if (!period) throw new AppError('INVALID_INPUT', 'period: a half year (2026-H1), quarter (2026-Q2) or month (2026-05)', { field: 'period' });
  const counties = (await readableCounties(ctx, req.official!)) ?? [];
  const county = typeof q.county === 'string' && q.county ? q.county : counties[0];
  if (!county || !counties.includes(county)) throw new AppError('FORBIDDEN', 'county: not one whose reports you read');
  const [figures, region] = await Promise.all([
    computeReportFigures(ctx.prisma, county, period),
    ctx.prisma.region.findUnique({ where: { code: county }, select: { name: true } }),
  ]);
  const label = /H1$/.test(key) ? `${key.slice(0, 4)}年上半年` : /H2$/.test(key) ? `${key.slice(0, 4)}年下半年` : key;
  return { draft: draftMonitoringSection(region?.name ?? county, label, figures), period: key };
}

/** GET /admin/reports/draft — the half-year summary's monitoring section, drafted from live figures. */
export function draftPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const lang: Lang = res.locals.lang;
    const { draft, period } = await draftFor(ctx, req);
    const body = html`<form class="card filters" method="get" action="/admin/reports/draft">
<div><label for="dr-period">${t(lang, '统计期（如 2026-H1、2026-Q2、2026-05）', 'Period (2026-H1, 2026-Q2, 2026-05)')}</label><input id="dr-period" name="period" value="${period}" pattern="\\d{4}-(H[12]|Q[1-4]|\\d{2})"></div>
<div class="actions"><button type="submit">${t(lang, '起草', 'Draft')}</button><a class="button secondary" href="/admin/reports/draft/pdf?period=${encodeURIComponent(period)}">${t(lang, '下载 PDF', 'Download PDF')}</a><a class="button secondary" id="draft-docx" href="/admin/reports/draft/docx?period=${encodeURIComponent(period)}">${t(lang, '下载 Word', 'Download DOCX')}</a></div>
</form>
<article class="card" id="draft" lang="zh-CN"><h2>${draft.title}</h2>${draft.paragraphs.map((p) => html`<p>${p}</p>`)}
<h3>存在的问题</h3>${draft.problems.map((p) => html`<p>${p}</p>`)}
<p class="muted">注：${draft.footnote}</p></article>`;
    res.type('html').send(adminPage({ lang, req, official: req.official, csrf: res.locals.csrf, title: t(lang, '半年总结草稿', 'Half-year draft'), body }));
  };
}

/** GET /admin/reports/draft/pdf */
export function draftPdfDownload(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const { draft } = await draftFor(ctx, req);
    const font = resolveCjkFont();
    if (!font) throw new AppError('UNAVAILABLE', 'no Chinese font on this server: install fonts-noto-cjk or set BANGFU_CJK_FONT');
    const bytes = await renderPdf(font, (doc) => {
      doc.fontSize(15).text(draft.title).moveDown(0.6).fontSize(11);
      for (const p of draft.paragraphs) doc.text(p, { indent: 22 }).moveDown(0.3);
      doc.moveDown(0.3).fontSize(12).text('存在的问题').fontSize(11);
      for (const p of draft.problems) doc.text(p, { indent: 22 }).moveDown(0.3);
      doc.moveDown(0.6).fontSize(8).fillColor('#333333').text(`注：${draft.footnote}`);
    }, draft.title);
    res.setHeader('Content-Disposition', attachment(`${draft.title}.pdf`));
    res.type('application/pdf').send(bytes);
  };
}

/** GET /admin/reports/draft/docx — the half-year draft as a Word document to edit into the summary. */
export function draftDocxDownload(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const { draft } = await draftFor(ctx, req);
    const bytes = await draftDocx(draft);
    res.setHeader('Content-Disposition', attachment(`${draft.title}.docx`));
    res.type('application/vnd.openxmlformats-officedocument.wordprocessingml.document').send(bytes);
  };
}
