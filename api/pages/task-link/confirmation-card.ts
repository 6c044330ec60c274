/**
 * 月调度数据确认 — on the task link of a village's or township's confirmation: the unit's figures of
 * the month, and for a township its villages' answers (confirmed, discrepancy, not confirmed).
 * Plain HTML, no scripts; Simplified Chinese by default.
 */
import type { ConfirmationTaskView } from '../../services/read-confirmation';
import { FIGURE_COLUMNS } from '../../services/report-documents/report-view';
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const TIMING = { ON_TIME: b('按时', 'on time'), LATE: b('逾期', 'late'), NONE: b('未确认', 'not confirmed') };
const OUTCOME = { CONFIRMED: b('已确认', 'Confirmed'), DISCREPANCY: b('报告数据有误', 'Discrepancy flagged') };

/** The figures card (and a township's villages card). */
export function confirmationCard(lang: Lang, v: ConfirmationTaskView): SafeHtml {
  const zh = lang === 'zh-CN';
  const f = v.figures;
  const figures = html`<section class="card" aria-labelledby="cf"><h2 id="cf">${zh ? `${v.unit.name} ${v.period.key} 月调度数据` : `${v.unit.name} figures of ${v.period.key}`}</h2>
${f ? html`<dl>${FIGURE_COLUMNS.map((c) => html`<dt>${zh ? c.zh : c.en}</dt><dd>${String(f[c.key] ?? 0)}</dd>`)}</dl>` : html`<p class="muted">${zh ? '暂无数据' : 'No figures'}</p>`}
<p class="muted">${zh ? '数据截至本页打开时，按本月统计。' : 'Figures of the month as they stand now.'}</p></section>`;
  if (v.unit.level !== 'TOWNSHIP') return figures;
  const missing = v.villages.filter((x) => x.timing === 'NONE');
  return html`${figures}<section class="card" aria-labelledby="cv"><h2 id="cv">${zh ? '各村确认情况' : "Villages' confirmations"}</h2>
<ul>${v.villages.map((x) => html`<li data-village="${x.code}"><strong>${x.name}</strong> · ${x.outcome ? `${OUTCOME[x.outcome][lang]}（${TIMING[x.timing][lang]}）` : TIMING.NONE[lang]}${x.note ? html`<div class="muted">${x.note}</div>` : ''}</li>`)}</ul>
${missing.length > 0 ? html`<p id="not-confirmed"><strong>${zh ? '未确认的村：' : 'Not confirmed: '}</strong>${missing.map((x) => x.name).join(zh ? '、' : ', ')}</p>` : html`<p class="muted">${zh ? '各村均已答复。' : 'Every village has answered.'}</p>`}</section>`;
}
