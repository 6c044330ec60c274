/**
 * /admin/officials — 干部管理 for administrators: list the officials of the county, add one,
 * deactivate one (open tasks handed over through the case workflow, see
 * {@link deactivateOfficial}), issue an API token (shown once) and revoke tokens.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { AuthOfficial } from '../../auth/authenticate';
import { issueToken } from '../../auth/tokens';
import { AppError, fromZodError } from '../../http/app-error';
import type { ServiceContext } from '../../services/context';
import { ROLES, createOfficial, deactivateOfficial } from '../../services/officials';
import { html } from '../html';
import type { Lang } from '../i18n';
import { actionErrorPage } from './actions';
import { adminPage, options, when } from './shell';

const t = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);

const ZAddForm = z.object({
  name: z.string().trim().min(1, 'required').max(50),
  email: z.email('not an email address'),
  role: z.enum(ROLES),
  regionCode: z.string().regex(/^\d{12}$/, 'must be a 12-digit region code'),
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  standsInForId: z.string().max(100).optional(),
});
const ZTokenForm = z.object({ label: z.string().trim().max(100).optional() });

function requireAdmin(official: AuthOfficial): void {
  if (official.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'only an administrator manages officials');
}

/** Region codes an administrator manages: its county (or city) and everything below. */
async function codesInScope(ctx: ServiceContext, official: AuthOfficial): Promise<Set<string>> {
  const all = await ctx.prisma.region.findMany({ select: { code: true, parentCode: true } });
  const children = new Map<string, string[]>();
  for (const r of all) if (r.parentCode) children.set(r.parentCode, [...(children.get(r.parentCode) ?? []), r.code]);
  const out = new Set<string>();
  const stack = [official.regionCode];
  while (stack.length > 0) {
    const c = stack.pop() as string;
    if (out.has(c)) continue;
    out.add(c);
    stack.push(...(children.get(c) ?? []));
  }
  return out;
}

async function officialInScope(ctx: ServiceContext, admin: AuthOfficial, id: string) {
  const o = await ctx.prisma.official.findUnique({ where: { id } });
  if (!o || !(await codesInScope(ctx, admin)).has(o.regionCode)) throw new AppError('NOT_FOUND', `official ${id} not found`, { field: 'officialId' });
  return o;
}

function parseForm<T extends z.ZodType>(schema: T, req: Request, lang: Lang): z.infer<T> {
  const body = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([k, v]) => v !== '' && k !== '_csrf'));
  const r = schema.safeParse(body);
  if (!r.success) throw fromZodError(r.error, undefined, lang, body);
  return r.data;
}

function refusals(run: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    try {
      await run(req, res);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      actionErrorPage(req, res, err, '/admin/officials');
    }
  };
}

