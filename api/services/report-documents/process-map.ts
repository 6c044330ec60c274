/**
 * 流程图 — a case's process map as server-side SVG: its steps in order (identification, then
 * monitoring, then elimination when it started), each done / current / still to come — told by
 * shape and words as well as colour — with the step's due and actual dates from its task.
 */
import type { ReportLang } from './report-view';
import { t } from './report-view';
import { esc } from './svg-parts';

const ID_STEPS = ['VERIFICATION', 'VILLAGE_REVIEW', 'PUBLIC_NOTICE', 'TOWNSHIP_REVIEW', 'COUNTY_APPROVAL'];
const ELIM_STEPS = ['ELIM_ASSESSMENT', 'ELIM_VILLAGE_REVIEW', 'ELIM_NOTICE', 'ELIM_TOWNSHIP_REVIEW', 'ELIM_COUNTY_APPROVAL'];

/** A task of the case, as the map needs it. */
export interface MapTask { step: string; status: string; openedAt: Date; dueAt: Date; closedAt: Date | null }

/** One step of the map. */
export interface MapStep { step: string; state: 'DONE' | 'CURRENT' | 'PENDING'; dueAt: Date | null; doneAt: Date | null }

/** The steps of a case's map (pure). */
export function processMapSteps(c: { status: string; step: string | null; approvedAt: Date | null; eliminatedAt: Date | null }, tasks: MapTask[]): MapStep[] {
  const elimStarted = tasks.some((x) => x.step.startsWith('ELIM_')) || ['ELIMINATING', 'ELIMINATED'].includes(c.status);
  const order = [...ID_STEPS, 'MONITORED', ...(elimStarted ? ELIM_STEPS : [])];
  const last = (step: string): MapTask | undefined => tasks.filter((x) => x.step === step).sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime())[0];
  const currentIndex = c.step && order.includes(c.step) ? order.indexOf(c.step) : c.status === 'MONITORED' ? order.indexOf('MONITORED') : c.status === 'ELIMINATED' ? order.length : -1;
  return order.map((step, i) => {
    const task = last(step);
    if (step === 'MONITORED') return { step, state: c.approvedAt ? (currentIndex === i ? 'CURRENT' : 'DONE') : 'PENDING', dueAt: null, doneAt: c.approvedAt };
    const state = currentIndex === i ? 'CURRENT' : (currentIndex > i || (task && task.status === 'DONE')) ? 'DONE' : 'PENDING';
    return { step, state, dueAt: task?.dueAt ?? null, doneAt: task?.status === 'DONE' ? task.closedAt : null };
  });
}

const day = (d: Date | null): string => (d ? new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ') : '—');

/** SVG of the map: one row per step, a vertical line joining them. */
export function processMapSvg(steps: MapStep[], labelOf: (step: string) => string, lang: ReportLang): string {
  const width = 340;
  const rowH = 40;
  const height = steps.length * rowH + 6;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(t(lang, '办理流程图', 'Process map'))}" font-family="Noto Sans CJK SC, sans-serif" font-size="13">`];
  parts.push(`<line x1="12" y1="14" x2="12" y2="${height - 20}" stroke="#8a9099" stroke-width="2"/>`);
  steps.forEach((s, i) => {
    const y = 14 + i * rowH;
    const mark = s.state === 'DONE' ? `<circle cx="12" cy="${y}" r="7" fill="#1b3a5c"/><path d="M8 ${y} l3 3 l5 -6" stroke="#fff" stroke-width="2" fill="none"/>`
      : s.state === 'CURRENT' ? `<circle cx="12" cy="${y}" r="9" fill="#fff" stroke="#8b1a1a" stroke-width="4"/>`
      : `<circle cx="12" cy="${y}" r="6" fill="#fff" stroke="#8a9099" stroke-width="2" stroke-dasharray="3 2"/>`;
    const state = s.state === 'DONE' ? t(lang, '已完成', 'done') : s.state === 'CURRENT' ? t(lang, '当前', 'current') : t(lang, '未到', 'to come');
    parts.push(`<g data-step="${esc(s.step)}" data-state="${s.state}">${mark}<text x="30" y="${y + 4}" font-weight="${s.state === 'CURRENT' ? 700 : 400}">${esc(labelOf(s.step))} · ${esc(state)}</text>`
      + `<text x="30" y="${y + 20}" font-size="11" fill="#4a4f57">${esc(`${t(lang, '期限', 'due')} ${day(s.dueAt)} · ${t(lang, '完成', 'done')} ${day(s.doneAt)}`)}</text></g>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
