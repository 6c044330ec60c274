/**
 * 报表图表 — charts drawn on the server as SVG (no JavaScript, readable at 360 px and in print):
 * each township's rates (identification SLA, plan coverage, contact) as horizontal bars. The three
 * series differ in pattern and tone as well as colour, and every bar carries its value, so the
 * chart reads in grey. Hand-rolled: three bar groups need no charting library.
 */
import type { RankedUnit } from '../../../workflows/report/contracts';
import type { ReportLang } from './report-view';
import { pct, t } from './report-view';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The series of the township chart, with fills that stay apart in grey. */
const SERIES: { key: 'slaRate' | 'coverageRate' | 'contactRate'; zh: string; en: string; fill: string }[] = [
  { key: 'slaRate', zh: '认定时效', en: 'SLA', fill: '#1b3a5c' },
  { key: 'coverageRate', zh: '应帮尽帮', en: 'Plan coverage', fill: 'url(#hatch)' },
  { key: 'contactRate', zh: '走访率', en: 'Contact', fill: '#b8c4d0' },
];

/** SVG of the townships' rates, best ranked first; the bottom ones are marked. */
export function townshipRatesSvg(ranking: RankedUnit[], bottom: string[], lang: ReportLang): string {
  const width = 340;
  const labelW = 0;
  const barMax = width - 64;
  const bar = 12;
  const groupH = 20 + SERIES.length * (bar + 4) + 8;
  const legendH = 22;
  const height = legendH + Math.max(1, ranking.length) * groupH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(t(lang, '各乡镇认定时效、应帮尽帮与走访率', 'Township SLA, plan coverage and contact rates'))}" font-family="Noto Sans CJK SC, sans-serif" font-size="13">`);
  parts.push('<defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="#fff"/><rect width="2" height="4" fill="#4a4f57"/></pattern></defs>');
  SERIES.forEach((s, i) => {
    const x = i * 110;
    parts.push(`<rect x="${x}" y="4" width="12" height="10" fill="${s.fill}" stroke="#1a1a1a" stroke-width="0.5"/><text x="${x + 16}" y="14">${esc(t(lang, s.zh, s.en))}</text>`);
  });
  ranking.forEach((r, gi) => {
    const y0 = legendH + gi * groupH;
    const isBottom = bottom.includes(r.code);
    const title = `${r.rank > 0 ? `${r.rank}. ` : ''}${r.name}${isBottom ? t(lang, '（末位）', ' (bottom)') : ''}`;
    parts.push(`<text x="${labelW}" y="${y0 + 12}" font-weight="${isBottom ? 700 : 400}">${esc(title)}</text>`);
    SERIES.forEach((s, i) => {
      const v = r[s.key];
      const y = y0 + 20 + i * (bar + 4);
      const w = v === null ? 0 : Math.max(1, v * barMax);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${s.fill}" stroke="#1a1a1a" stroke-width="0.5"><title>${esc(`${t(lang, s.zh, s.en)} ${pct(v)}`)}</title></rect>`);
      parts.push(`<text x="${(labelW + w + 4).toFixed(1)}" y="${y + bar - 1}">${esc(pct(v))}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
