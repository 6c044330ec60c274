/**
 * 公益岗位指标页面 — GET /admin/welfare-jobs/quotas: this year's posts per township of the official's
 * region (set, announced or not, filled), the county's form to set a township's posts for a year, the
 * township's 公布 (announce) button; and the 提前退出 (early exit) form of a job's page. Each form goes
 * through the same service as its JSON route (setWelfareJobQuotas, announceWelfareJobQuota,
 * exitWelfareJob) and through the route's own zod schema, so the rules live in one place; a refusal
 * is a 4xx page naming the field. No scripts.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { safeText } from '../../../core/text';
import type { AuthOfficial } from '../../auth/authenticate';
import { AppError, fromZodError } from '../../http/app-error';
import { fieldName, refusal } from '../../http/messages';
import type { ServiceContext } from '../../services/context';
import { WELFARE_JOB_EXIT_ROLES, exitWelfareJob } from '../../services/welfare-job-actions';
import { welfareJobFigures } from '../../services/welfare-job-figures';
import { QUOTA_ANNOUNCER_ROLES, QUOTA_SETTER_ROLES, announceWelfareJobQuota, quotaYearOf, quotasForYear, setWelfareJobQuotas } from '../../services/welfare-job-quota';
import { ZAnnounceWelfareJobQuotaSchema, ZSetWelfareJobQuotasSchema, ZTownshipCodeParam, ZWelfareJobExitSchema } from '../../routes/welfare-jobs/welfare-jobs.types';
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';
import { actionErrorPage } from './actions';
import { adminPage, options } from './shell';

const t = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);
const QUOTAS_PATH = '/admin/welfare-jobs/quotas';

/** A form's whole number as typed (digits, maybe a sign); its range is the route schema's. */
/** A whole number; one of 30 digits is clamped so that the route's schema names its own bound (不能大于 100000), not JS's. */
const ZWholeNumber = safeText().trim().max(30).regex(/^-?\d+$/, 'must be a whole number').transform((v) => Math.max(-1e12, Math.min(1e12, Number(v))));
const ZQuotaForm = z.object({
  year: ZWholeNumber,
  townshipCode: safeText().trim().max(30),
  posts: ZWholeNumber,
  /** Post names separated by 、 , ， ; or spaces. */
  postNames: safeText().max(2000).optional(),
});
const ZYearQuery = z.object({ year: ZWholeNumber.pipe(z.number().min(2000).max(2100)).optional() });
const ZAnnounceForm = z.object({ year: ZWholeNumber, announcedOn: safeText().trim().max(30), announcementText: safeText().max(4000) });

/** The form's fields without the CSRF token, empty ones as missing. */
function formBody(req: Request): Record<string, unknown> {
  return Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([k, v]) => v !== '' && k !== '_csrf'));
}

function parse<T extends z.ZodType>(schema: T, input: unknown, lang: Lang, rename: Record<string, string> = {}): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  // Name the form's field, not the route's (e.g. the announcement's `text` is the form's announcementText).
  const err = new z.ZodError(r.error.issues.map((i) => ({ ...i, path: i.path.map((p) => (typeof p === 'string' ? rename[p] ?? p : p)) })));
  throw fromZodError(err, undefined, lang, input);
}

/**
 * A service refusal worded for a Chinese page: the services word theirs in English for the API
 * (`body.townships.0.townshipCode: … is not a known township`); the page names the field in Chinese.
 */
function inChinese(err: AppError, lang: Lang, zh: Partial<Record<AppError['code'], string>>): AppError {
  if (lang !== 'zh-CN' || err.details?.refusal || !zh[err.code]) return err;
  const path = err.field ? err.field.split('.').filter((p) => p !== 'body' && p !== 'params') : [];
  const message = path.length > 0 ? refusal(fieldName(path, lang), zh[err.code]!, lang) : zh[err.code]!;
  return new AppError(err.code, message, { field: err.field, details: err.details });
}

