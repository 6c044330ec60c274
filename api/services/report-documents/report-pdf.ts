/**
 * 报表 PDF — a report version on A4 (pdfkit) with a Chinese font ({@link resolveCjkFont}): title,
 * production line (late ones say so), the county's figures, the townships' table, the ranking
 * with a bar chart of the rates (drawn with pdfkit's own shapes, hatched and toned for grey
 * print), and the counting footnote.
 */
import PDFDocument from 'pdfkit';
import type { Report } from '@prisma/client';
import type { CjkFont } from './cjk-font';
import type { UnitFigures } from '../../../workflows/report/contracts';
import type { ReportLang } from './report-view';
import { CAMPAIGN_COLUMNS, CONFIRMATION_LABELS, confirmationLines, confirmationsOf, FIGURE_COLUMNS, countingNote, fig, fundRates, levelWords, pct, producedLine, programmeNote, rankingOf, reportTitle, t, unitsOf } from './report-view';

/** A table of units with a name column and the given columns (text cells), from the current y. */
function unitTable(doc: PDFKit.PDFDocument, first: string, cols: { label: string; value: (u: UnitFigures) => string }[], units: UnitFigures[]): void {
  const x0 = doc.page.margins.left;
  const colW = (doc.page.width - x0 * 2 - 90) / cols.length;
  doc.fontSize(8);
  if (doc.y > doc.page.height - 100) doc.addPage();
  let y = doc.y;
  doc.text(first, x0, y, { width: 90 });
  let headerBottom = doc.y;
  cols.forEach((c, i) => {
    doc.text(c.label, x0 + 90 + i * colW, y, { width: colW - 2 });
    headerBottom = Math.max(headerBottom, doc.y);
  });
  y = headerBottom + 4;
  for (const u of units) {
    if (y > doc.page.height - 60) {
      doc.addPage();
      y = doc.y;
    }
    doc.text(u.name, x0, y, { width: 90 });
    cols.forEach((c, i) => doc.text(c.value(u), x0 + 90 + i * colW, y, { width: colW - 2 }));
    y += 14;
  }
  doc.x = x0;
  doc.y = y + 6;
}

/** Renders a PDF document to bytes. */
export function renderPdf(font: CjkFont, draw: (doc: PDFKit.PDFDocument) => void, title: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: title, Creator: 'Bangfu 帮扶' } });
  doc.registerFont('cjk', font.file, font.face);
  doc.font('cjk');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  return done;
}

