/**
 * Deadline arithmetic of the commit activity, on the bundled PRC working calendar.
 */
import { isWorkday } from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { getDefaultCalendar } from '../../activities/calendar/calendar';
import { caseDeadline, extendPastNonWorkingDay } from '../../activities/deadlines';

const cal = getDefaultCalendar();
const bj = (s: string): Date => new Date(`${s}+08:00`);

describe('the rollback window honours working days (期间届满日遇节假日顺延)', () => {
  it('a window whose last day is a working day ends as computed', () => {
    expect(extendPastNonWorkingDay(cal, bj('2026-12-04T10:00:00')).toISOString()).toBe(bj('2026-12-04T10:00:00').toISOString());
    // An end at 00:00 Saturday closes Friday, a working day.
    expect(extendPastNonWorkingDay(cal, bj('2026-12-05T00:00:00')).toISOString()).toBe(bj('2026-12-05T00:00:00').toISOString());
  });

  it('a window ending on a weekend stays open to the end of the next working day', () => {
    expect(extendPastNonWorkingDay(cal, bj('2026-12-05T10:00:00')).toISOString()).toBe(bj('2026-12-08T00:00:00').toISOString());
    expect(extendPastNonWorkingDay(cal, bj('2026-12-07T00:00:00')).toISOString()).toBe(bj('2026-12-08T00:00:00').toISOString());
  });

  it('a window ending in the National Day holiday stays open to the end of the first working day after it', () => {
    const end = extendPastNonWorkingDay(cal, bj('2026-10-03T15:00:00'));
    let first = '2026-10-04';
    while (!isWorkday(first)) first = new Date(Date.parse(`${first}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const dayAfter = new Date(Date.parse(`${first}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(end.toISOString()).toBe(bj(`${dayAfter}T00:00:00`).toISOString());
  });

  it('twelve months of rollback window from an elimination move past a weekend; other deadlines and seconds do not', () => {
    const from = bj('2025-12-06T10:00:00'); // twelve months on: Sunday 6 December 2026
    expect(caseDeadline(cal, 'rollbackUntil', from, { unit: 'MONTHS', amount: 12 }).toISOString()).toBe(bj('2026-12-08T00:00:00').toISOString());
    expect(caseDeadline(cal, 'nextReviewAt', from, { unit: 'MONTHS', amount: 12 }).toISOString()).toBe(bj('2026-12-06T10:00:00').toISOString());
    expect(caseDeadline(cal, 'rollbackUntil', from, { unit: 'SECONDS', amount: 30 }).toISOString()).toBe(new Date(from.getTime() + 30_000).toISOString());
  });
});
