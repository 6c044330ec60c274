/** The reporting cycle's pure rules: periods, lateness, ranking, the bottom and the 约谈 it leads to. */
import { describe, expect, it } from 'vitest';
import type { UnitFigures } from '../../workflows/report/contracts';
import { bottomOf, interviewsDue, latenessOf, periodBefore, periodOfKey, previousPeriod, rankTownships, reportInterviewId } from '../../workflows/report/rules';
import { parsePolicy } from '../../workflows/policy-schema';
import { processMapSteps, processMapSvg } from '../../api/services/report-documents/process-map';

const unit = (code: string, f: Partial<UnitFigures>): UnitFigures => ({
  code, name: code, level: 'TOWNSHIP', newHouseholds: 0, newPeople: 0, totalHouseholds: 0, totalPeople: 0, measuresMade: 0, measuresImplemented: 0,
  eliminated: 0, eliminatedTotal: 0, slaApproved: 0, slaMet: 0, monitored: 0, planCovered: 0, contacted: 0, overdueTasks: 0, ...f,
});

describe('report periods', () => {
  it('a monthly run on 1 December (Beijing) reports on November, Beijing midnight to midnight', () => {
    const at = Date.parse('2026-12-01T01:00:00+08:00');
    expect(periodBefore({ every: 'MONTH', day: 1, hour: 1 }, at)).toEqual({ key: '2026-11', from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' });
  });
  it('a run just after midnight UTC on the 1st in Beijing is still the Beijing month', () => {
    // 2026-12-31T17:00Z is 1 January 2027 01:00 in Beijing: the period is December 2026.
    expect(periodBefore({ every: 'MONTH', day: 1, hour: 1 }, Date.parse('2026-12-31T17:00:00Z')).key).toBe('2026-12');
  });
  it('a quarterly run in January reports on the fourth quarter of the year before', () => {
    expect(periodBefore({ every: 'QUARTER', day: 1, hour: 2 }, Date.parse('2027-01-01T02:00:00+08:00')).key).toBe('2026-Q4');
    expect(periodBefore({ every: 'QUARTER', day: 1, hour: 2 }, Date.parse('2026-07-01T02:00:00+08:00'))).toEqual(periodOfKey('2026-Q2'));
  });
  it('a compressed cadence reports on the seconds that ended at the scheduled time', () => {
    expect(periodBefore({ every: 'SECONDS', seconds: 10 }, Date.parse('2026-12-03T00:00:10Z'))).toEqual({ key: '2026-12-03T00:00:00.000Z', from: '2026-12-03T00:00:00.000Z', to: '2026-12-03T00:00:10.000Z' });
  });
  it('labels parse to their periods and previous periods chain without gaps', () => {
    expect(periodOfKey('2026-H1')).toEqual({ key: '2026-H1', from: '2025-12-31T16:00:00.000Z', to: '2026-06-30T16:00:00.000Z' });
    expect(periodOfKey('2026-13')).toBeNull();
    expect(periodOfKey('2026-H3')).toBeNull();
    expect(periodOfKey('x')).toBeNull();
    for (const key of ['2026-01', '2026-Q1', '2026-H1', '2026-07']) {
      const p = periodOfKey(key)!;
      expect(previousPeriod(p).to).toBe(p.from);
    }
    expect(previousPeriod(periodOfKey('2026-01')!).key).toBe('2025-12');
    expect(previousPeriod(periodOfKey('2026-Q1')!).key).toBe('2025-Q4');
    const s = periodBefore({ every: 'SECONDS', seconds: 10 }, Date.parse('2026-12-03T00:00:10Z'));
    expect(previousPeriod(s)).toEqual({ key: '2026-12-02T23:59:50.000Z', from: '2026-12-02T23:59:50.000Z', to: s.from });
  });
});

describe('lateness', () => {
  it('a run within the grace is on time; one past it is late and says by how much', () => {
    expect(latenessOf(1000, 3000, 5)).toEqual({ late: false, lateSeconds: 2 });
    expect(latenessOf(1000, 61_000, 5)).toEqual({ late: true, lateSeconds: 60 });
    expect(latenessOf(null, 61_000, 5)).toEqual({ late: false, lateSeconds: null });
  });
});

describe('季通报 ranking', () => {
  const a = unit('A', { slaApproved: 4, slaMet: 4, monitored: 10, planCovered: 10, contacted: 10 });
  const b = unit('B', { slaApproved: 4, slaMet: 2, monitored: 10, planCovered: 5, contacted: 5 });
  const c = unit('C', { slaApproved: 0, monitored: 10, planCovered: 5, contacted: 5, overdueTasks: 3 });
  const d = unit('D', { monitored: 10, planCovered: 5, contacted: 5, overdueTasks: 1 });
  const empty = unit('E', {});

  it('townships rank on the mean of their rates; ties go against overdue tasks; a township without figures is unranked', () => {
    const r = rankTownships([empty, b, c, a, d]);
    expect(r.map((x) => [x.code, x.rank])).toEqual([['A', 1], ['B', 2], ['D', 3], ['C', 4], ['E', 0]]);
    expect(r[0].score).toBe(1);
    expect(r[1].score).toBeCloseTo(0.5);
    expect(r[4].score).toBeNull();
  });
  it('the bottom is the last ranked, never more than half of the ranked, never an unranked one', () => {
    const r = rankTownships([empty, b, c, a, d]);
    expect(bottomOf(r, 2).map((x) => x.code)).toEqual(['D', 'C']);
    expect(bottomOf(r, 3).map((x) => x.code)).toEqual(['D', 'C']);
    expect(bottomOf(rankTownships([a, empty]), 2)).toEqual([]);
    expect(bottomOf(rankTownships([a, b]), 2).map((x) => x.code)).toEqual(['B']);
  });
  it('an 约谈 is due only for a township at the bottom in every one of the consecutive rankings', () => {
    expect(interviewsDue(['B', 'C'], [['C', 'D']], 2)).toEqual(['C']);
    expect(interviewsDue(['B', 'C'], [], 2)).toEqual([]);
    expect(interviewsDue(['C'], [['C'], ['D']], 3)).toEqual([]);
    expect(interviewsDue(['C'], [['C'], ['C'], ['X']], 3)).toEqual(['C']);
  });
  it('the 约谈 of a report has one id per county, kind, period and township', () => {
    expect(reportInterviewId('410599000000', 'QUARTERLY', periodOfKey('2026-Q3')!, '410599100000')).toBe('YT-Q-410599000000-2026-Q3-410599100000');
    const s = periodBefore({ every: 'SECONDS', seconds: 10 }, Date.parse('2026-12-03T00:00:10Z'));
    expect(reportInterviewId('c', 'QUARTERLY', s, 't')).toBe('YT-Q-c-2026-12-03T000000000Z-t');
  });
});

describe('report policy', () => {
  it('a deployment sets the reporting cycle in its policy file; a wrong value names the field', () => {
    const p = parsePolicy({ reports: { monthly: { every: 'MONTH', day: 2, hour: 8 }, quarterly: { every: 'QUARTER', day: 5, hour: 8 }, bottomCount: 3, interviewAfterBottomRuns: 2, lateAfterSeconds: 600, catchupWindowSeconds: 86_400 } });
    expect(p.reports?.bottomCount).toBe(3);
    expect(() => parsePolicy({ reports: { monthly: { every: 'MONTH', day: 31, hour: 8 } } })).toThrow(/reports/);
    expect(parsePolicy({}).reports).toBeUndefined();
  });
});

describe('process map', () => {
  const d = (s: string): Date => new Date(s);
  const task = (step: string, status: string, opened: string, closed: string | null) => ({ step, status, openedAt: d(opened), dueAt: d(opened), closedAt: closed ? d(closed) : null });
  it('marks the steps before the current one done with their dates, the current one current, the rest to come', () => {
    const steps = processMapSteps({ status: 'IDENTIFYING', step: 'TOWNSHIP_REVIEW', approvedAt: null, eliminatedAt: null }, [
      task('VERIFICATION', 'DONE', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'), task('VILLAGE_REVIEW', 'DONE', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'),
      task('TOWNSHIP_REVIEW', 'OPEN', '2026-01-09T00:00:00Z', null),
    ]);
    expect(steps.map((s) => [s.step, s.state])).toEqual([
      ['VERIFICATION', 'DONE'], ['VILLAGE_REVIEW', 'DONE'], ['PUBLIC_NOTICE', 'DONE'], ['TOWNSHIP_REVIEW', 'CURRENT'], ['COUNTY_APPROVAL', 'PENDING'], ['MONITORED', 'PENDING'],
    ]);
    expect(steps[0].doneAt?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(processMapSvg(steps, (s) => s, 'zh-CN')).toContain('data-step="TOWNSHIP_REVIEW" data-state="CURRENT"');
  });
  it('a returned step shows its latest task; elimination steps appear once elimination started', () => {
    const steps = processMapSteps({ status: 'ELIMINATING', step: 'ELIM_NOTICE', approvedAt: d('2026-01-10T00:00:00Z'), eliminatedAt: null }, [
      task('VILLAGE_REVIEW', 'DONE', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'), task('VILLAGE_REVIEW', 'DONE', '2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z'),
      task('ELIM_ASSESSMENT', 'DONE', '2026-07-10T00:00:00Z', '2026-07-11T00:00:00Z'),
    ]);
    expect(steps.find((s) => s.step === 'VILLAGE_REVIEW')?.doneAt?.toISOString()).toBe('2026-01-06T00:00:00.000Z');
    expect(steps.find((s) => s.step === 'MONITORED')?.state).toBe('DONE');
    expect(steps.find((s) => s.step === 'ELIM_NOTICE')?.state).toBe('CURRENT');
    expect(steps.find((s) => s.step === 'ELIM_COUNTY_APPROVAL')?.state).toBe('PENDING');
  });
});
