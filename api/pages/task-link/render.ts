/**
 * The task-link pages: the confirm page (what is decided, the household, the timeline, the
 * forms), the result page (what happened and what comes next) and the problem pages (forged,
 * expired, revoked, used, not yours), each in the official's language.
 */
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Bilingual, Lang } from '../i18n';
import { ACTION_LABELS, LEVEL_LABELS, MEASURE_LABELS, STATUS_LABELS, STEP_LABELS, beijingTime, label, tr } from '../i18n';
import { formatDue } from '../../../core/due-time';
import { page } from '../layout';
import type { CaseView } from './case-view';
import { renderSummary, renderTimeline } from './case-view';
import type { Colleague, FormContext } from './forms';
import { FORM_CSS, contactForms, decideForm, errorBox, nudgeForm, transferForm } from './forms';
import { S, fill } from './strings';

const b = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });
const colon = (lang: Lang): string => (lang === 'zh-CN' ? '：' : ': ');

/** What a used link did, stored on the link row. */
export interface LinkOutcome {
  action: string;
  /** Case status and step after the action. */
  status: string | null;
  step: string | null;
  /** Step the action was taken on. */
  fromStep: string | null;
  at: string;
  byName: string;
  toName?: string;
  reason?: string;
  measureType?: string;
  /** A process's step and status as its kind labels them (process core). */
  fromStepLabel?: Bilingual;
  statusLabel?: Bilingual;
}

/** What is being decided at each step. */
const STEP_HELP: Record<string, Bilingual> = {
  VERIFICATION: b('请入户核实该户情况，并确认农户已签署承诺授权书。同意后进入村级民主评议。', "Verify the household at home and confirm it signed its consent. Approving moves the case to the village democratic review."),
  VILLAGE_REVIEW: b('请录入村级民主评议结论。同意后在村内公示。', 'Record the outcome of the village democratic review. Approving starts the village public notice.'),
  TOWNSHIP_REVIEW: b('请审核。同意后报县级审定。', 'Review the case. Approving sends it to the county for approval.'),
  COUNTY_APPROVAL: b('请审定。同意后该户纳入监测对象，启动帮扶。', 'Approve or not. Approving makes the household monitored and starts assistance.'),
  INVESTIGATION: b('公示期间收到异议，请调查核实。异议不成立则公示继续；异议成立则退回村级评议或不予认定。', 'An objection was filed during the public notice. Investigate it: dismissed, the notice runs on; upheld, the case returns to the village review or is rejected.'),
  ELIM_ASSESSMENT: b('请入户核实并评估是否符合风险消除条件，选择消除方式并逐项确认标准。', 'Assess at home whether the risk is eliminated: choose the route and confirm each criterion.'),
  ELIM_VILLAGE_REVIEW: b('请录入风险消除村级评议结论。同意后公示。', 'Record the village review of the elimination. Approving starts the public notice.'),
  ELIM_TOWNSHIP_REVIEW: b('请审核风险消除。同意后报县级审定。', 'Review the elimination. Approving sends it to the county.'),
  ELIM_COUNTY_APPROVAL: b('请审定风险消除。同意后标记为风险已消除。', 'Approve the elimination. Approving marks the risk eliminated.'),
};

function dueHtml(lang: Lang, dueAt: Date, workingDaysLeft: number | null): SafeHtml {
  const overdue = dueAt.getTime() <= Date.now();
  const left = workingDaysLeft === null || overdue ? ''
    : workingDaysLeft === 0 ? (lang === 'zh-CN' ? '（今天到期）' : ' (due today)')
    : lang === 'zh-CN' ? `（还剩 ${workingDaysLeft} 个工作日）` : ` (${workingDaysLeft} working day${workingDaysLeft === 1 ? '' : 's'} left)`;
  return html`${formatDue(dueAt, lang)}${left}${overdue ? html` <span class="badge overdue">${tr(lang, S.overdue)}</span>` : ''}`;
}

