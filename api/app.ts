/**
 * The Express application: JSON API, health, metrics and OpenAPI. Pages (task links, admin)
 * mount here too.
 */
import express from 'express';
import type { Express } from 'express';
import { authenticate } from './auth/authenticate';
import { errorMiddleware } from './http/app-error';
import { rejectHostileInput } from './http/hostile-input';
import { authThrottle } from './http/auth-throttle';
import { AppError } from './http/app-error';
import type { RouteSpec } from './http/define-route';
import { defineRoute, mountRoutes } from './http/define-route';
import { metricsMiddleware } from './http/metrics';
import { apiDocsPage } from './pages/admin/api-docs';
import { adminRouter, pageSecurityHeaders } from './pages/admin/router';
import { buildOpenApi } from './http/openapi';
import { PAGE_ROUTES } from './http/page-routes';
import { caseActionRoutes } from './routes/cases/case-actions';
import { caseHistoryRoute } from './routes/cases/case-history';
import { createCaseRoute } from './routes/cases/create-case';
import { getCaseRoute } from './routes/cases/get-case';
import { listCasesRoute } from './routes/cases/list-cases';
import { importRoutes } from './routes/imports/imports';
import { statsRoute } from './routes/stats/stats';
import { taskRoutes } from './routes/tasks/tasks';
import { processRoutes } from './routes/processes/processes';
import { campaignRoutes } from './routes/campaigns/campaigns';
import { projectRoutes } from './routes/projects/projects';
import { assetRoutes } from './routes/assets/assets';
import { fundImportRoutes } from './routes/imports/fund-imports';
import { programmeImportRoutes } from './routes/imports/programme-imports';
import { microcreditRoutes } from './routes/microcredit/microcredit';
import { welfareJobRoutes } from './routes/welfare-jobs/welfare-jobs';
import { settlementRoutes } from './routes/settlements/settlements';
import { relocatedHouseholdRoutes } from './routes/settlements/relocated-households';
import { registerStatsGauges } from './services/collect-gauges';
import type { ServiceContext } from './services/context';
import { caughtMailPages } from './pages/mail/caught-mail-pages';
import { taskLinkPages } from './pages/task-link/task-link-pages';
import { z } from 'zod';
import { Registry, register } from 'prom-client';
import type { MetricsSource } from '../runtime/metrics';
import { enableProcessMetrics, registerOutboxGauges, renderExposition } from '../runtime/metrics';

/** All JSON API routes of the app. */
export function apiRoutes(ctx: ServiceContext): RouteSpec<any, any, any, any>[] {
  return [
    createCaseRoute(ctx), listCasesRoute(ctx), getCaseRoute(ctx), caseHistoryRoute(ctx), ...caseActionRoutes(ctx), ...taskRoutes(ctx),
    statsRoute(ctx), ...importRoutes(ctx),
    ...processRoutes(ctx), ...projectRoutes(ctx), ...assetRoutes(ctx), ...fundImportRoutes(ctx), ...programmeImportRoutes(ctx),
    ...campaignRoutes(ctx), ...microcreditRoutes(ctx), ...welfareJobRoutes(ctx), ...settlementRoutes(ctx), ...relocatedHouseholdRoutes(ctx),
  ];
}

/** A check that answers false when it fails or takes longer than `ms` (a dead peer must not hang /readyz). */
function within(check: Promise<unknown>, ms = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    check.then(() => true, () => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
}

async function readiness(ctx: ServiceContext): Promise<{ postgres: boolean; temporal: boolean }> {
  const [postgres, temporal] = await Promise.all([
    within(ctx.prisma.$queryRaw`SELECT 1`),
    // The call's own deadline ends it (and the client's retries of it, DEADLINE_EXCEEDED is final)
    // before the guard: /readyz never answers while a retry of its probe is still scheduled.
    within(ctx.temporal.connection.withDeadline(Date.now() + 1_500, () => ctx.temporal.connection.workflowService.getSystemInfo({})), 4_000),
  ]);
  return { postgres, temporal };
}

/** Options of {@link createApp} beyond the services' context. */
export interface AppOptions {
  /**
   * Further exposition text for `GET /metrics`: `npm start` runs the worker in the same process
   * and appends the Temporal SDK's own metrics here.
   */
  metricsSources?: MetricsSource[];
}

/** Builds the app. */
export function createApp(ctx: ServiceContext, options: AppOptions = {}): Express {
  const app = express();
  // Process-wide counters and histograms live in prom-client's default registry; the figures and
  // the outbox gauges read this app's database, so they get a registry of the app's own.
  enableProcessMetrics();
  const appMetrics = new Registry();
  registerStatsGauges(appMetrics, ctx);
  registerOutboxGauges(appMetrics, ctx.prisma);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(metricsMiddleware);
  // Imports read their body as bytes (CSV in UTF-8 or GBK, or JSON) and may be large.
  // A lead import (POST /api/imports), CSV or JSON, is streamed by its route, row by row: no body parser.
  // The fund project and asset ledgers are CSV files read whole (bounded), like the roster.
  app.use(['/api/imports/projects', '/api/imports/assets', '/api/imports/loans', '/api/imports/welfare-jobs'], express.raw({ type: () => true, limit: '32mb' }));
  app.use('/api/roster', express.raw({ type: () => true, limit: '32mb' }));
  const streamedImport = (req: { url?: string }): boolean => (req.url ?? '').split('?')[0].replace(/\/+$/, '') === '/api/imports';
  app.use(express.json({ limit: '2mb', type: (req) => !streamedImport(req) && /^application\/([\w.-]+\+)?json\b/i.test(req.headers['content-type'] ?? '') }));
  app.use(rejectHostileInput);

  // The root leads to the admin sign-in (or the dashboard, once signed in).
  app.get('/', (_req, res) => {
    res.redirect(302, '/admin');
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await readiness(ctx);
    res.status(r.postgres && r.temporal ? 200 : 503).json({ status: r.postgres && r.temporal ? 'ready' : 'not ready', ...r });
  });
  app.get('/metrics', async (_req, res) => {
    const text = await renderExposition([register, appMetrics], options.metricsSources);
    res.type(Registry.PROMETHEUS_CONTENT_TYPE).send(text);
  });

  const routes = apiRoutes(ctx);
  const openapiRoute: RouteSpec<any, any, any, any> = defineRoute({
    method: 'get', path: '/api/openapi.json', summary: 'This OpenAPI document', tags: ['meta'], roles: 'public',
    response: z.record(z.string(), z.unknown()),
    handler: async (): Promise<Record<string, unknown>> => openapiDocument(),
  });
  const openapiDocument = (): Record<string, unknown> => buildOpenApi([...routes, openapiRoute, ...PAGE_ROUTES], { title: 'Bangfu 帮扶 API', version: '0.1.0' });
  const router = express.Router();
  mountRoutes(router, [...routes, openapiRoute], authenticate(ctx.prisma, authThrottle(ctx.prisma, ctx.authThrottle)));
  app.use(router);
  app.use(taskLinkPages(ctx));
  app.use(caughtMailPages(ctx));
  app.use('/admin', adminRouter(ctx));
  app.get('/api/docs', pageSecurityHeaders, apiDocsPage(openapiDocument));
  app.use('/api', (_req, _res, next) => next(new AppError('NOT_FOUND', 'no such API route')));
  app.use(errorMiddleware);
  return app;
}
