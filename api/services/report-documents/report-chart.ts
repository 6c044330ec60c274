/**
 * 报表图表 — charts drawn on the server as SVG (no JavaScript, readable at 360 px and in print):
 * each township's rates (identification SLA, plan coverage, contact) as horizontal bars. The three
 * series differ in pattern and tone as well as colour, and every bar carries its value, so the
 * chart reads in grey. Hand-rolled: three bar groups need no charting library.
 */
import type { RankedUnit } from '../../../workflows/report/contracts';
import type { ReportLang } from './report-view';
import { pct, t } from './report-view';
import { chartHead, esc } from './svg-parts';

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
  parts.push(chartHead({ width, height, label: t(lang, '各乡镇认定时效、应帮尽帮与走访率', 'Township SLA, plan coverage and contact rates'), hatch: { id: 'hatch', ink: '#4a4f57' } }));
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

/** SVG of new (approved) and eliminated households per month: paired columns, solid and hatched, with values. */
export function monthlySvg(points: { month: string; approved: number; eliminated: number }[], lang: ReportLang): string {
  const width = 340;
  const top = 26;
  const plotH = 120;
  const height = top + plotH + 30;
  const max = Math.max(1, ...points.map((p) => Math.max(p.approved, p.eliminated)));
  const slot = width / Math.max(1, points.length);
  const barW = Math.max(4, slot / 2 - 3);
  const parts: string[] = [];
  parts.push(chartHead({ width, height, label: t(lang, '近12个月新增与风险消除户数', 'Households newly monitored and eliminated, last 12 months'), fontSize: 11, hatch: { id: 'mhatch', ink: '#4a4f57' } }));
  parts.push(`<rect x="0" y="4" width="12" height="10" fill="#1b3a5c"/><text x="16" y="13">${esc(t(lang, '新增监测户', 'New'))}</text>`);
  parts.push(`<rect x="110" y="4" width="12" height="10" fill="url(#mhatch)" stroke="#1a1a1a" stroke-width="0.5"/><text x="126" y="13">${esc(t(lang, '风险消除户', 'Eliminated'))}</text>`);
  parts.push(`<line x1="0" y1="${top + plotH}" x2="${width}" y2="${top + plotH}" stroke="#1a1a1a" stroke-width="0.5"/>`);
  points.forEach((p, i) => {
    const x = i * slot + 1;
    for (const [j, v, fill] of [[0, p.approved, '#1b3a5c'], [1, p.eliminated, 'url(#mhatch)']] as const) {
      const h = (v / max) * (plotH - 14);
      const bx = x + j * (barW + 1);
      parts.push(`<rect x="${bx.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}" stroke="#1a1a1a" stroke-width="0.5"><title>${esc(`${p.month} ${v}`)}</title></rect>`);
      if (v > 0) parts.push(`<text x="${(bx + barW / 2).toFixed(1)}" y="${(top + plotH - h - 2).toFixed(1)}" text-anchor="middle" font-size="9">${v}</text>`);
    }
    parts.push(`<text x="${(x + slot / 2 - 1).toFixed(1)}" y="${top + plotH + 13}" text-anchor="middle" font-size="10">${esc(lang === 'en' ? p.month.slice(5) : `${Number(p.month.slice(5))}月`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** SVG of open and overdue tasks per township: two bars each, solid and hatched, with values. */
export function tasksSvg(rows: { name: string; open: number; overdue: number }[], lang: ReportLang): string {
  const width = 340;
  const barMax = width - 40;
  const bar = 12;
  const groupH = 20 + 2 * (bar + 4) + 6;
  const height = 22 + Math.max(1, rows.length) * groupH;
  const max = Math.max(1, ...rows.map((r) => r.open));
  const parts: string[] = [];
  parts.push(chartHead({ width, height, label: t(lang, '各乡镇待办与逾期', 'Open and overdue tasks per township'), hatch: { id: 'thatch', ink: '#8a1c14' } }));
  parts.push(`<rect x="0" y="4" width="12" height="10" fill="#b8c4d0" stroke="#1a1a1a" stroke-width="0.5"/><text x="16" y="14">${esc(t(lang, '待办', 'Open'))}</text>`);
  parts.push(`<rect x="90" y="4" width="12" height="10" fill="url(#thatch)" stroke="#1a1a1a" stroke-width="0.5"/><text x="106" y="14">${esc(t(lang, '逾期', 'Overdue'))}</text>`);
  rows.forEach((r, i) => {
    const y0 = 22 + i * groupH;
    parts.push(`<text x="0" y="${y0 + 14}">${esc(r.name)}</text>`);
    [[r.open, '#b8c4d0'], [r.overdue, 'url(#thatch)']].forEach(([v, fill], j) => {
      const w = Math.max(1, ((v as number) / max) * barMax);
      const y = y0 + 20 + j * (bar + 4);
      parts.push(`<rect x="0" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${fill}" stroke="#1a1a1a" stroke-width="0.5"/><text x="${(w + 4).toFixed(1)}" y="${y + bar - 1}">${v}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