/** GET /admin/officials */
export function officialsPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const admin = req.official!;
    requireAdmin(admin);
    const lang: Lang = res.locals.lang;
    const csrf: string = res.locals.csrf;
    const scope = await codesInScope(ctx, admin);
    const [officials, regions] = await Promise.all([
      ctx.prisma.official.findMany({
        where: { regionCode: { in: [...scope] } }, orderBy: [{ active: 'desc' }, { regionCode: 'asc' }, { role: 'asc' }, { id: 'asc' }],
        include: { tokens: { where: { revokedAt: null }, orderBy: { createdAt: 'asc' } } },
      }),
      ctx.prisma.region.findMany({ where: { code: { in: [...scope] } }, orderBy: { code: 'asc' } }),
    ]);
    const regionName = (code: string): string => {
      const r = regions.find((x) => x.code === code);
      return r ? (lang === 'en' && r.nameEn ? r.nameEn : r.name) : code;
    };
    const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
    const rows = officials.map((o) => html`<tr data-official-id="${o.id}" data-active="${String(o.active)}">
<td>${o.name}<br><small class="muted">${o.id}</small></td><td>${o.email}</td><td>${o.role}</td><td>${regionName(o.regionCode)}<br><small class="muted">${o.regionCode}</small></td>
<td>${o.active ? t(lang, '在岗', 'active') : t(lang, '已停用', 'deactivated')}${o.standsInForId ? html`<br><small>${t(lang, '代理', 'stands in for')} ${o.standsInForId}</small>` : ''}</td>
<td>${o.tokens.map((k) => html`<form class="inline-form" method="post" action="/admin/officials/${encodeURIComponent(o.id)}/tokens/${encodeURIComponent(k.id)}/revoke">${hidden}<span>${k.label ?? '—'} · ${when(k.createdAt, lang)}</span> <button type="submit" class="secondary">${t(lang, '吊销', 'Revoke')}</button></form>`)}
${o.active ? html`<form class="inline-form" method="post" action="/admin/officials/${encodeURIComponent(o.id)}/tokens">${hidden}<input name="label" aria-label="${t(lang, '用途', 'label')}" placeholder="${t(lang, '用途', 'label')}" maxlength="100"> <button type="submit">${t(lang, '签发令牌', 'Issue token')}</button></form>` : ''}</td>
<td>${o.active && o.id !== admin.id ? html`<form class="inline-form" method="post" action="/admin/officials/${encodeURIComponent(o.id)}/deactivate">${hidden}<button type="submit" class="secondary">${t(lang, '停用', 'Deactivate')}</button></form>` : ''}</td></tr>`);
    const body = html`<section class="card"><h2>${t(lang, '新增干部', 'Add an official')}</h2>
<form method="post" action="/admin/officials" class="filters">${hidden}
<div><label for="o-name">${t(lang, '姓名', 'Name')}</label><input id="o-name" name="name" required maxlength="50"></div>
<div><label for="o-email">${t(lang, '邮箱', 'Email')}</label><input id="o-email" name="email" type="email" required></div>
<div><label for="o-role">${t(lang, '角色', 'Role')}</label><select id="o-role" name="role">${options(ROLES.map((r) => ({ value: r, text: r })), 'VILLAGE')}</select></div>
<div><label for="o-region">${t(lang, '区划', 'Region')}</label><select id="o-region" name="regionCode">${options(regions.map((r) => ({ value: r.code, text: `${regionName(r.code)} (${r.code})` })), undefined)}</select></div>
<div><label for="o-lang">${t(lang, '语言', 'Language')}</label><select id="o-lang" name="language">${options([{ value: 'zh-CN', text: '中文' }, { value: 'en', text: 'English' }], 'zh-CN')}</select></div>
<div><label for="o-standin">${t(lang, '代理（干部编号）', 'Stands in for (official id)')}</label><input id="o-standin" name="standsInForId" maxlength="100"></div>
<div class="actions"><button type="submit">${t(lang, '新增', 'Add')}</button></div></form></section>
<div class="table-wrap"><table class="data"><thead><tr><th>${t(lang, '姓名', 'Name')}</th><th>${t(lang, '邮箱', 'Email')}</th><th>${t(lang, '角色', 'Role')}</th><th>${t(lang, '区划', 'Region')}</th><th>${t(lang, '状态', 'Status')}</th><th>${t(lang, 'API 令牌', 'API tokens')}</th><th></th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
    res.type('html').send(adminPage({ lang, req, official: admin, csrf, title: t(lang, '干部管理', 'Officials'), body }));
  };
}

/** POST /admin/officials — add. */
export function addOfficialAction(ctx: ServiceContext): RequestHandler {
  return refusals(async (req, res) => {
    requireAdmin(req.official!);
    const form = parseForm(ZAddForm, req, res.locals.lang);
    if (!(await codesInScope(ctx, req.official!)).has(form.regionCode)) throw new AppError('FORBIDDEN', `regionCode: ${form.regionCode} is outside your region`, { field: 'regionCode' });
    await createOfficial(ctx.prisma, { ...form, standsInForId: form.standsInForId ?? null });
    res.redirect(303, '/admin/officials?done=1');
  });
}

/** POST /admin/officials/:id/deactivate — deactivate and say what became of each open task. */
export function deactivateOfficialAction(ctx: ServiceContext): RequestHandler {
  return refusals(async (req, res) => {
    const admin = req.official!;
    requireAdmin(admin);
    const lang: Lang = res.locals.lang;
    const target = await officialInScope(ctx, admin, String(req.params.id));
    const r = await deactivateOfficial(ctx, admin, target.id);
    const items = r.tasks.map((x) => html`<li data-task-id="${x.taskId}" data-outcome="${x.outcome}">${x.caseId ? html`<a href="/admin/cases/${encodeURIComponent(x.caseId)}">${x.caseId}</a>` : html`<a href="/admin/processes/${encodeURIComponent(x.processId ?? '')}">${x.processId}</a>`} ${x.step}: ${
      x.outcome === 'TRANSFERRED' ? t(lang, `已转交给 ${x.toOfficialId}`, `transferred to ${x.toOfficialId}`)
        : x.outcome === 'LEFT_FOR_ESCALATION' ? t(lang, `无同级同区划的在岗干部，到期后按规定逐级上报（${x.reason}）；新增干部后可在案件页改派`, `no active colleague (${x.reason}): it escalates to the level above at its due time; reassign it from the case page once a colleague is added`)
          : t(lang, `转交失败：${x.reason}`, `transfer failed: ${x.reason}`)}</li>`);
    const contactItems = r.contacts.map((x) => html`<li data-case-id="${x.caseId}" data-outcome="${x.outcome}"><a href="/admin/cases/${encodeURIComponent(x.caseId)}">${x.caseId}</a> ${
      x.outcome === 'REASSIGNED' ? t(lang, `帮扶责任人改为 ${x.toOfficialId}`, `contact now ${x.toOfficialId}`)
        : x.outcome === 'NO_CONTACT' ? t(lang, `本村无其他在岗帮扶责任人（${x.reason}），未走访时提醒乡镇；新增后请重新指定`, `no other active contact (${x.reason}): missed contacts go to the township until one is added`)
          : t(lang, `更换失败：${x.reason}`, `reassignment failed: ${x.reason}`)}</li>`);
    const body = html`<p class="notice ok" role="status">${t(lang, `已停用 ${r.official.name}（${r.official.id}），吊销令牌 ${r.tokensRevoked} 个。`, `${r.official.name} (${r.official.id}) is deactivated; ${r.tokensRevoked} tokens revoked.`)}</p>