/** Common parts of the confirm pages. */
export interface ConfirmPageProps {
  lang: Lang;
  selfPath: string;
  officialName: string;
  view: CaseView;
  form: FormContext;
}

function intro(lang: Lang, officialName: string): SafeHtml {
  return html`<p class="notice">${tr(lang, S.postOnly)}<br><span class="muted">${fill(tr(lang, S.linkFor), { name: officialName })}</span></p>`;
}

/**
 * What every task's confirm page has, whatever the task belongs to: the step, the form, and the
 * cards of its case or process (summary and timeline).
 */
export interface TaskPageParts {
  lang: Lang;
  selfPath: string;
  officialName: string;
  form: FormContext;
  stepLabel: string;
  dueAt: Date;
  workingDaysLeft: number | null;
  colleagues: Colleague[];
  /** The summary and timeline of what the task belongs to. */
  cards: SafeHtml;
}

/** The approver's confirm page of any task: what is decided (`help`), the decision form, the cards, transfer. */
export function decidePageOf(p: TaskPageParts & { help: SafeHtml | string; decideForm: SafeHtml }): string {
  const { lang } = p;
  const body = html`${FORM_CSS}
${intro(lang, p.officialName)}
${errorBox(lang, p.form.error)}
<section class="card" aria-labelledby="what"><h2 id="what">${p.stepLabel}</h2>
${p.help}
<dl><dt>${tr(lang, S.dueAt)}</dt><dd>${dueHtml(lang, p.dueAt, p.workingDaysLeft)}</dd></dl></section>
${p.decideForm}
${p.cards}
${transferForm(p.form, p.colleagues, 'TRANSFER')}`;
  return page({ lang, title: `${tr(lang, S.decideTitle)}${colon(lang)}${p.stepLabel}`, body, selfPath: p.selfPath });
}

/** The approver's confirm page. */
export function decidePage(p: ConfirmPageProps & { step: string; dueAt: Date; workingDaysLeft: number | null; colleagues: Colleague[]; objections: string[] }): string {
  const { lang } = p;
  return decidePageOf({
    ...p, stepLabel: label(STEP_LABELS, p.step, lang), decideForm: decideForm(p.form, p.step), cards: html`${renderSummary(p.view, lang)}
${renderTimeline(p.view, lang)}`,
    help: html`<p>${STEP_HELP[p.step] ? tr(lang, STEP_HELP[p.step]) : ''}</p>
${p.objections.length ? html`<ul>${p.objections.map((o) => html`<li>${o}</li>`)}</ul>` : ''}`,
  });
}

/** The supervisor's page of any task: nudge or reassign. */
export function supervisePageOf(p: TaskPageParts & { assigneeName: string | null }): string {
  const { lang } = p;
  const body = html`${FORM_CSS}
${intro(lang, p.officialName)}
${errorBox(lang, p.form.error)}
<section class="card"><h2>${p.stepLabel}</h2>
<dl><dt>${tr(lang, S.assignee)}</dt><dd>${p.assigneeName ?? '—'}</dd><dt>${tr(lang, S.dueAt)}</dt><dd>${dueHtml(lang, p.dueAt, p.workingDaysLeft)}</dd></dl></section>
${p.assigneeName ? nudgeForm(p.form) : ''}
${transferForm(p.form, p.colleagues, 'ASSIGN')}
${p.cards}`;
  return page({ lang, title: `${tr(lang, S.superviseTitle)}${colon(lang)}${p.stepLabel}`, body, selfPath: p.selfPath });
}

/** The supervisor's page: nudge or reassign. */
export function supervisePage(p: ConfirmPageProps & { step: string; dueAt: Date; workingDaysLeft: number | null; assigneeName: string | null; colleagues: Colleague[] }): string {
  return supervisePageOf({ ...p, stepLabel: label(STEP_LABELS, p.step, p.lang), cards: html`${renderSummary(p.view, p.lang)}
${renderTimeline(p.view, p.lang)}` });
}

