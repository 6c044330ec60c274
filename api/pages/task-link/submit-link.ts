/**
 * What a task-link POST does: the form is checked, then sent to the case workflow as an Update
 * with the link's official as the actor — decide, transfer, nudge, reassign, record a contact or
 * a measure. Refusals from the workflow's validators come back as {@link AppError}s.
 */
import { z } from 'zod';
import { safeText } from '../../../core/text';
import type { AuthOfficial } from '../../auth/authenticate';
import { AppError } from '../../http/app-error';
import { REFUSAL_TEXT } from '../../http/messages';
import type { ServiceContext } from '../../services/context';
import { actorOf, sendCaseUpdate } from '../../services/case-actions';
import type { OfficialWithRegion } from '../../links/resolve-link';
import type { DecisionAction, MeasureType, Role } from '../../../workflows/contracts';
import {
  MEASURE_TYPES, decideUpdate, nudgeTaskUpdate, recordContactUpdate, recordMeasureUpdate, transferTaskUpdate,
} from '../../../workflows/contracts';
import type { Case, Official, Process, Task, TaskLink } from '@prisma/client';
import { decideProcessTask, nudgeProcessTask, transferProcessTask } from '../../services/process-actions';
import { formToData, processStep } from '../../process-kinds/registry';
import { processOutcomeLabels } from './process-pages';
import type { Lang } from '../i18n';
import type { CriterionKey, FormValues } from './forms';
import { CRITERIA } from './forms';
import type { LinkOutcome } from './render';

const optionalText = (max: number) =>
  safeText().max(max).optional().transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** The posted form (urlencoded). Unknown fields are ignored. */
export const ZLinkFormSchema = z.object({
  csrf: safeText().optional(),
  action: z.enum(['APPROVE', 'REJECT', 'RETURN', 'DISMISS', 'DONE', 'TRANSFER', 'ASSIGN', 'NUDGE', 'CONTACT', 'MEASURE']),
  reason: optionalText(2000),
  consentSigned: z.literal('on').optional(),
  route: z.enum(['ASSISTED', 'NATURAL']).optional(),
  crit_incomeAboveLine: z.literal('on').optional(),
  crit_basicNeedsAssured: z.literal('on').optional(),
  crit_rigidSpendingResolved: z.literal('on').optional(),
  crit_noNewRisk: z.literal('on').optional(),
  toOfficialId: optionalText(100),
  transferReason: optionalText(500),
  contactedOn: safeText().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  method: z.enum(['VISIT', 'PHONE', 'OTHER']).optional(),
  note: optionalText(2000),
  type: z.enum(MEASURE_TYPES).optional(),
  description: optionalText(2000),
  memberName: optionalText(50),
});
export type TLinkForm = z.infer<typeof ZLinkFormSchema>;

/** The entered values, to re-render the form after a refusal (tolerant of anything). */
export function formValues(body: Record<string, unknown>): FormValues {
  const s = (k: string): string | undefined => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  return {
    action: s('action'), reason: s('reason'), consentSigned: body.consentSigned === 'on', route: s('route'),
    criteria: Object.fromEntries(CRITERIA.map((k) => [k, body[`crit_${k}`] === 'on'])) as Record<CriterionKey, boolean>,
    toOfficialId: s('toOfficialId'), transferReason: s('transferReason'), contactedOn: s('contactedOn'), method: s('method'),
    note: s('note'), type: s('type'), description: s('description'), memberName: s('memberName'),
    processFields: Object.fromEntries(Object.entries(body).filter(([k, v]) => k.startsWith('f_') && typeof v === 'string').map(([k, v]) => [k.slice(2), v as string])),
  };
}

const ACTIONS_OF: Record<string, TLinkForm['action'][]> = {
  DECIDE: ['APPROVE', 'REJECT', 'RETURN', 'DISMISS', 'DONE', 'TRANSFER'],
  SUPERVISE: ['NUDGE', 'ASSIGN'],
  CONTACT: ['CONTACT', 'MEASURE'],
};

