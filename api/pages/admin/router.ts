/**
 * The admin pages under `/admin`: sign-in, dashboard, case list and detail, overdue tasks,
 * outbox, and the POST actions. Everything past the sign-in needs a session; every POST needs
 * the session's CSRF token. Pages are never cached and never framed.
 */
import { gridWorkerPage } from './grid';
import express from 'express';
import type { ErrorRequestHandler, RequestHandler, Router } from 'express';
import { AppError, toAppError } from '../../http/app-error';
import { rejectHostileInput, verifyFormEncoding } from '../../http/hostile-input';
import { appErrorMessage } from '../../http/messages';
import type { ServiceContext } from '../../services/context';
import { html } from '../html';
import type { Lang } from '../i18n';
import { closeAction, nudgeAction, rollbackAction, transferAction } from './actions';
import { caseDetailPage } from './case-detail';
import { caseListPage, caseSearchSubmit } from './case-list';
import { dashboardPage } from './dashboard';
import { w } from './labels';
import { loginPage, loginSubmit, logout } from './login';
import { addOfficialAction, deactivateOfficialAction, issueTokenAction, officialsPage, revokeTokenAction } from './officials';
import { outboxPage } from './outbox';
import { importRowsPage, importsPage } from './imports';
import { checkCsrf, csrfToken, officialOfSession } from './session';
import { adminLang, adminPage } from './shell';
import { tasksPage } from './tasks';
import { handbookPage, handbookPdf } from './handbook';
import { draftPage, draftDocxDownload, draftPdfDownload, reportListPage, reportPage, reportPdfDownload, reportXlsxDownload } from './reports';
import { campaignDetailPage, campaignLedgerXlsx, campaignsPage } from './campaigns';
import { assetsPage, processPage, projectsPage } from './fund-pages';
import { programmeDetailPage, programmeListPage } from './programmes';
import { announceWelfareJobQuotaAction, exitWelfareJobAction, setWelfareJobQuotaAction, welfareJobQuotasPage } from './welfare-job-quotas';

/** Headers of every admin page: no caching (personal data), no framing, no scripts. */
export const pageSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  next();
};

