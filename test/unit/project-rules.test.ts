/** The pure rules of fund projects and their assets (DESIGN §5.2): pace, streaks, deadlines, industry share, idle assets, inspections, and the project's step rules. */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import {
  behindPaceEffects, checkPace, expectedPaidPct, fenOf, industryShare, isDate, nextBehindStreak, notStartedByDeadline, startRate, yuan,
} from '../../workflows/project/rules';
import { inspectionEvery, inspectionOverdue, isIdleIncomeAsset, monthsBetween } from '../../workflows/asset/rules';
import { projectRules } from '../../workflows/project/steps';
import { projectPolicy } from '../../workflows/project/policy';
import { DEFAULT_POLICY, compressedPolicy } from '../../workflows/policy';
import { initialProcessState } from '../../workflows/process/state';
import type { ProcessCoreState } from '../../workflows/process/state';
import type { ProcessFacts } from '../../workflows/process/draft';
import { decideProcessTask, validateProcessDecision } from '../../workflows/process/transitions';
import type { AnyTaskState } from '../../workflows/blocks/task';

describe('spending pace (序时进度)', () => {
  it('the expected share follows the default curve: 0 before 31 March, 30/60/80/95 % at its points', () => {
    expect(expectedPaidPct('2026-03-30')).toBe(0);
    expect(expectedPaidPct('2026-03-31')).toBe(30);
    expect(expectedPaidPct('2026-06-29')).toBe(30);
    expect(expectedPaidPct('2026-06-30')).toBe(60);
    expect(expectedPaidPct('2026-09-30')).toBe(80);
    expect(expectedPaidPct('2026-11-30')).toBe(95);
    expect(expectedPaidPct('2026-12-31')).toBe(95);
  });

  it('a project paid below the curve is behind by the fen still to pay; on or above it is not', () => {
    const behind = checkPace({ budgetFen: 100_000_00, paidFen: 50_000_00 }, '2026-06-30');
    expect(behind).toMatchObject({ expectedPct: 60, actualPct: 50, behind: true, gapPct: 10, shortFen: 10_000_00 });
    expect(checkPace({ budgetFen: 100_000_00, paidFen: 60_000_00 }, '2026-06-30').behind).toBe(false);
    expect(checkPace({ budgetFen: 100_000_00, paidFen: 0 }, '2026-02-01').behind).toBe(false);
    // One fen short is behind: money is counted in whole fen, no rounding lets it pass.
    expect(checkPace({ budgetFen: 100, paidFen: 29 }, '2026-03-31').behind).toBe(true);
  });

  it('reports behind in a row remind each time and open an 约谈 on the third; a report on pace resets the run', () => {
    let streak = 0;
    const seen = [true, true, true, false, true].map((b) => {
      streak = nextBehindStreak(streak, b);
      return behindPaceEffects(streak, 3);
    });
    expect(seen.map((f) => f.remind)).toEqual([true, true, true, false, true]);
    expect(seen.map((f) => f.interview)).toEqual([false, false, true, false, false]);
  });
});

describe('start deadline, plan share, start rate, money', () => {
  it('a project not started by its deadline is flagged; one started is never flagged', () => {
    expect(notStartedByDeadline({ startedOn: null }, 1000, 999)).toBe(false);
    expect(notStartedByDeadline({ startedOn: null }, 1000, 1000)).toBe(true);
    expect(notStartedByDeadline({ startedOn: '2026-05-01' }, 1000, 5000)).toBe(false);
  });

  it('the annual plan misses the industry share by the fen that would have to move to industry', () => {
    const plan = industryShare([{ type: 'INDUSTRY', budgetFen: 500 }, { type: 'INFRASTRUCTURE', budgetFen: 500 }], 60);
    expect(plan).toMatchObject({ totalFen: 1000, industryFen: 500, sharePct: 50, meets: false, missingFen: 100 });
    expect(industryShare([{ type: 'INDUSTRY', budgetFen: 600 }, { type: 'INFRASTRUCTURE', budgetFen: 400 }], 60).meets).toBe(true);
  });

  it('the start rate (开工率) counts started among approved projects', () => {
    expect(startRate([{ approved: true, started: true }, { approved: true, started: false }, { approved: false, started: false }])).toEqual({ approved: 2, started: 1, pct: 50 });
  });

  it('money is whole fen: yuan text parses exactly, anything else is refused', () => {
    expect(fenOf('12,345.6')).toBe(1_234_560);
    expect(fenOf('0.01')).toBe(1);
    expect(fenOf('1.234')).toBeNull();
    expect(fenOf('-5')).toBeNull();
    expect(yuan(1_234_560)).toBe('12345.60');
    expect(isDate('2026-02-30')).toBe(false);
    expect(isDate('2026-02-28')).toBe(true);
  });
});

