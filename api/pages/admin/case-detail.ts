/**
 * GET /admin/cases/:id — one case: facts, household summary (masked), open tasks with nudge and
 * transfer forms, measures, contacts, objections, close and rollback forms, and the readable
 * timeline (audit trail merged with the Temporal history), the raw Temporal events on demand and
 * a link to the Temporal Web UI.
 */
import type { RequestHandler } from 'express';
import type { AuthOfficial } from '../../auth/authenticate';
import { buildTimeline } from '../../services/build-timeline';
import type { TimelineView } from '../../services/build-timeline';
import type { ServiceContext } from '../../services/context';
import { getCase } from '../../services/get-case';
import type { TCaseDetail } from '../../routes/cases/case.types';
import { TERMINAL_STATUSES } from '../../../workflows/contracts';
import type { SafeHtml } from '../html';
import { html, raw } from '../html';
import type { Lang } from '../i18n';
import { CATEGORY_LABELS, CHANNEL_LABELS, LEVEL_LABELS, MEASURE_LABELS, RISK_LABELS, STATUS_LABELS, STEP_LABELS, label } from '../i18n';
import { CLOSE_REASON_LABELS, w } from './labels';
import { adminPage, due, lbl, options, regionNames, when } from './shell';
import { renderRawEvents, renderTimeline } from './timeline';
import { processMapSteps, processMapSvg } from '../../services/report-documents/process-map';

const RANK: Record<string, number> = { VILLAGE: 1, TOWNSHIP: 2, COUNTY: 3, ADMIN: 4 };

/** Whether the official supervises a task of this level (may nudge it). */
export function supervises(official: AuthOfficial, level: string): boolean {
  return (RANK[official.role] ?? 0) > (RANK[level] ?? 0);
}

function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

function taskForms(c: TCaseDetail, t: TCaseDetail['openTasks'][number], official: AuthOfficial, lang: Lang, csrf: string, colleagues: { id: string; name: string }[]): SafeHtml {
  const base = `/admin/tasks/${encodeURIComponent(t.id)}`;
  const back = html`<input type="hidden" name="back" value="/admin/cases/${c.id}">`;
  const nudge = supervises(official, t.level) && t.assigneeId
    ? html`<form class="inline-form" method="post" action="${base}/nudge">${csrfField(csrf)}${back}<button type="submit" class="secondary">${w(lang, 'nudge')}</button></form>`
    : '';
  const transfer = colleagues.length > 0
    ? html`<form class="inline-form" method="post" action="${base}/transfer">${csrfField(csrf)}${back}
<label class="muted" for="to-${t.id}">${w(lang, 'transferTo')}</label>
<select id="to-${t.id}" name="toOfficialId" required>${options(colleagues.map((o) => ({ value: o.id, text: o.name })), undefined)}</select>
<input name="reason" placeholder="${w(lang, 'reason')}" aria-label="${w(lang, 'reason')}" maxlength="2000">
<button type="submit" class="secondary">${w(lang, 'transfer')}</button></form>`
    : '';
  return html`${nudge}${transfer}`;
}

