/**
 * Deadline arithmetic for activities: working days by the PRC calendar (with 调休), the other
 * units without it. The calendar is re-read on every call, so running cases honour an update.
 */
import type { TLimit } from '../workflows/policy';
import { addLimitWithoutCalendar } from '../workflows/policy';
import type { WorkingCalendar } from './calendar/calendar';

/** The instant a limit started at `from` runs out. */
export function addLimit(calendar: WorkingCalendar, from: Date, limit: TLimit): Date {
  const local = addLimitWithoutCalendar(from.getTime(), limit);
  if (local !== undefined) return new Date(local);
  return calendar.addWorkingDays(from, Math.ceil(limit.amount));
}

/**
 * A window whose last day is not a working day ends with the first working day after it, at its
 * end (期间届满的最后一日是节假日的，以节假日后的第一日为届满日): the rollback window
 * (风险消除回退期) of twelve months ending on a Sunday or in the Spring Festival stays open until
 * 24:00 of the next working day. `end` is exclusive (an end at 00:00 closes the previous day).
 */
export function extendPastNonWorkingDay(calendar: WorkingCalendar, end: Date): Date {
  const last = new Date(end.getTime() - 1);
  const lastDay = new Date(last.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  return calendar.isWorkingDay(lastDay) ? end : calendar.addWorkingDays(last, 1);
}

/** Deadlines that move past a non-working last day ({@link extendPastNonWorkingDay}). */
export const EXTENDED_PAST_HOLIDAYS: ReadonlySet<string> = new Set(['rollbackUntil']);

/** The instant a named deadline of a case runs out. */
export function caseDeadline(calendar: WorkingCalendar, name: string, from: Date, limit: TLimit): Date {
  const end = addLimit(calendar, from, limit);
  // Seconds are the compressed policy of tests and demos: no calendar there.
  return EXTENDED_PAST_HOLIDAYS.has(name) && limit.unit !== 'SECONDS' ? extendPastNonWorkingDay(calendar, end) : end;
}

/** When to remind: `lead` before the due time (working days: 09:00 Beijing of that working day). */
export function reminderAt(calendar: WorkingCalendar, due: Date, lead: TLimit): Date {
  switch (lead.unit) {
    case 'WORKING_DAYS':
      return calendar.reminderTime(due, Math.ceil(lead.amount));
    case 'SECONDS':
      return new Date(due.getTime() - lead.amount * 1000);
    case 'CALENDAR_DAYS':
      return new Date(due.getTime() - lead.amount * 86_400_000);
    case 'MONTHS':
      return new Date(due.getTime() - lead.amount * 30 * 86_400_000);
  }
}

/** When the next repeat escalation is due after `from` (working days: start of the n-th next working day). */
export function nextRepeatAt(calendar: WorkingCalendar, from: Date, repeat: TLimit): Date {
  if (repeat.unit !== 'WORKING_DAYS') return new Date(addLimitWithoutCalendar(from.getTime(), repeat) as number);
  let at = from;
  for (let i = 0; i < Math.max(1, Math.ceil(repeat.amount)); i++) at = calendar.nextWorkingDayStart(at);
  return at;
}
