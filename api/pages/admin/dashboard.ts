/**
 * GET /admin — the dashboard: the figures of `GET /api/stats`, filterable by region and period,
 * every count a link to the cases (or tasks) behind it.
 */
import type { RequestHandler } from 'express';
import { ZStatsQuerySchema } from '../../routes/stats/stats.types';
import { computeStats } from '../../services/compute-stats';
import type { ServiceContext } from '../../services/context';
import type { SafeHtml } from '../html';
import { html, raw } from '../html';
import type { Lang } from '../i18n';
import { STATUS_LABELS, STEP_LABELS } from '../i18n';
import { dropEmpty } from './case-list';
import { w } from './labels';
import { adminPage, due, lbl, options, percent, regionsInScope, when } from './shell';
import { monthlySeries } from '../../services/monthly-series';
import { monthlySvg, tasksSvg } from '../../services/report-documents/report-chart';
import { complianceSvg } from '../../services/report-documents/compliance-chart';

function n(count: number, href: string, figure: string): SafeHtml {
  return html`<a href="${href}" data-figure="${figure}" data-count="${count}">${count}</a>`;
}

export function dashboardPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const parsed = ZStatsQuerySchema.safeParse(dropEmpty(req.query as Record<string, unknown>));
    const q = parsed.success ? parsed.data : {};
    const [s, regions, months] = await Promise.all([computeStats(ctx, official, q), regionsInScope(ctx.prisma, official), monthlySeries(ctx, official, q)]);
    // Per township from the figures' own pass: the chart costs no other scan of the cases.
    const compliance = s.complianceByTownship.map((t) => ({
      code: t.townshipCode, name: t.townshipName ?? t.townshipCode, slaApproved: t.approved, slaMet: t.withinSla, monitored: t.monitored, contacted: t.contacted,
    }));
    const rname = (r: { name: string; nameEn: string | null }): string => (lang === 'en' && r.nameEn ? r.nameEn : r.name);
    const regionOptions = regions.map((r) => ({ value: r.code, text: `${r.level === 'VILLAGE' ? '　' : ''}${rname(r)}` }));
    const sla = s.identificationSla;
    const plan = s.planCoverage;
    const contact = s.contactCompliance;
    const elim = s.eliminationCompliance;
    const body = html`<form class="card filters" method="get" action="/admin">
<div><label for="d-region">${w(lang, 'region')}</label><select id="d-region" name="region">${options(regionOptions, q.region, w(lang, 'any'))}</select></div>
<div><label for="d-from">${w(lang, 'openedFrom')}</label><input id="d-from" type="date" name="openedFrom" value="${q.openedFrom ?? ''}"></div>
<div><label for="d-to">${w(lang, 'openedTo')}</label><input id="d-to" type="date" name="openedTo" value="${q.openedTo ?? ''}"></div>
<div class="actions"><button type="submit">${w(lang, 'filter')}</button><a class="button secondary" href="/admin">${w(lang, 'clear')}</a></div>
</form>
${!parsed.success ? html`<p class="notice error">${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}</p>` : ''}
<p class="muted">${w(lang, 'figures')} ${w(lang, 'import')}<code>npm run import -- leads.csv</code> · <a href="/api/docs#post-api-imports">POST /api/imports</a></p>

<section class="card" id="chart-months"><h2>${lang === 'en' ? 'New and eliminated households, last 12 months' : '近12个月新增监测户与风险消除户'}</h2>
<figure style="margin:0">${raw(monthlySvg(months, lang))}</figure></section>

<section class="card" id="chart-tasks"><h2>${w(lang, 'tasksByTownship')}</h2>
<figure style="margin:0">${raw(tasksSvg(s.tasks.byTownship.map((x) => ({ name: x.townshipName ?? x.townshipCode, open: x.open, overdue: x.overdue })), lang))}</figure></section>

<section class="card" id="chart-compliance"><h2>${lang === 'en' ? 'Identification SLA and contact compliance per township' : '各乡镇认定时效与走访达标率'}</h2>
<figure style="margin:0">${raw(complianceSvg(compliance, lang))}</figure></section>

<section class="card" id="fig-cases"><h2>${w(lang, 'casesByStatus')}</h2>
<p>${w(lang, 'total')} ${n(s.cases.total, s.cases.href, 'cases.total')}</p>
<div class="table-wrap"><table class="data"><thead><tr><th>${w(lang, 'status')}</th><th>${w(lang, 'step')}</th><th class="num">${w(lang, 'count')}</th></tr></thead>
<tbody>${s.cases.byStep.map((r) => html`<tr><td>${lbl(STATUS_LABELS, r.status, lang)}</td><td>${r.step ? lbl(STEP_LABELS, r.step, lang) : '—'}</td><td class="num">${n(r.count, r.href, `cases.${r.status}.${r.step ?? ''}`)}</td></tr>`)}</tbody></table></div>
</section>

<section class="card" id="fig-tasks"><h2>${w(lang, 'tasksByTownship')}</h2>
<div class="table-wrap"><table class="data"><thead><tr><th>${w(lang, 'township')}</th><th class="num">${w(lang, 'openCount')}</th><th class="num">${w(lang, 'overdueCount')}</th></tr></thead>
<tbody>${s.tasks.byTownship.map((t) => html`<tr><td>${t.townshipName ?? t.townshipCode}</td><td class="num">${n(t.open, t.openHref, `tasks.${t.townshipCode}.open`)}</td><td class="num">${n(t.overdue, t.overdueHref, `tasks.${t.townshipCode}.overdue`)}</td></tr>`)}</tbody></table></div>
</section>

<section class="card" id="fig-sla"><h2>${w(lang, 'sla')}: ${percent(sla.compliance)}</h2>
<dl><dt>${w(lang, 'approved')}</dt><dd>${n(sla.approved, sla.approvedHref, 'sla.approved')}</dd>
<dt>${w(lang, 'withinSla')}</dt><dd>${n(sla.withinSla, sla.withinSlaHref, 'sla.withinSla')}</dd>
<dt>${w(lang, 'breaches')}</dt><dd>${n(sla.breaches, sla.breachesHref, 'sla.breaches')}</dd></dl>
${sla.breachList.length > 0 ? html`<h3>${w(lang, 'latestBreaches')}</h3><ul>${sla.breachList.slice(0, 10).map((b) => html`<li><a href="${b.href}">${b.caseId}</a> · ${lbl(STATUS_LABELS, b.status, lang)} · ${w(lang, 'opened')} ${when(b.openedAt, lang)} · ${w(lang, 'slaDue')} ${due(b.slaDueAt, lang)}</li>`)}</ul>` : ''}
</section>

<section class="card" id="fig-plan"><h2>${w(lang, 'plan')}: ${percent(plan.compliance)}</h2>
<dl><dt>${w(lang, 'monitored')}</dt><dd>${n(plan.monitored, plan.monitoredHref, 'plan.monitored')}</dd>
<dt>${w(lang, 'covered')}</dt><dd>${n(plan.covered, plan.coveredHref, 'plan.covered')}</dd>
<dt>${w(lang, 'missing')}</dt><dd>${n(plan.missing, plan.missingHref, 'plan.missing')}</dd></dl>
</section>

<section class="card" id="fig-contact"><h2>${w(lang, 'contact')}: ${percent(contact.compliance)}</h2>
<dl><dt>${w(lang, 'monitored')}</dt><dd>${n(contact.monitored, contact.monitoredHref, 'contact.monitored')}</dd>
<dt>${w(lang, 'contacted')}</dt><dd>${n(contact.contacted, contact.contactedHref, 'contact.contacted')} <span class="muted">(≥ ${when(contact.since, lang)})</span></dd>
<dt>${w(lang, 'missing')}</dt><dd>${n(contact.missing, contact.missingHref, 'contact.missing')}</dd></dl>
</section>

<section class="card" id="fig-elimination"><h2>${w(lang, 'elimination')}: ${percent(elim.compliance)}</h2>
<dl><dt>${w(lang, 'eliminated')}</dt><dd>${n(elim.eliminated, elim.eliminatedHref, 'elimination.eliminated')}</dd>
<dt>${w(lang, 'compliant')}</dt><dd>${n(elim.compliant, elim.compliantHref, 'elimination.compliant')}</dd>
<dt>${w(lang, 'early')}</dt><dd>${n(elim.early, elim.earlyHref, 'elimination.early')}</dd></dl>
</section>

<section class="card" id="fig-over-year"><h2>${w(lang, 'overYear')}</h2>
<p>${n(s.monitoredOverYear.count, s.monitoredOverYear.href, 'overYear')}</p>
</section>`;
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: w(lang, 'dashboard'), body }));
  };
}
