/**
 * GET /admin/cases — the case list: filters (status, step, township/village, category, overdue,
 * opened between, a figure's case set, a search) and paging, always within the official's region.
 * POST /admin/cases — the filter form: the search text is sealed into an opaque `qs` token (see
 * search-token.ts) so an ID number or a name never lands in a URL, history or a proxy log.
 */
import type { Prisma } from '@prisma/client';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { escapeLike, safeText } from '../../../core/text';
import type { AuthOfficial } from '../../auth/authenticate';
import { ZListCasesQuerySchema } from '../../routes/cases/list-cases.types';
import type { TListCasesQuery } from '../../routes/cases/list-cases.types';
import { CASE_SETS, caseSetWhere } from '../../services/compute-stats';
import type { ServiceContext } from '../../services/context';
import { householdIdFromKey, householdKey } from '../../services/ids';
import { fromZodError } from '../../http/app-error';
import { findCasePage } from '../../services/find-case-page';
import { caseListWhere } from '../../services/list-cases';
import { maskIdNumber, maskName } from '../../services/mask';
import { ELIM_STEPS, IDENT_STEPS } from '../../../workflows/contracts';
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';
import { CATEGORY_LABELS, STATUS_LABELS, STEP_LABELS } from '../i18n';
import { w } from './labels';
import { looksLikeIdNumber, openSearch, sealSearch } from './search-token';
import { adminPage, lbl, options, regionNames, regionsInScope, when } from './shell';

/** Query of the admin list: the API list query plus a figure's case set and a search. */
export const ZAdminCasesQuery = ZListCasesQuerySchema.extend({
  set: z.enum(CASE_SETS).optional(),
  q: safeText().trim().max(100).optional(),
});
export type TAdminCasesQuery = z.infer<typeof ZAdminCasesQuery>;

/** Form fields arrive as empty strings when unset. */
export function dropEmpty(q: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(q).filter(([k, v]) => v !== '' && k !== 'lang' && typeof v === 'string'));
}

/** The Prisma filter of an admin list query (scope, filters, case set, search). */
export async function adminCasesWhere(ctx: ServiceContext, official: AuthOfficial, q: Omit<TAdminCasesQuery, 'page' | 'pageSize' | 'cursor'>, now = new Date()): Promise<Prisma.CaseWhereInput> {
  const base = caseListWhere(official, q as Omit<TListCasesQuery, 'page' | 'pageSize' | 'cursor'>, now);
  const and: Prisma.CaseWhereInput[] = [base];
  if (q.set) and.push(await caseSetWhere(ctx, q.set, official, now));
  if (q.q) {
    const s = q.q;
    if (/^\d{17}[\dXx]$/.test(s)) and.push({ householdId: householdIdFromKey(householdKey(ctx.secret, s)) });
    // LIKE metacharacters in the text (\\ % _) are matched literally.
    else and.push({ OR: [{ id: s }, { leadKey: { endsWith: `:${escapeLike(s)}` } }, { household: { headName: { contains: escapeLike(s) } } }] });
  }
  return { AND: and };
}

const STATUSES = ['IDENTIFYING', 'MONITORED', 'ELIMINATING', 'REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED'];

/** Link to a neighbouring page: by cursor (one index range however deep), carrying the page number for display. */
function pageHref(q: Record<string, unknown>, page: number, cursor: string | null): string {
  const p = new URLSearchParams();
  // A search opened from its sealed token (qs) travels sealed, never as text.
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && k !== 'page' && k !== 'cursor' && !(k === 'q' && q.qs)) p.set(k, String(v));
  if (cursor && page > 1) p.set('cursor', cursor);
  if (page > 1) p.set('page', String(page));
  return `/admin/cases?${p.toString()}`;
}

/** Filter fields that may appear in a URL (everything but the search text). */
const URL_FIELDS = ['status', 'step', 'villageCode', 'townshipCode', 'region', 'category', 'overdue', 'openedFrom', 'openedTo', 'set', 'pageSize'] as const;

