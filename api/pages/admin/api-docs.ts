/**
 * GET /api/docs — a browsable API reference rendered on the server from the same OpenAPI
 * document as `/api/openapi.json` (no scripts, no CDN).
 */
import type { RequestHandler } from 'express';
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';
import { adminLang, adminPage } from './shell';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const T = {
  title: { 'zh-CN': 'API 参考', en: 'API reference' },
  intro: {
    'zh-CN': '除标注“公开”的接口外，请求须带 Authorization: Bearer <令牌>。错误统一返回 {"error":{"code","message","field"}}。机器可读文档：',
    en: 'Except where marked public, send Authorization: Bearer <token>. Errors are {"error":{"code","message","field"}}. Machine-readable document: ',
  },
  params: { 'zh-CN': '参数', en: 'Parameters' },
  body: { 'zh-CN': '请求体', en: 'Request body' },
  responses: { 'zh-CN': '响应', en: 'Responses' },
  public: { 'zh-CN': '公开', en: 'public' },
  required: { 'zh-CN': '必填', en: 'required' },
  schema: { 'zh-CN': '结构', en: 'Schema' },
} as const;

/** Anchor of an operation, e.g. `post-api-imports`. */
export function operationAnchor(method: string, path: string): string {
  return `${method}-${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.toLowerCase();
}

function typeOf(schema: Record<string, unknown> | undefined): string {
  if (!schema) return '';
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).join(' | ');
  const t = schema.type ?? (schema.anyOf ? 'anyOf' : schema.oneOf ? 'oneOf' : '');
  const fmt = schema.format ? ` (${String(schema.format)})` : schema.pattern ? ` /${String(schema.pattern)}/` : '';
  return `${String(t)}${fmt}`;
}

function schemaBlock(lang: Lang, schema: unknown): SafeHtml {
  return html`<details><summary>${T.schema[lang]}</summary><pre class="raw">${JSON.stringify(schema, null, 2)}</pre></details>`;
}

function renderOperation(lang: Lang, method: string, path: string, op: Operation): SafeHtml {
  const params = op.parameters ?? [];
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  return html`<section class="card" id="${operationAnchor(method, path)}" data-operation="${method.toUpperCase()} ${path}">
<h3><span class="badge">${method.toUpperCase()}</span> <code>${path}</code>${isPublic ? html` <span class="badge">${T.public[lang]}</span>` : ''}</h3>
<p>${op.summary ?? ''}${op.description ? html` <span class="muted">${op.description}</span>` : ''}</p>
${params.length > 0 ? html`<h4>${T.params[lang]}</h4><div class="table-wrap"><table class="data"><tbody>${params.map((p) => html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${p.required ? T.required[lang] : ''}</td><td>${typeOf(p.schema)}</td><td class="muted">${String(p.schema?.description ?? '')}</td></tr>`)}</tbody></table></div>` : ''}
${op.requestBody?.content ? html`<h4>${T.body[lang]}</h4>${Object.entries(op.requestBody.content).map(([type, c]) => html`<p><code>${type}</code></p>${schemaBlock(lang, c.schema)}`)}` : ''}
<h4>${T.responses[lang]}</h4>${Object.entries(op.responses ?? {}).map(([status, r]) => html`<p><strong>${status}</strong> ${r.description ?? ''} ${Object.keys(r.content ?? {}).map((t) => html`<code>${t}</code> `)}</p>${Object.values(r.content ?? {}).map((c) => (c.schema && !(c.schema as { $ref?: string }).$ref ? schemaBlock(lang, c.schema) : ''))}`)}
</section>`;
}

/** The reference page for the OpenAPI document `doc()` returns. */
export function apiDocsPage(doc: () => Record<string, unknown>): RequestHandler {
  return (req, res) => {
    const lang = adminLang(req, res);
    const d = doc() as { info?: { title?: string; version?: string }; paths?: Record<string, Record<string, Operation>> };
    const ops = Object.entries(d.paths ?? {}).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    const byTag = new Map<string, typeof ops>();
    for (const o of ops) {
      const tag = o.op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), o]);
    }
    const body = html`<p class="muted">${d.info?.title ?? ''} ${d.info?.version ?? ''} — ${T.intro[lang]}<a href="/api/openapi.json">/api/openapi.json</a></p>
<nav class="card" aria-label="${T.title[lang]}"><ul>${[...byTag].map(([tag, list]) => html`<li><strong>${tag}</strong>: ${list.map((o) => html`<a href="#${operationAnchor(o.method, o.path)}">${o.method.toUpperCase()} ${o.path}</a> · `)}</li>`)}</ul></nav>
${[...byTag].map(([tag, list]) => html`<h2 id="tag-${tag}">${tag}</h2>${list.map((o) => renderOperation(lang, o.method, o.path, o.op))}`)}`;
    res.type('html').send(adminPage({ lang, req, title: T.title[lang], body }));
  };
}
