/**
 * Page and email languages: Simplified Chinese by default, English available. Domain labels
 * (steps, statuses, actions…) live here once; page-specific strings live next to each page.
 */
import type { Request } from 'express';
import type { AuditAction } from '../../workflows/case/audit-actions';

/** Supported languages. */
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** A string in both languages. */
export type Bilingual = Record<Lang, string>;

/**
 * The language of a page: `?lang=` first, then the `lang` cookie, then the official's
 * preference, then zh-CN.
 */
export function pickLang(req: Request, preferred?: string | null): Lang {
  const q = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  const cookie = /(?:^|;\s*)lang=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  for (const c of [q, cookie, preferred]) if (c === 'en' || c === 'zh-CN') return c;
  return 'zh-CN';
}

/** Picks the string of a language. */
export function tr(lang: Lang, s: Bilingual): string {
  return s[lang];
}

export const STEP_LABELS: Record<string, Bilingual> = {
  VERIFICATION: { 'zh-CN': '入户核实', en: 'Home verification' },
  VILLAGE_REVIEW: { 'zh-CN': '村级民主评议', en: 'Village democratic review' },
  PUBLIC_NOTICE: { 'zh-CN': '村内公示', en: 'Village public notice' },
  TOWNSHIP_REVIEW: { 'zh-CN': '乡镇审核', en: 'Township review' },
  COUNTY_APPROVAL: { 'zh-CN': '县级审定', en: 'County approval' },
  INVESTIGATION: { 'zh-CN': '异议调查', en: 'Objection investigation' },
  ELIM_ASSESSMENT: { 'zh-CN': '风险消除评估', en: 'Elimination assessment' },
  ELIM_VILLAGE_REVIEW: { 'zh-CN': '风险消除村级评议', en: 'Elimination village review' },
  ELIM_NOTICE: { 'zh-CN': '风险消除公示', en: 'Elimination public notice' },
  ELIM_TOWNSHIP_REVIEW: { 'zh-CN': '风险消除乡镇审核', en: 'Elimination township review' },
  ELIM_COUNTY_APPROVAL: { 'zh-CN': '风险消除县级审定', en: 'Elimination county approval' },
};

export const STATUS_LABELS: Record<string, Bilingual> = {
  IDENTIFYING: { 'zh-CN': '识别认定中', en: 'Identifying' },
  MONITORED: { 'zh-CN': '监测帮扶中', en: 'Monitored' },
  ELIMINATING: { 'zh-CN': '风险消除中', en: 'Elimination under way' },
  REJECTED: { 'zh-CN': '未通过', en: 'Rejected' },
  WITHDRAWN: { 'zh-CN': '已撤回', en: 'Withdrawn' },
  ELIMINATED: { 'zh-CN': '已消除风险', en: 'Risk eliminated' },
  CLOSED: { 'zh-CN': '已关闭', en: 'Closed' },
};

export const ACTION_LABELS: Record<string, Bilingual> = {
  APPROVE: { 'zh-CN': '同意', en: 'Approve' },
  REJECT: { 'zh-CN': '不同意（驳回）', en: 'Reject' },
  RETURN: { 'zh-CN': '退回上一步', en: 'Return to previous step' },
  DISMISS: { 'zh-CN': '异议不成立', en: 'Dismiss objection' },
  DONE: { 'zh-CN': '办结', en: 'Done' },
};

export const CATEGORY_LABELS: Record<string, Bilingual> = {
  UNSTABLE_LIFTED: { 'zh-CN': '脱贫不稳定户', en: 'Unstable lifted household' },
  MARGINAL: { 'zh-CN': '边缘易致贫户', en: 'Marginal household' },
  SUDDEN_HARDSHIP: { 'zh-CN': '突发严重困难户', en: 'Sudden severe hardship' },
};

export const RISK_LABELS: Record<string, Bilingual> = {
  ILLNESS: { 'zh-CN': '因病', en: 'Illness' },
  DISABILITY: { 'zh-CN': '因残', en: 'Disability' },
  SCHOOLING: { 'zh-CN': '因学', en: 'Schooling' },
  DISASTER: { 'zh-CN': '因自然灾害', en: 'Natural disaster' },
  ACCIDENT: { 'zh-CN': '因意外事故', en: 'Accident' },
  BUSINESS_FAILURE: { 'zh-CN': '因产业项目失败', en: 'Business failure' },
  UNSTABLE_EMPLOYMENT: { 'zh-CN': '因务工就业不稳', en: 'Unstable employment' },
  NO_LABOUR: { 'zh-CN': '缺劳动力', en: 'No labour' },
  HOUSING: { 'zh-CN': '住房安全', en: 'Housing safety' },
  DRINKING_WATER: { 'zh-CN': '饮水安全', en: 'Drinking water' },
  OTHER: { 'zh-CN': '其他', en: 'Other' },
};

