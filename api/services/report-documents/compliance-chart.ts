/**
 * 时效与走访达标图 — SLA and contact compliance per township (or per county in a city report) as
 * server-side SVG: two bars per unit, the identification SLA solid dark and contact compliance
 * hatched, each labelled with its rate and its counts (达标/应达标), so the chart reads at 360 px
 * and in grey print without colour. A unit with nothing to measure shows "—" instead of a bar.
 */
import type { ReportLang } from './report-view';
import { pct, t } from './report-view';
import { chartHead, esc } from './svg-parts';

/** One unit of the chart: its counts (rates are computed here). */
export interface ComplianceRow {
  code: string;
  name: string;
  /** Approved (in the period) and of those within the identification SLA. */
  slaApproved: number;
  slaMet: number;
  /** Monitored and of those contacted (in the period, or within the dashboard's contact window). */
  monitored: number;
  contacted: number;
}

const rate = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/** SVG of SLA and contact compliance per unit, in the given order. */
export function complianceSvg(rows: ComplianceRow[], lang: ReportLang): string {
  const width = 340;
  const barMax = width - 120;
  const bar = 12;
  const groupH = 20 + 2 * (bar + 4) + 6;
  const height = 24 + Math.max(1, rows.length) * groupH;
  const parts: string[] = [];
  parts.push(chartHead({ width, height, label: t(lang, '各乡镇认定时效与走访达标率', 'SLA and contact compliance per township'), hatch: { id: 'chatch', ink: '#1a1a1a' } }));
  parts.push(`<rect x="0" y="4" width="12" height="10" fill="#1b3a5c" stroke="#1a1a1a" stroke-width="0.5"/><text x="16" y="14">${esc(t(lang, '认定时效', 'Identification SLA'))}</text>`);
  parts.push(`<rect x="150" y="4" width="12" height="10" fill="url(#chatch)" stroke="#1a1a1a" stroke-width="0.5"/><text x="166" y="14">${esc(t(lang, '走访达标', 'Contact'))}</text>`);
  if (rows.length === 0) parts.push(`<text x="0" y="${24 + 16}">${esc(t(lang, '暂无数据', 'No figures'))}</text>`);
  rows.forEach((r, i) => {
    const y0 = 24 + i * groupH;
    parts.push(`<g data-unit="${esc(r.code)}"><text x="0" y="${y0 + 14}" font-weight="700">${esc(r.name)}</text>`);
    const series: [string, number | null, number, number, string][] = [
      ['sla', rate(r.slaMet, r.slaApproved), r.slaMet, r.slaApproved, '#1b3a5c'],
      ['contact', rate(r.contacted, r.monitored), r.contacted, r.monitored, 'url(#chatch)'],
    ];
    series.forEach(([key, v, n, d, fill], j) => {
      const y = y0 + 20 + j * (bar + 4);
      const w = v === null ? 0 : Math.max(1, v * barMax);
      if (v !== null) parts.push(`<rect x="0" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${fill}" stroke="#1a1a1a" stroke-width="0.5"/>`);
      parts.push(`<text x="${(w + 4).toFixed(1)}" y="${y + bar - 1}" data-series="${key}" data-rate="${v === null ? '' : v.toFixed(4)}">${esc(`${pct(v)} (${n}/${d})`)}</text>`);
    });
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}
