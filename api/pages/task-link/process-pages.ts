/**
 * Task-link pages of a process beyond the household case (约谈 …): the confirm page (what is
 * decided, the process card, its timeline, the step's form as its kind declares it, transfer),
 * the supervisor's page and the result page. Same layout, forms and rules as a case's pages.
 */
import type { PrismaClient } from '@prisma/client';
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';
import { AUDIT_LABELS, beijingTime, label, tr } from '../i18n';
import type { ProcessFormField, ProcessStepDef } from '../../process-kinds/registry';
import { processAuditLabel, processKindLabel, processStatusLabel, processStepLabel } from '../../process-kinds/registry';
import type { FormContext } from './forms';
import { check, hidden } from './forms';
import type { LinkOutcome, TaskPageParts } from './render';
import { decidePageOf, resultPageOf, supervisePageOf } from './render';
import { S } from './strings';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** What the pages show of a process (no personal data: processes hold none). */
export interface ProcessView {
  id: string;
  kind: string;
  title: string;
  status: string;
  step: string | null;
  reason: string | null;
  createdAt: Date;
  events: { at: Date; action: string; step: string | null; actorName: string | null; comment: string | null }[];
}

/** Loads the view of a process with its audit trail (reminders and task openings left out, as for cases). */
export async function loadProcessView(prisma: PrismaClient, processId: string): Promise<ProcessView> {
  const p = await prisma.process.findUniqueOrThrow({ where: { id: processId } });
  const events = await prisma.auditEvent.findMany({
    where: { processId, action: { notIn: ['TASK_OPENED', 'REMINDER_SENT'] } },
    orderBy: [{ at: 'asc' }, { id: 'asc' }], take: 200,
    select: { at: true, action: true, step: true, actorId: true, comment: true },
  });
  const actorIds = [...new Set(events.map((e) => e.actorId).filter((x): x is string => !!x))];
  const actors = new Map((await prisma.official.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })).map((o) => [o.id, o.name]));
  const data = (p.data ?? {}) as Record<string, unknown>;
  return {
    id: p.id, kind: p.kind, title: p.title, status: p.status, step: p.step, reason: typeof data.reason === 'string' ? data.reason : null, createdAt: p.createdAt,
    events: events.map((e) => ({ at: e.at, action: e.action, step: e.step, actorName: e.actorId ? (actors.get(e.actorId) ?? null) : null, comment: e.comment })),
  };
}

/** The label of an audit action on a process's timeline. */
export function processEventLabel(kind: string, action: string, lang: Lang): string {
  return processAuditLabel(kind, action, lang) ?? label(AUDIT_LABELS, action, lang);
}

/** The process card. */
export function renderProcessSummary(v: ProcessView, lang: Lang): SafeHtml {
  const rows: [string, string][] = [
    [lang === 'zh-CN' ? '事项' : 'Matter', v.title],
    [lang === 'zh-CN' ? '类型' : 'Kind', processKindLabel(v.kind, lang)],
    ...(v.reason ? [[lang === 'zh-CN' ? '事由' : 'Reason', v.reason] as [string, string]] : []),
    [lang === 'zh-CN' ? '状态' : 'Status', processStatusLabel(v.kind, v.status, lang)],
    ...(v.step ? [[tr(lang, S.step), processStepLabel(v.kind, v.step, lang)] as [string, string]] : []),
    [lang === 'zh-CN' ? '发起时间' : 'Started', beijingTime(v.createdAt, lang)],
  ];
  return html`<section class="card" aria-labelledby="pc"><h2 id="pc">${processKindLabel(v.kind, lang)}</h2>
<dl>${rows.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}</dl></section>`;
}

/** The process's timeline card. */
export function renderProcessTimeline(v: ProcessView, lang: Lang): SafeHtml {
  return html`<section class="card" aria-labelledby="tl"><h2 id="tl">${lang === 'zh-CN' ? '办理经过' : 'Timeline'}</h2>
${v.events.length === 0 ? html`<p class="muted">${tr(lang, S.noTimeline)}</p>` : html`<ol class="timeline">${v.events.map(
    (e) => html`<li><div><strong>${processEventLabel(v.kind, e.action, lang)}</strong>${e.step ? html` · ${processStepLabel(v.kind, e.step, lang)}` : ''}</div>
<div class="muted">${beijingTime(e.at, lang)}${e.actorName ? html` · ${e.actorName}` : ''}</div>${e.comment ? html`<div>${e.comment}</div>` : ''}</li>`,
  )}</ol>`}</section>`;
}

