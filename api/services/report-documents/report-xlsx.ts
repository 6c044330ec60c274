/**
 * 报表 XLSX — a report version as a workbook (exceljs): 汇总 (county and townships), 村 (villages),
 * 排名 (the ranking with the bottom named), 说明 (period, production, counting). Numbers are
 * numbers, so the bureau's own sheets can sum them.
 */
import ExcelJS from 'exceljs';
import type { Report } from '@prisma/client';
import type { UnitFigures } from '../../../workflows/report/contracts';
import type { ReportLang } from './report-view';
import { CAMPAIGN_COLUMNS, CONFIRMATION_LABELS, confirmationLines, confirmationsOf, FIGURE_COLUMNS, FUND_COLUMNS, countingNote, fig, fundRates, levelWords, pct, producedLine, programmeNote, rankingOf, reportTitle, t, unitsOf } from './report-view';

/** A sheet of units: the monitoring figures, then the campaign's, then the projects' and assets' (blank in a report before 0.4). */
function figureSheet(wb: ExcelJS.Workbook, name: string, units: UnitFigures[], lang: ReportLang): void {
  const ws = wb.addWorksheet(name);
  const columns = [...FIGURE_COLUMNS, ...CAMPAIGN_COLUMNS, ...FUND_COLUMNS];
  ws.columns = [
    { header: t(lang, '代码', 'Code'), key: 'code', width: 16 },
    { header: t(lang, '单位', 'Unit'), key: 'name', width: 18 },
    ...columns.map((c) => ({ header: t(lang, c.zh, c.en), key: c.key, width: 12 })),
    { header: t(lang, '开工率', 'Start rate'), key: 'startRate', width: 10 },
    { header: t(lang, '支付进度', 'Paid'), key: 'paidRate', width: 10 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const u of units) {
    const r = fundRates(u);
    ws.addRow({ code: u.code, name: u.name, ...Object.fromEntries(columns.map((c) => [c.key, fig(u, c.key)])), startRate: pct(r.startRate), paidRate: pct(r.paidRate) });
  }
}

/** The workbook of a report version, as bytes. */
export async function reportXlsx(r: Report, countyName: string, lang: ReportLang): Promise<Buffer> {
  const u = unitsOf(r.figures);
  const words = levelWords(u.level, lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Bangfu 帮扶';
  wb.created = r.producedAt;
  figureSheet(wb, t(lang, '汇总', 'Summary'), [u.head, ...u.ranked], lang);
  figureSheet(wb, u.level === 'CITY' ? t(lang, '乡镇', 'Townships') : t(lang, '村', 'Villages'), u.below, lang);
  const rank = wb.addWorksheet(t(lang, '排名', 'Ranking'));
  rank.columns = [
    { header: t(lang, '名次', 'Rank'), key: 'rank', width: 8 },
    { header: words.ranked, key: 'name', width: 18 },
    { header: t(lang, '得分', 'Score'), key: 'score', width: 10 },
    { header: t(lang, '认定时效', 'SLA'), key: 'sla', width: 10 },
    { header: t(lang, '应帮尽帮', 'Plan coverage'), key: 'coverage', width: 12 },
    { header: t(lang, '走访率', 'Contact'), key: 'contact', width: 10 },
    { header: t(lang, '逾期任务', 'Overdue tasks'), key: 'overdue', width: 10 },
    { header: t(lang, '末位', 'Bottom'), key: 'bottom', width: 8 },
  ];
  rank.getRow(1).font = { bold: true };
  for (const u of rankingOf(r)) {
    rank.addRow({ rank: u.rank || '—', name: u.name, score: u.score === null ? '—' : Number(u.score.toFixed(4)), sla: pct(u.slaRate), coverage: pct(u.coverageRate), contact: pct(u.contactRate), overdue: u.overdueTasks, bottom: r.bottom.includes(u.code) ? t(lang, '是', 'yes') : '' });
  }
  const confirmations = confirmationsOf(r.figures);
  if (confirmations) {
    const cs = wb.addWorksheet(t(lang, '数据确认', 'Confirmations'));
    cs.columns = [
      { header: t(lang, '层级', 'Level'), key: 'level', width: 8 },
      { header: t(lang, '代码', 'Code'), key: 'code', width: 16 },
      { header: t(lang, '单位', 'Unit'), key: 'name', width: 18 },
      { header: t(lang, '确认情况', 'Timing'), key: 'timing', width: 12 },
      { header: t(lang, '结果', 'Outcome'), key: 'outcome', width: 14 },
      { header: t(lang, '务工就业（人）', 'Employed'), key: 'employed', width: 12 },
      { header: t(lang, '说明', 'Note'), key: 'note', width: 40 },
    ];
    cs.getRow(1).font = { bold: true };
    for (const x of confirmations.units) {
      const timing = CONFIRMATION_LABELS[x.timing];
      const outcome = x.outcome ? CONFIRMATION_LABELS[x.outcome] : null;
      cs.addRow({ level: x.level === 'VILLAGE' ? t(lang, '村', 'Village') : t(lang, '乡镇', 'Township'), code: x.code, name: x.name, timing: t(lang, timing.zh, timing.en), outcome: outcome ? t(lang, outcome.zh, outcome.en) : '', employed: x.employed ?? '', note: x.note ?? '' });
    }
    for (const line of confirmationLines(confirmations, lang)) cs.addRow({ level: line });
  }
  const about = wb.addWorksheet(t(lang, '说明', 'About'));
  about.getColumn(1).width = 120;
  const pace = u.fundExpectedPct === null ? [] : [t(lang, `序时进度：期末应支付 ${u.fundExpectedPct}%`, `Spending pace: ${u.fundExpectedPct}% expected paid by the period's end`)];
  for (const line of [reportTitle(r, countyName, lang), `${t(lang, '统计期', 'Period')} ${r.periodKey}: ${r.periodFrom.toISOString()} – ${r.periodTo.toISOString()}`, producedLine(r, lang), ...pace, countingNote(lang), programmeNote(lang)]) {
    about.addRow([line]).alignment = { wrapText: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
