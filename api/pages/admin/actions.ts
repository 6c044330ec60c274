/**
 * POST forms of the admin pages — nudge (催办), transfer/reassign (转交), close a case, roll back an
 * elimination (风险消除回退). Each goes to the case workflow (or the rollback service), which
 * records it in the audit trail with the acting official; refusals come back as a page saying why.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { safeText } from '../../../core/text';
import { AppError, fromZodError } from '../../http/app-error';
import { appErrorMessage } from '../../http/messages';
import { actorOf, rollbackElimination, sendCaseUpdate, transferTask } from '../../services/case-actions';
import { nudgeProcessTask, ownerOfTask } from '../../services/process-actions';
import type { ServiceContext } from '../../services/context';
import { closeCaseUpdate, nudgeTaskUpdate } from '../../../workflows/contracts';
import { html } from '../html';
import type { Lang } from '../i18n';
import { w } from './labels';
import { adminPage } from './shell';

const ZTransferForm = z.object({ toOfficialId: safeText().min(1).max(100), reason: safeText().trim().max(2000).optional() });
const ZCloseForm = z.object({ reason: z.enum(['MOVED_AWAY', 'DECEASED', 'OTHER']), comment: safeText().trim().max(2000).optional() });
const ZRollbackForm = z.object({ reason: safeText().trim().min(1, 'reason is required').max(2000) });

function parseForm<T extends z.ZodType>(schema: T, req: Request, res: Response): z.infer<T> {
  const body = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''));
  const r = schema.safeParse(body);
  if (!r.success) throw fromZodError(r.error, undefined, res.locals.lang ?? 'zh-CN', body);
  return r.data;
}

/** Renders a refused action as a page with the reason and a way back. */
export function actionErrorPage(req: Request, res: Response, err: AppError, back: string): void {
  const lang: Lang = res.locals.lang ?? 'zh-CN';
  res.status(err.status).type('html').send(adminPage({
    lang, req, official: req.official, csrf: res.locals.csrf, title: w(lang, 'failed'),
    body: html`<p class="notice error" role="alert">${appErrorMessage(err, lang)}</p><p><a class="button secondary" href="${back}">${w(lang, 'back')}</a></p>`,
  }));
}

/** Runs an action; redirects to the case page (or a process's page, given as `/admin/…`) on success, renders the refusal otherwise. */
function action(run: (req: Request, res: Response) => Promise<string>): RequestHandler {
  return async (req, res) => {
    let caseId: string | null = null;
    try {
      caseId = await run(req, res);
      res.redirect(303, caseId.startsWith('/admin/') ? `${caseId}?done=1` : `/admin/cases/${encodeURIComponent(caseId)}?done=1`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const back = req.params.id && req.path.includes('/cases/') ? `/admin/cases/${encodeURIComponent(String(req.params.id))}` : typeof req.body?.back === 'string' && req.body.back.startsWith('/admin/') ? req.body.back : '/admin/tasks';
      actionErrorPage(req, res, err, back);
    }
  };
}

export const nudgeAction = (ctx: ServiceContext): RequestHandler =>
  action(async (req) => {
    const taskId = String(req.params.id);
    const owner = await ownerOfTask(ctx, taskId);
    if (owner.process) {
      await nudgeProcessTask(ctx, req.official!, owner);
      return `/admin/processes/${encodeURIComponent(owner.process.id)}`;
    }
    await sendCaseUpdate(ctx, req.official!, owner.case, nudgeTaskUpdate, { taskId, actor: actorOf(req.official!) });
    return owner.case.id;
  });

export const transferAction = (ctx: ServiceContext): RequestHandler =>
  action(async (req, res) => {
    const taskId = String(req.params.id);
    const form = parseForm(ZTransferForm, req, res);
    const { caseId, processId } = await transferTask(ctx, req.official!, taskId, form.toOfficialId, form.reason);
    return caseId ?? `/admin/processes/${encodeURIComponent(processId ?? '')}`;
  });

export const closeAction = (ctx: ServiceContext): RequestHandler =>
  action(async (req, res) => {
    const caseId = String(req.params.id);
    const form = parseForm(ZCloseForm, req, res);
    await sendCaseUpdate(ctx, req.official!, caseId, closeCaseUpdate, { reason: form.reason, comment: form.comment, actor: actorOf(req.official!) });
    return caseId;
  });

export const rollbackAction = (ctx: ServiceContext): RequestHandler =>
  action(async (req, res) => {
    const caseId = String(req.params.id);
    const official = req.official!;
    if (official.role !== 'COUNTY' && official.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'only the county or an administrator rolls back an elimination');
    const form = parseForm(ZRollbackForm, req, res);
    await rollbackElimination(ctx, official, caseId, form.reason);
    return caseId;
  });
