/**
 * A stored report version as the documents and pages show it (报表视图): its rows, labels in
 * Chinese or English, and the rates. Shared by the page, the XLSX and the PDF so all three show
 * the same figures.
 */
import type { ReportConfirmations } from '../../../workflows/confirmation/contracts';
import type { Report } from '@prisma/client';
import type { RankedUnit, UnitFigures } from '../../../workflows/report/contracts';

/** Language of a report document. */
export type ReportLang = 'zh-CN' | 'en';

/** The figures of a stored county report. */
export interface ReportFigures {
  county: UnitFigures;
  townships: UnitFigures[];
  villages: UnitFigures[];
  /** The share of funds the pace curve expects paid by the period's end, % (reports from 0.4 on). */
  fundExpectedPct?: number;
}

/** The figures of a stored city report (市级): the city, its counties (ranked) and their townships. */
export interface CityReportFigures {
  level: 'CITY';
  city: UnitFigures;
  counties: UnitFigures[];
  townships: UnitFigures[];
  fundExpectedPct?: number;
}

/** A stored report's units whatever its level: the reported unit, the ranked units, the units below them. */
export interface ReportUnits {
  level: 'COUNTY' | 'CITY';
  head: UnitFigures;
  ranked: UnitFigures[];
  below: UnitFigures[];
  fundExpectedPct: number | null;
}

/** The units of a stored report's figures (county or city report). */
export function unitsOf(figures: unknown): ReportUnits {
  const f = figures as ReportFigures | CityReportFigures;
  if ('city' in f) return { level: 'CITY', head: f.city, ranked: f.counties, below: f.townships, fundExpectedPct: f.fundExpectedPct ?? null };
  return { level: 'COUNTY', head: f.county, ranked: f.townships, below: f.villages, fundExpectedPct: f.fundExpectedPct ?? null };
}

/** Names of the ranked units and the units below them, by the report's level. */
export function levelWords(level: 'COUNTY' | 'CITY', lang: ReportLang): { head: string; ranked: string; below: string } {
  return level === 'CITY'
    ? { head: t(lang, '全市', 'City'), ranked: t(lang, '县', 'County'), below: t(lang, '乡镇', 'Township') }
    : { head: t(lang, '全县', 'County'), ranked: t(lang, '乡镇', 'Township'), below: t(lang, '村', 'Village') };
}

/** 集中排查 columns. */
export const CAMPAIGN_COLUMNS: { key: keyof UnitFigures; zh: string; en: string }[] = [
  { key: 'campaignHouseholds', zh: '排查户数', en: 'Households to screen' },
  { key: 'campaignScreened', zh: '已排查户', en: 'Screened' },
  { key: 'campaignRisks', zh: '发现风险', en: 'Risks found' },
  { key: 'campaignLeads', zh: '转入识别', en: 'Leads started' },
  { key: 'campaignMonitored', zh: '纳入监测', en: 'Became monitored' },
  { key: 'campaignVillages', zh: '排查村次', en: 'Villages' },
  { key: 'campaignZeroVillages', zh: '零发现村', en: 'Zero-finding villages' },
  { key: 'campaignMeetings', zh: '会议记录', en: 'Meetings recorded' },
];

/** 衔接资金项目与资产 columns (money in yuan where documents show it). */
export const FUND_COLUMNS: { key: keyof UnitFigures; zh: string; en: string }[] = [
  { key: 'projectsApproved', zh: '已批复项目', en: 'Projects approved' },
  { key: 'projectsStarted', zh: '已开工项目', en: 'Projects started' },
  { key: 'projectBudgetFen', zh: '批复资金（分）', en: 'Budget (fen)' },
  { key: 'projectPaidFen', zh: '已支付（分）', en: 'Paid (fen)' },
  { key: 'projectsBehind', zh: '序时进度滞后', en: 'Behind pace' },
  { key: 'projectsNotStarted', zh: '逾期未开工', en: 'Not started' },
  { key: 'assets', zh: '项目资产', en: 'Assets' },
  { key: 'assetsIdle', zh: '闲置资产', en: 'Idle assets' },
  { key: 'assetsInspectionOverdue', zh: '巡查逾期资产', en: 'Inspection overdue' },
];