/** POST /admin/cases: the filter form; redirects to the list with the search text sealed into `qs`. */
export function caseSearchSubmit(ctx: ServiceContext): RequestHandler {
  return (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const p = new URLSearchParams();
    for (const k of URL_FIELDS) if (typeof body[k] === 'string' && body[k] !== '') p.set(k, body[k] as string);
    const q = typeof body.q === 'string' ? body.q.trim().slice(0, 200) : '';
    if (q) p.set('qs', sealSearch(ctx.secret, String(res.locals.sid), q));
    if (typeof req.query.lang === 'string') p.set('lang', req.query.lang);
    res.redirect(303, `/admin/cases${p.size ? `?${p.toString()}` : ''}`);
  };
}

export function caseListPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const raw = dropEmpty(req.query as Record<string, unknown>);
    let searchNotice: SafeHtml | '' = '';
    if (typeof raw.qs === 'string') {
      const opened = openSearch(ctx.secret, String(res.locals.sid), raw.qs);
      if (opened === null) searchNotice = html`<p class="notice error" role="alert">${w(lang, 'searchExpired')}</p>`;
      else raw.q = opened;
    } else if (typeof raw.q === 'string' && looksLikeIdNumber(raw.q)) {
      // An ID number typed into the address bar is not searched (and not echoed): use the form.
      delete raw.q;
      searchNotice = html`<p class="notice error" role="alert">${w(lang, 'searchByForm')}</p>`;
    }
    const { qs: _qs, ...filters0 } = raw;
    const parsed = ZAdminCasesQuery.safeParse(filters0);
    const regions = await regionsInScope(ctx.prisma, official);
    const q = parsed.success ? parsed.data : ZAdminCasesQuery.parse({});
    const filters = filterForm(lang, raw, regions.map((r) => ({ ...r, label: lang === 'en' && r.nameEn ? r.nameEn : r.name })), String(res.locals.csrf ?? ''));
    let results: SafeHtml;
    if (!parsed.success) {
      results = html`<p class="notice error" role="alert">${fromZodError(parsed.error, undefined, lang, filters0).message}</p>`;
    } else {
      const where = await adminCasesWhere(ctx, official, q);
      const now = new Date();
      const { rows, total, nextCursor, prevCursor } = await findCasePage(q, where, (w) => ctx.prisma.case.count({ where: w }), (args) => ctx.prisma.case.findMany({
        ...args,
        select: {
          id: true, openedAt: true, villageCode: true, category: true, status: true, step: true, slaBreached: true,
          household: { select: { headName: true } }, tasks: { where: { status: 'OPEN' }, select: { dueAt: true } },
        },
      }));
      const villageName = await regionNames(ctx.prisma, rows.map((r) => r.villageCode), regions);
      const pages = Math.max(1, Math.ceil(total / q.pageSize));
      results = html`<p class="muted" data-total="${total}">${w(lang, 'total')} ${total} · ${w(lang, 'page')} ${q.page} / ${pages}${q.set ? html` · ${w(lang, 'set')}: <code>${q.set}</code>` : ''}</p>
${rows.length === 0 ? html`<p class="notice">${w(lang, 'noCases')}</p>` : html`<div class="table-wrap"><table class="data">
<thead><tr><th>${w(lang, 'caseId')}</th><th>${w(lang, 'head')}</th><th>${w(lang, 'village')}</th><th>${w(lang, 'category')}</th><th>${w(lang, 'status')}</th><th>${w(lang, 'step')}</th><th>${w(lang, 'opened')}</th><th></th></tr></thead>
<tbody>${rows.map((c) => {
        const overdue = c.tasks.some((t) => t.dueAt <= now);
        return html`<tr data-case-id="${c.id}"><td><a href="/admin/cases/${encodeURIComponent(c.id)}">${c.id}</a></td><td>${maskName(c.household.headName)}</td>
<td>${villageName(c.villageCode, lang)}</td><td>${lbl(CATEGORY_LABELS, c.category, lang)}</td><td>${lbl(STATUS_LABELS, c.status, lang)}</td>
<td>${c.step ? lbl(STEP_LABELS, c.step, lang) : '—'}</td><td>${when(c.openedAt, lang)}</td>
<td>${overdue ? html`<span class="badge overdue">${w(lang, 'overdueCount')}</span>` : ''} ${c.slaBreached ? html`<span class="badge overdue">${w(lang, 'slaBreached')}</span>` : ''}</td></tr>`;
      })}</tbody></table></div>`}
<nav class="pager" aria-label="${w(lang, 'page')}">${prevCursor ? html`<a rel="prev" href="${pageHref(raw, Math.max(1, q.page - 1), q.page > 2 ? prevCursor : null)}">${w(lang, 'prev')}</a>` : ''}${nextCursor ? html`<a rel="next" href="${pageHref(raw, q.page + 1, nextCursor)}">${w(lang, 'next')}</a>` : ''}</nav>`;
    }
    res.type('html').send(adminPage({ lang, req, official, csrf: res.locals.csrf, title: w(lang, 'cases'), body: html`${searchNotice}${filters}${results}` }));
  };
}