<section class="card"><h2>${t(lang, '未办结待办', 'Open tasks')} (${r.tasks.length})</h2>${r.tasks.length === 0 ? html`<p>${t(lang, '无', 'none')}</p>` : html`<ul>${items}</ul>`}</section>
${r.contacts.length === 0 ? '' : html`<section class="card"><h2>${t(lang, '联系的监测户', 'Households in their care')} (${r.contacts.length})</h2><ul>${contactItems}</ul></section>`}
<p><a class="button secondary" href="/admin/officials">${t(lang, '返回', 'Back')}</a></p>`;
    res.type('html').send(adminPage({ lang, req, official: admin, csrf: res.locals.csrf, title: t(lang, '停用干部', 'Deactivate an official'), body }));
  });
}

/** POST /admin/officials/:id/tokens — issue a token and show it once. */
export function issueTokenAction(ctx: ServiceContext): RequestHandler {
  return refusals(async (req, res) => {
    const admin = req.official!;
    requireAdmin(admin);
    const lang: Lang = res.locals.lang;
    const target = await officialInScope(ctx, admin, String(req.params.id));
    const form = parseForm(ZTokenForm, req, res.locals.lang);
    const token = await issueToken(ctx.prisma, target.id, form.label ?? `admin:${admin.id}`);
    const body = html`<p class="notice ok" role="status">${t(lang, `${target.name} 的新 API 令牌（只显示这一次，请立即保存；系统只保存其哈希）：`, `New API token for ${target.name} (shown once: store it now; only its hash is kept):`)}</p>
<p><code data-token>${token}</code></p><p><a class="button secondary" href="/admin/officials">${t(lang, '返回', 'Back')}</a></p>`;
    res.type('html').send(adminPage({ lang, req, official: admin, csrf: res.locals.csrf, title: t(lang, '签发令牌', 'Issue a token'), body }));
  });
}

/** POST /admin/officials/:id/tokens/:tokenId/revoke */
export function revokeTokenAction(ctx: ServiceContext): RequestHandler {
  return refusals(async (req, res) => {
    const admin = req.official!;
    requireAdmin(admin);
    const target = await officialInScope(ctx, admin, String(req.params.id));
    const { count } = await ctx.prisma.apiToken.updateMany({ where: { id: String(req.params.tokenId), officialId: target.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw new AppError('NOT_FOUND', 'no such live token', { field: 'tokenId' });
    res.redirect(303, '/admin/officials?done=1');
  });
}
