/**
 * Email templates (邮件模板): every notification kind in Simplified Chinese and English, as plain
 * text plus simple HTML. Templates see only {@link MailFacts} — masked names, steps, due times,
 * links — never an ID number, phone number, bank account or health detail.
 */
import type { NotificationKind } from '../types';
import type { Bilingual, Lang } from '../../api/pages/i18n';
import { ACTION_LABELS, STATUS_LABELS, STEP_LABELS, label } from '../../api/pages/i18n';
import { formatDue } from '../../core/due-time';
import type { SafeHtml } from '../../api/pages/html';
import { html } from '../../api/pages/html';

/** What a template may show. Built by `mail-facts.ts` from columns that carry no personal data. */
export interface MailFacts {
  kind: NotificationKind;
  lang: Lang;
  recipientName: string;
  caseNo: string | null;
  /** Head of household, masked as public notices do (王**). */
  headNameMasked: string | null;
  villageName: string | null;
  /** Step of the task (or of the notification's data). */
  step: string | null;
  /** Case status, for outcomes and closings. */
  caseStatus: string | null;
  /** Due time of the task (or plan) and working days left; negative = overdue by that many. */
  dueAt: Date | null;
  workingDaysLeft: number | null;
  /** Link to act on (task page, contact page, supervision page). */
  link: string | null;
  /** Who holds the task (escalations to supervisors), by name. */
  assigneeName: string | null;
  /** Decision of DECISION_OUTCOME. */
  action: string | null;
  /** Escalation number, missed contact periods. */
  escalation: number | null;
  missed: number | null;
  /** The recipient is the late assignee (an escalation copy), not a supervisor. */
  toAssignee: boolean;
  /** A process beyond the household case (约谈 …): its title, named instead of a household. */
  processTitle?: string | null;
  /** The step's label when it is not a case step (from the process kind's registration). */
  stepLabel?: string | null;
  /** A report produced after its scheduled time (REPORT_READY). */
  late?: boolean;
  /** The grid an official was made the worker of, and its households (GRID_ASSIGNED). */
  gridName?: string;
  households?: number | null;
}

/** A rendered message. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Body {
  subject: string;
  /** Paragraphs before the details. */
  intro: string[];
  linkLabel?: string;
  /** Paragraph after the link. */
  after?: string;
}

const L = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

function dueLine(f: MailFacts): string | null {
  if (!f.dueAt) return null;
  const when = formatDue(f.dueAt, f.lang);
  const n = f.workingDaysLeft;
  if (n === null) return f.lang === 'zh-CN' ? `办理期限：${when}` : `Due ${when}`;
  if (f.lang === 'zh-CN') {
    const left = n > 0 ? `还剩 ${n} 个工作日` : n === 0 ? (f.dueAt.getTime() > Date.now() ? '今天到期' : '已到期') : `已逾期 ${-n} 个工作日`;
    return `办理期限：${when}，${left}`;
  }
  const left = n > 0 ? `${n} working day${n === 1 ? '' : 's'} left` : n === 0 ? (f.dueAt.getTime() > Date.now() ? 'due today' : 'due now') : `${-n} working day${n === -1 ? '' : 's'} overdue`;
  return `Due ${when} — ${left}`;
}

/** The label of the step the message is about. */
function stepOf(f: MailFacts): string {
  return f.stepLabel ?? label(STEP_LABELS, f.step, f.lang);
}

/** "东风村 王**" / "Dongfeng Village, household of W**" — or the process's title (约谈：东风镇). */
function who(f: MailFacts): string {
  if (f.processTitle) return f.processTitle;
  const parts = [f.villageName, f.headNameMasked].filter(Boolean);
  if (f.lang === 'zh-CN') return parts.join(' ') || '监测户';
  return f.headNameMasked ? `${f.villageName ? `${f.villageName}, ` : ''}household of ${f.headNameMasked}` : (f.villageName ?? 'a household');
}