/** The official of a link as the services see an authenticated caller. */
export function linkOfficial(o: OfficialWithRegion): AuthOfficial {
  return { id: o.id, name: o.name, role: o.role as Role, regionCode: o.regionCode, language: o.language, regionLevel: o.region.level as AuthOfficial['regionLevel'] };
}

/** The colleague a task goes to on a transfer or reassignment: an active official of its level and region. */
async function transferTarget(ctx: ServiceContext, t: Task, toOfficialId: string | undefined): Promise<Official> {
  if (!toOfficialId) throw new AppError('INVALID_INPUT', 'toOfficialId: choose a colleague', { field: 'toOfficialId' });
  const to = await ctx.prisma.official.findUnique({ where: { id: toOfficialId } });
  if (!to || !to.active || to.role !== t.level || to.regionCode !== t.regionCode) {
    throw new AppError('POLICY_REFUSED', `toOfficialId: not a ${t.level} colleague of this region`, { field: 'toOfficialId', details: { refusal: 'WRONG_COLLEAGUE' } });
  }
  return to;
}

/** What a link of a process's task does (process core): decide with the step's form, transfer, nudge or reassign. */
async function executeProcessLinkAction(
  ctx: ServiceContext, a: { official: OfficialWithRegion; task: Task; process: Process; form: TLinkForm; body: Record<string, unknown>; lang: Lang },
): Promise<LinkOutcome> {
  const { task, process, form } = a;
  const me = linkOfficial(a.official);
  const owner = { task, process };
  const base = { at: new Date().toISOString(), byName: me.name, fromStep: task.step };
  const outcome = (action: string, status: string, step: string | null, extra: Partial<LinkOutcome> = {}): LinkOutcome => ({
    ...base, action, status, step, ...processOutcomeLabels(process.kind, task.step, status), ...extra,
  });
  switch (form.action) {
    case 'APPROVE': case 'REJECT': case 'RETURN': case 'DONE': {
      const fields = processStep(process.kind, task.step)?.fields ?? [];
      const r = await decideProcessTask(ctx, me, owner, { action: form.action, reason: form.reason, data: formToData(fields, a.body) }, a.lang);
      return outcome(form.action, r.status, r.step, { reason: form.reason });
    }
    case 'TRANSFER': case 'ASSIGN': {
      const to = await transferTarget(ctx, task, form.toOfficialId);
      await transferProcessTask(ctx, me, owner, to.id, form.transferReason);
      const p = await ctx.prisma.process.findUniqueOrThrow({ where: { id: process.id }, select: { status: true, step: true } });
      return outcome(form.action, p.status, p.step, { toName: to.name, reason: form.transferReason });
    }
    case 'NUDGE': {
      const r = await nudgeProcessTask(ctx, me, owner);
      return outcome('NUDGE', r.status, r.step);
    }
    default:
      throw new AppError('INVALID_INPUT', `action: ${form.action} is not possible with this link`, { field: 'action' });
  }
}

