/**
 * GET /admin/tasks — overdue tasks (or all open ones) grouped by level and region, each with a
 * nudge button for supervisors.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context';
import { listOverdueTasks } from '../../services/list-overdue-tasks';
import { html } from '../html';
import type { Lang } from '../i18n';
import { LEVEL_LABELS, STEP_LABELS } from '../i18n';
import { dropEmpty } from './case-list';
import { supervises } from './case-detail';
import { w } from './labels';
import { adminPage, due, lbl, options, regionsInScope } from './shell';

const ZTasksQuery = z.object({
  all: z.enum(['1', 'true']).optional(),
  level: z.enum(['VILLAGE', 'TOWNSHIP', 'COUNTY']).optional(),
  townshipCode: z.string().regex(/^\d{12}$/).optional(),
  region: z.string().regex(/^\d{12}$/).optional(),
  openedFrom: z.iso.date().optional(),
  openedTo: z.iso.date().optional(),
});

function overdueBy(dueAt: Date, now: Date, lang: Lang): string {
  const h = Math.floor((now.getTime() - dueAt.getTime()) / 3_600_000);
  if (h < 1) return lang === 'en' ? '< 1 h' : '不足 1 小时';
  if (h < 48) return lang === 'en' ? `${h} h` : `${h} 小时`;
  const d = Math.floor(h / 24);
  return lang === 'en' ? `${d} days` : `${d} 天`;
}

export function tasksPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const csrf: string = res.locals.csrf;
    const parsed = ZTasksQuery.safeParse(dropEmpty(req.query as Record<string, unknown>));
    const q = parsed.success ? parsed.data : {};
    const now = new Date();
    const [{ groups, total, truncated }, regions] = await Promise.all([
      listOverdueTasks(ctx, official, { ...q, all: q.all !== undefined }, now),
      regionsInScope(ctx.prisma, official),
    ]);
    const byCode = new Map(regions.map((r) => [r.code, r]));
    const name = (code: string): string => {
      const r = byCode.get(code);
      return r ? (lang === 'en' && r.nameEn ? r.nameEn : r.name) : code;
    };
    const filters = html`<form class="card filters" method="get" action="/admin/tasks">
<div><label for="t-level">${w(lang, 'level')}</label><select id="t-level" name="level">${options(['VILLAGE', 'TOWNSHIP', 'COUNTY'].map((l) => ({ value: l, text: lbl(LEVEL_LABELS, l, lang) })), q.level, w(lang, 'any'))}</select></div>
<div><label for="t-township">${w(lang, 'township')}</label><select id="t-township" name="townshipCode">${options(regions.filter((r) => r.level === 'TOWNSHIP').map((r) => ({ value: r.code, text: name(r.code) })), q.townshipCode, w(lang, 'any'))}</select></div>
<div><label for="t-all">${w(lang, 'showAll')}</label><select id="t-all" name="all">${options([{ value: '1', text: w(lang, 'yes') }], q.all, w(lang, 'no'))}</select></div>
<div class="actions"><button type="submit">${w(lang, 'filter')}</button><a class="button secondary" href="/admin/tasks">${w(lang, 'clear')}</a></div>
</form>`;
    const body = html`${filters}
${!parsed.success ? html`<p class="notice error">${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}</p>` : ''}
<p class="muted" data-total="${total}">${w(lang, 'total')} ${total}${truncated ? ` · ${w(lang, 'truncated')}` : ''}</p>
${groups.length === 0 ? html`<p class="notice ok">${w(lang, 'noOverdue')}</p>` : groups.map((g) => html`<section class="card" data-level="${g.level}"><h2>${lbl(LEVEL_LABELS, g.level, lang)}</h2>
${g.regions.map((r) => html`<h3>${name(r.regionCode)} <span class="badge">${r.tasks.length}</span></h3>
<div class="table-wrap"><table class="data"><thead><tr><th>${w(lang, 'caseId')}</th><th>${w(lang, 'step')}</th><th>${w(lang, 'assignee')}</th><th>${w(lang, 'due')}</th><th>${w(lang, 'overdueBy')}</th><th class="num">${w(lang, 'escalations')}</th><th></th></tr></thead>
<tbody>${r.tasks.map((t) => html`<tr data-task-id="${t.id}"><td><a href="/admin/cases/${encodeURIComponent(t.caseId)}">${t.caseId}</a></td><td>${lbl(STEP_LABELS, t.step, lang)}</td><td>${t.assigneeName ?? '—'}</td>
<td>${due(t.dueAt, lang)}</td><td>${t.overdue ? html`<span class="badge overdue">${overdueBy(t.dueAt, now, lang)}</span>` : '—'}</td><td class="num">${t.escalations}</td>
<td>${supervises(official, t.level) && t.assigneeId ? html`<form class="inline-form" method="post" action="/admin/tasks/${encodeURIComponent(t.id)}/nudge"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="back" value="/admin/tasks"><button type="submit" class="secondary">${w(lang, 'nudge')}</button></form>` : ''}</td></tr>`)}</tbody></table></div>`)}
</section>`)}`;
    res.type('html').send(adminPage({ lang, req, official, csrf, title: q.all ? w(lang, 'openTasksTitle') : w(lang, 'overdue'), body }));
  };
}