/** A figure of a unit; a report before 0.4 did not carry the campaign and fund figures (—). */
export function fig(u: UnitFigures, key: keyof UnitFigures): number | null {
  const v = u[key];
  return typeof v === 'number' ? v : null;
}

/** 开工率 (started / approved) and the funds paid against the budget, as rates 0–1. */
export function fundRates(u: UnitFigures): { startRate: number | null; paidRate: number | null } {
  const approved = u.projectsApproved ?? 0;
  const budget = u.projectBudgetFen ?? 0;
  return { startRate: approved === 0 ? null : (u.projectsStarted ?? 0) / approved, paidRate: budget === 0 ? null : (u.projectPaidFen ?? 0) / budget };
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

/** Title of a report: `东风县 2026-11 月调度（第1版）` (a city's: `示范市 2026-11 月调度`). */
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

/** How the campaign, project and asset figures were counted. */
export function programmeNote(lang: ReportLang): string {
  return t(lang,
    '口径：集中排查为本期内进行中的排查（期末前启动、期初后结束或未结束）台账在期末的状态；零发现村为未发现风险的村（每次排查各计一次）；会议记录为期末前已记录会议并关闭台账的村。项目与资产为报表生成时的状态：开工率为已开工／已批复项目；支付进度为已支付／批复资金，对照序时进度曲线的期末应达比例；巡查逾期为期末仍未完成且已过期限的管护巡查。',
    'Counting: campaigns running in the period (launched before its end, not closed before its start), their ledgers as at its end; zero-finding villages found no risk (once per campaign); meetings recorded with the ledger closed before the end. Projects and assets as they stand when the report is produced: start rate started / approved; paid share of the approved budget against the pace curve\'s share for the period\'s end; inspections overdue open and past due at the end.');
}

/** The ranking of a stored report. */
export function rankingOf(r: Pick<Report, 'ranking'>): RankedUnit[] {
  const ranking = r.ranking as { townships?: RankedUnit[]; counties?: RankedUnit[] } | null;
  return ranking?.townships ?? ranking?.counties ?? [];
}

/** 月调度数据确认 of a monthly county report (absent in reports before 0.4 and in city reports). */
export function confirmationsOf(figures: unknown): ReportConfirmations | null {
  return (figures as { confirmations?: ReportConfirmations } | null)?.confirmations ?? null;
}

/** Labels of a unit's confirmation timing and outcome. */
export const CONFIRMATION_LABELS = {
  ON_TIME: { zh: '按时确认', en: 'On time' }, LATE: { zh: '逾期确认', en: 'Late' }, NONE: { zh: '未确认', en: 'Not confirmed' },
  CONFIRMED: { zh: '确认无误', en: 'Confirmed' }, DISCREPANCY: { zh: '报告数据有误', en: 'Discrepancy' },
} as const;

/** One line per level: `村：按时确认 2，逾期确认 1，未确认 1（其中报告数据有误 1）`. */
export function confirmationLines(c: ReportConfirmations, lang: ReportLang): string[] {
  return (['villages', 'townships'] as const).map((k) => {
    const n = c[k];
    return t(lang, `${k === 'villages' ? '村' : '乡镇'}：按时确认 ${n.onTime}，逾期确认 ${n.late}，未确认 ${n.none}（其中报告数据有误 ${n.discrepancies}）`,
      `${k === 'villages' ? 'Villages' : 'Townships'}: on time ${n.onTime}, late ${n.late}, not confirmed ${n.none} (discrepancies flagged ${n.discrepancies})`);
  }).concat(c.employed && c.employed.villages > 0
    ? [t(lang, `务工就业（村报）：${c.employed.total}人（${c.employed.villages}个村填报）`, `Employment of lifted labour (villages' own numbers): ${c.employed.total} (${c.employed.villages} villages reported)`)]
    : []);
}
