/**
 * Working-day calendar for deadlines: the official PRC calendar (State Council holiday
 * notices), including 调休 — make-up working days on weekends that pay for a longer holiday.
 *
 * All day arithmetic is done on Beijing dates (Asia/Shanghai, UTC+8, no DST since 1991).
 * Default data comes from the `chinese-days` package, which covers 2004–2026
 * ({@link DEFAULT_COVERED_YEARS}); outside the covered years every Monday–Friday is a
 * working day. A JSON file (env `BANGFU_CALENDAR_FILE`) can add or override days without
 * a code change; {@link loadCalendar} re-reads it whenever it changes.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';

const DAY_MS = 86_400_000;
/** Beijing is UTC+8 all year round. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/** Guard against run-away loops on absurd inputs (about 200 years of days). */
const MAX_SCAN_DAYS = 73_000;

/** Calendar data: the days that differ from the ordinary Monday–Friday week. */
export interface CalendarData {
  /** Name of this data set, recorded with every deadline computed from it. */
  version: string;
  /** Days off (YYYY-MM-DD, Beijing): public holidays, including those that fall on weekdays. */
  holidays: readonly string[];
  /** Make-up working days (YYYY-MM-DD, Beijing): weekend days that are working days. */
  workdays: readonly string[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a YYYY-MM-DD string, or `undefined` if not a real date. */
function parseDay(date: string): number | undefined {
  const m = ISO_DATE.exec(date);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2025-02-30 over to March: a real date formats back to itself.
  return new Date(ms).toISOString().slice(0, 10) === date ? ms / DAY_MS : undefined;
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function checkInstant(d: Date, name: string): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}

function checkCount(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/** Beijing day number of an instant. */
function beijingDay(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
}

/** The instant 00:00 Beijing starts the given day. */
function dayStart(day: number): number {
  return day * DAY_MS - BEIJING_OFFSET_MS;
}

/** The Beijing date (YYYY-MM-DD) an instant falls on. */
export function beijingDate(instant: Date): string {
  return formatDay(beijingDay(checkInstant(instant, 'instant')));
}

/** The instant 00:00 Beijing time starts the given YYYY-MM-DD day. */
export function beijingDayStart(date: string): Date {
  const day = parseDay(date);
  if (day === undefined) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return new Date(dayStart(day));
}

/**
 * Answers working-day questions from {@link CalendarData}. Immutable; build a new one (or
 * call {@link loadCalendar}) when the data changes.
 *
 * Deadline convention: a limit of n working days started at instant `from` ends at the
 * **end of the n-th working day after the Beijing day of `from`**, returned as the exclusive
 * instant 00:00 Beijing of the following day. The start day itself never counts, working
 * or not (a lead received on Friday or Saturday with a 2-day limit is due at the end of
 * Tuesday, i.e. Wednesday 00:00 Beijing = Tuesday 16:00 UTC).
 */
export class WorkingCalendar {
  /** Which data computed a deadline; store it next to the deadline. */
  readonly calendarVersion: string;
  /** Years (ascending) for which the data lists at least one holiday or make-up working day. */
  readonly coveredYears: readonly number[];
  /** Day number → working (true) or not (false), for days that differ from Monday–Friday. */
  readonly #overrides: ReadonlyMap<number, boolean>;

  /** @throws RangeError if a date is malformed or listed both as holiday and as workday. */
  constructor(data: CalendarData) {
    if (!data.version) throw new RangeError('calendar version must be a non-empty string');
    const overrides = new Map<number, boolean>();
    const add = (dates: readonly string[], working: boolean, field: string): void => {
      dates.forEach((date, i) => {
        const day = parseDay(date);
        if (day === undefined) throw new RangeError(`${field}[${i}]: not a real YYYY-MM-DD date: ${JSON.stringify(date)}`);
        if (overrides.get(day) === !working) throw new RangeError(`${field}[${i}]: ${date} is listed both as holiday and as workday`);
        overrides.set(day, working);
      });
    };
    add(data.holidays, false, 'holidays');
    add(data.workdays, true, 'workdays');
    this.calendarVersion = data.version;
    this.#overrides = overrides;
    this.coveredYears = [...new Set([...overrides.keys()].map((d) => Number(formatDay(d).slice(0, 4))))].sort((a, b) => a - b);
  }

  #isWorking(day: number): boolean {
    const override = this.#overrides.get(day);
    if (override !== undefined) return override;
    const weekday = (day + 4) % 7; // day 0 (1970-01-01) was a Thursday; 0 = Sunday
    return weekday !== 0 && weekday !== 6;
  }

  /** Count working days in the day range (a, b], a ≤ b. */
  #countWorking(a: number, b: number): number {
    if (b - a > MAX_SCAN_DAYS) throw new RangeError('date range too long');
    let n = 0;
    for (let d = a + 1; d <= b; d++) if (this.#isWorking(d)) n++;
    return n;
  }

  /** Step from `day` to the n-th working day strictly after (`dir` 1) or before (`dir` -1) it. */
  #stepWorking(day: number, n: number, dir: 1 | -1): number {
    let d = day;
    for (let left = n, scanned = 0; left > 0; ) {
      d += dir;
      if (++scanned > MAX_SCAN_DAYS) throw new RangeError('no working day found in range');
      if (this.#isWorking(d)) left--;
    }
    return d;
  }

  /**
   * Whether a Beijing date is a working day: a listed make-up working day is; a listed
   * holiday is not; otherwise Monday–Friday are.
   * @param date YYYY-MM-DD (Beijing)
   * @throws RangeError for anything but a real YYYY-MM-DD date
   */
  isWorkingDay(date: string): boolean {
    const day = parseDay(date);
    if (day === undefined) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
    return this.#isWorking(day);
  }

  /** Whether the data lists holidays for the year of `date` (otherwise only weekends are off). */
  isCovered(date: string): boolean {
    return this.coveredYears.includes(Number(date.slice(0, 4)));
  }

  /**
   * Deadline of a limit of `n` working days started at `from`: the instant 00:00 Beijing of
   * the day after the n-th working day following `from`'s Beijing day (exclusive end; the
   * task is overdue at and after it). `n = 0` gives the end of the start day.
   */
  addWorkingDays(from: Date, n: number): Date {
    checkCount(n, 'n');
    const start = beijingDay(checkInstant(from, 'from'));
    return new Date(dayStart(this.#stepWorking(start, n, 1) + 1));
  }

  /**
   * Signed working days from `from` (usually now) to `to` (usually a deadline), for
   * "working days left" / "working days overdue":
   * `index(Beijing day of to − 1 ms) − index(Beijing day of from)`, where `index` counts
   * working days up to and including a day. So
   * `workingDaysBetween(t, addWorkingDays(t, n)) === n`; 0 means due by the end of today;
   * −k means the k-th working day after the due day is under way. Overdue status itself is
   * `to <= from` (on a weekend right after a Friday deadline this returns 0).
   */
  workingDaysBetween(from: Date, to: Date): number {
    const a = beijingDay(checkInstant(from, 'from'));
    const b = beijingDay(checkInstant(to, 'to') - 1);
    return b >= a ? this.#countWorking(a, b) : -this.#countWorking(b, a);
  }

  /**
   * The first instant strictly after `after` that is 00:00 Beijing of a working day — when
   * the next repeat escalation of an overdue task is due.
   */
  nextWorkingDayStart(after: Date): Date {
    const day = beijingDay(checkInstant(after, 'after'));
    return new Date(dayStart(this.#stepWorking(day, 1, 1)));
  }

  /**
   * The same Beijing time of day, on the n-th working day before the Beijing day of
   * `instant` (whether or not that day is itself a working day). `n = 0` returns `instant`.
   * Example: Monday 17:00 minus 1 → the previous Friday 17:00 (if that Friday is working).
   */
  subtractWorkingDays(instant: Date, n: number): Date {
    checkCount(n, 'n');
    if (n === 0) return new Date(checkInstant(instant, 'instant'));
    const ms = checkInstant(instant, 'instant');
    const day = beijingDay(ms);
    return new Date(ms - (day - this.#stepWorking(day, n, -1)) * DAY_MS);
  }

  /**
   * When to remind about a task due at `due`: `atHour`:00 Beijing on the working day that is
   * `leadWorkingDays` working days before the due day (the Beijing day of `due − 1 ms`, so a
   * deadline from {@link addWorkingDays} counts as due on the last working day it includes).
   * Never later than `due`. Example: due at the end of a Monday, lead 1 → previous Friday 09:00.
   * @param atHour Beijing hour of day, 0–23. @default 9
   */
  reminderTime(due: Date, leadWorkingDays: number, atHour = 9): Date {
    checkCount(leadWorkingDays, 'leadWorkingDays');
    if (!Number.isInteger(atHour) || atHour < 0 || atHour > 23) throw new RangeError(`atHour must be 0–23, got ${atHour}`);
    const dueMs = checkInstant(due, 'due');
    const day = this.#stepWorking(beijingDay(dueMs - 1), leadWorkingDays, -1);
    return new Date(Math.min(dayStart(day) + atHour * 3_600_000, dueMs));
  }
}

// ---------------------------------------------------------------- default data

const requireCjs = createRequire(import.meta.url);

interface ChineseDaysJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const chineseDays = requireCjs('chinese-days/dist/chinese-days.json') as ChineseDaysJson;
const chineseDaysVersion = (requireCjs('chinese-days/package.json') as { version: string }).version;

/** Version of the built-in data, e.g. `chinese-days@1.5.7`. */
export const DEFAULT_CALENDAR_VERSION = `chinese-days@${chineseDaysVersion}`;

/**
 * Built-in data: every holiday and make-up working day published in the installed
 * `chinese-days` package (State Council notices; 2004–2026 for version 1.5.7).
 */
export const DEFAULT_CALENDAR_DATA: CalendarData = Object.freeze({
  version: DEFAULT_CALENDAR_VERSION,
  holidays: Object.freeze(Object.keys(chineseDays.holidays).sort()),
  workdays: Object.freeze(Object.keys(chineseDays.workdays).sort()),
});

let defaultCalendar: WorkingCalendar | undefined;

/** The calendar of the built-in data alone (built once). */
export function getDefaultCalendar(): WorkingCalendar {
  return (defaultCalendar ??= new WorkingCalendar(DEFAULT_CALENDAR_DATA));
}

/** Years the built-in data covers (2004–2026 with chinese-days 1.5.7). */
export const DEFAULT_COVERED_YEARS: readonly number[] = getDefaultCalendar().coveredYears;

// ---------------------------------------------------------------- calendar file

const ZCalendarDateSchema = z
  .string()
  .refine((s) => parseDay(s) !== undefined, { message: 'must be a real date written YYYY-MM-DD' });

/** Shape of the calendar file named by `BANGFU_CALENDAR_FILE`. */
export const ZCalendarFileSchema = z
  .strictObject({
    /** Name of the file's data, e.g. `henan-2026-1`; recorded with each deadline. */
    version: z.string().trim().min(1, 'must be a non-empty string'),
    /** Optional free text for whoever edits the file. */
    description: z.string().optional(),
    holidays: z.array(ZCalendarDateSchema).default([]),
    workdays: z.array(ZCalendarDateSchema).default([]),
  })
  .superRefine((file, ctx) => {
    const holidays = new Set(file.holidays);
    file.workdays.forEach((date, i) => {
      if (holidays.has(date)) ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${date} is also listed in holidays` });
    });
  });

/** A parsed calendar file. */
export type TCalendarFile = z.infer<typeof ZCalendarFileSchema>;

/** Thrown when a calendar file cannot be read or is invalid; the message names the field. */
export class CalendarFileError extends Error {
  override readonly name = 'CalendarFileError';
}

/**
 * Parse and validate calendar file text.
 * @throws CalendarFileError naming the file and each offending field (e.g. `holidays[2]`).
 */
export function parseCalendarFile(text: string, source = 'calendar file'): TCalendarFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CalendarFileError(`${source}: not valid JSON: ${(e as Error).message}`);
  }
  const result = ZCalendarFileSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys') return `${i.keys.join(', ')}: unknown field (expected version, description, holidays, workdays)`;
      const field = i.path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
      const value: unknown = i.path.reduce<any>((v, p) => v?.[p as any], json);
      return `${field || '(root)'}: ${i.message}${value === undefined ? ' (missing)' : ` (got ${JSON.stringify(value)})`}`;
    });
    throw new CalendarFileError(`${source}: ${issues.join('; ')}`);
  }
  return result.data;
}

/**
 * Data of `base` overlaid with `file`: for any date the file lists, the file wins.
 * The version reads `<base>+<file version>#<8 hex digits of the file's content hash>`, so
 * a file edited without bumping its version still yields a distinct calendar version.
 */
export function mergeCalendarData(base: CalendarData, file: TCalendarFile): CalendarData {
  const fileHolidays = new Set(file.holidays);
  const fileWorkdays = new Set(file.workdays);
  const hash = createHash('sha256')
    .update(JSON.stringify([[...fileHolidays].sort(), [...fileWorkdays].sort()]))
    .digest('hex')
    .slice(0, 8);
  return {
    version: `${base.version}+${file.version}#${hash}`,
    holidays: [...base.holidays.filter((d) => !fileWorkdays.has(d)), ...fileHolidays],
    workdays: [...base.workdays.filter((d) => !fileHolidays.has(d)), ...fileWorkdays],
  };
}

/** Options of {@link loadCalendar}. */
export interface LoadCalendarOptions {
  /**
   * Calendar file to overlay on the built-in data.
   * @default process.env.BANGFU_CALENDAR_FILE (none: built-in data only)
   */
  file?: string;
}

const fileCache = new Map<string, { stamp: string; calendar: WorkingCalendar }>();

/**
 * The working calendar to use now: the built-in data, overlaid with the calendar file if one
 * is configured. Cheap to call on every deadline computation: the file is only re-read when
 * its modification time or size changes, so a running worker picks up an edited file
 * without a restart.
 * @throws CalendarFileError if the file is missing, unreadable or invalid (no stale fallback:
 * a deadline is better retried than computed from a calendar nobody meant to use).
 */
export function loadCalendar(opts: LoadCalendarOptions = {}): WorkingCalendar {
  const file = opts.file ?? (process.env.BANGFU_CALENDAR_FILE || undefined);
  if (!file) return getDefaultCalendar();
  let stamp: string;
  try {
    const st = statSync(file, { bigint: true });
    stamp = `${st.mtimeNs}:${st.size}:${st.ino}`;
  } catch (e) {
    throw new CalendarFileError(`calendar file ${file}: cannot read: ${(e as Error).message}`);
  }
  const cached = fileCache.get(file);
  if (cached?.stamp === stamp) return cached.calendar;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CalendarFileError(`calendar file ${file}: cannot read: ${(e as Error).message}`);
  }
  const calendar = new WorkingCalendar(mergeCalendarData(DEFAULT_CALENDAR_DATA, parseCalendarFile(text, `calendar file ${file}`)));
  fileCache.set(file, { stamp, calendar });
  return calendar;
}