/** Executes the submitted action; returns what happened. */
export async function executeLinkAction(
  ctx: ServiceContext,
  a: { link: TaskLink; official: OfficialWithRegion; task: Task | null; kase: Case | null; process: Process | null; form: TLinkForm; body: Record<string, unknown>; lang: Lang },
): Promise<LinkOutcome> {
  const { link, task, form } = a;
  const me = linkOfficial(a.official);
  if (!ACTIONS_OF[link.purpose]?.includes(form.action)) throw new AppError('INVALID_INPUT', `action: ${form.action} is not possible with this link`, { field: 'action' });
  if (a.process) return executeProcessLinkAction(ctx, { ...a, task: task as Task, process: a.process });
  const kase = a.kase as Case;
  if (form.action === 'DONE') throw new AppError('INVALID_INPUT', 'action: DONE is not possible with this link', { field: 'action' });
  const base = { at: new Date().toISOString(), byName: me.name, fromStep: task?.step ?? kase.step };

  switch (form.action) {
    case 'APPROVE': case 'REJECT': case 'RETURN': case 'DISMISS': {
      const t = task as Task;
      const approve = form.action === 'APPROVE';
      const r = await sendCaseUpdate(ctx, me, kase.id, decideUpdate, {
        taskId: t.id, action: form.action as DecisionAction, reason: form.reason, actor: actorOf(me),
        ...(t.step === 'VERIFICATION' && approve ? { consentSigned: form.consentSigned === 'on' } : {}),
        ...(t.step === 'ELIM_ASSESSMENT' && approve
          ? {
              route: form.route ?? 'ASSISTED',
              criteria: {
                incomeAboveLine: form.crit_incomeAboveLine === 'on', basicNeedsAssured: form.crit_basicNeedsAssured === 'on',
                rigidSpendingResolved: form.crit_rigidSpendingResolved === 'on', noNewRisk: form.crit_noNewRisk === 'on',
              },
            }
          : {}),
      });
      return { ...base, action: form.action, status: r.status, step: r.step, reason: form.reason };
    }
    case 'TRANSFER': case 'ASSIGN': {
      const t = task as Task;
      const to = await transferTarget(ctx, t, form.toOfficialId);
      await sendCaseUpdate(ctx, me, kase.id, transferTaskUpdate, {
        taskId: t.id, toOfficialId: to.id, toRole: to.role as Role, toRegionCode: to.regionCode, reason: form.transferReason, actor: actorOf(me),
      });
      const c = await ctx.prisma.case.findUniqueOrThrow({ where: { id: kase.id }, select: { status: true, step: true } });
      return { ...base, action: form.action, status: c.status, step: c.step, toName: to.name, reason: form.transferReason };
    }
    case 'NUDGE': {
      const r = await sendCaseUpdate(ctx, me, kase.id, nudgeTaskUpdate, { taskId: (task as Task).id, actor: actorOf(me) });
      return { ...base, action: 'NUDGE', status: r.status, step: r.step };
    }
    case 'CONTACT': {
      if (!form.contactedOn) throw new AppError('INVALID_INPUT', 'contactedOn: the date of the contact is required', { field: 'contactedOn' });
      const r = await sendCaseUpdate(ctx, me, kase.id, recordContactUpdate, {
        // One record per link, so a retried submit never records the contact twice.
        contactRecordId: `ct-${link.id}`, contactedOn: new Date(`${form.contactedOn}T00:00:00+08:00`).toISOString(),
        method: form.method ?? 'VISIT', note: form.note, actor: actorOf(me),
      });
      return { ...base, action: 'CONTACT', status: r.status, step: r.step };
    }
    case 'MEASURE': {
      if (!form.type || !form.description) throw new AppError('INVALID_INPUT', 'description: describe the measure', { field: 'description' });
      const r = await sendCaseUpdate(ctx, me, kase.id, recordMeasureUpdate, {
        measureId: `m-${link.id}`, type: form.type as MeasureType, description: form.description, memberName: form.memberName, actor: actorOf(me),
      });
      return { ...base, action: 'MEASURE', status: r.status, step: r.step, measureType: form.type };
    }
  }
}

/** The refusal as the page shows it: a typed refusal as one sentence in the official's language, else the service's message. */
export function refusalMessage(lang: Lang, err: AppError): string {
  const code = (err.details?.refusal as string | undefined) ?? (err.field === 'reason' ? 'REASON_REQUIRED' : undefined);
  const text = code ? (REFUSAL_TEXT as Record<string, Record<Lang, string>>)[code] : undefined;
  // Which criterion failed differs by process (elimination, a campaign's ledger): name it.
  if (code === 'CRITERIA_NOT_MET' && !/criterion|criteria/i.test(err.message)) return `${lang === 'zh-CN' ? '条件尚未满足' : 'Not yet possible'}: ${err.message}`;
  // A process form's field the step refuses (a village not in the campaign, none named, a count out
  // of range): the generic "not possible at this step" or "a reason is required" would hide which field; name it.
  if ((code === 'ACTION_NOT_ALLOWED' || code === 'REASON_REQUIRED') && err.field?.startsWith('data.')) {
    if (lang === 'en') return err.message;
    return `${err.field.slice(5)}：${code === 'REASON_REQUIRED' ? '必填' : '所填内容不符合本环节的要求，请核对后重新填写'}`;
  }
  return text ? text[lang] : err.message;
}