/** Runs a form action: redirects on success, renders a refusal (4xx) as a page with a way back. */
function formAction(back: (req: Request) => string, run: (req: Request, res: Response) => Promise<string>): RequestHandler {
  return async (req, res) => {
    try {
      res.redirect(303, await run(req, res));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      actionErrorPage(req, res, err, back(req));
    }
  };
}

const mayAnnounce = (o: AuthOfficial, townshipCode: string): boolean =>
  QUOTA_ANNOUNCER_ROLES.includes(o.role) && (o.role !== 'TOWNSHIP' || o.regionCode === townshipCode);

/** Today in Beijing (YYYY-MM-DD), the announcement form's default. */
const todayBeijing = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** GET /admin/welfare-jobs/quotas */
export function welfareJobQuotasPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const official = req.official!;
    const lang: Lang = res.locals.lang;
    const csrf: string = res.locals.csrf;
    // ?year= shows another year's quotas (the figures stay those of today's jobs).
    let year = quotaYearOf(new Date());
    try {
      year = parse(ZYearQuery, req.query, lang).year ?? year;
    } catch (err) {
      return actionErrorPage(req, res, err as AppError, QUOTAS_PATH);
    }
    const { townships } = await welfareJobFigures(ctx, official);
    const quotas = await quotasForYear(ctx, townships.map((r) => r.townshipCode), year);
    const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
    const canSet = QUOTA_SETTER_ROLES.includes(official.role);
    const announceForm = (code: string, announced: boolean): SafeHtml => html`<form class="inline-form" method="post" action="${QUOTAS_PATH}/${encodeURIComponent(code)}/announce">${hidden}
<input type="hidden" name="year" value="${year}">
<label>${t(lang, '公告日期', 'Date')} <input type="date" name="announcedOn" value="${todayBeijing()}" required></label>
<label>${t(lang, '公告内容', 'Text')} <input name="announcementText" required maxlength="2000" placeholder="${t(lang, '公告地点和岗位', 'where and which posts')}"></label>
<button type="submit">${announced ? t(lang, '重新公布', 'Announce again') : t(lang, '公布', 'Announce')}</button></form>`;
    const rows = townships.map((r) => {
      const q = quotas.get(r.townshipCode);
      return html`<tr data-township="${r.townshipCode}" data-quota="${q ? q.posts : ''}" data-announced="${q?.announcedOn ? '1' : '0'}" data-filled="${r.postsFilled}" data-jobs="${r.jobs}">
<td>${r.townshipName}<br><small class="muted">${r.townshipCode}</small></td>
<td class="num">${q ? q.posts : t(lang, '未设定', 'not set')}</td>
<td>${q && q.postNames.length > 0 ? q.postNames.join('、') : '—'}</td>
<td>${!q ? '—' : q.announcedOn ? html`${t(lang, '已公布', 'announced')} ${q.announcedOn}${q.announcementText ? html`<div class="muted">${q.announcementText}</div>` : ''}` : html`<strong>${t(lang, '未公布', 'not announced')}</strong>`}</td>
<td class="num">${r.postsFilled}</td><td class="num">${r.jobs}</td>
<td>${q && mayAnnounce(official, r.townshipCode) ? announceForm(r.townshipCode, !!q.announcedOn) : ''}</td></tr>`;
    });
    const setForm = canSet ? html`<section class="card"><h2>${t(lang, '设定乡镇岗位数', 'Set a township\'s posts')}</h2>
<p class="muted">${t(lang, '同一年度同一乡镇再次设定即替换原数；设定后须由乡镇公布，村里才能申请。', 'Setting it again for the same year and township replaces it; villages apply once the township announced it.')}</p>
<form method="post" action="${QUOTAS_PATH}" class="filters">${hidden}
<div><label for="q-year">${t(lang, '年度', 'Year')}</label><input id="q-year" name="year" inputmode="numeric" value="${year}" required maxlength="4"></div>
<div><label for="q-township">${t(lang, '乡镇', 'Township')}</label><select id="q-township" name="townshipCode" required>${options(townships.map((r) => ({ value: r.townshipCode, text: `${r.townshipName} (${r.townshipCode})` })), undefined)}</select></div>
<div><label for="q-posts">${t(lang, '岗位数', 'Posts')}</label><input id="q-posts" name="posts" type="number" min="0" step="1" required></div>
<div><label for="q-names">${t(lang, '岗位名称（可选，用顿号分隔）', 'Post names (optional, comma-separated)')}</label><input id="q-names" name="postNames" maxlength="2000" placeholder="${t(lang, '护林员、保洁员', 'forest ranger, cleaner')}"></div>
<div class="actions"><button type="submit">${t(lang, '设定', 'Set')}</button></div></form></section>` : '';
    const body = html`<p><a href="/admin/welfare-jobs">← ${t(lang, '公益岗位台账', 'Public-welfare posts')}</a></p>
${req.query.done === '1' ? html`<p class="notice ok" role="status">${t(lang, '已保存。', 'Saved.')}</p>` : ''}
<section class="card"><h2>${t(lang, `${year}年度各乡镇公益岗位指标`, `Posts per township in ${year}`)}</h2>
<p class="actions"><a class="button secondary" href="${QUOTAS_PATH}?year=${year - 1}">← ${t(lang, `${year - 1}年度`, String(year - 1))}</a> <a class="button secondary" href="${QUOTAS_PATH}?year=${year + 1}">${t(lang, `${year + 1}年度`, String(year + 1))} →</a></p>
<p class="muted">${t(lang, '在岗：目前在岗人数；累计：本乡镇全部岗位（含申请中和已结束）。未设定指标的乡镇照常申请。', 'In post: holders now; jobs: all of the township\'s jobs (applications and ended ones included). A township without a quota applies as before.')}</p>
${townships.length === 0 ? html`<p class="notice">${t(lang, '辖区内没有乡镇。', 'No township in your region.')}</p>` : html`<div class="table-wrap"><table class="data" id="quotas">
<thead><tr><th>${t(lang, '乡镇', 'Township')}</th><th class="num">${t(lang, '指标岗位数', 'Posts set')}</th><th>${t(lang, '岗位名称', 'Post names')}</th><th>${t(lang, '乡镇公告', 'Announcement')}</th><th class="num">${t(lang, '在岗', 'In post')}</th><th class="num">${t(lang, '累计', 'Jobs')}</th><th></th></tr></thead>
<tbody>${rows}</tbody></table></div>`}
</section>
${setForm}`;
    res.type('html').send(adminPage({ lang, req, official, csrf, title: t(lang, '公益岗位指标', 'Public-welfare job quotas'), body }));
  };
}