/** The PDF of a report version. */
export function reportPdf(r: Report, countyName: string, lang: ReportLang, font: CjkFont): Promise<Buffer> {
  const u = unitsOf(r.figures);
  const words = levelWords(u.level, lang);
  const title = reportTitle(r, countyName, lang);
  return renderPdf(font, (doc) => {
    doc.fontSize(16).text(title);
    doc.moveDown(0.3).fontSize(9).fillColor(r.late ? '#8a1c14' : '#333333').text(producedLine(r, lang)).fillColor('#000000');
    doc.text(`${t(lang, '统计期', 'Period')} ${r.periodKey}`);
    doc.moveDown(0.6).fontSize(12).text(words.head);
    doc.fontSize(9);
    for (const c of FIGURE_COLUMNS) doc.text(`${t(lang, c.zh, c.en)}: ${u.head[c.key] as number}`, { continued: false });
    const x0 = doc.page.margins.left;
    doc.moveDown(0.6).fontSize(12).text(t(lang, `各${words.ranked}`, `${words.ranked} by ${words.ranked.toLowerCase()}`));
    const cols = FIGURE_COLUMNS.filter((c) => ['newHouseholds', 'newPeople', 'measuresImplemented', 'eliminated', 'monitored', 'planCovered', 'contacted', 'overdueTasks'].includes(c.key));
    unitTable(doc, words.ranked, cols.map((c) => ({ label: t(lang, c.zh, c.en), value: (x) => String(x[c.key]) })), u.ranked);
    const show = (x: UnitFigures, key: keyof UnitFigures): string => String(fig(x, key) ?? '—');
    doc.moveDown(0.3).fontSize(12).text(t(lang, '集中排查', 'Screening campaigns'), x0);
    unitTable(doc, words.ranked, CAMPAIGN_COLUMNS.map((c) => ({ label: t(lang, c.zh, c.en), value: (x) => show(x, c.key) })), [u.head, ...u.ranked]);
    doc.moveDown(0.3).fontSize(12).text(t(lang, '衔接资金项目与资产', 'Fund projects and assets'), x0);
    doc.fontSize(9).text(t(lang, `序时进度：期末应支付 ${u.fundExpectedPct ?? '—'}%`, `Spending pace: ${u.fundExpectedPct ?? '—'}% expected paid by the period's end`), x0);
    unitTable(doc, words.ranked, [
      { label: t(lang, '已批复项目', 'Approved'), value: (x) => show(x, 'projectsApproved') },
      { label: t(lang, '已开工', 'Started'), value: (x) => show(x, 'projectsStarted') },
      { label: t(lang, '开工率', 'Start rate'), value: (x) => pct(fundRates(x).startRate) },
      { label: t(lang, '支付进度', 'Paid'), value: (x) => pct(fundRates(x).paidRate) },
      { label: t(lang, '序时进度滞后', 'Behind pace'), value: (x) => show(x, 'projectsBehind') },
      { label: t(lang, '逾期未开工', 'Not started'), value: (x) => show(x, 'projectsNotStarted') },
      { label: t(lang, '项目资产', 'Assets'), value: (x) => show(x, 'assets') },
      { label: t(lang, '闲置资产', 'Idle'), value: (x) => show(x, 'assetsIdle') },
      { label: t(lang, '巡查逾期', 'Inspection overdue'), value: (x) => show(x, 'assetsInspectionOverdue') },
    ], [u.head, ...u.ranked]);
    doc.fontSize(12).text(t(lang, '排名（认定时效、应帮尽帮、走访率的平均）', 'Ranking (mean of SLA, plan coverage and contact)'), x0);
    doc.fontSize(9);
    const series: { key: 'slaRate' | 'coverageRate' | 'contactRate'; tone: string; hatch: boolean }[] = [
      { key: 'slaRate', tone: '#1b3a5c', hatch: false }, { key: 'coverageRate', tone: '#4a4f57', hatch: true }, { key: 'contactRate', tone: '#b8c4d0', hatch: false },
    ];
    const barMax = 300;
    for (const u of rankingOf(r)) {
      if (doc.y > doc.page.height - 120) doc.addPage();
      const bottom = r.bottom.includes(u.code);
      doc.fillColor('#000000').text(`${u.rank || '—'}. ${u.name}${bottom ? t(lang, '（末位）', ' (bottom)') : ''}  ${t(lang, '得分', 'score')} ${pct(u.score)}`, x0);
      for (const s of series) {
        const by = doc.y + 1;
        const w = u[s.key] === null ? 0 : Math.max(1, (u[s.key] as number) * barMax);
        doc.rect(x0 + 10, by, w, 7).fillAndStroke(s.hatch ? '#ffffff' : s.tone, '#000000');
        if (s.hatch) for (let hx = 0; hx < w; hx += 4) doc.moveTo(x0 + 10 + hx, by + 7).lineTo(x0 + 10 + Math.min(w, hx + 4), by).stroke('#4a4f57');
        doc.fillColor('#000000').text(`${t(lang, { slaRate: '认定时效', coverageRate: '应帮尽帮', contactRate: '走访率' }[s.key], { slaRate: 'SLA', coverageRate: 'coverage', contactRate: 'contact' }[s.key])} ${pct(u[s.key])}`, x0 + 20 + barMax, by - 1);
        doc.y = by + 9;
      }
      doc.moveDown(0.3);
    }
    const confirmations = confirmationsOf(r.figures);
    if (confirmations) {
      if (doc.y > doc.page.height - 140) doc.addPage();
      doc.moveDown(0.3).fontSize(12).fillColor('#000000').text(t(lang, '村、乡镇数据确认情况', 'Confirmations by villages and townships'), x0);
      doc.fontSize(9);
      for (const line of confirmationLines(confirmations, lang)) doc.text(line, x0);
      for (const x of confirmations.units.filter((y) => y.timing !== 'ON_TIME' || y.outcome === 'DISCREPANCY')) {
        const timing = CONFIRMATION_LABELS[x.timing];
        doc.text(`${x.name}：${t(lang, timing.zh, timing.en)}${x.outcome === 'DISCREPANCY' ? ` · ${t(lang, '报告数据有误', 'discrepancy')}${x.note ? `：${x.note}` : ''}` : ''}`, x0);
      }
    }
    doc.moveDown(0.6).fontSize(8).fillColor('#333333').text(countingNote(lang), x0).moveDown(0.3).text(programmeNote(lang), x0);
  }, title);
}
