import { describe, expect, it } from 'vitest';
import type { UnitFigures } from '../../workflows/report/contracts';
import { COUNT_KEYS, figureChanges } from '../../activities/report/report-figures';
import { complianceSvg } from '../../api/services/report-documents/compliance-chart';
import { fundRates, unitsOf } from '../../api/services/report-documents/report-view';

const unit = (code: string, level: UnitFigures['level'], over: Partial<UnitFigures> = {}): UnitFigures =>
  ({ code, name: code, level, ...Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])), ...over }) as UnitFigures;

describe('report versions say what changed', () => {
  it('a figure a version before 0.4 did not carry counts as 0, so only campaign and fund figures that are not 0 are listed', () => {
    const old = unit('C', 'COUNTY', { newHouseholds: 2 });
    for (const k of ['campaignRisks', 'projectsStarted', 'assetsIdle'] as const) delete (old as Partial<UnitFigures>)[k];
    const changes = figureChanges({ county: old, townships: [], villages: [] }, { county: unit('C', 'COUNTY', { newHouseholds: 2, campaignRisks: 3, projectsStarted: 0 }), townships: [], villages: [] });
    expect(changes).toEqual([{ unit: 'C', figure: 'campaignRisks', before: 0, after: 3 }]);
  });

  it('a city report compares the city and its counties', () => {
    const before = { level: 'CITY' as const, city: unit('S', 'CITY'), counties: [unit('C1', 'COUNTY'), unit('C2', 'COUNTY')], townships: [], fundExpectedPct: 30 };
    const after = { ...before, counties: [unit('C1', 'COUNTY'), unit('C2', 'COUNTY', { assetsInspectionOverdue: 1 })] };
    expect(figureChanges(before, after)).toEqual([{ unit: 'C2', figure: 'assetsInspectionOverdue', before: 0, after: 1 }]);
    expect(unitsOf(after)).toMatchObject({ level: 'CITY', head: { code: 'S' }, ranked: [{ code: 'C1' }, { code: 'C2' }], fundExpectedPct: 30 });
  });

  it('开工率 and the paid share are null when there is nothing to divide', () => {
    expect(fundRates(unit('T', 'TOWNSHIP'))).toEqual({ startRate: null, paidRate: null });
    expect(fundRates(unit('T', 'TOWNSHIP', { projectsApproved: 4, projectsStarted: 1, projectBudgetFen: 200, projectPaidFen: 50 }))).toEqual({ startRate: 0.25, paidRate: 0.25 });
  });
});

describe('SLA and contact compliance chart', () => {
  it('labels every bar with its rate and counts, draws no bar where there is nothing to measure, and tells the series apart by fill', () => {
    const svg = complianceSvg([{ code: 'T1', name: '东风镇', slaApproved: 4, slaMet: 3, monitored: 0, contacted: 0 }], 'zh-CN');
    expect(svg).toContain('data-series="sla" data-rate="0.7500">75.0% (3/4)');
    expect(svg).toContain('data-series="contact" data-rate="">— (0/0)');
    expect(/<g data-unit="T1">[\s\S]*?<\/g>/.exec(svg)![0].match(/<rect /g)).toHaveLength(1);
    expect(svg).toContain('fill="url(#chatch)"'); // the legend's hatched series
  });
});