describe('assets (帮扶项目资产)', () => {
  it('solar stations are inspected monthly, every other asset quarterly', () => {
    expect(inspectionEvery('SOLAR')).toEqual({ unit: 'MONTHS', amount: 1 });
    expect(inspectionEvery('ROAD')).toEqual({ unit: 'MONTHS', amount: 3 });
    expect(inspectionOverdue(1000, null, 1000)).toBe(true);
    expect(inspectionOverdue(1000, 900, 2000)).toBe(false);
  });

  it('an income asset without income for six months is idle; public and household assets never are', () => {
    expect(monthsBetween('2026-01-31', '2026-07-30')).toBe(5);
    expect(monthsBetween('2026-01-31', '2026-07-31')).toBe(6);
    expect(isIdleIncomeAsset({ assetClass: 'INCOME', lastIncomeOn: '2026-01-15', handedOverOn: '2025-01-01' }, '2026-07-15')).toBe(true);
    expect(isIdleIncomeAsset({ assetClass: 'INCOME', lastIncomeOn: '2026-03-15', handedOverOn: '2025-01-01' }, '2026-07-15')).toBe(false);
    expect(isIdleIncomeAsset({ assetClass: 'INCOME', lastIncomeOn: null, handedOverOn: '2026-01-01' }, '2026-07-01')).toBe(true);
    expect(isIdleIncomeAsset({ assetClass: 'PUBLIC', lastIncomeOn: null, handedOverOn: '2020-01-01' }, '2026-07-01')).toBe(false);
  });
});

describe('project step rules', () => {
  const policy = projectPolicy(compressedPolicy());
  const rules = projectRules(100_000, policy);
  const facts: ProcessFacts = { processId: 'XM-T1', region: { villageCode: 'v', townshipCode: 't', countyCode: 'c' }, limits: { reminderLead: { unit: 'SECONDS', amount: 1 }, escalationRepeat: { unit: 'SECONDS', amount: 60 } } };
  const task = (step: string, level: AnyTaskState['level']): AnyTaskState => ({
    taskId: `XM-T1-t1-${step}`, step, level, regionCode: 't', assigneeId: 'off', allowedIds: ['off'], openedAt: '2026-01-01T00:00:00.000Z', dueAt: '2026-01-02T00:00:00.000Z',
    remindAt: null, reminded: false, escalations: 0, nextEscalationAt: null,
  });
  const stateWith = (t: AnyTaskState, data: Record<string, unknown> = {}): ProcessCoreState => ({ ...initialProcessState({ processId: 'XM-T1', kind: 'FUND_PROJECT', status: 'IN_PROGRESS', step: t.step, data }), openTasks: [t] });
  const now = Date.parse('2026-11-01T00:00:00Z');
  const refusal = (fn: () => void): string | undefined => {
    try {
      fn();
    } catch (err) {
      return err instanceof ApplicationFailure ? `${err.type}:${(err.details?.[0] as { field?: string })?.field ?? ''}` : String(err);
    }
    return undefined;
  };

  it('the township approves only when all six checks pass', () => {
    const t = task('TOWNSHIP_REVIEW', 'TOWNSHIP');
    const s = stateWith(t);
    const actor = { id: 'off', role: 'TOWNSHIP' as const, regionCode: 't' };
    const checks = { authenticity: true, necessity: true, feasibility: true, budgetEstimate: true, farmerLinkage: true };
    expect(refusal(() => validateProcessDecision(s, rules, { taskId: t.taskId, action: 'APPROVE', data: checks, actor }, now))).toBe('CRITERIA_NOT_MET:data.performanceTargets');
    expect(refusal(() => validateProcessDecision(s, rules, { taskId: t.taskId, action: 'APPROVE', data: { ...checks, performanceTargets: true }, actor }, now))).toBeUndefined();
    const rejected = decideProcessTask(s, facts, rules, { taskId: t.taskId, action: 'REJECT', reason: '重复申报', actor }, now);
    expect(rejected.state).toMatchObject({ finished: true, status: 'REJECTED' });
  });

  it('a monthly report behind the pace opens a 整改 task for the township; the third in a row asks for an 约谈', () => {
    const t = task('PROGRESS_REPORT', 'TOWNSHIP');
    const actor = { id: 'off', role: 'TOWNSHIP' as const, regionCode: 't' };
    const report = (streak: number, paidFen: number) => decideProcessTask(stateWith(t, { behindStreak: streak, interviewsDue: 0 }), facts, rules,
      { taskId: t.taskId, action: 'DONE', data: { asOf: '2026-06-30', physicalPct: 40, paidFen }, actor }, now);
    const first = report(0, 10_000);
    expect(first.state.data).toMatchObject({ behind: true, behindStreak: 1, interviewsDue: 0, paidFen: 10_000 });
    expect(first.effects.openTasks.map((o) => [o.step, o.level])).toEqual([['PACE_RECOVERY', 'TOWNSHIP']]);
    expect(first.effects.events.map((e) => e.action)).toContain('BEHIND_PACE');
    expect(report(2, 10_000).state.data).toMatchObject({ behindStreak: 3, interviewsDue: 1 });
    const onPace = report(2, 60_000);
    expect(onPace.state.data).toMatchObject({ behind: false, behindStreak: 0 });
    expect(onPace.effects.openTasks).toEqual([]);
    // Paid more than the budget, or a report dated in the future, is refused naming the field.
    expect(refusal(() => validateProcessDecision(stateWith(t), rules, { taskId: t.taskId, action: 'DONE', data: { asOf: '2026-06-30', physicalPct: 40, paidFen: 100_001 }, actor }, now))).toBe('ACTION_NOT_ALLOWED:data.paidFen');
    expect(refusal(() => validateProcessDecision(stateWith(t), rules, { taskId: t.taskId, action: 'DONE', data: { asOf: '2027-06-30', physicalPct: 40, paidFen: 1 }, actor }, now))).toBe('INVALID_DATE:data.asOf');
  });

  it('the pinned project policy reads its limits from processSteps.FUND_PROJECT (defaults: 10-day county announcement, 3-month start deadline)', () => {
    const p = projectPolicy(DEFAULT_POLICY);
    expect(p.countyAnnouncement).toEqual({ unit: 'CALENDAR_DAYS', amount: 10 });
    expect(p.startWithin).toEqual({ unit: 'MONTHS', amount: 3 });
    expect(p.steps.TOWNSHIP_REVIEW).toEqual({ unit: 'WORKING_DAYS', amount: 5 });
  });
});

