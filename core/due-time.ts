/**
 * 办理期限的显示 — how a due time reads to a person, in Beijing time. A deadline at the end of a
 * working day is stored as the next day's 00:00; it is shown as that working day, "24:00前"
 * ("12月4日（周五）24:00前"), never as the next day's 00:00, which a village official takes for
 * the day after. Shared by pages, emails and the API's display fields.
 */

/** Supported languages (the same as the pages'). */
export type DueLang = 'zh-CN' | 'en';

const ZH_WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const BEIJING_MS = 8 * 3_600_000;

/**
 * A due time as a person reads it: `12月4日（周五）24:00前` / `by 24:00 Fri 4 Dec (Beijing time)`;
 * a due time inside a day keeps its hour (`12月4日（周五）17:30前`). The year is added when it
 * is not `nowYear`.
 */
export function formatDue(due: Date | string, lang: DueLang, nowYear: number = new Date(Date.now() + BEIJING_MS).getUTCFullYear()): string {
  const t = (typeof due === 'string' ? new Date(due) : due).getTime();
  const local = new Date(t + BEIJING_MS);
  const midnight = local.getUTCHours() === 0 && local.getUTCMinutes() === 0 && local.getUTCSeconds() === 0;
  // Midnight ends the previous day: show that day at 24:00.
  const day = midnight ? new Date(t + BEIJING_MS - 1) : local;
  const hhmm = midnight ? '24:00' : `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  const y = day.getUTCFullYear();
  if (lang === 'zh-CN') {
    return `${y !== nowYear ? `${y}年` : ''}${day.getUTCMonth() + 1}月${day.getUTCDate()}日（${ZH_WEEKDAYS[day.getUTCDay()]}）${hhmm}前`;
  }
  return `by ${hhmm} ${EN_WEEKDAYS[day.getUTCDay()]} ${day.getUTCDate()} ${EN_MONTHS[day.getUTCMonth()]}${y !== nowYear ? ` ${y}` : ''} (Beijing time)`;
}