export function caseDetailPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const csrf: string = res.locals.csrf;
    const id = String(req.params.id);
    const c = await getCase(ctx, official, id);
    const wantRaw = req.query.raw === '1';
    const view: TimelineView = req.query.view === 'audit' || req.query.view === 'full' ? req.query.view : 'readable';
    const timeline = await buildTimeline(ctx, id, { raw: wantRaw, view });

    const officialIds = new Set<string>([
      ...c.tasks.flatMap((t) => [t.assigneeId, t.decidedById]), c.contactId, ...c.contacts.map((x) => x.officialId),
      ...timeline.entries.flatMap((e) => [e.actorId, e.onBehalfOfId, ...(e.data && typeof e.data.from === 'string' ? [e.data.from] : []), ...(e.data && typeof e.data.to === 'string' ? [e.data.to] : []), ...(e.data && typeof e.data.assigneeId === 'string' ? [e.data.assigneeId] : [])]),
    ].filter((x): x is string => typeof x === 'string'));
    const [officials, colleagues] = await Promise.all([
      ctx.prisma.official.findMany({ where: { id: { in: [...officialIds] } }, select: { id: true, name: true } }),
      Promise.all(c.openTasks.map((t) => ctx.prisma.official.findMany({
        where: { role: t.level, regionCode: t.regionCode, active: true, id: { not: t.assigneeId ?? '' } }, select: { id: true, name: true }, orderBy: { id: 'asc' },
      }))),
    ]);
    const names = new Map(officials.map((o) => [o.id, o.name]));
    const nameOf = (oid: string | null | undefined): string => (oid ? (names.get(oid) ?? oid) : '—');
    const region = await regionNames(ctx.prisma, [c.villageCode, c.townshipCode, c.countyCode, ...c.openTasks.map((t) => t.regionCode)]);
    const terminal = (TERMINAL_STATUSES as readonly string[]).includes(c.status);
    const countyPower = official.role === 'COUNTY' || official.role === 'ADMIN';
    const self = `/admin/cases/${encodeURIComponent(c.id)}`;
    const viewLinks = html`<p class="actions">
${wantRaw ? html`<a class="button secondary" href="${self}">${w(lang, 'hideRaw')}</a>` : html`<a class="button secondary" id="show-raw" href="${self}?raw=1${view !== 'readable' ? `&view=${view}` : ''}#raw">${w(lang, 'showRaw')}</a>`}
${view !== 'readable' ? html`<a class="button secondary" href="${self}">${w(lang, 'readable')}</a>` : ''}
${view !== 'audit' ? html`<a class="button secondary" href="${self}?view=audit">${w(lang, 'onlyAudit')}</a>` : ''}
${view !== 'full' ? html`<a class="button secondary" id="show-full" href="${self}?view=full">${w(lang, 'everything')}</a>` : ''}
${c.temporalUiUrl ? html`<a class="button secondary" id="temporal-ui" href="${c.temporalUiUrl}" target="_blank" rel="noopener">${w(lang, 'temporalUi')}</a>` : ''}
<a class="button secondary" id="handbook" href="${self}/handbook">${lang === 'en' ? 'Assistance handbook' : '帮扶手册'}</a>
</p>`;

    const mapTasks = await ctx.prisma.task.findMany({ where: { caseId: c.id }, select: { step: true, status: true, openedAt: true, dueAt: true, closedAt: true } });
    const map = processMapSteps({ status: c.status, step: c.step, approvedAt: c.approvedAt ? new Date(c.approvedAt) : null, eliminatedAt: c.eliminatedAt ? new Date(c.eliminatedAt) : null }, mapTasks);
    const body = html`
${req.query.done ? html`<p class="notice ok" role="status">${w(lang, 'done')}</p>` : ''}
<section class="card" id="process-map"><h2>${lang === 'en' ? 'Process map' : '办理流程'}</h2>${raw(processMapSvg(map, (s) => (s === 'MONITORED' ? (lang === 'en' ? 'Monitored, assistance' : '监测帮扶') : lbl(STEP_LABELS, s, lang)), lang))}</section>
<section class="card" aria-labelledby="facts"><h2 id="facts">${w(lang, 'caseFacts')}</h2><dl>
<dt>${w(lang, 'caseId')}</dt><dd><code>${c.id}</code></dd>
<dt>${w(lang, 'status')}</dt><dd>${lbl(STATUS_LABELS, c.status, lang)}${c.step ? ` · ${lbl(STEP_LABELS, c.step, lang)}` : ''}</dd>
<dt>${w(lang, 'category')}</dt><dd>${lbl(CATEGORY_LABELS, c.category, lang)}</dd>
<dt>${w(lang, 'riskTypes')}</dt><dd>${c.riskTypes.map((r) => label(RISK_LABELS, r, lang)).join('、')}</dd>
<dt>${w(lang, 'channel')}</dt><dd>${lbl(CHANNEL_LABELS, c.channel, lang)}</dd>
<dt>${w(lang, 'region')}</dt><dd>${region(c.countyCode, lang)} · ${region(c.townshipCode, lang)} · ${region(c.villageCode, lang)}</dd>
<dt>${w(lang, 'opened')}</dt><dd>${when(c.openedAt, lang)}</dd>
<dt>${w(lang, 'slaDue')}</dt><dd>${due(c.slaDueAt, lang)}${c.slaBreached ? html` <span class="badge overdue">${w(lang, 'slaBreached')}</span>` : ''}</dd>
<dt>${w(lang, 'approvedAt')}</dt><dd>${when(c.approvedAt, lang)}</dd>
<dt>${w(lang, 'planDue')}</dt><dd>${due(c.planDueAt, lang)}</dd>
<dt>${w(lang, 'nextReview')}</dt><dd>${when(c.nextReviewAt, lang)}</dd>
<dt>${w(lang, 'eliminatedAt')}</dt><dd>${when(c.eliminatedAt, lang)}${c.eliminationRoute ? ` · ${c.eliminationRoute}` : ''}</dd>
${c.closeReason ? html`<dt>${w(lang, 'closeReason')}</dt><dd>${lbl(CLOSE_REASON_LABELS, c.closeReason, lang)}</dd>` : ''}
<dt>${w(lang, 'contactPerson')}</dt><dd>${nameOf(c.contactId)}</dd>
<dt>${w(lang, 'lastContact')}</dt><dd>${when(c.lastContactAt, lang)}</dd>
<dt>${w(lang, 'policy')}</dt><dd>${c.policyVersion}</dd>
<dt>${w(lang, 'workflow')}</dt><dd><code>${c.workflowId}</code></dd>
</dl></section>
<section class="card" aria-labelledby="hh"><h2 id="hh">${w(lang, 'household')}</h2><dl>
<dt>${w(lang, 'head')}</dt><dd>${c.headName}</dd>
<dt>${w(lang, 'idNumber')}</dt><dd>${c.household.idNumberMasked}</dd>
<dt>${w(lang, 'phone')}</dt><dd>${c.household.phoneMasked ?? '—'}</dd>
<dt>${w(lang, 'members')}</dt><dd>${c.household.memberCount}</dd>
<dt>${w(lang, 'noLabour')}</dt><dd>${c.household.noLabour ? w(lang, 'yes') : w(lang, 'no')}</dd>
</dl></section>
<section class="card" aria-labelledby="tasks"><h2 id="tasks">${w(lang, 'openTasks')}</h2>
${c.openTasks.length === 0 ? html`<p class="muted">${w(lang, 'noOpenTasks')}</p>` : html`<div class="table-wrap"><table class="data"><thead><tr><th>${w(lang, 'step')}</th><th>${w(lang, 'level')}</th><th>${w(lang, 'assignee')}</th><th>${w(lang, 'due')}</th><th class="num">${w(lang, 'escalations')}</th><th>${w(lang, 'actions')}</th></tr></thead>
<tbody>${c.openTasks.map((t, i) => html`<tr data-task-id="${t.id}"><td>${lbl(STEP_LABELS, t.step, lang)}</td><td>${lbl(LEVEL_LABELS, t.level, lang)} · ${region(t.regionCode, lang)}</td><td>${nameOf(t.assigneeId)}</td>
<td>${due(t.dueAt, lang)}${t.overdue ? html` <span class="badge overdue">${w(lang, 'overdueCount')}</span>` : ''}</td><td class="num">${t.escalations}</td><td>${taskForms(c, t, official, lang, csrf, colleagues[i])}</td></tr>`)}</tbody></table></div>`}
</section>
<section class="card" aria-labelledby="measures"><h2 id="measures">${w(lang, 'measures')}</h2>
${c.measures.length === 0 ? html`<p class="muted">${w(lang, 'none')}</p>` : html`<ul>${c.measures.map((m) => html`<li>${lbl(MEASURE_LABELS, m.type, lang)} — ${m.description}${m.memberName ? ` (${m.memberName})` : ''} · <strong>${m.status}</strong>${m.implementedOn ? ` ${when(m.implementedOn, lang)}` : ''}${m.endedOn ? ` · ${lang === 'en' ? 'ended' : '已结束'} ${when(m.endedOn, lang)}` : ''}</li>`)}</ul>`}
<h2>${w(lang, 'contacts')}</h2>
${c.contacts.length === 0 ? html`<p class="muted">${w(lang, 'none')}</p>` : html`<ul>${c.contacts.map((x) => html`<li>${when(x.contactedOn, lang)} · ${x.method} · ${nameOf(x.officialId)}${x.note ? html` — ${x.note}` : ''}</li>`)}</ul>`}
<h2>${w(lang, 'objections')}</h2>
${c.objections.length === 0 ? html`<p class="muted">${w(lang, 'none')}</p>` : html`<ul>${c.objections.map((o) => html`<li>${when(o.filedAt, lang)} · ${lbl(STEP_LABELS, o.step, lang)} — ${o.text}${o.outcome ? html` · <strong>${o.outcome}</strong>` : ''}</li>`)}</ul>`}
</section>
${countyPower && (!terminal || c.status === 'ELIMINATED') ? html`<section class="card" aria-labelledby="acts"><h2 id="acts">${w(lang, 'actions')}</h2>
${!terminal ? html`<form method="post" action="${self}/close" id="close-form">${csrfField(csrf)}
<label for="close-reason">${w(lang, 'closeCase')} — ${w(lang, 'reason')}</label>
<select id="close-reason" name="reason" required>${options(Object.keys(CLOSE_REASON_LABELS).map((k) => ({ value: k, text: lbl(CLOSE_REASON_LABELS, k, lang) })), undefined)}</select>
<label for="close-comment">${w(lang, 'comment')}</label><textarea id="close-comment" name="comment" maxlength="2000"></textarea>
<div class="actions"><button type="submit">${w(lang, 'closeCase')}</button></div></form>` : ''}
${c.status === 'ELIMINATED' ? html`<form method="post" action="${self}/rollback" id="rollback-form">${csrfField(csrf)}
<label for="rollback-reason">${w(lang, 'rollback')} — ${w(lang, 'reason')}</label><textarea id="rollback-reason" name="reason" required maxlength="2000"></textarea>
<div class="actions"><button type="submit">${w(lang, 'rollback')}</button></div></form>` : ''}
</section>` : ''}
<section class="card" aria-labelledby="tl"><h2 id="tl">${w(lang, 'timeline')}</h2>
${viewLinks}
${timeline.temporalError ? html`<p class="notice warn">${w(lang, 'temporalUnavailable')}</p>` : ''}
${renderTimeline(timeline.entries, lang, names)}
</section>
${timeline.raw ? html`<section class="card" id="raw" aria-labelledby="raw-h"><h2 id="raw-h">${w(lang, 'rawEvents')}</h2>${renderRawEvents(timeline.raw, lang)}</section>` : ''}`;
    res.type('html').send(adminPage({ lang, req, official, csrf, title: `${w(lang, 'caseId')} ${c.id}`, body }));
  };
}