/** Levels of officials (and the roles that stand beside them). */
export const LEVEL_LABELS: Record<string, Bilingual> = {
  VILLAGE: { 'zh-CN': '村级', en: 'Village' },
  TOWNSHIP: { 'zh-CN': '乡镇级', en: 'Township' },
  COUNTY: { 'zh-CN': '县级', en: 'County' },
  ADMIN: { 'zh-CN': '管理员', en: 'Administrator' },
  CONTACT: { 'zh-CN': '帮扶责任人', en: 'Assistance contact' },
  GRID: { 'zh-CN': '网格员', en: 'Grid worker' },
};

/** Lead channels. */
export const CHANNEL_LABELS: Record<string, Bilingual> = {
  SELF_APPLICATION: { 'zh-CN': '农户自主申报', en: 'Self-application' },
  CADRE_SCREENING: { 'zh-CN': '基层干部排查', en: 'Cadre screening' },
  DEPARTMENT_ALERT: { 'zh-CN': '部门筛查预警', en: 'Department alert' },
};

/** Assistance measure types. */
export const MEASURE_LABELS: Record<string, Bilingual> = {
  INDUSTRY: { 'zh-CN': '产业帮扶', en: 'Industry' },
  EMPLOYMENT: { 'zh-CN': '就业帮扶', en: 'Employment' },
  MICROCREDIT: { 'zh-CN': '小额信贷', en: 'Microcredit' },
  EDUCATION: { 'zh-CN': '教育帮扶（含雨露计划）', en: 'Education' },
  MEDICAL: { 'zh-CN': '医疗保障', en: 'Medical' },
  HOUSING: { 'zh-CN': '住房/危房改造', en: 'Housing' },
  DRINKING_WATER: { 'zh-CN': '饮水安全', en: 'Drinking water' },
  SOCIAL_ASSISTANCE: { 'zh-CN': '低保/特困供养', en: 'Social assistance' },
  TEMPORARY_RELIEF: { 'zh-CN': '临时救助', en: 'Temporary relief' },
  PUBLIC_WELFARE_JOB: { 'zh-CN': '公益岗位', en: 'Public welfare job' },
  INSURANCE: { 'zh-CN': '防贫保险', en: 'Insurance' },
  OTHER: { 'zh-CN': '其他', en: 'Other' },
};