/**
 * The search field, filled with the search text — but an ID number searched through the form is
 * shown masked (as a hint, not a value): the page never carries the whole number back.
 */
function searchInput(q: string | undefined): SafeHtml {
  if (q && looksLikeIdNumber(q)) return html`<input id="f-q" name="q" value="" placeholder="${maskIdNumber(q.trim())}" autocomplete="off">`;
  return html`<input id="f-q" name="q" value="${q ?? ''}" autocomplete="off">`;
}

function filterForm(lang: Lang, q: Record<string, unknown>, regions: { code: string; level: string; label: string }[], csrf: string): SafeHtml {
  const v = (k: string): string | undefined => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
  const steps = [...IDENT_STEPS, 'INVESTIGATION', ...ELIM_STEPS];
  return html`<form class="card filters" method="post" action="/admin/cases${lang === 'en' ? '?lang=en' : ''}" role="search">
<input type="hidden" name="_csrf" value="${csrf}">
<div style="grid-column:1/-1"><label for="f-q">${w(lang, 'search')}</label>${searchInput(v('q'))}</div>
<div><label for="f-status">${w(lang, 'status')}</label><select id="f-status" name="status">${options(STATUSES.map((s) => ({ value: s, text: lbl(STATUS_LABELS, s, lang) })), v('status'), w(lang, 'any'))}</select></div>
<div><label for="f-step">${w(lang, 'step')}</label><select id="f-step" name="step">${options(steps.map((s) => ({ value: s, text: lbl(STEP_LABELS, s, lang) })), v('step'), w(lang, 'any'))}</select></div>
<div><label for="f-township">${w(lang, 'township')}</label><select id="f-township" name="townshipCode">${options(regions.filter((r) => r.level === 'TOWNSHIP').map((r) => ({ value: r.code, text: r.label })), v('townshipCode'), w(lang, 'any'))}</select></div>
<div><label for="f-village">${w(lang, 'village')}</label><select id="f-village" name="villageCode">${options(regions.filter((r) => r.level === 'VILLAGE').map((r) => ({ value: r.code, text: r.label })), v('villageCode'), w(lang, 'any'))}</select></div>
<div><label for="f-category">${w(lang, 'category')}</label><select id="f-category" name="category">${options(Object.keys(CATEGORY_LABELS).map((c) => ({ value: c, text: lbl(CATEGORY_LABELS, c, lang) })), v('category'), w(lang, 'any'))}</select></div>
<div><label for="f-overdue">${w(lang, 'overdueQ')}</label><select id="f-overdue" name="overdue">${options([{ value: 'true', text: w(lang, 'yes') }, { value: 'false', text: w(lang, 'no') }], v('overdue'), w(lang, 'any'))}</select></div>
<div><label for="f-from">${w(lang, 'openedFrom')}</label><input id="f-from" type="date" name="openedFrom" value="${v('openedFrom') ?? ''}"></div>
<div><label for="f-to">${w(lang, 'openedTo')}</label><input id="f-to" type="date" name="openedTo" value="${v('openedTo') ?? ''}"></div>
${v('set') ? html`<input type="hidden" name="set" value="${v('set')}">` : ''}${v('region') ? html`<input type="hidden" name="region" value="${v('region')}">` : ''}
${v('pageSize') ? html`<input type="hidden" name="pageSize" value="${v('pageSize')}">` : ''}
<div class="actions"><button type="submit">${w(lang, 'filter')}</button><a class="button secondary" href="/admin/cases">${w(lang, 'clear')}</a></div>
</form>`;
}
