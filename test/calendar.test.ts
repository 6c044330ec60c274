import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWorkday } from 'chinese-days';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CalendarFileError,
  DEFAULT_CALENDAR_VERSION,
  DEFAULT_COVERED_YEARS,
  WorkingCalendar,
  beijingDate,
  getDefaultCalendar,
  loadCalendar,
} from '../activities/calendar/calendar';

/** An instant given in Beijing wall-clock time, e.g. `bj('2025-03-14 15:00')`. */
const bj = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+08:00`);
const weekday = (date: string): string =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });

const cal = getDefaultCalendar();

const dir = mkdtempSync(join(tmpdir(), 'bangfu-calendar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function calendarFile(content: unknown): string {
  const file = join(dir, `calendar-${++fileNo}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('working days', () => {
  it('a make-up Saturday (调休) counts as a working day', () => {
    expect(weekday('2025-10-11')).toBe('Saturday');
    expect(cal.isWorkingDay('2025-10-11')).toBe(true);
  });

  it('a make-up Sunday (调休) before National Day 2025 counts as a working day', () => {
    expect(weekday('2025-09-28')).toBe('Sunday');
    expect(cal.isWorkingDay('2025-09-28')).toBe(true);
  });

  it('an ordinary weekend is not a working day and an ordinary weekday is', () => {
    expect(cal.isWorkingDay('2025-09-27')).toBe(false); // Saturday
    expect(cal.isWorkingDay('2025-03-16')).toBe(false); // Sunday
    expect(cal.isWorkingDay('2025-03-17')).toBe(true); // Monday
  });

  it('National Day holiday weekdays are not working days', () => {
    for (const date of ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08']) {
      expect(weekday(date)).not.toMatch(/Saturday|Sunday/);
      expect(cal.isWorkingDay(date), date).toBe(false);
    }
    expect(cal.isWorkingDay('2025-10-09')).toBe(true);
  });

  it('a malformed or impossible date is refused', () => {
    expect(() => cal.isWorkingDay('2025-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2025/10/01')).toThrow(RangeError);
  });

  it('the built-in data covers 2004 to 2026 and agrees with chinese-days on every day', () => {
    expect(DEFAULT_COVERED_YEARS[0]).toBe(2004);
    expect(DEFAULT_COVERED_YEARS.at(-1)).toBe(2026);
    expect(DEFAULT_COVERED_YEARS).toHaveLength(23);
    expect(cal.calendarVersion).toBe(DEFAULT_CALENDAR_VERSION);
    expect(DEFAULT_CALENDAR_VERSION).toMatch(/^chinese-days@\d+\.\d+\.\d+$/);
    for (let t = Date.UTC(2004, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (cal.isWorkingDay(date) !== isWorkday(date)) throw new Error(`disagreement on ${date}`);
    }
  });

  it('years beyond the data fall back to Monday to Friday', () => {
    expect(cal.isCovered('2030-10-01')).toBe(false);
    expect(cal.isWorkingDay('2030-10-01')).toBe(true); // a Tuesday, no data yet
    expect(cal.isWorkingDay('2030-10-05')).toBe(false); // a Saturday
  });
});

describe('deadlines', () => {
  it('2 working days from a Friday lead ends Tuesday', () => {
    const due = cal.addWorkingDays(bj('2025-03-14 15:00'), 2);
    // Exclusive end: 00:00 Beijing on Wednesday = 16:00 UTC on Tuesday.
    expect(due).toEqual(bj('2025-03-19 00:00'));
    expect(due.toISOString()).toBe('2025-03-18T16:00:00.000Z');
  });

  it('the start day is the Beijing day, not the UTC day', () => {
    // Friday 00:30 in Beijing is still Thursday in UTC.
    expect(cal.addWorkingDays(new Date('2025-03-13T16:30:00Z'), 2)).toEqual(bj('2025-03-19 00:00'));
    // Saturday 00:30 in Beijing (Friday in UTC): the weekend start day does not count either.
    expect(cal.addWorkingDays(new Date('2025-03-14T16:30:00Z'), 2)).toEqual(bj('2025-03-19 00:00'));
    expect(beijingDate(new Date('2025-03-14T16:30:00Z'))).toBe('2025-03-15');
  });

  it('a limit spanning the Spring Festival skips the holiday', () => {
    // Lead on Monday 2025-01-27; 2025-01-28 … 2025-02-04 is the Spring Festival holiday.
    expect(cal.addWorkingDays(bj('2025-01-27 10:00'), 2)).toEqual(bj('2025-02-07 00:00'));
    // The 4th working day is the make-up Saturday 2025-02-08 (调休).
    expect(cal.addWorkingDays(bj('2025-01-27 10:00'), 4)).toEqual(bj('2025-02-09 00:00'));
  });

  it('a limit counts the make-up Sunday before National Day', () => {
    // Friday 2025-09-26: Sunday 09-28 (调休) and Monday 09-29 are the two working days.
    expect(cal.addWorkingDays(bj('2025-09-26 11:00'), 2)).toEqual(bj('2025-09-30 00:00'));
    // 3 working days: Tuesday 09-30, then the holiday until 10-08, so Thursday 10-09.
    expect(cal.addWorkingDays(bj('2025-09-26 11:00'), 4)).toEqual(bj('2025-10-10 00:00'));
  });

  it('a limit of 0 working days ends with the start day', () => {
    expect(cal.addWorkingDays(bj('2025-03-14 15:00'), 0)).toEqual(bj('2025-03-15 00:00'));
  });

  it('a negative or fractional limit is refused', () => {
    expect(() => cal.addWorkingDays(bj('2025-03-14 15:00'), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays(bj('2025-03-14 15:00'), 1.5)).toThrow(RangeError);
    expect(() => cal.addWorkingDays(new Date('nonsense'), 1)).toThrow(RangeError);
  });
});

describe('working days left', () => {
  const due = bj('2025-03-19 00:00'); // end of Tuesday 2025-03-18

  it('working days left counts the working days after today up to the due day', () => {
    expect(cal.workingDaysBetween(bj('2025-03-14 15:00'), due)).toBe(2); // Friday
    expect(cal.workingDaysBetween(bj('2025-03-16 15:00'), due)).toBe(2); // Sunday
    expect(cal.workingDaysBetween(bj('2025-03-17 09:00'), due)).toBe(1); // Monday
    expect(cal.workingDaysBetween(bj('2025-03-18 23:59'), due)).toBe(0); // due today
  });

  it('working days left is negative when overdue', () => {
    expect(cal.workingDaysBetween(bj('2025-03-19 00:00'), due)).toBe(-1);
    expect(cal.workingDaysBetween(bj('2025-03-19 10:00'), due)).toBe(-1);
    expect(cal.workingDaysBetween(bj('2025-03-20 10:00'), due)).toBe(-2);
    expect(cal.workingDaysBetween(bj('2025-03-24 10:00'), due)).toBe(-4); // the weekend does not count
  });

  it('working days between a start and its deadline equal the limit', () => {
    for (const start of [bj('2025-01-24 08:00'), bj('2025-09-26 23:00'), bj('2025-10-04 12:00')]) {
      for (const n of [0, 1, 2, 5, 10]) {
        expect(cal.workingDaysBetween(start, cal.addWorkingDays(start, n))).toBe(n);
      }
    }
  });
});

describe('reminders and escalation', () => {
  it('reminder one working day before a Monday due time falls on the previous Friday (Beijing time)', () => {
    const mondayDue = bj('2025-03-17 17:00');
    expect(cal.subtractWorkingDays(mondayDue, 1)).toEqual(bj('2025-03-14 17:00'));
    expect(cal.reminderTime(mondayDue, 1)).toEqual(bj('2025-03-14 09:00'));
    // A deadline from addWorkingDays that closes Monday (00:00 Tuesday) is due on Monday too.
    expect(cal.reminderTime(bj('2025-03-18 00:00'), 1)).toEqual(bj('2025-03-14 09:00'));
    expect(beijingDate(cal.reminderTime(bj('2025-03-18 00:00'), 1))).toBe('2025-03-14');
  });

  it('a reminder before a task due just after National Day falls before the holiday', () => {
    expect(cal.reminderTime(bj('2025-10-10 00:00'), 1)).toEqual(bj('2025-09-30 09:00'));
  });

  it('a reminder never comes after the due time', () => {
    expect(cal.reminderTime(bj('2025-03-17 08:00'), 0)).toEqual(bj('2025-03-17 08:00'));
  });

  it('repeat escalation waits for the start of the next working day', () => {
    expect(cal.nextWorkingDayStart(bj('2025-03-19 00:00'))).toEqual(bj('2025-03-20 00:00'));
    expect(cal.nextWorkingDayStart(bj('2025-03-14 10:00'))).toEqual(bj('2025-03-17 00:00'));
    expect(cal.nextWorkingDayStart(bj('2025-09-26 10:00'))).toEqual(bj('2025-09-28 00:00')); // 调休 Sunday
    expect(cal.nextWorkingDayStart(bj('2025-09-30 10:00'))).toEqual(bj('2025-10-09 00:00'));
  });
});

describe('calendar data and files', () => {
  const savedEnv = process.env.BANGFU_CALENDAR_FILE;
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.BANGFU_CALENDAR_FILE;
    else process.env.BANGFU_CALENDAR_FILE = savedEnv;
  });

  it('a calendar built from data applies its holidays and make-up days', () => {
    const custom = new WorkingCalendar({ version: 't1', holidays: ['2025-03-17'], workdays: ['2025-03-15'] });
    expect(custom.calendarVersion).toBe('t1');
    expect(custom.isWorkingDay('2025-03-17')).toBe(false);
    expect(custom.isWorkingDay('2025-03-15')).toBe(true);
    expect(() => new WorkingCalendar({ version: 't2', holidays: ['2025-03-17'], workdays: ['2025-03-17'] })).toThrow(/workdays\[0\]/);
  });

  it('a calendar file marks an extra holiday and the deadline moves', () => {
    const lead = bj('2025-03-14 15:00');
    expect(loadCalendar().addWorkingDays(lead, 2)).toEqual(bj('2025-03-19 00:00'));
    const file = calendarFile({ version: 'county-2025-1', holidays: ['2025-03-17'] });
    const withFile = loadCalendar({ file });
    expect(withFile.isWorkingDay('2025-03-17')).toBe(false);
    expect(withFile.addWorkingDays(lead, 2)).toEqual(bj('2025-03-20 00:00'));
    expect(withFile.calendarVersion).toMatch(new RegExp(`^${DEFAULT_CALENDAR_VERSION}\\+county-2025-1#[0-9a-f]{8}$`));
    // The default data is still there.
    expect(withFile.isWorkingDay('2025-09-28')).toBe(true);
  });

  it('the calendar file is read from BANGFU_CALENDAR_FILE', () => {
    process.env.BANGFU_CALENDAR_FILE = calendarFile({ version: 'env', holidays: ['2025-03-17'] });
    expect(loadCalendar().isWorkingDay('2025-03-17')).toBe(false);
    delete process.env.BANGFU_CALENDAR_FILE;
    expect(loadCalendar()).toBe(getDefaultCalendar());
  });

  it('a calendar file entry wins over the default data for that date', () => {
    // 2025-10-08 is a National Day holiday and 2025-10-11 a make-up Saturday by default.
    const file = calendarFile({ version: 'swap', workdays: ['2025-10-08'], holidays: ['2025-10-11'] });
    const swapped = loadCalendar({ file });
    expect(swapped.isWorkingDay('2025-10-08')).toBe(true);
    expect(swapped.isWorkingDay('2025-10-11')).toBe(false);
  });

  it('an updated calendar file is picked up without a restart', () => {
    const file = calendarFile({ version: 'v1', holidays: [] });
    const first = loadCalendar({ file });
    expect(loadCalendar({ file })).toBe(first); // unchanged file: cached
    expect(first.isWorkingDay('2025-03-17')).toBe(true);
    writeFileSync(file, JSON.stringify({ version: 'v2', holidays: ['2025-03-17'] }));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000)); // make the change visible to coarse clocks
    const second = loadCalendar({ file });
    expect(second.isWorkingDay('2025-03-17')).toBe(false);
    expect(second.calendarVersion).toContain('+v2#');
  });

  it('an invalid calendar file is refused naming the field', () => {
    const bad = (content: unknown) => () => loadCalendar({ file: calendarFile(content) });
    expect(bad({ version: 'x', holidays: ['2025-10-01', '2025-02-30'] })).toThrow(/holidays\[1\].*YYYY-MM-DD.*"2025-02-30"/);
    expect(bad({ holidays: [] })).toThrow(/version/);
    expect(bad({ version: 'x', workdays: '2025-09-28' })).toThrow(/workdays/);
    expect(bad({ version: 'x', holidays: ['2025-10-01'], workdays: ['2025-10-01'] })).toThrow(/workdays\[0\].*also listed in holidays/);
    expect(bad({ version: 'x', holiday: ['2025-10-01'] })).toThrow(/holiday: unknown field/);
    expect(bad({ holidays: [] })).toThrow(/version: .*\(missing\)/);
    expect(bad('{ not json')).toThrow(/not valid JSON/);
    expect(bad({ version: 'x', holidays: ['2025-02-30'] })).toThrow(CalendarFileError);
  });

  it('a missing calendar file is refused rather than silently ignored', () => {
    expect(() => loadCalendar({ file: join(dir, 'absent.json') })).toThrow(/absent\.json.*cannot read/);
  });
});