function requireSession(ctx: ServiceContext): RequestHandler {
  return async (req, res, next) => {
    const s = await officialOfSession(ctx.prisma, ctx.secret, req);
    if (!s) {
      if (req.method === 'GET') {
        res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      throw new AppError('UNAUTHENTICATED', 'sign in again');
    }
    req.official = s.official;
    res.locals.csrf = csrfToken(ctx.secret, s.session.sid);
    res.locals.sid = s.session.sid;
    res.locals.lang = adminLang(req, res, s.official);
    if (req.method === 'POST' && !checkCsrf(ctx.secret, s.session.sid, (req.body as Record<string, unknown> | undefined)?._csrf)) {
      throw new AppError('FORBIDDEN', 'CSRF');
    }
    next();
  };
}

const errorPage: ErrorRequestHandler = (err, req, res, _next) => {
  const lang: Lang = res.locals.lang ?? adminLang(req, res);
  const appErr = toAppError(err, lang, 'admin');
  const status = appErr.status;
  const message = appErr.message === 'CSRF' ? w(lang, 'csrf') : appErrorMessage(appErr, lang);
  if (status === 503) res.setHeader('Retry-After', '5');
  const title = status === 403 ? w(lang, 'forbidden') : status === 404 ? w(lang, 'notFound') : w(lang, 'failed');
  res.status(status).type('html').send(adminPage({
    lang, req, official: req.official, csrf: res.locals.csrf, title,
    body: html`<p class="notice error" role="alert">${message}</p><p><a class="button secondary" href="/admin">${w(lang, 'back')}</a></p>`,
  }));
};

/** The admin router; mount it at `/admin`. */
export function adminRouter(ctx: ServiceContext): Router {
  const r = express.Router();
  r.use(pageSecurityHeaders);
  // The form body passes the same net as the JSON API's (NUL, unpaired surrogates, undecodable
  // percent-encoding → 400 naming the field) before any page hands it to PostgreSQL.
  r.use(express.urlencoded({ extended: false, limit: '100kb', verify: verifyFormEncoding }), rejectHostileInput);
  r.get('/login', loginPage());
  r.post('/login', loginSubmit(ctx));
  r.use(requireSession(ctx));
  r.post('/logout', logout(ctx));
  r.get('/grid', gridWorkerPage(ctx));
  // A grid worker (网格员, GRID) has their grid page and nothing else: their start page is it.
  r.use((req, res, next) => {
    if (req.official?.role !== 'GRID') return next();
    if (req.method === 'GET' && (req.path === '/' || req.path === '/dashboard')) return res.redirect(303, '/admin/grid');
    next(new AppError('FORBIDDEN', 'a grid worker (网格员) sees their grid page only'));
  });
  r.get(['/', '/dashboard'], dashboardPage(ctx));
  r.get('/cases', caseListPage(ctx));
  r.post('/cases', caseSearchSubmit(ctx));
  r.get('/cases/:id', caseDetailPage(ctx));
  r.get('/cases/:id/handbook', handbookPage(ctx));
  r.get('/cases/:id/handbook/pdf', handbookPdf(ctx));
  r.post('/cases/:id/close', closeAction(ctx));
  r.post('/cases/:id/rollback', rollbackAction(ctx));
  r.get('/tasks', tasksPage(ctx));
  r.post('/tasks/:id/nudge', nudgeAction(ctx));
  r.post('/tasks/:id/transfer', transferAction(ctx));
  r.get('/projects', projectsPage(ctx));
  r.get('/assets', assetsPage(ctx));
  r.get('/processes/:id', processPage(ctx));
  r.get('/loans', programmeListPage(ctx, 'loans'));
  r.get('/loans/:id', programmeDetailPage(ctx, 'loans'));
  r.get('/welfare-jobs', programmeListPage(ctx, 'posts'));
  r.get('/welfare-jobs/quotas', welfareJobQuotasPage(ctx));
  r.post('/welfare-jobs/quotas', setWelfareJobQuotaAction(ctx));
  r.post('/welfare-jobs/quotas/:townshipCode/announce', announceWelfareJobQuotaAction(ctx));
  r.get('/welfare-jobs/:id', programmeDetailPage(ctx, 'posts'));
  r.post('/welfare-jobs/:id/exit', exitWelfareJobAction(ctx));
  r.get('/settlements', programmeListPage(ctx, 'settlements'));
  r.get('/settlements/:id', programmeDetailPage(ctx, 'settlements'));
  r.get('/outbox', outboxPage(ctx));
  r.get('/reports', reportListPage(ctx));
  r.get('/reports/draft', draftPage(ctx));
  r.get('/reports/draft/pdf', draftPdfDownload(ctx));
  r.get('/reports/draft/docx', draftDocxDownload(ctx));
  r.get('/reports/:id', reportPage(ctx));
  r.get('/reports/:id/xlsx', reportXlsxDownload(ctx));
  r.get('/reports/:id/pdf', reportPdfDownload(ctx));
  r.get('/campaigns', campaignsPage(ctx));
  r.get('/campaigns/:id', campaignDetailPage(ctx));
  r.get('/campaigns/:id/ledger.xlsx', campaignLedgerXlsx(ctx));
  r.get('/imports', importsPage(ctx));
  r.get('/imports/:id', importRowsPage(ctx));
  r.get('/officials', officialsPage(ctx));
  r.post('/officials', addOfficialAction(ctx));
  r.post('/officials/:id/deactivate', deactivateOfficialAction(ctx));
  r.post('/officials/:id/tokens', issueTokenAction(ctx));
  r.post('/officials/:id/tokens/:tokenId/revoke', revokeTokenAction(ctx));
  r.use((_req, _res, next) => next(new AppError('NOT_FOUND', 'no such page')));
  r.use(errorPage);
  return r;
}
