/**
 * The forms of the task-link pages: decide (per step), transfer, nudge/reassign, record a contact
 * or a measure. Plain HTML forms (no JavaScript), every control labelled, each carrying the
 * link's CSRF token. A refused submit re-renders them with the entered values and the reason.
 */
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';
import { MEASURE_LABELS, tr } from '../i18n';
import { MEASURE_TYPES } from '../../../workflows/contracts';
import { S } from './strings';

/** What the official entered (kept across a refused submit). */
export interface FormValues {
  action?: string;
  reason?: string;
  consentSigned?: boolean;
  route?: string;
  criteria?: Partial<Record<CriterionKey, boolean>>;
  toOfficialId?: string;
  transferReason?: string;
  contactedOn?: string;
  method?: string;
  note?: string;
  type?: string;
  description?: string;
  memberName?: string;
  /** Fields of a process step's form (`f_<name>`), as posted. */
  processFields?: Record<string, string>;
}

/** Why the last submit was refused. */
export interface FormError {
  status: number;
  message: string;
  field?: string;
}

export const CRITERIA = ['incomeAboveLine', 'basicNeedsAssured', 'rigidSpendingResolved', 'noNewRisk'] as const;
export type CriterionKey = (typeof CRITERIA)[number];
const CRITERION_LABEL = { incomeAboveLine: S.critIncome, basicNeedsAssured: S.critBasic, rigidSpendingResolved: S.critRigid, noNewRisk: S.critNoRisk };

/** A few rules the shared stylesheet lacks (checkboxes and radios side by side with their label). */
export const FORM_CSS = html`<style>
.check{display:flex;gap:.6rem;align-items:flex-start;margin:.6rem 0}
.check input{width:1.4rem;height:1.4rem;flex:none;margin:.15rem 0 0}
.check label{font-weight:400;margin:0}
fieldset{border:1px solid #d9dce1;border-radius:6px;margin:.8rem 0;padding:.4rem .8rem}
legend{font-weight:600;padding:0 .3rem}
.actions button{flex:1 1 9rem}
.notice{margin:0 0 1rem}
</style>`;

/** Everything a form needs to post back. */
export interface FormContext {
  lang: Lang;
  /** `/t/<token>` plus `?lang=` when chosen. */
  action: string;
  csrf: string;
  values: FormValues;
  error?: FormError;
}

export function hidden(c: FormContext): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${c.csrf}">`;
}

export function check(id: string, name: string, text: string, checked: boolean | undefined, value = 'on'): SafeHtml {
  return html`<div class="check"><input type="checkbox" id="${id}" name="${name}" value="${value}"${checked ? html` checked` : ''}><label for="${id}">${text}</label></div>`;
}

function radio(id: string, name: string, value: string, text: string, checked: boolean): SafeHtml {
  return html`<div class="check"><input type="radio" id="${id}" name="${name}" value="${value}"${checked ? html` checked` : ''}><label for="${id}">${text}</label></div>`;
}

/** The inline error box, announced to screen readers. */
export function errorBox(lang: Lang, e: FormError | undefined): SafeHtml | '' {
  if (!e) return '';
  return html`<div class="notice error" role="alert" id="form-error"><strong>${tr(lang, S.refused)}</strong>${lang === 'zh-CN' ? '：' : ': '}${e.message}<br>${e.status >= 500 ? tr(lang, S.unavailable) : tr(lang, S.tryAgain)}</div>`;
}

/** The decision form of a step. */
export function decideForm(c: FormContext, step: string): SafeHtml {
  const { lang, values: v } = c;
  const investigation = step === 'INVESTIGATION';
  const canReturn = !investigation && !['VERIFICATION', 'ELIM_ASSESSMENT'].includes(step);
  const btn = (action: string, text: string, secondary: boolean): SafeHtml =>
    html`<button type="submit" name="action" value="${action}"${secondary ? html` class="secondary"` : ''}>${text}</button>`;
  return html`<form method="post" action="${c.action}" class="card"${c.error ? html` aria-describedby="form-error"` : ''}>
${hidden(c)}
<h2>${tr(lang, S.youDecide)}</h2>
${step === 'VERIFICATION' ? check('consentSigned', 'consentSigned', tr(lang, S.consent), v.consentSigned) : ''}
${step === 'ELIM_ASSESSMENT'
    ? html`<fieldset><legend>${tr(lang, S.route)}</legend>${radio('route-a', 'route', 'ASSISTED', tr(lang, S.routeAssisted), v.route !== 'NATURAL')}${radio('route-n', 'route', 'NATURAL', tr(lang, S.routeNatural), v.route === 'NATURAL')}</fieldset>
<fieldset><legend>${tr(lang, S.criteria)}</legend>${CRITERIA.map((k) => check(`crit-${k}`, `crit_${k}`, tr(lang, CRITERION_LABEL[k]), v.criteria?.[k]))}</fieldset>`
    : ''}
<label for="reason">${tr(lang, S.reason)}</label>
<textarea id="reason" name="reason" maxlength="2000">${v.reason ?? ''}</textarea>
<div class="actions">
${investigation
    ? [btn('DISMISS', tr(lang, S.submitDismiss), false), btn('RETURN', tr(lang, S.submitUpheldReturn), true), btn('REJECT', tr(lang, S.submitUpheldReject), true)]
    : [btn('APPROVE', tr(lang, S.submitApprove), false), btn('REJECT', tr(lang, S.submitReject), true), canReturn ? btn('RETURN', tr(lang, S.submitReturn), true) : '']}
</div>
</form>`;
}

