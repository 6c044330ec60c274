/**
 * Renders a case timeline as readable lines: when, what, who, on whose behalf, comment — with
 * timers and reminders named as such — and the raw Temporal event table.
 */
import type { RawTemporalEvent, TimelineEntry } from '../../services/build-timeline';
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';
import { ACTION_LABELS, AUDIT_LABELS, MEASURE_LABELS, STEP_LABELS, label } from '../i18n';
import { CLOSE_REASON_LABELS, KIND_LABELS, TEMPORAL_LABELS, TIMER_LABELS, UPDATE_LABELS, w } from './labels';
import { due, when } from './shell';

/** Timeline instants carry seconds: several steps can happen within a minute. */
function whenSeconds(at: string, lang: Lang): string {
  return `${when(at, lang)}:${new Date(at).toISOString().slice(17, 19)}`;
}

const colon = (lang: Lang): string => (lang === 'en' ? ': ' : '：');
const paren = (lang: Lang, text: string): string => (lang === 'en' ? ` (${text})` : `（${text}）`);

function stepText(step: string | null | undefined, lang: Lang): string {
  return step ? label(STEP_LABELS, step, lang) : '';
}

/** The "what" of an entry as a sentence fragment. */
export function describeEntry(e: TimelineEntry, lang: Lang): string {
  const d = (e.data ?? {}) as Record<string, any>;
  const step = stepText(e.step, lang);
  const withStep = (s: string): string => (step ? `${s} · ${step}` : s);
  if (e.source === 'audit') {
    const base = label(AUDIT_LABELS, e.action, lang);
    switch (e.action) {
      case 'RETURNED':
        return `${withStep(base)} → ${stepText(d.to, lang)}`;
      case 'CASE_CLOSED':
        return `${base}${paren(lang, label(CLOSE_REASON_LABELS, d.reason, lang))}`;
      case 'TASK_ESCALATED':
        return `${withStep(base)} #${d.escalation ?? 1}`;
      default:
        return withStep(base);
    }
  }
  if (e.kind === 'timer' && e.timer) {
    const purpose = label(TIMER_LABELS, e.timer.purpose, lang);
    const fires = e.action === 'TIMER_STARTED' && e.timer.firesAt ? ` · ${w(lang, 'firesAt')} ${when(e.timer.firesAt, lang)}` : '';
    return `${label(TEMPORAL_LABELS, e.action, lang)}${colon(lang)}${purpose}${fires}`;
  }
  if (e.kind === 'update') {
    if (e.action === 'UPDATE_FAILED') return `${label(TEMPORAL_LABELS, e.action, lang)}: ${e.outcome ?? ''}`;
    const what = label(UPDATE_LABELS, e.name ?? '', lang) || e.name || '';
    const act = d.action ? ` · ${label(ACTION_LABELS, d.action, lang)}` : d.status ? ` · ${d.status}` : '';
    const to = d.toOfficialName ? ` → ${d.toOfficialName}` : '';
    return `${label(TEMPORAL_LABELS, 'UPDATE_ACCEPTED', lang)}${colon(lang)}${what}${act}${to}`;
  }
  if (e.kind === 'activity') {
    const detail = [d.action, d.step ? stepText(d.step, lang) : ''].filter(Boolean).join(' · ');
    const attempts = Number(d.attempts ?? 0) > 1 ? ` ×${d.attempts}` : '';
    return `${label(TEMPORAL_LABELS, 'ACTIVITY', lang)} ${e.name ?? ''}${detail ? ` (${detail})` : ''} — ${(e.outcome ?? '').toLowerCase()}${attempts}`;
  }
  if (e.kind === 'signal') return `${label(TEMPORAL_LABELS, 'SIGNALED', lang)}: ${e.name ?? ''}`;
  return label(TEMPORAL_LABELS, e.action, lang);
}

/** Extra facts shown under a line (measure type, transfer target, notice end…). */
function detailOf(e: TimelineEntry, lang: Lang, nameOf: (id: string) => string): string {
  const d = (e.data ?? {}) as Record<string, any>;
  if (e.source !== 'audit') return '';
  switch (e.action) {
    case 'TASK_TRANSFERRED':
    case 'CONTACT_REASSIGNED':
      return `${d.from ? nameOf(d.from) : '—'} → ${d.to ? nameOf(d.to) : '—'}`;
    case 'TASK_OPENED':
      return [d.assigneeId ? `${w(lang, 'assignee')}: ${nameOf(d.assigneeId)}` : '', d.dueAt ? `${w(lang, 'due')}: ${due(d.dueAt, lang)}` : ''].filter(Boolean).join(' · ');
    case 'NOTICE_STARTED':
      return d.endsAt ? `→ ${when(d.endsAt, lang)}` : '';
    case 'NEXT_REVIEW_SCHEDULED':
    case 'COUNTY_APPROVED_MONITORING_STARTED':
      return d.nextReviewAt ? `${w(lang, 'nextReview')}: ${when(d.nextReviewAt, lang)}` : '';
    case 'MEASURE_RECORDED':
      return d.type ? label(MEASURE_LABELS, d.type, lang) : '';
    case 'APPROVED':
      return d.route ? `route ${d.route}` : '';
    default:
      return '';
  }
}

/** The timeline as an ordered list. */
export function renderTimeline(entries: TimelineEntry[], lang: Lang, officialNames: Map<string, string>): SafeHtml {
  const nameOf = (id: string): string => officialNames.get(id) ?? id;
  return html`<ol class="timeline" id="timeline">${entries.map((e) => {
    const detail = detailOf(e, lang, nameOf);
    const who = e.actorName ? `${w(lang, 'by')} ${e.actorName}` : e.source === 'audit' ? w(lang, 'system') : null;
    return html`<li data-source="${e.source}" data-kind="${e.kind}" data-action="${e.action}"${e.eventId ? html` data-event-id="${e.eventId}"` : ''}>
<span class="when">${whenSeconds(e.at, lang)}</span><span class="badge">${label(KIND_LABELS, e.kind, lang)}</span>
<strong>${describeEntry(e, lang)}</strong>
${who ? html` · <span class="who">${who}</span>` : ''}${e.onBehalfOfName ? html` · <span class="who">${w(lang, 'onBehalfOf')} ${e.onBehalfOfName}</span>` : ''}
${detail ? html`<div class="muted">${detail}</div>` : ''}${e.comment ? html`<blockquote>${e.comment}</blockquote>` : ''}
</li>`;
  })}</ol>`;
}

/** The raw Temporal events. */
export function renderRawEvents(raw: RawTemporalEvent[], lang: Lang): SafeHtml {
  return html`<div class="table-wrap"><table class="data" id="raw-events"><thead><tr><th>run</th><th>#</th><th>${w(lang, 'opened')}</th><th>type</th><th>attributes</th></tr></thead>
<tbody>${raw.map((r) => html`<tr data-event-type="${r.eventType}"><td><code>${r.runId.slice(0, 8)}</code></td><td>${r.eventId}</td><td>${when(r.eventTime, lang)}</td><td><code>${r.eventType}</code></td><td><details><summary>…</summary><pre class="raw">${r.attributes}</pre></details></td></tr>`)}</tbody></table></div>`;
}