function body(f: MailFacts): Body {
  const zh = f.lang === 'zh-CN';
  const step = stepOf(f);
  const w = who(f);
  switch (f.kind) {
    case 'NEW_TASK':
      return zh
        ? { subject: `【新待办】${step}｜${w}`, intro: [`您有一项新的待办：${step}（${w}）。`], linkLabel: '打开链接查看并办理' }
        : { subject: `[New task] ${step} — ${w}`, intro: [`You have a new task: ${step} (${w}).`], linkLabel: 'Open the link to review and decide' };
    case 'REMINDER':
      return zh
        ? { subject: `【到期提醒】${step}｜${w}`, intro: [`您的待办「${step}」（${w}）即将到期，请及时办理。`], linkLabel: '办理链接' }
        : { subject: `[Reminder] ${step} is due soon — ${w}`, intro: [`Your task "${step}" (${w}) is due soon.`], linkLabel: 'Open the task' };
    case 'NUDGE':
      return zh
        ? { subject: `【催办】${step}｜${w}`, intro: [`上级已对您的待办「${step}」（${w}）进行催办，请尽快办理。`], linkLabel: '办理链接（新链接）' }
        : { subject: `[Nudge] Please act on ${step} — ${w}`, intro: [`A supervisor has nudged your task "${step}" (${w}). Please act on it soon.`], linkLabel: 'Open the task (fresh link)' };
    case 'ESCALATION':
      if (f.toAssignee) {
        return zh
          ? { subject: `【已逾期】${step}｜${w}`, intro: [`您的待办「${step}」（${w}）已超过办理期限，已上报上级。请立即办理。`], linkLabel: '办理链接' }
          : { subject: `[Overdue] ${step} — ${w}`, intro: [`Your task "${step}" (${w}) is overdue and has been reported to the next level. Please act now.`], linkLabel: 'Open the task' };
      }
      return zh
        ? {
            subject: `【逾期上报】${step}｜${w}`,
            intro: [`辖区内待办「${step}」（${w}）已逾期${f.escalation ? `，第 ${f.escalation} 次上报` : ''}。承办人：${f.assigneeName ?? '未分派'}。`],
            linkLabel: '催办或改派',
          }
        : {
            subject: `[Escalation] ${step} is overdue — ${w}`,
            intro: [`The task "${step}" (${w}) in your area is overdue${f.escalation ? ` (escalation ${f.escalation})` : ''}. Assignee: ${f.assigneeName ?? 'nobody'}.`],
            linkLabel: 'Nudge or reassign',
          };
    case 'TASK_UNASSIGNED':
      return zh
        ? { subject: `【无人承办】${step}｜${w}`, intro: [`待办「${step}」（${w}）没有可分派的承办人，请指定一位承办人。`], linkLabel: '指定承办人' }
        : { subject: `[Unassigned] ${step} — ${w}`, intro: [`Nobody could be assigned the task "${step}" (${w}). Please assign an official.`], linkLabel: 'Assign an official' };
    case 'CASE_ASSIGNED_TO_CONTACT':
      return zh
        ? {
            subject: `【帮扶任务】${w} 已纳入监测`,
            intro: [`${w} 已经县级审定纳入监测，您是该户的帮扶责任人。请按期制定帮扶方案（一户一方案），并每月走访。`],
            linkLabel: '登记走访或帮扶措施',
          }
        : {
            subject: `[Assistance] ${w} is now monitored`,
            intro: [`${w} has been approved by the county and is now monitored. You are its assistance contact: please set up an assistance plan on time and visit monthly.`],
            linkLabel: 'Record a contact or a measure',
          };
    case 'CONTACT_REMINDER':
      return zh
        ? { subject: `【走访提醒】${w}`, intro: [`您联系的监测户 ${w} 本期尚未登记走访${f.missed ? `（已缺 ${f.missed} 期）` : ''}，请尽快走访并登记。`], linkLabel: '登记走访' }
        : { subject: `[Contact due] ${w}`, intro: [`No contact with ${w} has been recorded this period${f.missed ? ` (${f.missed} missed)` : ''}. Please visit and record it.`], linkLabel: 'Record a contact' };
    case 'CONTACT_ESCALATION':
      return zh
        ? { subject: `【走访逾期】${w}`, intro: [`监测户 ${w} 已连续 ${f.missed ?? 2} 期未登记帮扶走访，请督促帮扶责任人。`] }
        : { subject: `[Contacts missed] ${w}`, intro: [`${w} has had no recorded contact for ${f.missed ?? 2} periods. Please follow up with the assistance contact.`] };
    case 'PLAN_DUE':
      return zh
        ? { subject: `【方案到期】${w} 尚无帮扶措施`, intro: [`${w} 已过帮扶方案制定期限，仍未登记帮扶措施。`], linkLabel: '登记帮扶措施' }
        : { subject: `[Plan due] ${w} has no assistance measure yet`, intro: [`The assistance plan for ${w} is due and no measure has been recorded yet.`], linkLabel: 'Record a measure' };
    case 'DECISION_OUTCOME': {
      const act = label(ACTION_LABELS, f.action, f.lang);
      return zh
        ? { subject: `【审批结果】${step}：${act}｜${w}`, intro: [`您上一环节办理的案件（${w}），「${step}」环节的结果：${act}。`] }
        : { subject: `[Outcome] ${step}: ${act} — ${w}`, intro: [`The case you handled (${w}) has an outcome at "${step}": ${act}.`] };
    }
    case 'CASE_CLOSED': {
      const st = label(STATUS_LABELS, f.caseStatus, f.lang);
      return zh
        ? { subject: `【案件办结】${w}：${st}`, intro: [`案件（${w}）已办结，结果：${st}。`] }
        : { subject: `[Case closed] ${w}: ${st}`, intro: [`The case of ${w} is closed: ${st}.`] };
    }
    case 'REPORT_READY':
      return zh
        ? { subject: `【报表】${w}已生成${f.late ? '（逾期生成）' : ''}`, intro: [`${w}已生成${f.late ? '，因工作进程停止而逾期生成' : ''}。请登录管理后台「报表」页面查看，并下载 XLSX 或 PDF。`] }
        : { subject: `[Report] ${w} is ready${f.late ? ' (late)' : ''}`, intro: [`${w} has been produced${f.late ? ', late (the worker was down when it was due)' : ''}. Open Reports in the admin pages to read it and download XLSX or PDF.`] };
    case 'GRID_ASSIGNED': {
      const n = f.households ?? 0;
      return zh
        ? {
            subject: `【网格员告知】您是${f.villageName ?? ''}${f.gridName ?? ''}的网格员`,
            intro: [
              `您已被确定为${f.villageName ?? ''}「${f.gridName ?? ''}」的网格员，本网格共有 ${n} 户农户。`,
              '网格员负责本网格全部农户（不只是脱贫户）的日常走访和集中排查：发现因病、因残、因灾、因意外等返贫致贫风险，及时在系统中登记，启动监测识别。集中排查开始时，您会收到本网格的排查任务链接。',
            ],
            linkLabel: '登录查看本网格农户',
          }
        : {
            subject: `[Grid worker] You are the grid worker of ${f.gridName ?? ''}, ${f.villageName ?? ''}`,
            intro: [
              `You are now the grid worker (网格员) of "${f.gridName ?? ''}" in ${f.villageName ?? ''}; the grid has ${n} household${n === 1 ? '' : 's'}.`,
              'You visit every household of the grid (not only lifted ones), routinely and in screening campaigns, and record any risk so that an identification starts. When a campaign starts you receive the grid\'s task link.',
            ],
            linkLabel: 'Your grid\'s households',
          };
    }
    case 'SLA_BREACHED':
      return zh
        ? { subject: `【超时】${w} 识别认定超过时限`, intro: [`案件（${w}）自线索到县级审定已超过规定时限（默认 15 天），当前环节：${step || '—'}。`] }
        : { subject: `[SLA breached] ${w}`, intro: [`The case of ${w} has exceeded the lead-to-county-approval limit (15 days by default). Current step: ${step || '—'}.`] };
  }
}

