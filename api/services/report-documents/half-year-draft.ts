/**
 * 半年总结（动态监测部分）草稿 — drafts the dynamic-monitoring paragraphs of a summary like the
 * bureau's own (seed report: "共新增监测对象X户X人，对新确定监测对象制定帮扶措施X条…"), with every
 * X filled from the figures of the period, and the problems named per township (overdue
 * identification, households without an implemented measure, households not visited, overdue
 * tasks, villages whose screening found nothing or recorded no meeting), and the screening campaigns
 * (集中排查) of the period in a paragraph of their own. Pure: figures in, paragraphs out.
 */
import type { UnitFigures } from '../../../workflows/report/contracts';
import type { ReportFigures } from './report-view';
import { countingNote, pct } from './report-view';

/** The draft: a heading, its paragraphs, and the footnote on counting. */
export interface HalfYearDraft {
  title: string;
  paragraphs: string[];
  /** Problems, one line per kind, naming townships with their counts. */
  problems: string[];
  footnote: string;
}

const rate = (n: number, d: number): number | null => (d === 0 ? null : n / d);
const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function perTownship(townships: UnitFigures[], count: (u: UnitFigures) => number, unit: string): string | null {
  const hits = townships.map((u) => [u, count(u)] as const).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return hits.length === 0 ? null : hits.map(([u, n]) => `${u.name}${n}${unit}`).join('、');
}

/** Drafts the monitoring section for a period (label such as `2026-H1`) of a county. */
export function draftMonitoringSection(countyName: string, periodLabel: string, f: ReportFigures): HalfYearDraft {
  const c = f.county;
  const covered = rate(c.planCovered, c.monitored);
  const contacted = rate(c.contacted, c.monitored);
  const sla = rate(c.slaMet, c.slaApproved);
  const paragraphs = [
    `开展动态监测。${periodLabel}，${countyName}共新增监测对象${c.newHouseholds}户${c.newPeople}人，累计识别监测对象${c.totalHouseholds}户${c.totalPeople}人；`
      + `本期制定帮扶措施${c.measuresMade}条，落实帮扶措施${c.measuresImplemented}条。`,
    `认定时效方面，本期经县级审定${c.slaApproved}户，其中在规定时限内完成认定${c.slaMet}户，占${pct(sla)}。`,
    `应帮尽帮方面，期末在监测${c.monitored}户，已落实至少一项帮扶措施${c.planCovered}户，占${pct(covered)}；`
      + `按时走访方面，本期有走访记录${c.contacted}户，占${pct(contacted)}。`,
    `风险消除方面，本期标注风险消除${c.eliminated}户，累计风险消除${c.eliminatedTotal}户。`,
    (c.campaignHouseholds ?? 0) === 0
      ? '集中排查方面，本期未开展集中排查。'
      : `集中排查方面，本期纳入排查农户${c.campaignHouseholds}户，已排查${c.campaignScreened ?? 0}户，发现风险${c.campaignRisks ?? 0}户，`
        + `转入识别${c.campaignLeads ?? 0}户，其中已纳入监测${c.campaignMonitored ?? 0}户；参与排查${c.campaignVillages ?? 0}村次，召开会议并形成记录${c.campaignMeetings ?? 0}村次。`,
  ];
  const kinds: [string, string | null][] = [
    ['识别认定超时', perTownship(f.townships, (u) => u.slaApproved - u.slaMet, '户')],
    ['监测户未落实帮扶措施', perTownship(f.townships, (u) => u.monitored - u.planCovered, '户')],
    ['监测户本期未走访', perTownship(f.townships, (u) => u.monitored - u.contacted, '户')],
    ['待办任务逾期未办结', perTownship(f.townships, (u) => u.overdueTasks, '件')],
    ['集中排查零发现', perTownship(f.townships, (u) => u.campaignZeroVillages ?? 0, '个村次')],
    ['排查未形成会议记录', perTownship(f.townships, (u) => (u.campaignVillages ?? 0) - (u.campaignMeetings ?? 0), '个村次')],
  ];
  const found = kinds.filter((k): k is [string, string] => k[1] !== null);
  const problems = found.length === 0
    ? ['本期未发现识别超时、措施未落实、走访缺失、任务逾期或排查零发现问题。']
    : found.map(([what, list], i) => `${ORDINALS[i]}是${what}：${list}。`);
  return { title: `${countyName}${periodLabel}防止返贫动态监测工作情况（草稿）`, paragraphs, problems, footnote: countingNote('zh-CN') };
}
