/**
 * Page and email languages: Simplified Chinese by default, English available. Domain labels
 * (steps, statuses, actions…) live here once; page-specific strings live next to each page.
 */
import type { Request } from 'express';

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