/** The assistance contact's page. */
export function contactPage(p: ConfirmPageProps & { today: string }): string {
  const { lang } = p;
  const body = html`${FORM_CSS}
${intro(lang, p.officialName)}
${errorBox(lang, p.form.error)}
${contactForms(p.form, p.today)}
<p><a id="handbook-link" href="${p.selfPath}/handbook">${tr(lang, S.handbookLink)}</a></p>
${renderSummary(p.view, lang)}
${renderTimeline(p.view, lang)}`;
  return page({ lang, title: tr(lang, S.contactTitle), body, selfPath: p.selfPath });
}

/** "You approved 入户核实." */
export function outcomeSentence(lang: Lang, o: LinkOutcome): string {
  const step = o.fromStepLabel?.[lang] ?? label(STEP_LABELS, o.fromStep, lang);
  const zh = lang === 'zh-CN';
  switch (o.action) {
    case 'TRANSFER':
      return zh ? `您已将「${step}」转交给 ${o.toName ?? ''}。` : `You transferred "${step}" to ${o.toName ?? ''}.`;
    case 'ASSIGN':
      return zh ? `您已将「${step}」改派给 ${o.toName ?? ''}。` : `You reassigned "${step}" to ${o.toName ?? ''}.`;
    case 'NUDGE':
      return zh ? `您已催办「${step}」。` : `You nudged "${step}".`;
    case 'CONTACT':
      return zh ? '走访记录已保存。' : 'The contact is recorded.';
    case 'MEASURE':
      return zh ? `帮扶措施（${label(MEASURE_LABELS, o.measureType, lang)}）已登记。` : `The measure (${label(MEASURE_LABELS, o.measureType, lang)}) is recorded.`;
    default:
      return zh ? `您对「${step}」的决定：${label(ACTION_LABELS, o.action, lang)}。` : `Your decision on "${step}": ${label(ACTION_LABELS, o.action, lang)}.`;
  }
}

const PERSON_STEP_LEVEL: Record<string, string> = {
  VERIFICATION: 'VILLAGE', VILLAGE_REVIEW: 'VILLAGE', TOWNSHIP_REVIEW: 'TOWNSHIP', COUNTY_APPROVAL: 'COUNTY', ELIM_ASSESSMENT: 'VILLAGE',
  ELIM_VILLAGE_REVIEW: 'VILLAGE', ELIM_TOWNSHIP_REVIEW: 'TOWNSHIP', ELIM_COUNTY_APPROVAL: 'COUNTY',
};

/** What comes next after an outcome. */
export function nextSentence(lang: Lang, o: LinkOutcome): string {
  const zh = lang === 'zh-CN';
  const step = label(STEP_LABELS, o.step, lang);
  switch (o.action) {
    case 'TRANSFER':
    case 'ASSIGN':
      return zh ? `${o.toName ?? '对方'} 会收到一封带有新链接的邮件；您的这个链接已失效。` : `${o.toName ?? 'Your colleague'} gets an email with a new link; this link no longer works.`;
    case 'NUDGE':
      return zh ? '承办人会立即收到一封带有新链接的催办邮件。' : 'The assignee gets a nudge email with a fresh link right away.';
    case 'CONTACT':
      return zh ? '本期走访已登记，下一期到期前系统会再次提醒。' : 'This period is covered; you will be reminded before the next one is due.';
    case 'MEASURE':
      return zh ? '措施为“计划中”，落实后请标记为已落实。' : 'The measure is planned; mark it implemented once it is.';
  }
  if (o.statusLabel) return zh ? `已记录。当前状态：${o.statusLabel[lang]}。` : `Recorded. Status now: ${o.statusLabel[lang]}.`;
  if (o.status === 'REJECTED') return zh ? '案件已终止（不予认定），村级会收到通知。农户今后如有需要可重新申请。' : 'The case is closed as rejected; the village is told. The household may apply again later.';
  if (o.status === 'ELIMINATED') return zh ? '该户已标记为风险消除，记录保留；县级可在规定期限内回退。' : 'The household is marked risk-eliminated; the record stays and the county may roll it back within the window.';
  if (o.status === 'MONITORED' && o.fromStep === 'COUNTY_APPROVAL') return zh ? '该户已纳入监测对象。帮扶责任人会收到邮件，须按期制定帮扶方案并定期走访。' : 'The household is now monitored. Its assistance contact is emailed and must set up a plan and visit regularly.';
  if (o.step === 'PUBLIC_NOTICE' || o.step === 'ELIM_NOTICE') return zh ? '案件进入村内公示。公示期满且无异议后，系统自动转入乡镇审核。' : 'The village public notice starts. When it ends without objection, the case goes to the township automatically.';
  if (o.step && PERSON_STEP_LEVEL[o.step]) {
    // The level stands mid-sentence: lower-case it in English ("the township official").
    const levelLabel = label(LEVEL_LABELS, PERSON_STEP_LEVEL[o.step], lang);
    const level = zh ? levelLabel : levelLabel.toLowerCase();
    if (o.action === 'RETURN') return zh ? `案件已退回「${step}」环节，${level}承办人会收到邮件。` : `The case went back to "${step}"; the ${level} official is emailed.`;
    return zh ? `案件进入「${step}」环节，${level}承办人会收到邮件。` : `The case moves on to "${step}"; the ${level} official is emailed.`;
  }
  return zh ? `案件状态：${label(STATUS_LABELS, o.status, lang)}。` : `Case status: ${label(STATUS_LABELS, o.status, lang)}.`;
}

