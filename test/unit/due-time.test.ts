/** Due times read as the working day they end, never as the next day's 00:00. */
import { describe, expect, it } from 'vitest';
import { formatDue } from '../../core/due-time';

describe('due time display (办理期限)', () => {
  it('a task due at the end of Friday reads as Friday 24:00, not Saturday 00:00', () => {
    // 2026-12-05 00:00 Beijing = 2026-12-04T16:00Z, the end of Friday 4 December.
    expect(formatDue('2026-12-04T16:00:00.000Z', 'zh-CN', 2026)).toBe('12月4日（周五）24:00前');
    expect(formatDue('2026-12-04T16:00:00.000Z', 'en', 2026)).toBe('by 24:00 Fri 4 Dec (Beijing time)');
  });

  it('a due time inside a day keeps its hour, and another year is named', () => {
    expect(formatDue('2026-12-04T09:30:00.000Z', 'zh-CN', 2026)).toBe('12月4日（周五）17:30前');
    expect(formatDue('2026-12-31T16:00:00.000Z', 'zh-CN', 2026)).toBe('12月31日（周四）24:00前');
    expect(formatDue('2027-01-01T16:00:00.000Z', 'zh-CN', 2026)).toBe('2027年1月1日（周五）24:00前');
  });
});