/** POST /admin/welfare-jobs/quotas — the county sets one township's posts for a year. */
export function setWelfareJobQuotaAction(ctx: ServiceContext): RequestHandler {
  return formAction(() => QUOTAS_PATH, async (req, res) => {
    const lang: Lang = res.locals.lang;
    const form = parse(ZQuotaForm, formBody(req), lang);
    const postNames = form.postNames?.split(/[、,，;；\s]+/).map((s) => s.trim()).filter(Boolean);
    const body = parse(ZSetWelfareJobQuotasSchema, { year: form.year, townships: [{ townshipCode: form.townshipCode, posts: form.posts, ...(postNames && postNames.length > 0 ? { postNames } : {}) }] }, lang);
    try {
      await setWelfareJobQuotas(ctx, req.official!, body.year, body.townships);
    } catch (err) {
      throw err instanceof AppError ? inChinese(err, lang, { INVALID_INPUT: '不是已知的乡镇', FORBIDDEN: err.field ? '不在您的辖区内' : '只有县级干部或管理员可以设定公益岗位指标' }) : err;
    }
    return `${QUOTAS_PATH}?done=1`;
  });
}

/** POST /admin/welfare-jobs/quotas/:townshipCode/announce — 乡镇公告. */
export function announceWelfareJobQuotaAction(ctx: ServiceContext): RequestHandler {
  return formAction(() => QUOTAS_PATH, async (req, res) => {
    const lang: Lang = res.locals.lang;
    const { townshipCode } = parse(ZTownshipCodeParam, { townshipCode: String(req.params.townshipCode) }, lang);
    const form = parse(ZAnnounceForm, formBody(req), lang);
    const body = parse(ZAnnounceWelfareJobQuotaSchema, { year: form.year, announcedOn: form.announcedOn, text: form.announcementText }, lang, { text: 'announcementText' });
    try {
      await announceWelfareJobQuota(ctx, req.official!, townshipCode, body);
    } catch (err) {
      throw err instanceof AppError ? inChinese(err, lang, {
        INVALID_INPUT: '不是已知的乡镇', FORBIDDEN: err.field ? '不在您的辖区内' : '只有乡镇、县级干部或管理员可以公布公益岗位指标', NOT_FOUND: `${body.year}年度尚未设定公益岗位指标`,
      }) : err;
    }
    return `${QUOTAS_PATH}?done=1`;
  });
}

