/**
 * What every admin page shares: the page shell with navigation and sign-out, the language
 * (remembered in a cookie once chosen), formatting helpers and region names.
 */
import type { PrismaClient } from '@prisma/client';
import type { Request, Response } from 'express';
import type { AuthOfficial } from '../../auth/authenticate';
import type { SafeHtml } from '../html';
import { html, raw } from '../html';
import type { Bilingual, Lang } from '../i18n';
import { beijingTime, label, pickLang } from '../i18n';
import { page } from '../layout';
import { formatDue } from '../../../core/due-time';
import { w } from './labels';

/** Extra styles of the admin pages (wide tables, filter grids, timeline kinds). */
export const ADMIN_CSS = raw(`<style>
main{max-width:80rem}
header nav{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:center}
header nav form{display:inline;margin:0}
header nav button{min-height:0;padding:.15rem .6rem;border-color:#fff;background:transparent;font-weight:400}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:0 .8rem;align-items:end}
.filters label{font-weight:600;margin:.5rem 0 .2rem;font-size:.9rem}
.filters input,.filters select{padding:.4rem}
.filters .actions{grid-column:1/-1;margin-top:.6rem}
table.data td,table.data th{font-size:.9rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pager{display:flex;gap:1rem;align-items:center;margin-top:.8rem}
.timeline li[data-source=temporal]{border-left-color:#8aa4d6}
.timeline li[data-kind=reminder]{border-left-color:#a35200}
.timeline li[data-kind=timer]{border-left-color:#6b4fa0}
.timeline li[data-kind=activity]{color:#4a4f57;font-size:.9rem}
.timeline .when{color:#4a4f57;font-size:.85rem;margin-right:.4rem}
.timeline .who{color:#1f3f7f}
.timeline blockquote{margin:.2rem 0 0;padding-left:.6rem;border-left:2px solid #d9dce1;color:#333}
.inline-form{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.2rem 0}
.inline-form select,.inline-form input{width:auto;padding:.3rem}
.inline-form button{min-height:0;padding:.3rem .7rem}
pre.raw{white-space:pre-wrap;word-break:break-all;font-size:.8rem;margin:0}
</style>`);

/** The language of an admin page; a `?lang=` choice is remembered in a cookie. */
export function adminLang(req: Request, res: Response, official?: AuthOfficial | null): Lang {
  const lang = pickLang(req, official?.language);
  if (req.query.lang === 'en' || req.query.lang === 'zh-CN') res.append('Set-Cookie', `lang=${req.query.lang}; Path=/; SameSite=Lax; Max-Age=31536000`);
  return lang;
}

/** Path and query of this request without `lang` (nor a raw search text `q`), for the language switch. */
export function selfPath(req: Request): string {
  const url = new URL(req.originalUrl, 'http://x');
  url.searchParams.delete('lang');
  url.searchParams.delete('q');
  return url.pathname + url.search;
}

/** Options of {@link adminPage}. */
export interface AdminPageOptions {
  lang: Lang;
  title: string;
  body: SafeHtml;
  req: Request;
  official?: AuthOfficial;
  csrf?: string;
}

/** A full admin page with navigation. */
export function adminPage(o: AdminPageOptions): string {
  const nav = o.official?.role === 'GRID'
    ? html`<nav aria-label="${w(o.lang, 'admin')}"><a href="/admin/grid">${o.lang === 'en' ? 'My grid' : '我的网格'}</a><span>${o.official.name}</span>
<form method="post" action="/admin/logout"><input type="hidden" name="_csrf" value="${o.csrf ?? ''}"><button type="submit">${w(o.lang, 'signOut')}</button></form></nav>`
    : o.official
    ? html`<nav aria-label="${w(o.lang, 'admin')}">
<a href="/admin">${w(o.lang, 'dashboard')}</a>
<a href="/admin/cases">${w(o.lang, 'cases')}</a>
<a href="/admin/tasks">${w(o.lang, 'overdue')}</a>
<a href="/admin/projects">${o.lang === 'en' ? 'Projects' : '衔接资金项目'}</a>
<a href="/admin/assets">${o.lang === 'en' ? 'Assets' : '项目资产'}</a>
<a href="/admin/loans">${o.lang === 'en' ? 'Loans' : '小额信贷'}</a>
<a href="/admin/welfare-jobs">${o.lang === 'en' ? 'Posts' : '公益岗位'}</a>
<a href="/admin/settlements">${o.lang === 'en' ? 'Settlements' : '安置点'}</a>
<a href="/admin/outbox">${w(o.lang, 'outbox')}</a>
${o.official.role === 'ADMIN' || o.official.role === 'COUNTY' ? html`<a href="/admin/reports">${o.lang === 'en' ? 'Reports' : '报表'}</a>` : ''}
<a href="/admin/campaigns">${o.lang === 'en' ? 'Campaigns' : '集中排查'}</a>
<a href="/admin/imports">${o.lang === 'en' ? 'Imports' : '批量导入'}</a>
${o.official.role === 'ADMIN' ? html`<a href="/admin/officials">${o.lang === 'en' ? 'Officials' : '干部管理'}</a>` : ''}
<a href="/api/docs">${w(o.lang, 'apiDocs')}</a>
<span>${o.official.name}</span>
<form method="post" action="/admin/logout"><input type="hidden" name="_csrf" value="${o.csrf ?? ''}"><button type="submit">${w(o.lang, 'signOut')}</button></form>
</nav>`
    : html`<nav aria-label="${w(o.lang, 'admin')}"><a href="/api/docs">${w(o.lang, 'apiDocs')}</a></nav>`;
  return page({ lang: o.lang, title: o.title, selfPath: selfPath(o.req), nav, body: html`${ADMIN_CSS}${o.body}` });
}