/** A colleague to transfer or assign to. */
export interface Colleague {
  id: string;
  name: string;
}

/** Transfer to a same-level colleague (DECIDE) or reassign (SUPERVISE). */
export function transferForm(c: FormContext, colleagues: Colleague[], mode: 'TRANSFER' | 'ASSIGN'): SafeHtml {
  const { lang, values: v } = c;
  const title = mode === 'TRANSFER' ? S.transferTitle : S.assignTitle;
  if (colleagues.length === 0) return html`<section class="card"><h2>${tr(lang, title)}</h2><p class="muted">${tr(lang, S.noColleague)}</p></section>`;
  return html`<form method="post" action="${c.action}" class="card">
${hidden(c)}
<h2>${tr(lang, title)}</h2>
${mode === 'TRANSFER' ? html`<p class="muted">${tr(lang, S.transferHelp)}</p>` : ''}
<label for="toOfficialId">${tr(lang, mode === 'TRANSFER' ? S.transferTo : S.assignTo)}</label>
<select id="toOfficialId" name="toOfficialId" required>${colleagues.map((o) => html`<option value="${o.id}"${v.toOfficialId === o.id ? html` selected` : ''}>${o.name}</option>`)}</select>
<label for="transferReason">${tr(lang, S.transferReason)}</label>
<input id="transferReason" name="transferReason" maxlength="500" value="${v.transferReason ?? ''}">
<div class="actions"><button type="submit" name="action" value="${mode}" class="secondary">${tr(lang, mode === 'TRANSFER' ? S.submitTransfer : S.submitAssign)}</button></div>
</form>`;
}

/** 催办 — nudge the assignee. */
export function nudgeForm(c: FormContext): SafeHtml {
  return html`<form method="post" action="${c.action}" class="card">
${hidden(c)}
<h2>${tr(c.lang, S.nudgeTitle)}</h2>
<p class="muted">${tr(c.lang, S.nudgeHelp)}</p>
<div class="actions"><button type="submit" name="action" value="NUDGE">${tr(c.lang, S.submitNudge)}</button></div>
</form>`;
}

/** Record a contact (走访) and record a measure (帮扶措施). */
export function contactForms(c: FormContext, today: string): SafeHtml {
  const { lang, values: v } = c;
  const method = v.method ?? 'VISIT';
  return html`<form method="post" action="${c.action}" class="card">
${hidden(c)}
<h2>${tr(lang, S.recordContact)}</h2>
<label for="contactedOn">${tr(lang, S.contactedOn)}</label>
<input type="date" id="contactedOn" name="contactedOn" required value="${v.contactedOn ?? today}" max="${today}">
<label for="method">${tr(lang, S.method)}</label>
<select id="method" name="method">${(['VISIT', 'PHONE', 'OTHER'] as const).map((m) => html`<option value="${m}"${m === method ? html` selected` : ''}>${tr(lang, m === 'VISIT' ? S.methodVisit : m === 'PHONE' ? S.methodPhone : S.methodOther)}</option>`)}</select>
<label for="note">${tr(lang, S.note)}</label>
<textarea id="note" name="note" maxlength="2000">${v.note ?? ''}</textarea>
<div class="actions"><button type="submit" name="action" value="CONTACT">${tr(lang, S.submitContact)}</button></div>
</form>
<form method="post" action="${c.action}" class="card">
${hidden(c)}
<h2>${tr(lang, S.recordMeasure)}</h2>
<label for="type">${tr(lang, S.measureType)}</label>
<select id="type" name="type">${MEASURE_TYPES.map((t) => html`<option value="${t}"${v.type === t ? html` selected` : ''}>${tr(lang, MEASURE_LABELS[t])}</option>`)}</select>
<label for="description">${tr(lang, S.description)}</label>
<textarea id="description" name="description" maxlength="2000">${v.description ?? ''}</textarea>
<label for="memberName">${tr(lang, S.memberName)}</label>
<input id="memberName" name="memberName" maxlength="50" value="${v.memberName ?? ''}">
<div class="actions"><button type="submit" name="action" value="MEASURE" class="secondary">${tr(lang, S.submitMeasure)}</button></div>
</form>`;
}
