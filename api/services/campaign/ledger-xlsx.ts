/**
 * 排查台账 XLSX — a village's (or the whole campaign's) ledger as a workbook: every household with
 * its grid, category, result, visits and the case a risk found started; a second sheet with the
 * figures. Built with exceljs (a maintained XLSX writer) instead of hand-written OOXML.
 */
import ExcelJS from 'exceljs';
import type { CampaignFigures } from '../../../activities/campaign/figures-sql';
import type { LedgerRow } from './read-campaign';

const RESULT_ZH: Record<string, string> = { NO_RISK: '无风险', RISK_FOUND: '发现风险', ALREADY_MONITORED: '已纳入监测', NOT_HOME: '不在家（待复访）' };
const CATEGORY_ZH: Record<string, string> = { LIFTED: '脱贫户', ORDINARY: '一般农户', DIBAO: '低保户', TEKUN: '特困户' };

/** The ledger workbook as bytes. */
export async function ledgerWorkbook(
  title: string, rows: LedgerRow[], figures: CampaignFigures, meetings: { villageCode: string; meetingOn: string; attendees: number; minutes: string }[] = [],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Bangfu 帮扶';
  const ws = wb.addWorksheet('排查台账');
  ws.addRow([title]);
  ws.columns = [
    { key: 'villageCode', width: 15 }, { key: 'grid', width: 14 }, { key: 'head', width: 10 }, { key: 'category', width: 10 }, { key: 'members', width: 6 },
    { key: 'result', width: 16 }, { key: 'visits', width: 8 }, { key: 'visitedAt', width: 22 }, { key: 'caseId', width: 22 }, { key: 'sampled', width: 8 }, { key: 'note', width: 30 },
  ];
  const header = ws.addRow(['村代码', '网格', '户主', '类别', '人口', '排查结果', '走访次数', '走访时间', '监测识别案件', '抽查', '备注']);
  header.font = { bold: true };
  for (const r of rows) {
    ws.addRow([r.villageCode, r.gridName, r.headName, CATEGORY_ZH[r.category] ?? r.category, r.memberCount, r.result ? (RESULT_ZH[r.result] ?? r.result) : '未走访',
      r.visits, r.visitedAt ?? '', r.caseId ?? r.openCaseId ?? '', r.sampled ? '是' : '', r.note ?? '']);
  }
  const fs = wb.addWorksheet('统计');
  fs.addRow(['村代码', '乡镇代码', '应排查户数', '已排查户数', '发现风险', '启动识别', '已纳入监测', '会议记录']).font = { bold: true };
  for (const v of figures.villages) fs.addRow([v.villageCode, v.townshipCode, v.total, v.screened, v.risksFound, v.leadsStarted, v.becameMonitored, v.meetingRecorded ? '有' : '无']);
  fs.addRow([]);
  fs.addRow(['零发现村（列入核查）', figures.zeroFindingVillages.join('、') || '无']);
  const ms = wb.addWorksheet('会议记录');
  ms.addRow(['村代码', '会议日期', '参会人数', '会议纪要']).font = { bold: true };
  for (const m of meetings) ms.addRow([m.villageCode, m.meetingOn, m.attendees, m.minutes]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