function field(f: ProcessFormField, lang: Lang, value: string | undefined): SafeHtml {
  const id = `f_${f.name}`;
  const help = f.help ? html`<div class="muted">${tr(lang, f.help)}</div>` : '';
  switch (f.type) {
    case 'checkbox':
      return html`${check(id, id, tr(lang, f.label), value === 'on')}${help}`;
    case 'textarea':
      return html`<label for="${id}">${tr(lang, f.label)}</label><textarea id="${id}" name="${id}"${f.required ? html` required` : ''}${f.maxLength ? html` maxlength="${String(f.maxLength)}"` : ''}>${value ?? ''}</textarea>${help}`;
    case 'select':
      return html`<label for="${id}">${tr(lang, f.label)}</label><select id="${id}" name="${id}">${(f.options ?? []).map((o) => html`<option value="${o.value}"${value === o.value ? html` selected` : ''}>${tr(lang, o.label)}</option>`)}</select>${help}`;
    default: {
      const type = f.type === 'date' ? 'date' : f.type === 'number' ? 'number' : 'text';
      return html`<label for="${id}">${tr(lang, f.label)}</label><input type="${type}" id="${id}" name="${id}" value="${value ?? ''}"${f.required ? html` required` : ''}${f.maxLength ? html` maxlength="${String(f.maxLength)}"` : ''}>${help}`;
    }
  }
}

/** The decision form of a process step: its fields, a reason when it may be rejected or returned, one button per action. */
export function processDecideForm(c: FormContext, step: ProcessStepDef): SafeHtml {
  const { lang, values: v } = c;
  const needsReason = step.actions.some((a) => a.action === 'REJECT' || a.action === 'RETURN');
  return html`<form method="post" action="${c.action}" class="card"${c.error ? html` aria-describedby="form-error"` : ''}>
${hidden(c)}
<h2>${tr(lang, S.youDecide)}</h2>
${step.fields.map((f) => field(f, lang, v.processFields?.[f.name]))}
${needsReason ? html`<label for="reason">${tr(lang, S.reason)}</label><textarea id="reason" name="reason" maxlength="2000">${v.reason ?? ''}</textarea>` : ''}
<div class="actions">${step.actions.map((a, i) => html`<button type="submit" name="action" value="${a.action}"${i > 0 ? html` class="secondary"` : ''}>${tr(lang, a.label)}</button>`)}</div>
</form>`;
}

/** Common parts of a process's confirm pages. */
export type ProcessPageProps = Omit<TaskPageParts, 'stepLabel' | 'cards'> & { view: ProcessView; stepCode: string };

const cardsOf = (v: ProcessView, lang: Lang): SafeHtml => html`${renderProcessSummary(v, lang)}
${renderProcessTimeline(v, lang)}`;

/** The assignee's confirm page of a process's task. */
export function processDecidePage(p: ProcessPageProps & { step: ProcessStepDef; extra?: SafeHtml }): string {
  return decidePageOf({
    ...p, stepLabel: tr(p.lang, p.step.label), help: html`${p.step.help ? html`<p>${tr(p.lang, p.step.help)}</p>` : ''}${p.extra ?? ''}`,
    decideForm: processDecideForm(p.form, p.step), cards: cardsOf(p.view, p.lang),
  });
}

/** The supervisor's page of a process's task: nudge or reassign. */
export function processSupervisePage(p: ProcessPageProps & { assigneeName: string | null }): string {
  return supervisePageOf({ ...p, stepLabel: processStepLabel(p.view.kind, p.stepCode, p.lang), cards: cardsOf(p.view, p.lang) });
}

/** The result page after a process's task was submitted. */
export function processResultPage(p: { lang: Lang; selfPath: string; outcome: LinkOutcome; view: ProcessView }): string {
  return resultPageOf({ ...p, cards: cardsOf(p.view, p.lang) });
}

/** Labels a link outcome carries for a process (the step and the status after it). */
export function processOutcomeLabels(kind: string, fromStep: string | null, status: string): Pick<LinkOutcome, 'fromStepLabel' | 'statusLabel'> {
  return {
    fromStepLabel: b(processStepLabel(kind, fromStep, 'zh-CN'), processStepLabel(kind, fromStep, 'en')),
    statusLabel: b(processStatusLabel(kind, status, 'zh-CN'), processStatusLabel(kind, status, 'en')),
  };
}
