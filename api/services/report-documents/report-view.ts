/**
 * A stored report version as the documents and pages show it (报表视图): its rows, labels in
 * Chinese or English, and the rates. Shared by the page, the XLSX and the PDF so all three show
 * the same figures.
 */
import type { Report } from '@prisma/client';
import type { RankedUnit, UnitFigures } from '../../../workflows/report/contracts';

/** Language of a report document. */
export type ReportLang = 'zh-CN' | 'en';

/** The figures of a stored report. */
export interface ReportFigures {
  county: UnitFigures;
  townships: UnitFigures[];
  villages: UnitFigures[];
}

/** The figure columns, in order, with their labels. */
export const FIGURE_COLUMNS: { key: keyof UnitFigures; zh: string; en: string }[] = [
  { key: 'newHouseholds', zh: '新增监测户', en: 'New households' },
  { key: 'newPeople', zh: '新增监测人口', en: 'New people' },
  { key: 'totalHouseholds', zh: '累计监测户', en: 'Households (total)' },
  { key: 'totalPeople', zh: '累计监测人口', en: 'People (total)' },
  { key: 'measuresMade', zh: '新增帮扶措施', en: 'Measures made' },
  { key: 'measuresImplemented', zh: '落实帮扶措施', en: 'Measures implemented' },
  { key: 'eliminated', zh: '本期风险消除', en: 'Eliminated' },
  { key: 'eliminatedTotal', zh: '累计风险消除', en: 'Eliminated (total)' },
  { key: 'slaApproved', zh: '本期认定', en: 'Approved' },
  { key: 'slaMet', zh: '15日内认定', en: 'Within SLA' },
  { key: 'monitored', zh: '期末监测户', en: 'Monitored at end' },
  { key: 'planCovered', zh: '已落实措施户', en: 'With measure' },
  { key: 'contacted', zh: '本期已走访户', en: 'Contacted' },
  { key: 'overdueTasks', zh: '逾期任务', en: 'Overdue tasks' },
];

/** Label in the document's language. */
export function t(lang: ReportLang, zh: string, en: string): string {
  return lang === 'en' ? en : zh;
}

/** A rate as a percentage, or — when there is nothing to divide. */
export function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)}%`;
}

/** Title of a report: `东风县 2026-11 月调度（第1版）`. */
export function reportTitle(r: Pick<Report, 'kind' | 'periodKey' | 'version'>, countyName: string, lang: ReportLang): string {
  const kind = r.kind === 'MONTHLY' ? t(lang, '月调度', 'monthly report') : t(lang, '季通报', 'quarterly ranking');
  return lang === 'en' ? `${countyName} ${r.periodKey} ${kind} (version ${r.version})` : `${countyName} ${r.periodKey} ${kind}（第${r.version}版）`;
}

/** A line saying when the report was produced, and that it was late when it was. */
export function producedLine(r: Pick<Report, 'producedAt' | 'scheduledAt' | 'late' | 'lateSeconds'>, lang: ReportLang): string {
  const bj = (d: Date): string => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
  const base = t(lang, `生成于 ${bj(r.producedAt)}（北京时间）`, `Produced ${bj(r.producedAt)} (Beijing)`);
  if (!r.late || !r.scheduledAt) return base;
  const mins = Math.round((r.lateSeconds ?? 0) / 60);
  return `${base} · ${t(lang, `逾期生成：应于 ${bj(r.scheduledAt)} 生成，迟 ${mins} 分钟（工作进程停止期间错过）`, `LATE: due ${bj(r.scheduledAt)}, ${mins} min late (missed while the worker was down)`)}`;
}

/** How the figures were counted (the footnote every document carries). */
export function countingNote(lang: ReportLang): string {
  return t(lang,
    '口径：新增监测对象为本期经县级审定的户（人）；累计为期末前审定；帮扶措施为本期录入／落实；风险消除为本期标注消除；认定时效为本期审定中15日内完成的比例；应帮尽帮为期末监测户中已落实至少一项措施的比例；走访率为期末监测户中本期有走访记录的比例；逾期任务为期末仍未办结且已过期限的任务。均为对业务库的直接计数。',
    'Counting: new households are those approved by the county in the period; totals are approved before its end; measures recorded / implemented in it; eliminations in it; SLA share of the period\'s approvals within the identification limit; plan coverage and contact share of the households monitored at its end; overdue tasks open and past due at its end. Direct counts over the read model.');
}

/** The ranking of a stored report. */
export function rankingOf(r: Pick<Report, 'ranking'>): RankedUnit[] {
  return ((r.ranking as { townships?: RankedUnit[] } | null)?.townships ?? []);
}