describe('project figures per township (开工率, 序时进度, ranking)', () => {
  it('ranks townships from the furthest behind the pace, counting only approved projects in the start rate and the pace', async () => {
    const { projectFigures, projectMatches } = await import('../../api/services/project-figures');
    const rows = [
      { id: 'a1', townshipCode: 'A', status: 'IN_PROGRESS', data: { budgetFen: 1000, paidFen: 700, startedOn: '2026-03-01' } },
      { id: 'a2', townshipCode: 'A', status: 'IN_REVIEW', data: { budgetFen: 5000, paidFen: 0 } },
      { id: 'b1', townshipCode: 'B', status: 'NOT_STARTED_FLAGGED', data: { budgetFen: 1000, paidFen: 0, notStartedFlagged: true, startedOn: null } },
      { id: 'b2', townshipCode: 'B', status: 'IN_PROGRESS', data: { budgetFen: 1000, paidFen: 400, startedOn: '2026-04-01', behind: true } },
    ];
    const f = projectFigures(rows, '2026-06-30');
    expect(f.expectedPct).toBe(60);
    expect(f.townships.map((t) => t.townshipCode)).toEqual(['B', 'A']);
    expect(f.townships[0]).toMatchObject({ projects: 2, approved: 2, started: 1, startRatePct: 50, paidPct: 20, paceGapPct: -40, behind: 1, notStarted: 1 });
    expect(f.townships[1]).toMatchObject({ projects: 2, approved: 1, started: 1, startRatePct: 100, budgetFen: 1000, paidPct: 70, paceGapPct: 10 });
    expect(rows.filter((r) => projectMatches(r, { notStarted: true })).map((r) => r.id)).toEqual(['b1']);
    expect(rows.filter((r) => projectMatches(r, { behind: true, township: 'B' })).map((r) => r.id)).toEqual(['b2']);
  });

  it('the figures from per-township sums (as SQL sums them) equal the figures from every row', async () => {
    const { projectFigures, figuresFromSums, APPROVED_STATUSES } = await import('../../api/services/project-figures');
    const rows = [
      { id: 'a1', townshipCode: 'A', status: 'IN_PROGRESS', data: { budgetFen: 1000, paidFen: 700, startedOn: '2026-03-01' } },
      { id: 'a2', townshipCode: 'A', status: 'IN_REVIEW', data: { budgetFen: 5000, paidFen: 0 } },
      { id: 'b1', townshipCode: 'B', status: 'NOT_STARTED_FLAGGED', data: { budgetFen: 1000, paidFen: 0, notStartedFlagged: true, startedOn: null } },
      { id: 'b2', townshipCode: 'B', status: 'IN_PROGRESS', data: { budgetFen: 1000, paidFen: 400, startedOn: '2026-04-01', behind: true } },
    ];
    const sums = ['A', 'B'].map((code) => {
      const rs = rows.filter((r) => r.townshipCode === code);
      const ap = rs.filter((r) => APPROVED_STATUSES.has(r.status));
      return {
        townshipCode: code, projects: rs.length, approved: ap.length, started: ap.filter((r) => r.data.startedOn).length,
        budgetFen: ap.reduce((x, r) => x + r.data.budgetFen, 0), paidFen: ap.reduce((x, r) => x + r.data.paidFen, 0),
        behind: rs.filter((r) => (r.data as { behind?: boolean }).behind).length, notStarted: rs.filter((r) => (r.data as { notStartedFlagged?: boolean }).notStartedFlagged && !r.data.startedOn).length,
      };
    });
    expect(figuresFromSums(sums, '2026-06-30')).toEqual(projectFigures(rows, '2026-06-30'));
  });
});