/** The result page after a successful submit, with the cards of what the task belongs to. */
export function resultPageOf(p: { lang: Lang; selfPath: string; outcome: LinkOutcome; cards: SafeHtml }): string {
  const { lang, outcome } = p;
  const body = html`${FORM_CSS}<div class="notice ok" role="status"><strong>${outcomeSentence(lang, outcome)}</strong>
<div class="muted">${tr(lang, S.decidedBy)}${colon(lang)}${outcome.byName} · ${tr(lang, S.decidedAt)}${colon(lang)}${beijingTime(outcome.at, lang)}</div></div>
<section class="card"><h2>${tr(lang, S.whatNext)}</h2><p>${nextSentence(lang, outcome)}</p></section>
${p.cards}`;
  return page({ lang, title: tr(lang, S.resultTitle), body, selfPath: p.selfPath });
}

/** The result page after a successful submit (a contact's link also leads on to the household's handbook). */
export function resultPage(p: { lang: Lang; selfPath: string; outcome: LinkOutcome; view: CaseView; handbookHref?: string }): string {
  return resultPageOf({ ...p, cards: html`${p.handbookHref ? html`<p><a id="handbook-link" href="${p.handbookHref}">${tr(p.lang, S.handbookLink)}</a></p>` : ''}
${renderSummary(p.view, p.lang)}
${renderTimeline(p.view, p.lang)}` });
}

/** Kinds of problem pages. */
export type Problem = 'FORGED' | 'EXPIRED' | 'USED' | 'BUSY' | 'NOT_YOURS' | 'CSRF' | 'RATE_LIMITED'
  | 'TASK_DECIDED' | 'TASK_CLOSED' | 'TRANSFERRED' | 'OFFICIAL_INACTIVE' | 'CASE_CLOSED';

