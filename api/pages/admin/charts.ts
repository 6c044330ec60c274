/**
 * 图表 — server-rendered SVG charts for the admin pages (no script: the pages' CSP allows none).
 * A horizontal bar chart of percentages with an optional target marker per bar (the pace curve's
 * expected share), each bar labelled and carrying data attributes for tests.
 */
import type { SafeHtml } from '../html';
import { html, raw } from '../html';

/** One bar. */
export interface Bar {
  label: string;
  /** 0–100. */
  value: number;
  /** A marker (e.g. the expected share); drawn as a line across the bar. */
  target?: number;
  /** A bar behind its target is drawn in the warning colour. */
  key: string;
}

/** A horizontal bar chart of percentages (`title` is the chart's accessible name). */
export function percentBarChart(title: string, bars: readonly Bar[], opts: { id: string; targetLabel?: string }): SafeHtml {
  const rowH = 28;
  const left = 120;
  const width = 320;
  const height = Math.max(1, bars.length) * rowH + 24;
  const x = (pct: number): number => left + (Math.max(0, Math.min(100, pct)) / 100) * width;
  const items = bars.map((b, i) => {
    const y = i * rowH + 4;
    const behind = b.target !== undefined && b.value < b.target;
    return html`<g class="bar" data-key="${b.key}" data-value="${b.value}"${b.target !== undefined ? raw(` data-target="${b.target}"`) : ''}>
<text x="${left - 6}" y="${y + 15}" text-anchor="end" font-size="12">${b.label}</text>
<rect x="${left}" y="${y}" width="${x(b.value) - left}" height="${rowH - 8}" fill="${behind ? '#c0392b' : '#2e7d32'}"></rect>
<text x="${x(b.value) + 4}" y="${y + 15}" font-size="11">${b.value.toFixed(1)}%</text>
${b.target !== undefined ? html`<line class="target" x1="${x(b.target)}" x2="${x(b.target)}" y1="${y - 2}" y2="${y + rowH - 6}" stroke="#1f3f7f" stroke-width="2" stroke-dasharray="3 2"></line>` : ''}
</g>`;
  });
  return html`<figure class="chart" id="${opts.id}"><svg role="img" aria-label="${title}" viewBox="0 0 ${left + width + 50} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title>${title}</title>
<line x1="${left}" x2="${left}" y1="0" y2="${height - 20}" stroke="#4a4f57"></line>
${items}
<text x="${left}" y="${height - 4}" font-size="10">0%</text><text x="${left + width}" y="${height - 4}" font-size="10" text-anchor="end">100%</text>
</svg>${opts.targetLabel ? html`<figcaption class="muted">${opts.targetLabel}</figcaption>` : ''}</figure>`;
}