/** A date-time in Beijing time, or a dash. */
export function when(d: Date | string | null | undefined, lang: Lang): string {
  return d ? beijingTime(d, lang).replace(/（北京时间）| \(Beijing time\)/, '') : '—';
}

/** A due time as the working day it ends (see core/due-time.ts). */
export function due(d: Date | string | null | undefined, lang: Lang): string {
  return d ? formatDue(d, lang) : '—';
}

/** A share as a percentage, or a dash. */
export function percent(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)}%`;
}

/** A label or the code. */
export function lbl(map: Record<string, Bilingual>, code: string | null | undefined, lang: Lang): string {
  return label(map, code, lang) || '—';
}

/** A region as the admin pages name and filter by it. */
export interface ScopeRegion {
  code: string;
  name: string;
  nameEn: string | null;
  level: string;
  parentCode: string | null;
}

/**
 * Region names by code, loaded once per request: from `known` (e.g. the regions in scope, already
 * loaded), and in one query for any code not among them.
 */
export async function regionNames(prisma: PrismaClient, codes: Iterable<string>, known: readonly ScopeRegion[] = []): Promise<(code: string | null | undefined, lang: Lang) => string> {
  const byCode = new Map<string, Pick<ScopeRegion, 'name' | 'nameEn'>>(known.map((r) => [r.code, r]));
  const missing = [...new Set(codes)].filter((c) => !byCode.has(c));
  if (missing.length > 0) {
    for (const r of await prisma.region.findMany({ where: { code: { in: missing } }, select: { code: true, name: true, nameEn: true } })) byCode.set(r.code, r);
  }
  return (code, lang) => {
    if (!code) return '—';
    const r = byCode.get(code);
    return r ? (lang === 'en' && r.nameEn ? r.nameEn : r.name) : code;
  };
}

/**
 * Regions an official may filter by: the townships of its region (or its township itself) and
 * their villages, by code. One indexed query for just those rows (parentCode), not every region
 * of the city filtered in memory.
 */
export async function regionsInScope(prisma: PrismaClient, official: AuthOfficial): Promise<ScopeRegion[]> {
  const select = { code: true, name: true, nameEn: true, level: true, parentCode: true } as const;
  if (official.role === 'ADMIN' && official.regionLevel === 'CITY') {
    return prisma.region.findMany({ where: { level: { in: ['TOWNSHIP', 'VILLAGE'] } }, orderBy: { code: 'asc' }, select });
  }
  const township = { level: 'TOWNSHIP', OR: [{ parentCode: official.regionCode }, { code: official.regionCode }] };
  return prisma.region.findMany({
    where: { OR: [township, { level: 'VILLAGE', parent: township }] },
    orderBy: { code: 'asc' }, select,
  });
}

/** `<option>`s with one selected. */
export function options(items: { value: string; text: string }[], selected: string | undefined, anyText?: string): SafeHtml {
  return html`${anyText !== undefined ? html`<option value="">${anyText}</option>` : ''}${items.map(
    (i) => html`<option value="${i.value}"${i.value === selected ? raw(' selected') : ''}>${i.text}</option>`,
  )}`;
}