const FOOTER = L(
  '此邮件由帮扶（Bangfu）防返贫监测帮扶系统自动发送。链接仅限您本人使用，请勿转发；链接失效时，请联系上级管理员。',
  'Sent automatically by Bangfu, the monitoring and assistance system. The link is for you alone: do not forward it. If it no longer works, ask your administrator.',
);

/** Renders a notification in the recipient's language. */
export function renderMail(f: MailFacts): RenderedMail {
  const b = body(f);
  const zh = f.lang === 'zh-CN';
  const greeting = zh ? `${f.recipientName}，您好：` : `Dear ${f.recipientName},`;
  const details: [string, string][] = [];
  if (f.step) details.push([zh ? '环节' : 'Step', stepOf(f)]);
  if (f.caseNo) details.push([zh ? '案件编号' : 'Case', f.caseNo]);
  if (f.processTitle) details.push([zh ? '事项' : 'Matter', f.processTitle]);
  const due = dueLine(f);

  const text = [
    greeting,
    '',
    ...b.intro,
    '',
    ...details.map(([k, v]) => `${k}${zh ? '：' : ': '}${v}`),
    ...(due ? [due] : []),
    '',
    ...(f.link && b.linkLabel ? [`${b.linkLabel}${zh ? '：' : ':'}`, f.link, ''] : []),
    ...(b.after ? [b.after, ''] : []),
    '—',
    FOOTER[f.lang],
    '',
  ].join('\n');

  const htmlBody: SafeHtml = html`<!doctype html>
<html lang="${f.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${b.subject}</title></head>
<body style="margin:0;padding:16px;background:#f4f5f7;font:16px/1.6 system-ui,'PingFang SC','Microsoft YaHei',sans-serif;color:#1a1a1a">
<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #d9dce1;border-radius:8px;padding:16px">
<p>${greeting}</p>
${b.intro.map((p) => html`<p>${p}</p>`)}
<table role="presentation" style="border-collapse:collapse">${details.map(([k, v]) => html`<tr><td style="color:#4a4f57;padding:2px 12px 2px 0">${k}</td><td>${v}</td></tr>`)}</table>
${due ? html`<p><strong>${due}</strong></p>` : ''}
${f.link && b.linkLabel ? html`<p><a href="${f.link}" style="display:inline-block;background:#8b1a1a;color:#fff;padding:12px 18px;border-radius:6px;text-decoration:none;font-weight:600">${b.linkLabel}</a></p><p style="font-size:13px;color:#4a4f57;word-break:break-all">${f.link}</p>` : ''}
${b.after ? html`<p>${b.after}</p>` : ''}
<p style="font-size:13px;color:#4a4f57;border-top:1px solid #e3e5e8;padding-top:8px">${FOOTER[f.lang]}</p>
</div></body></html>`;
  return { subject: b.subject, text, html: htmlBody.value };
}
