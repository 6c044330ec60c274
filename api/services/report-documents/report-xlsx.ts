/**
 * 报表 XLSX — a report version as a workbook (exceljs): 汇总 (county and townships), 村 (villages),
 * 排名 (the ranking with the bottom named), 说明 (period, production, counting). Numbers are
 * numbers, so the bureau's own sheets can sum them.
 */
import ExcelJS from 'exceljs';
import type { Report } from '@prisma/client';
import type { UnitFigures } from '../../../workflows/report/contracts';
import type { ReportFigures, ReportLang } from './report-view';
import { FIGURE_COLUMNS, countingNote, pct, producedLine, rankingOf, reportTitle, t } from './report-view';

function figureSheet(wb: ExcelJS.Workbook, name: string, units: UnitFigures[], lang: ReportLang): void {
  const ws = wb.addWorksheet(name);
  ws.columns = [
    { header: t(lang, '代码', 'Code'), key: 'code', width: 16 },
    { header: t(lang, '单位', 'Unit'), key: 'name', width: 18 },
    ...FIGURE_COLUMNS.map((c) => ({ header: t(lang, c.zh, c.en), key: c.key, width: 12 })),
  ];
  ws.getRow(1).font = { bold: true };
  for (const u of units) ws.addRow(u);
}

/** The workbook of a report version, as bytes. */
export async function reportXlsx(r: Report, countyName: string, lang: ReportLang): Promise<Buffer> {
  const f = r.figures as unknown as ReportFigures;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Bangfu 帮扶';
  wb.created = r.producedAt;
  figureSheet(wb, t(lang, '汇总', 'Summary'), [f.county, ...f.townships], lang);
  figureSheet(wb, t(lang, '村', 'Villages'), f.villages, lang);
  const rank = wb.addWorksheet(t(lang, '排名', 'Ranking'));
  rank.columns = [
    { header: t(lang, '名次', 'Rank'), key: 'rank', width: 8 },
    { header: t(lang, '乡镇', 'Township'), key: 'name', width: 18 },
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
  const about = wb.addWorksheet(t(lang, '说明', 'About'));
  about.getColumn(1).width = 120;
  for (const line of [reportTitle(r, countyName, lang), `${t(lang, '统计期', 'Period')} ${r.periodKey}: ${r.periodFrom.toISOString()} – ${r.periodTo.toISOString()}`, producedLine(r, lang), countingNote(lang)]) {
    about.addRow([line]).alignment = { wrapText: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
