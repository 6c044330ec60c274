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
