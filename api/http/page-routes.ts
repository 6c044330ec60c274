/**
 * Routes outside the JSON API — health, metrics, the admin and task-link pages — declared for the
 * OpenAPI document, so it lists every route the server answers (a test walks the app's routers
 * and fails on any route missing here). Their handlers live with the pages; these are the
 * documentation of their inputs and outputs.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import type { RouteSpec } from './define-route';
import { ZListCasesQuerySchema } from '../routes/cases/list-cases.types';

/** A route documented in the OpenAPI document but served by its own handler. */
export type DocumentedRoute = Omit<RouteSpec<any, any, any, any>, 'handler'>;

const page = { 'text/html': z.string().describe('an HTML page (zh-CN by default, ?lang=en for English)') };
const redirect = { 'text/plain': z.string().describe('303 See Other to the next page') };
const pdf = { 'application/pdf': z.string().describe('a PDF document') };
const lang = z.object({ lang: z.enum(['zh-CN', 'en']).optional() });
const tokenParam = z.object({ token: safeText().describe('the signed task-link token from the email') });
const idParam = z.object({ id: safeText() });
const csrf = safeText().describe('the CSRF token of the session');

/** The routes that are not JSON API routes. */
export const PAGE_ROUTES: DocumentedRoute[] = [
  { method: 'get', path: '/', summary: 'Redirects to the admin sign-in', tags: ['pages'], roles: 'public', status: 302, response: z.string(), produces: redirect },
  {
    method: 'get', path: '/healthz', summary: 'Liveness: the process answers', tags: ['meta'], roles: 'public',
    response: z.object({ status: z.literal('ok') }),
  },
  {
    method: 'get', path: '/readyz', summary: 'Readiness: PostgreSQL and Temporal reachable (503 when not)', tags: ['meta'], roles: 'public',
    response: z.object({ status: z.enum(['ready', 'not ready']), postgres: z.boolean(), temporal: z.boolean() }),
  },
  {
    method: 'get', path: '/metrics', summary: 'Prometheus metrics (text exposition format)', tags: ['meta'], roles: 'public',
    response: z.string(), produces: { 'text/plain': z.string().describe('Prometheus text format 0.0.4') },
  },
  { method: 'get', path: '/api/docs', summary: 'This reference as a page', tags: ['meta'], roles: 'public', query: lang, response: z.string(), produces: page },
  { method: 'get', path: '/t/{token}', summary: 'Task link: the confirm page (nothing happens until a button is pressed)', tags: ['task links'], roles: 'public', params: tokenParam, query: lang, response: z.string(), produces: page },
  {
    method: 'post', path: '/t/{token}', summary: 'Task link: submit the decision or action', tags: ['task links'], roles: 'public', status: 303,
    params: tokenParam, query: lang, response: z.string(), produces: redirect,
    consumes: { 'application/x-www-form-urlencoded': z.object({ csrf, action: safeText(), reason: safeText().optional() }).catchall(safeText()) },
  },
  {
    method: 'post', path: '/t/{token}/visit', summary: 'Grid task link (网格员页面): record one household\'s visit result; back to the page', tags: ['task links'], roles: 'public', status: 303,
    description: 'A risk found names one or more risk types: `riskTypes` once per ticked checkbox. None, or an unknown one, is refused with 400 naming riskTypes (the page shows it in the reader\'s language).',
    params: tokenParam, query: lang, response: z.string(), produces: redirect,
    consumes: { 'application/x-www-form-urlencoded': z.object({ csrf, householdId: safeText(), result: safeText(), category: safeText().optional(), riskTypes: z.union([safeText(), z.array(safeText())]).optional() }) },
  },
  { method: 'get', path: '/t/{token}/handbook', summary: 'The household\'s 帮扶手册 from its assistance contact\'s link (the link authorises it; masked)', tags: ['task links'], roles: 'public', params: tokenParam, query: lang, response: z.string(), produces: page },
  { method: 'get', path: '/t/{token}/handbook/pdf', summary: 'The 帮扶手册 as PDF from the assistance contact\'s link', tags: ['task links'], roles: 'public', params: tokenParam, query: lang, response: z.string(), produces: pdf },
  { method: 'get', path: '/t/{token}/done', summary: 'Task link: the outcome page', tags: ['task links'], roles: 'public', params: tokenParam, query: lang, response: z.string(), produces: page },
  { method: 'get', path: '/admin/login', summary: 'Admin sign-in page', tags: ['pages'], roles: 'public', query: lang.extend({ next: safeText().optional() }), response: z.string(), produces: page },
  {
    method: 'post', path: '/admin/login', summary: 'Sign in with an API token (sets an 8-hour session cookie)', tags: ['pages'], roles: 'public', status: 303,
    response: z.string(), produces: redirect,
    consumes: { 'application/x-www-form-urlencoded': z.object({ token: safeText(), next: safeText().optional(), _login: safeText() }) },
  },
  ...(
    [
      ['post', '/admin/logout', 'Sign out'],
      ['get', '/admin', 'Dashboard (figures of the region)'],
      ['get', '/admin/dashboard', 'Dashboard (figures of the region)'],
      ['get', '/admin/cases', 'Case list; the search text arrives sealed in qs, never in the URL'],
      ['post', '/admin/cases', 'Case list filter and search form; redirects to the list with an opaque search token'],
      ['get', '/admin/cases/{id}', 'Case page with timeline'],
      ['post', '/admin/cases/{id}/close', 'Close a case (form)'],
      ['post', '/admin/cases/{id}/rollback', 'Roll back an elimination (form)'],
      ['get', '/admin/tasks', 'Overdue tasks'],
      ['post', '/admin/tasks/{id}/nudge', 'Nudge (催办) a task (form)'],
      ['post', '/admin/tasks/{id}/transfer', 'Transfer or reassign a task (form)'],
      ['get', '/admin/projects', 'Fund projects (衔接资金项目): library with filters, start rate and spending pace charts, township ranking'],
      ['get', '/admin/assets', 'Project assets (帮扶项目资产): ledger with filters (class, owner, idle, inspection overdue)'],
      ['get', '/admin/processes/{id}', 'A project\'s or an asset\'s page with its timeline'],
      ['get', '/admin/loans', 'Microcredit loans (小额信贷台账): filters (township, village, status, overdue grade, overdue tasks) and paging'],
      ['get', '/admin/loans/{id}', 'A loan\'s page: facts, open tasks and timeline (audit trail and named timers)'],
      ['get', '/admin/welfare-jobs', 'Public-welfare posts (公益岗位台账): filters (township, village, status, late confirmations, overdue tasks) and paging'],
      ['get', '/admin/welfare-jobs/quotas', 'Public-welfare posts per township (公益岗位指标) this year: set, announced, in post, jobs; the county\'s form and the township\'s announce button'],
      ['post', '/admin/welfare-jobs/quotas', 'Set a township\'s posts for a year (county or administrator; form: year, townshipCode, posts, postNames)'],
      ['post', '/admin/welfare-jobs/quotas/{townshipCode}/announce', 'Record the township\'s announcement (乡镇公告) of its posts (form: year, announcedOn, announcementText)'],
      ['get', '/admin/welfare-jobs/{id}', 'A post\'s page: facts, monthly confirmations, open tasks and timeline'],
      ['post', '/admin/welfare-jobs/{id}/exit', 'Record an early exit (提前退出) from a post in post (form: reason)'],
      ['get', '/admin/settlements', 'Relocation settlements (易地搬迁安置点): filters (township, completeness, overdue items) and paging'],
      ['get', '/admin/settlements/{id}', 'A settlement\'s page: its checklist, open tasks and timeline'],
      ['get', '/admin/outbox', 'Notification outbox'],
      ['get', '/admin/cases/{id}/handbook', 'The household\'s 帮扶手册 (handbook): measures, contacts and history, masked'],
      ['get', '/admin/cases/{id}/handbook/pdf', 'The 帮扶手册 as PDF'],
      ['get', '/admin/reports', 'Reports (月调度 / 季通报) of the county'],
      ['get', '/admin/reports/draft', 'The half-year draft with every figure filled (period in the query)'],
      ['get', '/admin/reports/draft/pdf', 'The half-year draft as PDF'],
      ['get', '/admin/reports/draft/docx', 'The half-year draft as DOCX (Word), to edit into the summary'],
      ['get', '/admin/reports/{id}', 'One report version: figures, ranking chart, changes'],
      ['get', '/admin/reports/{id}/xlsx', 'One report version as XLSX'],
      ['get', '/admin/reports/{id}/pdf', 'One report version as PDF'],
      ['get', '/admin/campaigns', 'Screening campaigns (集中排查)'],
      ['get', '/admin/grid', 'A grid worker\'s grids (我的网格): each household with its category, open case and latest screening result'],
      ['get', '/admin/campaigns/{id}', 'A campaign: progress per village, zero-finding villages, timeline'],
      ['get', '/admin/campaigns/{id}/ledger.xlsx', 'A campaign\'s ledger (台账) as XLSX (villageCode in the query for one village)'],
      ['get', '/admin/imports', 'Bulk imports (批量导入) with rows received, started, known, refused, pending'],
      ['get', '/admin/imports/{id}', 'One import: its counts and refused rows'],
      ['get', '/admin/mail', 'Mail caught by the local mail catcher'],
      ['get', '/admin/mail/{id}', 'One caught message'],
      ['get', '/admin/officials', 'Officials of the county (administrators)'],
      ['post', '/admin/officials', 'Add an official (form)'],
      ['post', '/admin/officials/{id}/deactivate', 'Deactivate an official; open tasks go to a stand-in or colleague (form)'],
      ['post', '/admin/officials/{id}/tokens', 'Issue an API token, shown once (form)'],
      ['post', '/admin/officials/{id}/tokens/{tokenId}/revoke', 'Revoke an API token (form)'],
    ] as const
  ).map(([method, path, summary]): DocumentedRoute => ({
    method, path, summary, tags: ['pages'], roles: path === '/admin/grid' ? ['GRID'] : ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN', 'CONTACT'],
    description: 'Needs the admin session cookie (sign in at /admin/login); a POST needs the session\'s CSRF token in `_csrf`.',
    ...(path.includes('{tokenId}') ? { params: idParam.extend({ tokenId: safeText() }) } : path.includes('{id}') ? { params: idParam }
      : path.includes('{townshipCode}') ? { params: z.object({ townshipCode: safeText() }) } : {}),
    query: lang,
    ...(method === 'post' ? { status: 303, consumes: { 'application/x-www-form-urlencoded': z.object({ _csrf: csrf }).catchall(safeText()) }, produces: redirect } : { produces: page }),
    response: z.string(),
  })).map((r) =>
    r.method === 'get' && r.path === '/admin/cases'
      ? {
          ...r,
          query: ZListCasesQuerySchema.extend({
            lang: z.enum(['zh-CN', 'en']).optional(),
            set: safeText().optional().describe('a figure\'s case set (from the dashboard)'),
            qs: safeText().optional().describe('opaque search token from POST /admin/cases'),
            q: safeText().max(100).optional().describe('search text other than an ID number (an ID number is only searched through the form)'),
          }),
        }
      : r,
  ),
];