/** Audit actions as a reader says them (case timelines of the admin and task-link pages). */
export const AUDIT_LABELS: Record<AuditAction, Bilingual> = {
  LEAD_RECEIVED: { 'zh-CN': '收到线索，案件建立', en: 'Lead received, case opened' },
  TASK_OPENED: { 'zh-CN': '待办生成', en: 'Task opened' },
  TASK_CANCELLED: { 'zh-CN': '待办取消', en: 'Task cancelled' },
  APPROVED: { 'zh-CN': '同意', en: 'Approved' },
  REJECTED: { 'zh-CN': '驳回（不予认定）', en: 'Rejected; the case ends' },
  RETURNED: { 'zh-CN': '退回', en: 'Returned' },
  NOTICE_STARTED: { 'zh-CN': '公示开始', en: 'Public notice started' },
  NOTICE_ENDED: { 'zh-CN': '公示期满', en: 'Public notice ended' },
  STEP_STARTED: { 'zh-CN': '进入下一环节', en: 'Next step started' },
  OBJECTION_FILED: { 'zh-CN': '收到异议', en: 'Objection filed' },
  OBJECTION_DISMISSED: { 'zh-CN': '异议不成立，公示继续', en: 'Objection dismissed; the notice runs on' },
  OBJECTION_UPHELD_RETURNED: { 'zh-CN': '异议成立，退回重新评议', en: 'Objection upheld; returned to the village review' },
  OBJECTION_UPHELD_REJECTED: { 'zh-CN': '异议成立，不予认定', en: 'Objection upheld; the case is rejected' },
  OBJECTION_UPHELD_ELIMINATION_DECLINED: { 'zh-CN': '异议成立，不予消除风险', en: 'Objection upheld; elimination declined' },
  COUNTY_APPROVED_MONITORING_STARTED: { 'zh-CN': '县级审定通过，纳入监测帮扶', en: 'County approved; monitoring and assistance start' },
  SLA_BREACHED: { 'zh-CN': '超过识别认定时限', en: 'Identification time limit exceeded' },
  MEASURE_RECORDED: { 'zh-CN': '登记帮扶措施', en: 'Assistance measure recorded' },
  MEASURE_IMPLEMENTED: { 'zh-CN': '帮扶措施已落实', en: 'Measure implemented' },
  MEASURE_CANCELLED: { 'zh-CN': '帮扶措施取消', en: 'Measure cancelled' },
  MEASURE_FINDING_RECORDED: { 'zh-CN': '帮扶措施核查发现问题', en: 'Finding recorded on a measure' },
  MEASURE_ENDED: { 'zh-CN': '帮扶措施已结束', en: 'Measure ended' },
  CONTACT_RECORDED: { 'zh-CN': '登记走访联系', en: 'Contact recorded' },
  CONTACT_MISSED: { 'zh-CN': '本期未走访联系，提醒帮扶责任人', en: 'No contact this period; the contact is reminded' },
  CONTACT_MISSED_ESCALATED: { 'zh-CN': '连续未走访联系，报乡镇', en: 'Contacts missed again; escalated to the township' },
  PLAN_OVERDUE: { 'zh-CN': '帮扶计划逾期提醒', en: 'Assistance plan overdue reminder' },
  ANNUAL_CHECK_FLAGGED: { 'zh-CN': '监测满一年，列入年度核查', en: 'Monitored a year; flagged for the annual check' },
  REMINDER_SENT: { 'zh-CN': '到期前提醒', en: 'Reminder before the due time' },
  TASK_ESCALATED: { 'zh-CN': '逾期上报', en: 'Overdue; escalated to the next level' },
  TASK_NUDGED: { 'zh-CN': '催办', en: 'Nudged' },
  TASK_TRANSFERRED: { 'zh-CN': '转交', en: 'Transferred' },
  ELIMINATION_REVIEW_STARTED: { 'zh-CN': '风险消除评估开始', en: 'Elimination review started' },
  ELIMINATION_REVIEW_REQUESTED: { 'zh-CN': '申请风险消除评估', en: 'Elimination review requested' },
  REVIEW_NOT_ELIGIBLE: { 'zh-CN': '暂不符合风险消除条件', en: 'Not yet eligible for elimination' },
  NEXT_REVIEW_SCHEDULED: { 'zh-CN': '继续监测，安排下次评估', en: 'Stays monitored; next review scheduled' },
  ELIMINATION_DECLINED: { 'zh-CN': '不同意消除风险（驳回）', en: 'Elimination rejected' },
  ELIMINATION_REFUSED: { 'zh-CN': '不符合政策，不予消除风险', en: 'Elimination refused by the policy' },
  APPROVED_ELIMINATED: { 'zh-CN': '县级审定通过，风险消除', en: 'County approved; risk eliminated' },
  ELIMINATION_ROLLED_BACK: { 'zh-CN': '风险消除回退，恢复监测', en: 'Elimination rolled back; monitoring resumes' },
  ROLLBACK_WINDOW_CLOSED: { 'zh-CN': '风险消除回退期结束', en: 'Rollback window closed' },
  WITHDRAWN: { 'zh-CN': '撤回', en: 'Withdrawn' },
  CASE_CLOSED: { 'zh-CN': '案件关闭', en: 'Case closed' },
  CONTACT_REASSIGNED: { 'zh-CN': '更换帮扶责任人', en: 'Assistance contact reassigned' },
};

/** Label of a code, falling back to the code itself. */
export function label(map: Record<string, Bilingual>, code: string | null | undefined, lang: Lang): string {
  if (!code) return '';
  return map[code]?.[lang] ?? code;
}

/** A date-time in Beijing time, e.g. `2026-12-01 17:00`. */
export function beijingTime(d: Date | string, lang: Lang): string {
  const t = typeof d === 'string' ? new Date(d) : d;
  const s = new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
  return lang === 'zh-CN' ? `${s}（北京时间）` : `${s} (Beijing time)`;
}
