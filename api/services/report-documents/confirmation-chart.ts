/**
 * 数据确认情况图 — how a county's villages and townships confirmed the month's figures (月调度数据确认):
 * one stacked bar per level, on time / late / not confirmed, each part with its count and a fill
 * that stays apart in grey (solid, hatched, white). Hand-rolled SVG like the other report charts.
 */
import type { ConfirmationCounts } from '../../../workflows/confirmation/contracts';
import type { ReportLang } from './report-view';
import { t } from './report-view';
import { chartHead, esc } from './svg-parts';

const PARTS: { key: 'onTime' | 'late' | 'none'; zh: string; en: string; fill: string }[] = [
  { key: 'onTime', zh: '按时确认', en: 'On time', fill: '#1b3a5c' },
  { key: 'late', zh: '逾期确认', en: 'Late', fill: 'url(#chatch)' },
  { key: 'none', zh: '未确认', en: 'Not confirmed', fill: '#ffffff' },
];

/** SVG of the villages' and townships' confirmations. */
export function confirmationSvg(levels: { villages: ConfirmationCounts; townships: ConfirmationCounts }, lang: ReportLang): string {
  const width = 340;
  const barMax = width - 8;
  const rows: [string, ConfirmationCounts][] = [[t(lang, '村', 'Villages'), levels.villages], [t(lang, '乡镇', 'Townships'), levels.townships]];
  const legendH = 22;
  const groupH = 44;
  const height = legendH + rows.length * groupH;
  const out: string[] = [];
  out.push(chartHead({ width, height, label: t(lang, '村、乡镇月调度数据确认情况', 'Confirmations of villages and townships'), hatch: { id: 'chatch', ink: '#4a4f57' } }));
  PARTS.forEach((p, i) => {
    const x = i * 110;
    out.push(`<rect x="${x}" y="4" width="12" height="10" fill="${p.fill}" stroke="#1a1a1a" stroke-width="0.5"/><text x="${x + 16}" y="14">${esc(t(lang, p.zh, p.en))}</text>`);
  });
  rows.forEach(([name, c], gi) => {
    const y0 = legendH + gi * groupH;
    const total = c.onTime + c.late + c.none;
    out.push(`<text x="0" y="${y0 + 12}">${esc(`${name}（${total}）`)}</text>`);
    let x = 0;
    for (const p of PARTS) {
      const n = c[p.key];
      if (n === 0 || total === 0) continue;
      const w = (n / total) * barMax;
      out.push(`<rect x="${x.toFixed(1)}" y="${y0 + 18}" width="${w.toFixed(1)}" height="18" fill="${p.fill}" stroke="#1a1a1a" stroke-width="0.5" data-part="${p.key}" data-count="${n}"><title>${esc(`${t(lang, p.zh, p.en)} ${n}`)}</title></rect>`);
      out.push(`<text x="${(x + 3).toFixed(1)}" y="${y0 + 32}" fill="${p.key === 'onTime' ? '#fff' : '#1a1a1a'}" font-weight="700">${n}</text>`);
      x += w;
    }
  });
  out.push('</svg>');
  return out.join('');
}