/** The 提前退出 form of a job's page (only while in post, for officials who may record it). */
export function welfareJobExitForm(official: AuthOfficial, processId: string, status: string, csrf: string, lang: Lang): SafeHtml | '' {
  if (status !== 'IN_POST' || !WELFARE_JOB_EXIT_ROLES.includes(official.role)) return '';
  return html`<section class="card" aria-labelledby="exit"><h2 id="exit">${t(lang, '提前退出', 'Early exit')}</h2>
<p class="muted">${t(lang, '岗位即时结束，未办结的工资确认等待办随之取消，案件上的公益岗位帮扶措施标记为结束。理由中请勿填写姓名、身份证号等个人信息。', 'The job ends at once, its open tasks are cancelled and the measure on the case is marked ended. Write no names or ID numbers in the reason.')}</p>
<form method="post" action="/admin/welfare-jobs/${encodeURIComponent(processId)}/exit"><input type="hidden" name="_csrf" value="${csrf}">
<label for="exit-reason">${t(lang, '退出理由', 'Reason')}</label><textarea id="exit-reason" name="reason" required maxlength="1000" placeholder="${t(lang, '辞职、外出务工、不再符合条件……', 'resigned, working away, no longer eligible…')}"></textarea>
<div class="actions"><button type="submit">${t(lang, '提前退出', 'Record the exit')}</button></div></form></section>`;
}

/** POST /admin/welfare-jobs/:id/exit — 提前退出. */
export function exitWelfareJobAction(ctx: ServiceContext): RequestHandler {
  const jobPath = (req: Request): string => `/admin/welfare-jobs/${encodeURIComponent(String(req.params.id))}`;
  return formAction(jobPath, async (req, res) => {
    const lang: Lang = res.locals.lang;
    const body = parse(ZWelfareJobExitSchema, formBody(req), lang);
    try {
      await exitWelfareJob(ctx, req.official!, String(req.params.id), body.reason);
    } catch (err) {
      if (err instanceof AppError && err.details?.refusal === 'WRONG_STATE' && lang === 'zh-CN') {
        // The shared refusal text speaks of a case (案件); here it is a job.
        throw new AppError(err.code, '只有在岗期间才能办理提前退出（该岗位尚未上岗或已结束）。', { field: err.field });
      }
      throw err instanceof AppError ? inChinese(err, lang, { FORBIDDEN: '只有村级及以上干部可以办理提前退出', NOT_FOUND: '找不到该公益岗位', CONFLICT: '该岗位已结束，不能再办理提前退出。' }) : err;
    }
    return `${jobPath(req)}?done=1`;
  });
}