describe('asset registration (资产登记) of one asset or several', () => {
  it('takes one asset in its fields or a list of them, naming the field of a wrong item by its place; several are numbered after the project', async () => {
    const { checkRegisteredAssets, assetsOfRegistration, registeredAssets } = await import('../../workflows/project/steps');
    const one = { assetName: '光伏电站', assetClass: 'INCOME', valueFen: 100, assetKind: 'SOLAR' };
    expect(checkRegisteredAssets(one)).toBeNull();
    expect(checkRegisteredAssets({ assets: [] })?.field).toBe('data.assets');
    expect(checkRegisteredAssets({ assets: [one, { ...one, assetClass: 'ROADS' }] })?.field).toBe('data.assets.1.assetClass');
    expect(checkRegisteredAssets({ assets: [one, { ...one, managingLevel: 'CITY' }] })?.field).toBe('data.assets.1.managingLevel');
    expect(checkRegisteredAssets({})?.field).toBe('data.assetName');
    const list = assetsOfRegistration({ assets: [one, { assetName: '产业路', assetClass: 'PUBLIC', valueFen: 50, managingLevel: 'TOWNSHIP' }] });
    expect(list).toEqual([
      { name: '光伏电站', assetClass: 'INCOME', valueFen: 100, kind: 'SOLAR', managingLevel: 'VILLAGE' },
      { name: '产业路', assetClass: 'PUBLIC', valueFen: 50, kind: 'GENERAL', managingLevel: 'TOWNSHIP' },
    ]);
    expect(registeredAssets({ assets: list }, 'P1').map((a) => a.assetId)).toEqual(['ZC-P1-1', 'ZC-P1-2']);
    expect(registeredAssets({ asset: list[0] }, 'P1').map((a) => a.assetId)).toEqual(['ZC-P1']);
    // The form's further assets, one a line, in Chinese or English words.
    expect(checkRegisteredAssets({ ...one, moreAssets: '产业路|公益性|50||乡镇\n冷库|INCOME|70' })).toBeNull();
    expect(checkRegisteredAssets({ ...one, moreAssets: '产业路|道路|50' })).toMatchObject({ field: 'data.moreAssets', message: expect.stringContaining('line 1') });
    expect(checkRegisteredAssets({ ...one, moreAssets: '产业路|公益性|五十' })?.field).toBe('data.moreAssets');
    expect(assetsOfRegistration({ ...one, moreAssets: '产业路|公益性|50||乡镇\n\n冷库|INCOME|70' }).map((a) => [a.name, a.assetClass, a.valueFen, a.kind, a.managingLevel])).toEqual([
      ['光伏电站', 'INCOME', 100, 'SOLAR', 'VILLAGE'], ['产业路', 'PUBLIC', 50, 'GENERAL', 'TOWNSHIP'], ['冷库', 'INCOME', 70, 'GENERAL', 'VILLAGE'],
    ]);
  });
});

describe('asset disposal (处置)', () => {
  it('a disposal request needs a reason and a known method, and is refused while one is under review or after disposal', async () => {
    const { validateDisposalRequest } = await import('../../workflows/asset/steps');
    const s = initialProcessState({ processId: 'ZC-1', kind: 'PROJECT_ASSET', status: 'IN_USE', step: 'INSPECTION' });
    const actor = { id: 'v', role: 'VILLAGE' as const, regionCode: 'v' };
    const code = (fn: () => void): string | undefined => {
      try {
        fn();
      } catch (err) {
        return (err as ApplicationFailure).type ?? undefined;
      }
      return undefined;
    };
    expect(code(() => validateDisposalRequest(s, { method: 'SCRAP', reason: '危房', actor }))).toBeUndefined();
    expect(code(() => validateDisposalRequest(s, { method: 'SCRAP', reason: ' ', actor }))).toBe('REASON_REQUIRED');
    expect(code(() => validateDisposalRequest({ ...s, data: { disposal: { method: 'SCRAP' } } }, { method: 'SCRAP', reason: 'x', actor }))).toBe('WRONG_STATE');
    expect(code(() => validateDisposalRequest({ ...s, finished: true, status: 'DISPOSED' }, { method: 'SCRAP', reason: 'x', actor }))).toBe('WRONG_STATE');
  });
});