const PROBLEMS: Record<Problem, { status: number; title: Bilingual; text: Bilingual }> = {
  FORGED: {
    status: 401, title: b('链接无效', 'This link is not valid'),
    text: b('这个链接不完整或被改动过，系统无法识别。请从邮件中完整地打开链接；如仍无法打开，请联系上级管理员重新发送。', 'The link is incomplete or has been altered. Open it from the email in full; if it still fails, ask your administrator to send it again.'),
  },
  EXPIRED: {
    status: 410, title: b('链接已过期', 'This link has expired'),
    text: b('此链接已超过有效期。如待办仍需办理，请等待系统的下一封提醒邮件（每封邮件都带有新链接），或联系上级管理员。', 'The link is past its validity. If the task is still open, the next reminder email brings a fresh link, or ask your administrator.'),
  },
  USED: {
    status: 409, title: b('此链接已使用', 'This link has already been used'),
    text: b('同一链接只能提交一次，您的第一次提交已生效，无需再操作。', 'A link submits once. Your first submission stands; nothing more to do.'),
  },
  BUSY: {
    status: 409, title: b('正在处理', 'Being processed'),
    text: b('您的提交正在处理中，请稍后刷新本页查看结果，不要重复提交。', 'Your submission is being processed. Reload this page in a moment to see the result; do not submit again.'),
  },
  NOT_YOURS: {
    status: 403, title: b('这不是您的待办', 'This is not your task'),
    text: b('此链接对应的待办不属于您。请使用发给您本人的邮件中的链接；如需代为办理，请联系承办人或上级转交。', 'The task of this link is not yours. Use the link from your own email; to act for someone, ask them or a supervisor to transfer the task.'),
  },
  CSRF: {
    status: 403, title: b('表单已失效', 'The form has expired'),
    text: b('提交的表单无法验证。请重新打开邮件中的链接后再提交。', 'The submitted form could not be verified. Open the link from the email again and resubmit.'),
  },
  RATE_LIMITED: {
    status: 429, title: b('请求过于频繁', 'Too many requests'),
    text: b('请稍候一分钟再试。', 'Please wait a minute and try again.'),
  },
  TASK_DECIDED: {
    status: 410, title: b('待办已办理', 'The task has been decided'),
    text: b('此待办已经办理完毕（可能由您的代理人或通过系统办理），链接已失效，无需再操作。', 'The task has been decided already (perhaps by your stand-in or in the system); the link no longer works and nothing more is needed.'),
  },
  TASK_CLOSED: {
    status: 410, title: b('待办已取消', 'The task was cancelled'),
    text: b('案件已撤回、终止或关闭，此待办已取消，无需再操作。', 'The case was withdrawn, rejected or closed; the task is cancelled and nothing more is needed.'),
  },
  TRANSFERRED: {
    status: 410, title: b('待办已转交', 'The task was transferred'),
    text: b('此待办已转交给其他同事，您的链接已失效。如有疑问，请联系转交人或上级。', 'The task was transferred to a colleague and your link no longer works. Ask whoever transferred it if in doubt.'),
  },
  OFFICIAL_INACTIVE: {
    status: 410, title: b('账号已停用', 'Your account is deactivated'),
    text: b('您的账号已停用，链接失效。请联系管理员。', 'Your account is deactivated, so the link no longer works. Contact your administrator.'),
  },
  CASE_CLOSED: {
    status: 410, title: b('案件已办结', 'The case is closed'),
    text: b('案件已办结，无需再登记。', 'The case is closed; nothing more to record.'),
  },
};

/** A problem page with its HTTP status. */
export function problemPage(p: { lang: Lang; selfPath?: string; problem: Problem; outcome?: LinkOutcome | null; expiredAt?: Date }): { status: number; html: string } {
  const { lang } = p;
  const def = PROBLEMS[p.problem];
  const body = html`${FORM_CSS}<div class="notice ${def.status >= 500 ? 'error' : 'warn'}" role="alert"><p>${tr(lang, def.text)}</p>
${p.expiredAt ? html`<p class="muted">${beijingTime(p.expiredAt, lang)}</p>` : ''}</div>
${p.outcome ? html`<section class="card"><h2>${tr(lang, S.resultTitle)}</h2><p><strong>${outcomeSentence(lang, p.outcome)}</strong></p>
<p class="muted">${tr(lang, S.decidedBy)}${colon(lang)}${p.outcome.byName} · ${tr(lang, S.decidedAt)}${colon(lang)}${beijingTime(p.outcome.at, lang)}</p><p>${nextSentence(lang, p.outcome)}</p></section>` : ''}`;
  return { status: def.status, html: page({ lang, title: tr(lang, def.title), body, selfPath: p.selfPath }) };
}
