/**
 * `GET /t/:token` (confirm page), `POST /t/:token` (the decision, with CSRF token) and
 * `GET /t/:token/done` (result page, after a 303 so a reload changes nothing). Rate-limited per IP.
 *
 * A link acts once. The first submit holds the link (`submittingAt`, a short lease) while the
 * Update runs; on success it records `usedAt` and the outcome, and every later submit shows
 * that outcome (409). A refusal releases the link and re-renders the form with what was entered.
 */
import express from 'express';
import type { ErrorRequestHandler, Request, Response, Router } from 'express';
import type { Prisma, Process, Task } from '@prisma/client';
import { processStep } from '../../process-kinds/registry';
import { loadProcessView, processDecidePage, processResultPage, processSupervisePage } from './process-pages';
import { loadCalendar } from '../../../activities/calendar/calendar';
import { AppError, fromZodError, toAppError } from '../../http/app-error';
import { rejectHostileInput, verifyFormEncoding } from '../../http/hostile-input';
import { appErrorMessage } from '../../http/messages';
import type { RateLimitOptions } from '../../http/rate-limit';
import { rateLimit } from '../../http/rate-limit';
import type { ServiceContext } from '../../services/context';
import { checkCsrf, csrfToken, hashLinkToken, taskLinkOptions, verifyLink } from '../../links/link-token';
import type { TaskLinkOptions } from '../../links/link-token';
import type { ResolvedLink } from '../../links/resolve-link';
import { SUBMIT_LEASE_MS, resolveLink } from '../../links/resolve-link';
import { revokeStaleLinks } from '../../links/revoke-links';
import type { Lang } from '../i18n';
import { pickLang } from '../i18n';
import { loadCaseView } from './case-view';
import type { Colleague, FormError, FormValues } from './forms';
import type { LinkOutcome, Problem } from './render';
import { contactPage, decidePage, problemPage, resultPage, supervisePage } from './render';
import { ZLinkFormSchema, executeLinkAction, formValues, linkOfficial, refusalMessage } from './submit-link';
import { CAMPAIGN_KIND, CAMPAIGN_STEPS } from '../../../workflows/campaign/contracts';
import { ledgerRows } from '../../services/campaign/read-campaign';
import { recordVisit } from '../../services/campaign/record-visit';
import { CONFIRMATION_KIND } from '../../../workflows/confirmation/contracts';
import { confirmationTaskView } from '../../services/read-confirmation';
import { confirmationCard } from './confirmation-card';
import { ZGridVisitFormSchema, gridHouseholdsCard, reviewSampleCard, riskTypesRefusal } from './grid-page';
import { householdHandbook } from '../../services/household-handbook';
import { resolveCjkFont } from '../../services/report-documents/cjk-font';
import { handbookPdfBytes, handbookSections, handbookTitle } from '../handbook-sections';
import { html } from '../html';
import { page } from '../layout';
import type { Case } from '@prisma/client';

/** Options of {@link taskLinkPages}. */
export interface TaskLinkPagesOptions {
  /** Per-IP rate limit of /t/. @default 60 requests burst, 1 per second */
  rateLimit?: RateLimitOptions;
}

type Ok = Extract<ResolvedLink, { state: 'OK' }>;
type OkProcess = Extract<Ok, { process: Process }>;

const SECURITY_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex',
};

function beijingToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The task-link router. */
export function taskLinkPages(ctx: ServiceContext, opts: TaskLinkPagesOptions = {}): Router {
  const links: TaskLinkOptions = ctx.taskLinks ?? taskLinkOptions({ secret: ctx.secret });
  const router = express.Router();

  const send = (res: Response, status: number, body: string): void => {
    res.status(status).set(SECURITY_HEADERS).type('html').send(body);
  };
  const paths = (req: Request, token: string, lang: Lang): { self: string; action: string } => {
    const self = `/t/${token}`;
    return { self, action: typeof req.query.lang === 'string' ? `${self}?lang=${lang}` : self };
  };

  router.use(
    '/t',
    rateLimit(ctx.prisma, {
      keyPrefix: `tlink-${ctx.authThrottle?.keyPrefix ?? 'auth'}`,
      ...opts.rateLimit,
      onLimited: (req, res) => {
        const p = problemPage({ lang: pickLang(req), problem: 'RATE_LIMITED' });
        send(res, p.status, p.html);
      },
    }),
    express.urlencoded({ extended: false, limit: '32kb', verify: verifyFormEncoding }),
    // The form passes the same net as the JSON API (NUL, unpaired surrogates → 400 naming the field).
    rejectHostileInput,
  );

  function problem(req: Request, res: Response, token: string, r: Exclude<ResolvedLink, Ok> | { state: 'CSRF'; official: { language: string } }): void {
    const lang = pickLang(req, 'official' in r ? r.official.language : null);
    const kind: Problem = r.state === 'REVOKED' ? r.reason : r.state;
    const p = problemPage({
      lang, problem: kind, selfPath: `/t/${token}`,
      outcome: r.state === 'USED' ? ((r.link.outcome ?? null) as LinkOutcome | null) : null,
      expiredAt: r.state === 'EXPIRED' ? r.link.expiresAt : undefined,
    });
    send(res, p.status, p.html);
  }

  /** The confirm page of a process's task (process core): the step's form as its kind declares it. */
  async function renderProcessConfirm(req: Request, res: Response, token: string, r: OkProcess, values: FormValues, error?: FormError): Promise<void> {
    const lang = pickLang(req, r.official.language);
    const { self, action } = paths(req, token, lang);
    const task = r.task;
    const props = {
      lang, selfPath: self, officialName: r.official.name, view: await loadProcessView(ctx.prisma, r.process.id),
      form: { lang, action, csrf: csrfToken(links.keys, r.tokenHash), values, error }, stepCode: task.step, dueAt: task.dueAt,
      workingDaysLeft: loadCalendar().workingDaysBetween(new Date(), task.dueAt), colleagues: await colleaguesOf(task, r.official.id),
    };
    const status = error?.status ?? 200;
    if (r.link.purpose === 'SUPERVISE') {
      const assignee = task.assigneeId ? await ctx.prisma.official.findUnique({ where: { id: task.assigneeId }, select: { name: true } }) : null;
      return send(res, status, processSupervisePage({ ...props, assigneeName: assignee?.name ?? null }));
    }
    const step = processStep(r.process.kind, task.step);
    if (!step) return problem(req, res, token, { state: 'NOT_YOURS', link: r.link, official: r.official });
    const gridId = r.process.kind === CAMPAIGN_KIND && task.step === CAMPAIGN_STEPS.GRID ? ((r.process.data as { gridTasks?: Record<string, string> } | null)?.gridTasks?.[task.id]) : undefined;
    const extra = gridId
      ? gridHouseholdsCard(lang, (await ledgerRows(ctx, linkOfficial(r.official), r.process.id, { gridId })).rows, { action: `${self}/visit${typeof req.query.lang === 'string' ? `?lang=${lang}` : ''}`, csrf: props.form.csrf })
      : r.process.kind === CAMPAIGN_KIND && task.step === CAMPAIGN_STEPS.REVIEW ? await reviewCard(lang, r.process.id, task.regionCode)
        : r.process.kind === CONFIRMATION_KIND ? confirmationCard(lang, await confirmationTaskView(ctx.prisma, r.process, task)) : undefined;
    send(res, status, processDecidePage({ ...props, step, extra }));
  }

  /** The township review's sample and villages (names only: no ID number, phone or address). */
  async function reviewCard(lang: Lang, campaignId: string, townshipCode: string) {
    const [sampled, ledgers] = await Promise.all([
      ctx.prisma.campaignVisit.findMany({ where: { campaignId, townshipCode, sampled: true }, orderBy: [{ villageCode: 'asc' }, { householdId: 'asc' }] }),
      ctx.prisma.villageLedger.findMany({ where: { campaignId, townshipCode }, select: { villageCode: true } }),
    ]);
    const codes = (await ctx.prisma.campaignVisit.groupBy({ by: ['villageCode'], where: { campaignId, townshipCode } })).map((v) => v.villageCode).sort();
    const [households, grids, regions] = await Promise.all([
      ctx.prisma.household.findMany({ where: { id: { in: sampled.map((s) => s.householdId) } }, select: { id: true, headName: true } }),
      ctx.prisma.grid.findMany({ where: { id: { in: [...new Set(sampled.map((s) => s.gridId))] } }, select: { id: true, name: true } }),
      ctx.prisma.region.findMany({ where: { code: { in: codes } }, select: { code: true, name: true } }),
    ]);
    const closed = new Set(ledgers.map((l) => l.villageCode));
    return reviewSampleCard(lang, sampled.map((s) => ({
      headName: households.find((h) => h.id === s.householdId)?.headName ?? '', villageCode: s.villageCode, gridName: grids.find((g) => g.id === s.gridId)?.name ?? '', result: s.result,
    })), codes.map((code) => ({ code, name: regions.find((r) => r.code === code)?.name ?? code, closed: closed.has(code) })));
  }

  /** Same-level colleagues a task may be transferred to. */
  function colleaguesOf(task: Task, officialId: string): Promise<Colleague[]> {
    return ctx.prisma.official.findMany({
      where: { role: task.level, regionCode: task.regionCode, active: true, id: { notIn: [officialId, ...(task.assigneeId ? [task.assigneeId] : [])] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true, name: true },
    });
  }

  async function renderConfirm(req: Request, res: Response, token: string, r: Ok, values: FormValues, error?: FormError): Promise<void> {
    if (r.process) return renderProcessConfirm(req, res, token, r, values, error);
    const lang = pickLang(req, r.official.language);
    const { self, action } = paths(req, token, lang);
    const view = await loadCaseView(ctx.prisma, r.kase.id);
    const form = { lang, action, csrf: csrfToken(links.keys, r.tokenHash), values, error };
    const common = { lang, selfPath: self, officialName: r.official.name, view, form };
    const status = error?.status ?? 200;
    if (r.link.purpose === 'CONTACT') return send(res, status, contactPage({ ...common, today: beijingToday() }));
    const task = r.task!;
    const workingDaysLeft = loadCalendar().workingDaysBetween(new Date(), task.dueAt);
    const colleagues = await colleaguesOf(task, r.official.id);
    if (r.link.purpose === 'SUPERVISE') {
      const assignee = task.assigneeId ? await ctx.prisma.official.findUnique({ where: { id: task.assigneeId }, select: { name: true } }) : null;
      return send(res, status, supervisePage({ ...common, step: task.step, dueAt: task.dueAt, workingDaysLeft, assigneeName: assignee?.name ?? null, colleagues }));
    }
    const objections = task.step === 'INVESTIGATION'
      ? (await ctx.prisma.objection.findMany({ where: { caseId: r.kase.id, outcome: null }, orderBy: { filedAt: 'asc' }, select: { text: true } })).map((o) => o.text)
      : [];
    send(res, status, decidePage({ ...common, step: task.step, dueAt: task.dueAt, workingDaysLeft, colleagues, objections }));
  }

  router.get('/t/:token', async (req, res) => {
    const token = req.params.token;
    const r = await resolveLink(ctx.prisma, links, token);
    if (r.state !== 'OK') return problem(req, res, token, r);
    await renderConfirm(req, res, token, r, {});
  });

  /**
   * The case of a contact link that still authorises its handbook: the link is the household's
   * assistance contact's (purpose CONTACT), live — or used for a recorded contact while its official
   * is still the household's contact and the case open.
   */
  async function handbookCase(req: Request, res: Response, token: string): Promise<{ kase: Case; official: Ok['official'] } | null> {
    const r = await resolveLink(ctx.prisma, links, token);
    if (r.state === 'OK' && r.kase && r.link.purpose === 'CONTACT') return { kase: r.kase, official: r.official };
    if (r.state === 'USED' && r.link.purpose === 'CONTACT' && r.link.caseId) {
      const kase = await ctx.prisma.case.findUnique({ where: { id: r.link.caseId } });
      if (kase && kase.contactId === r.official.id && ['MONITORED', 'ELIMINATING'].includes(kase.status) && r.official.active) return { kase, official: r.official };
    }
    if (r.state === 'OK') problem(req, res, token, { state: 'NOT_YOURS', link: r.link, official: r.official });
    else problem(req, res, token, r);
    return null;
  }

  // 帮扶手册 from the assistance contact's link: authorised by the link (no admin session), masked as on the case page.
  router.get('/t/:token/handbook', async (req, res) => {
    const token = req.params.token;
    const found = await handbookCase(req, res, token);
    if (!found) return;
    const lang = pickLang(req, found.official.language);
    const hb = await householdHandbook(ctx, linkOfficial(found.official), found.kase.id);
    const self = `/t/${token}/handbook`;
    const body = html`<p><a class="button" id="handbook-pdf" href="${self}/pdf">${lang === 'en' ? 'Download PDF (printable)' : '下载 PDF（可打印）'}</a> <a href="/t/${token}">${lang === 'en' ? 'Back to the task' : '返回任务'}</a></p>
${handbookSections(hb, lang).map((s) => html`<section class="card"><h2>${s.title}</h2>${s.lines.map((l) => html`<p>${l}</p>`)}</section>`)}`;
    send(res, 200, page({ lang, title: `${lang === 'en' ? 'Assistance handbook' : '帮扶手册'} · ${hb.case.headName}`, body, selfPath: self }));
  });

  router.get('/t/:token/handbook/pdf', async (req, res) => {
    const token = req.params.token;
    const found = await handbookCase(req, res, token);
    if (!found) return;
    const lang = pickLang(req, found.official.language);
    const hb = await householdHandbook(ctx, linkOfficial(found.official), found.kase.id);
    const font = resolveCjkFont();
    if (!font) {
      send(res, 503, page({ lang, title: lang === 'en' ? 'No Chinese font on this server' : '服务器缺少中文字体', body: html`<p>fonts-noto-cjk / BANGFU_CJK_FONT</p>` }));
      return;
    }
    const bytes = await handbookPdfBytes(hb, lang, font);
    res.status(200).set(SECURITY_HEADERS).set('Content-Disposition', `attachment; filename="handbook.pdf"; filename*=UTF-8''${encodeURIComponent(`${handbookTitle(hb, lang)}.pdf`)}`).type('application/pdf').send(bytes);
  });

  router.get('/t/:token/done', async (req, res) => {
    const token = req.params.token;
    const claims = verifyLink(links.keys, token);
    const link = claims ? await ctx.prisma.taskLink.findUnique({ where: { tokenHash: hashLinkToken(token) } }) : null;
    if (!link?.usedAt || !link.outcome) {
      res.redirect(303, `/t/${token}`);
      return;
    }
    const official = await ctx.prisma.official.findUniqueOrThrow({ where: { id: link.officialId }, select: { language: true } });
    const lang = pickLang(req, official.language);
    const outcome = link.outcome as unknown as LinkOutcome;
    if (link.processId) {
      send(res, 200, processResultPage({ lang, selfPath: `/t/${token}/done`, outcome, view: await loadProcessView(ctx.prisma, link.processId) }));
      return;
    }
    const view = await loadCaseView(ctx.prisma, link.caseId as string);
    send(res, 200, resultPage({ lang, selfPath: `/t/${token}/done`, outcome, view, ...(link.purpose === 'CONTACT' ? { handbookHref: `/t/${token}/handbook` } : {}) }));
  });

  /** A form posted to a link: the link resolved and its CSRF token checked, else the problem page sent and undefined. */
  async function postedLink(req: Request, res: Response, token: string, body: Record<string, unknown>): Promise<Ok | undefined> {
    const r = await resolveLink(ctx.prisma, links, token);
    if (r.state !== 'OK') return void problem(req, res, token, r);
    if (!checkCsrf(links.keys, r.tokenHash, body.csrf)) return void problem(req, res, token, { state: 'CSRF', official: r.official });
    return r;
  }

  // 网格员页面: one household's visit result from the grid task's link; the link stays usable until the grid is submitted.
  router.post('/t/:token/visit', async (req, res) => {
    const token = req.params.token;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const r = await postedLink(req, res, token, body);
    if (!r) return;
    const lang = pickLang(req, r.official.language);
    if (!r.process || r.process.kind !== CAMPAIGN_KIND || r.link.purpose !== 'DECIDE' || r.task?.step !== CAMPAIGN_STEPS.GRID) {
      return problem(req, res, token, { state: 'NOT_YOURS', link: r.link, official: r.official });
    }
    const parsed = ZGridVisitFormSchema.safeParse(body);
    const fail = (status: number, message: string, field?: string) => renderConfirm(req, res, token, r, formValues(body), { status, message, field });
    if (!parsed.success) {
      // In the reader's language, naming the field (风险类型 …); nothing is stored.
      const e = fromZodError(parsed.error, undefined, lang, body);
      return fail(400, e.message, e.field);
    }
    const f = parsed.data;
    const typesRefused = riskTypesRefusal(f, lang);
    if (typesRefused) return fail(400, typesRefused, 'riskTypes');
    try {
      await recordVisit(ctx, linkOfficial(r.official), r.process.id, {
        householdId: f.householdId, result: f.result,
        ...(f.result === 'RISK_FOUND' ? { lead: { category: f.category ?? 'MARGINAL', riskTypes: f.riskTypes } } : {}),
      });
    } catch (err) {
      if (err instanceof AppError) return fail(err.status, refusalMessage(lang, err), err.field);
      console.error(`[task-link] visit failed: ${(err as Error).name}: ${(err as Error).message}`);
      return fail(503, lang === 'zh-CN' ? '服务暂时不可用' : 'Service unavailable');
    }
    res.redirect(303, `/t/${token}${typeof req.query.lang === 'string' ? `?lang=${lang}` : ''}#${f.householdId}`);
  });

  router.post('/t/:token', async (req, res) => {
    const token = req.params.token;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const r = await postedLink(req, res, token, body);
    if (!r) return;
    const lang = pickLang(req, r.official.language);
    const values = formValues(body);
    const parsed = ZLinkFormSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return renderConfirm(req, res, token, r, values, { status: 400, message: `${issue.path.join('.')}: ${issue.message}`, field: String(issue.path[0] ?? '') });
    }

    // Hold the link: a concurrent or repeated submit waits for (and then shows) this one's outcome.
    const now = new Date();
    const held = await ctx.prisma.taskLink.updateMany({
      where: { id: r.link.id, usedAt: null, revokedAt: null, OR: [{ submittingAt: null }, { submittingAt: { lt: new Date(now.getTime() - SUBMIT_LEASE_MS) } }] },
      data: { submittingAt: now },
    });
    if (held.count === 0) {
      const again = await resolveLink(ctx.prisma, links, token);
      return again.state === 'OK' ? problem(req, res, token, { ...again, state: 'BUSY' }) : problem(req, res, token, again);
    }
    const release = (): Promise<unknown> => ctx.prisma.taskLink.updateMany({ where: { id: r.link.id, usedAt: null }, data: { submittingAt: null } });

    let outcome: LinkOutcome;
    try {
      outcome = await executeLinkAction(ctx, { ...r, form: parsed.data, body, lang });
    } catch (err) {
      await release();
      if (err instanceof AppError) {
        if (err.code === 'CONFLICT' || err.code === 'ALREADY_DECIDED') {
          // The task changed underneath (decided elsewhere, closed): the link is revoked now.
          await revokeStaleLinks(ctx.prisma);
          const again = await resolveLink(ctx.prisma, links, token);
          if (again.state !== 'OK') return problem(req, res, token, again);
        }
        return renderConfirm(req, res, token, r, values, { status: err.status, message: refusalMessage(lang, err), field: err.field });
      }
      console.error(`[task-link] submit failed: ${(err as Error).name}: ${(err as Error).message}`);
      return renderConfirm(req, res, token, r, values, { status: 503, message: lang === 'zh-CN' ? '服务暂时不可用' : 'Service unavailable' });
    }
    await ctx.prisma.taskLink.update({
      where: { id: r.link.id },
      data: { usedAt: new Date(), submittingAt: null, outcome: outcome as unknown as Prisma.InputJsonValue },
    });
    // Other links of the task (reminders, the old assignee's after a transfer) stop working now.
    await revokeStaleLinks(ctx.prisma).catch(() => undefined);
    res.redirect(303, `/t/${token}/done${typeof req.query.lang === 'string' ? `?lang=${lang}` : ''}`);
  });

  // A refused form (the net above, a body too large) answers as a page in the reader's language, naming the field.
  router.use('/t', ((err, req, res, _next) => {
    const lang = pickLang(req);
    const appErr = toAppError(err, lang, 'task-link');
    send(res, appErr.status, page({ lang, title: lang === 'en' ? 'Not accepted' : '未能提交', body: html`<p class="notice error" role="alert">${appErrorMessage(appErr, lang)}</p>` }));
  }) as ErrorRequestHandler);

  return router;
}
