/**
 * The rules of DESIGN §1 on the pure case transitions: no Temporal, no database, milliseconds.
 * The end-to-end tests (test/lifecycle-*.test.ts) hold the same rules through the real stack.
 */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { CaseState } from '../../workflows/case/state';
import type { Actor } from '../../workflows/contracts';
import type { CaseCommand } from '../../workflows/case/transitions';
import { applyCommand, validateCommand } from '../../workflows/case/transitions';
import { clockTick, wantedTimers } from '../../workflows/case/transitions/clock';
import { pendingTaskSeq } from '../../workflows/case/state';
import { DEFAULT_POLICY } from '../../workflows/policy';
import type { TPolicy } from '../../workflows/policy';
import { DAY, T0, actions, actor, facts, fakeCommit, newCase, taskOf } from './case-fixture';

const F = facts();
const MONTH = 31 * DAY;

function run(s: CaseState, cmd: CaseCommand, now: number, f = F): CaseState {
  validateCommand(s, f, now, cmd);
  return fakeCommit(applyCommand(s, f, now, cmd));
}
function refusal(s: CaseState, cmd: CaseCommand, now: number, f = F): string {
  try {
    validateCommand(s, f, now, cmd);
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return (err as ApplicationFailure).type as string;
  }
  return 'ACCEPTED';
}
const decideCmd = (s: CaseState, step: string, action: 'APPROVE' | 'REJECT' | 'RETURN' | 'DISMISS', extra: Record<string, unknown> = {}): CaseCommand => {
  const t = taskOf(s, step);
  return { kind: 'decide', args: { taskId: t.taskId, action, actor: actor(t.level), ...(step === 'VERIFICATION' ? { consentSigned: true } : {}), ...extra } };
};
function approve(s: CaseState, step: string, now: number, f = F): CaseState {
  return run(s, decideCmd(s, step, 'APPROVE', step === 'ELIM_ASSESSMENT' ? { route: 'ASSISTED', criteria: { incomeAboveLine: true, basicNeedsAssured: true, rigidSpendingResolved: true, noNewRisk: true } } : {}), now, f);
}
function tick(s: CaseState, now: number, f = F): CaseState {
  return fakeCommit(clockTick(s, f, now));
}
/** Lead → county approval at T0 + 6 days (the notice runs 5 calendar days). */
function monitored(f = F): CaseState {
  let s = newCase(f);
  s = approve(s, 'VERIFICATION', T0 + 1000, f);
  s = approve(s, 'VILLAGE_REVIEW', T0 + 2000, f);
  s = tick(s, T0 + 7 * DAY, f);
  s = approve(s, 'TOWNSHIP_REVIEW', T0 + 7 * DAY + 1000, f);
  return approve(s, 'COUNTY_APPROVAL', T0 + 7 * DAY + 2000, f);
}
function withImplementedMeasure(s: CaseState, at: number, f = F): CaseState {
  s = run(s, { kind: 'recordMeasure', args: { measureId: 'm1', type: 'EMPLOYMENT', description: '公益岗位', actor: actor('VILLAGE') } }, at, f);
  return run(s, { kind: 'updateMeasure', args: { measureId: 'm1', status: 'IMPLEMENTED', implementedOn: new Date(at).toISOString(), actor: actor('VILLAGE') } }, at, f);
}

describe('identification (识别认定)', () => {
  it('a lead opens the case at 入户核实 with the 15-day identification SLA running', () => {
    const s = newCase();
    expect(s.status).toBe('IDENTIFYING');
    expect(taskOf(s, 'VERIFICATION').level).toBe('VILLAGE');
    expect(Date.parse(s.slaDueAt!) - T0).toBeGreaterThanOrEqual(15 * DAY);
  });

  it('the steps run in order: verification, village review, public notice, township review, county approval', () => {
    let s = newCase();
    s = approve(s, 'VERIFICATION', T0 + 1000);
    expect(s.step).toBe('VILLAGE_REVIEW');
    s = approve(s, 'VILLAGE_REVIEW', T0 + 2000);
    expect(s.step).toBe('PUBLIC_NOTICE');
    expect(s.openTasks).toHaveLength(0);
    s = approve(tick(s, T0 + 7 * DAY), 'TOWNSHIP_REVIEW', T0 + 7 * DAY);
    expect(s.step).toBe('COUNTY_APPROVAL');
    s = approve(s, 'COUNTY_APPROVAL', T0 + 7 * DAY);
    expect(s.status).toBe('MONITORED');
  });

  it('verification is approved only with the household signed consent', () => {
    const s = newCase();
    const t = taskOf(s, 'VERIFICATION');
    expect(refusal(s, { kind: 'decide', args: { taskId: t.taskId, action: 'APPROVE', actor: actor('VILLAGE') } }, T0)).toBe('CONSENT_REQUIRED');
  });

  it('a rejection needs a reason and ends the case; the household can apply again', () => {
    const s = newCase();
    expect(refusal(s, decideCmd(s, 'VERIFICATION', 'REJECT'), T0)).toBe('REASON_REQUIRED');
    const r = run(s, decideCmd(s, 'VERIFICATION', 'REJECT', { reason: '收入超过监测范围' }), T0);
    expect(r.status).toBe('REJECTED');
    expect(r.openTasks).toHaveLength(0);
  });

  it('a return sends the case to the previous step a person decides; the first step cannot be returned', () => {
    let s = newCase();
    expect(refusal(s, decideCmd(s, 'VERIFICATION', 'RETURN', { reason: 'x' }), T0)).toBe('ACTION_NOT_ALLOWED');
    s = approve(approve(s, 'VERIFICATION', T0), 'VILLAGE_REVIEW', T0);
    s = tick(s, T0 + 7 * DAY);
    s = run(s, decideCmd(s, 'TOWNSHIP_REVIEW', 'RETURN', { reason: '材料不全' }), T0 + 7 * DAY);
    expect(s.step).toBe('VILLAGE_REVIEW');
  });

  it('a task is decided only at its level and by its assignee, and only once', () => {
    const s = newCase();
    const t = taskOf(s, 'VERIFICATION');
    expect(refusal(s, { kind: 'decide', args: { taskId: t.taskId, action: 'APPROVE', consentSigned: true, actor: actor('TOWNSHIP') } }, T0)).toBe('WRONG_LEVEL');
    expect(refusal(s, { kind: 'decide', args: { taskId: t.taskId, action: 'APPROVE', consentSigned: true, actor: { id: 'other', role: 'VILLAGE', regionCode: '' } } }, T0)).toBe('NOT_ASSIGNEE');
    const after = approve(s, 'VERIFICATION', T0);
    expect(refusal(after, { kind: 'decide', args: { taskId: t.taskId, action: 'APPROVE', consentSigned: true, actor: actor('VILLAGE') } }, T0)).toBe('ALREADY_DECIDED');
    expect(refusal(after, { kind: 'decide', args: { taskId: 'C1-t99', action: 'APPROVE', actor: actor('VILLAGE') } }, T0)).toBe('TASK_NOT_OPEN');
  });

  it('the identification SLA breach is flagged once at its deadline and the county is told', () => {
    const s = newCase();
    const t = clockTick(s, F, Date.parse(s.slaDueAt!));
    expect(actions(t)).toContain('SLA_BREACHED');
    expect(t.state.slaBreached).toBe(true);
    expect(actions(clockTick(fakeCommit(t), F, Date.parse(s.slaDueAt!) + DAY))).not.toContain('SLA_BREACHED');
  });

  it('assistance may start before approval only for fast-track (disaster) risks', () => {
    const s = newCase();
    const measure: CaseCommand = { kind: 'recordMeasure', args: { measureId: 'm1', type: 'HOUSING', description: 'x', actor: actor('VILLAGE') } };
    expect(refusal(s, measure, T0)).toBe('WRONG_STATE');
    const disaster = facts(DEFAULT_POLICY, { riskTypes: ['DISASTER'] });
    expect(refusal(newCase(disaster), measure, T0, disaster)).toBe('ACCEPTED');
  });
});

describe('public notice (公示) and objections (异议)', () => {
  const atNotice = (): CaseState => approve(approve(newCase(), 'VERIFICATION', T0), 'VILLAGE_REVIEW', T0);
  const object = (s: CaseState, id: string): CaseState => run(s, { kind: 'fileObjection', args: { objectionId: id, text: '家中有车', actor: actor('VILLAGE') } }, T0 + DAY);

  it('the notice lasts at least the policy period (5 calendar days by default)', () => {
    const s = atNotice();
    expect(Date.parse(s.notice.endsAt!) - T0).toBeGreaterThanOrEqual(5 * DAY);
    expect(tick(s, T0 + 4 * DAY).step).toBe('PUBLIC_NOTICE');
  });

  it('an objection opens a village investigation, and the notice does not end while it is open', () => {
    const s = object(atNotice(), 'o1');
    expect(taskOf(s, 'INVESTIGATION').level).toBe('VILLAGE');
    expect(tick(s, T0 + 30 * DAY).step).toBe('PUBLIC_NOTICE');
  });

  it('a dismissed objection lets the notice run on; dismissing one of two settles only that one', () => {
    let s = object(object(atNotice(), 'o1'), 'o2');
    s = run(s, decideCmd(s, 'INVESTIGATION', 'DISMISS'), T0 + 2 * DAY);
    expect(s.openTasks.filter((t) => t.step === 'INVESTIGATION')).toHaveLength(1);
    expect(tick(s, T0 + 30 * DAY).step).toBe('PUBLIC_NOTICE');
    s = run(s, decideCmd(s, 'INVESTIGATION', 'DISMISS'), T0 + 2 * DAY);
    expect(tick(s, T0 + 30 * DAY).step).toBe('TOWNSHIP_REVIEW');
  });

  it('an upheld objection returns the case to the village review or rejects it', () => {
    const s = object(atNotice(), 'o1');
    expect(run(s, decideCmd(s, 'INVESTIGATION', 'RETURN', { reason: '属实' }), T0 + 2 * DAY).step).toBe('VILLAGE_REVIEW');
    expect(run(s, decideCmd(s, 'INVESTIGATION', 'REJECT', { reason: '属实' }), T0 + 2 * DAY).status).toBe('REJECTED');
  });

  it('an objection outside the notice is refused', () => {
    expect(refusal(newCase(), { kind: 'fileObjection', args: { objectionId: 'o', text: 'x', actor: actor('VILLAGE') } }, T0)).toBe('WRONG_STATE');
  });
});

describe('assistance and monitoring (帮扶)', () => {
  it('county approval starts monitoring: plan due in 10 working days, contact, review and annual-check deadlines, a contact assigned', () => {
    const s = monitored();
    expect(s.status).toBe('MONITORED');
    expect(s.contactId).toBe('contact-1');
    expect(Date.parse(s.planDueAt!) - Date.parse(s.approvedAt!)).toBeGreaterThanOrEqual(10 * DAY);
    expect(s.nextContactDueAt).not.toBeNull();
    expect(Date.parse(s.nextReviewAt!) - Date.parse(s.approvedAt!)).toBeGreaterThanOrEqual(181 * DAY);
  });

  it('an overdue plan without a measure reminds the contact and the township', () => {
    const s = monitored();
    const t = clockTick(s, F, Date.parse(s.planDueAt!));
    expect(actions(t)).toContain('PLAN_OVERDUE');
    expect(t.effects.events.find((e) => e.action === 'PLAN_OVERDUE')!.notifications!.map((n) => n.kind)).toEqual(['PLAN_DUE', 'PLAN_DUE']);
  });

  it('a month without contact reminds the contact; a second one escalates to the township', () => {
    let s = monitored();
    const first = clockTick(s, F, Date.parse(s.nextContactDueAt!));
    expect(actions(first)).toContain('CONTACT_MISSED');
    s = fakeCommit(first);
    const second = clockTick(s, F, Date.parse(s.nextContactDueAt!));
    expect(actions(second)).toContain('CONTACT_MISSED_ESCALATED');
    expect(second.effects.events.find((e) => e.action === 'CONTACT_MISSED_ESCALATED')!.notifications!.some((n) => 'role' in n.to && n.to.role === 'TOWNSHIP')).toBe(true);
  });

  it('a recorded contact resets the missed periods and moves the next contact due date', () => {
    let s = fakeCommit(clockTick(monitored(), F, T0 + 40 * DAY));
    expect(s.missedContactPeriods).toBe(1);
    s = run(s, { kind: 'recordContact', args: { contactRecordId: 'k1', contactedOn: new Date(T0 + 41 * DAY).toISOString(), method: 'VISIT', actor: actor('VILLAGE') } }, T0 + 41 * DAY);
    expect(s.missedContactPeriods).toBe(0);
    expect(Date.parse(s.nextContactDueAt!)).toBeGreaterThan(T0 + 60 * DAY);
  });

  it('a case monitored a year without elimination is flagged for the annual check', () => {
    const s = monitored();
    expect(actions(clockTick(s, F, Date.parse(s.annualCheckAt!)))).toContain('ANNUAL_CHECK_FLAGGED');
  });
});

describe('risk elimination (风险消除)', () => {
  const criteria = { route: 'ASSISTED', criteria: { incomeAboveLine: true, basicNeedsAssured: true, rigidSpendingResolved: true, noNewRisk: true } };

  it('elimination is refused before six months after county approval', () => {
    const s = withImplementedMeasure(monitored(), T0 + 10 * DAY);
    expect(refusal(s, { kind: 'requestElimination', args: { actor: actor('VILLAGE') } }, T0 + 3 * MONTH)).toBe('TOO_EARLY');
    expect(refusal(s, { kind: 'requestElimination', args: { actor: actor('VILLAGE') } }, T0 + 7 * MONTH)).toBe('ACCEPTED');
  });

  it('elimination needs at least one implemented measure', () => {
    expect(refusal(monitored(), { kind: 'requestElimination', args: { actor: actor('VILLAGE') } }, T0 + 7 * MONTH)).toBe('NO_IMPLEMENTED_MEASURE');
  });

  it('with the FIRST_MEASURE clock the six months count from the first implemented measure', () => {
    const f = facts({ ...DEFAULT_POLICY, eliminationClock: 'FIRST_MEASURE' });
    const s = withImplementedMeasure(monitored(f), T0 + 3 * MONTH, f);
    expect(refusal(s, { kind: 'requestElimination', args: { actor: actor('VILLAGE') } }, T0 + 7 * MONTH, f)).toBe('TOO_EARLY');
    expect(refusal(s, { kind: 'requestElimination', args: { actor: actor('VILLAGE') } }, T0 + 10 * MONTH, f)).toBe('ACCEPTED');
  });

  it('a household with no working capacity is never marked eliminated', () => {
    const f = facts(DEFAULT_POLICY, { noLabour: true });
    const s = withImplementedMeasure(monitored(f), T0 + 10 * DAY, f);
    expect(refusal(s, { kind: 'requestElimination', args: { actor: actor('VILLAGE') } }, T0 + 12 * MONTH, f)).toBe('NO_LABOUR_HOUSEHOLD');
    const t = clockTick(s, f, Date.parse(s.nextReviewAt!));
    expect(actions(t)).toEqual(expect.arrayContaining(['REVIEW_NOT_ELIGIBLE', 'NEXT_REVIEW_SCHEDULED']));
    expect(actions(t)).not.toContain('ELIMINATION_REVIEW_STARTED');
  });

  it('the six-month review timer opens the assessment when the household qualifies', () => {
    const s = withImplementedMeasure(monitored(), T0 + 10 * DAY);
    const after = tick(s, Date.parse(s.nextReviewAt!));
    expect(after.status).toBe('ELIMINATING');
    expect(taskOf(after, 'ELIM_ASSESSMENT').level).toBe('VILLAGE');
  });

  it('the elimination runs assessment, village review, notice, township and county, then the case is eliminated with its rollback window', () => {
    let s = tick(withImplementedMeasure(monitored(), T0 + 10 * DAY), T0 + 7 * MONTH);
    const at = T0 + 7 * MONTH;
    s = approve(s, 'ELIM_ASSESSMENT', at);
    s = approve(s, 'ELIM_VILLAGE_REVIEW', at);
    expect(s.step).toBe('ELIM_NOTICE');
    s = tick(s, at + 7 * DAY);
    s = approve(s, 'ELIM_TOWNSHIP_REVIEW', at + 7 * DAY);
    s = approve(s, 'ELIM_COUNTY_APPROVAL', at + 7 * DAY);
    expect(s.status).toBe('ELIMINATED');
    expect(Date.parse(s.rollbackUntil!) - Date.parse(s.eliminatedAt!)).toBeGreaterThanOrEqual(365 * DAY);
    expect(wantedTimers(s).has('rollback')).toBe(true);
  });

  it('the assessment records the route and every criterion', () => {
    const s = tick(withImplementedMeasure(monitored(), T0 + 10 * DAY), T0 + 7 * MONTH);
    expect(refusal(s, decideCmd(s, 'ELIM_ASSESSMENT', 'APPROVE', { ...criteria, criteria: { ...criteria.criteria, noNewRisk: false } }), T0 + 7 * MONTH)).toBe('CRITERIA_NOT_MET');
    expect(refusal(s, decideCmd(s, 'ELIM_ASSESSMENT', 'APPROVE', { criteria: criteria.criteria }), T0 + 7 * MONTH)).toBe('ACTION_NOT_ALLOWED');
  });

  it('a declined elimination keeps the case monitored and schedules the next review six months on', () => {
    let s = tick(withImplementedMeasure(monitored(), T0 + 10 * DAY), T0 + 7 * MONTH);
    s = approve(s, 'ELIM_ASSESSMENT', T0 + 7 * MONTH);
    s = run(s, decideCmd(s, 'ELIM_VILLAGE_REVIEW', 'REJECT', { reason: '收入不稳定' }), T0 + 7 * MONTH);
    expect(s.status).toBe('MONITORED');
    expect(Date.parse(s.nextReviewAt!) - (T0 + 7 * MONTH)).toBeGreaterThanOrEqual(181 * DAY);
  });

  it('an elimination is rolled back within the window and refused after it', () => {
    let s = tick(withImplementedMeasure(monitored(), T0 + 10 * DAY), T0 + 7 * MONTH);
    for (const step of ['ELIM_ASSESSMENT', 'ELIM_VILLAGE_REVIEW']) s = approve(s, step, T0 + 7 * MONTH);
    s = tick(s, T0 + 8 * MONTH);
    for (const step of ['ELIM_TOWNSHIP_REVIEW', 'ELIM_COUNTY_APPROVAL']) s = approve(s, step, T0 + 8 * MONTH);
    const rollback: CaseCommand = { kind: 'rollbackElimination', args: { reason: '返贫风险复现', actor: actor('COUNTY') } };
    expect(refusal(s, { ...rollback, args: { ...rollback.args, actor: actor('VILLAGE') } } as CaseCommand, T0 + 9 * MONTH)).toBe('WRONG_LEVEL');
    expect(refusal(s, rollback, T0 + 22 * MONTH)).toBe('ROLLBACK_WINDOW_PASSED');
    const back = run(s, rollback, T0 + 9 * MONTH);
    expect(back.status).toBe('MONITORED');
    expect(back.eliminatedAt).toBeNull();
    const closed = tick(s, Date.parse(s.rollbackUntil!));
    expect(closed.finished).toBe(true);
  });
});

describe('tasks: reminders, escalations, transfer, nudge', () => {
  const policy: TPolicy = DEFAULT_POLICY;
  it('every open task has a timer named after its next deadline', () => {
    const s = newCase(facts(policy));
    const timers = [...wantedTimers(s).values()].map((t) => t.summary);
    expect(timers.some((x) => x.startsWith('REMINDER · ') && x.includes('VERIFICATION'))).toBe(true);
    expect(timers.some((x) => x.startsWith('SLA · '))).toBe(true);
  });

  it('a due task is checked against the calendar by the clock transition', () => {
    const s = newCase();
    const t = clockTick(s, F, Date.parse(taskOf(s, 'VERIFICATION').dueAt));
    expect(t.effects.checkTasks.map((c) => c.task.step)).toEqual(['VERIFICATION']);
    expect(t.effects.checkTasks[0].escalationChain[0]).toEqual({ role: 'TOWNSHIP', regionCode: F.townshipCode });
  });

  it('a transfer changes the assignee only, to a colleague of the same level and region', () => {
    const s = newCase();
    const t = taskOf(s, 'VERIFICATION');
    expect(refusal(s, { kind: 'transferTask', args: { taskId: t.taskId, toOfficialId: 'x', toRole: 'TOWNSHIP', toRegionCode: F.townshipCode, actor: actor('VILLAGE') } }, T0)).toBe('WRONG_COLLEAGUE');
    const after = run(s, { kind: 'transferTask', args: { taskId: t.taskId, toOfficialId: 'v2', toRole: 'VILLAGE', toRegionCode: F.villageCode, actor: actor('VILLAGE') } }, T0);
    expect(taskOf(after, 'VERIFICATION')).toMatchObject({ taskId: t.taskId, assigneeId: 'v2', allowedIds: ['v2'], step: 'VERIFICATION' });
  });

  it('only a higher level nudges (催办) a task', () => {
    const s = newCase();
    const t = taskOf(s, 'VERIFICATION');
    expect(refusal(s, { kind: 'nudgeTask', args: { taskId: t.taskId, actor: actor('VILLAGE') } }, T0)).toBe('WRONG_LEVEL');
    expect(refusal(s, { kind: 'nudgeTask', args: { taskId: t.taskId, actor: actor('TOWNSHIP') } }, T0)).toBe('ACCEPTED');
  });

  it('a task from a commit the state has not adopted yet (a restarted worker replaying it) is recognised as pending; known and foreign ids are not', () => {
    const s = newCase();
    const known = taskOf(s, 'VERIFICATION').taskId;
    expect(pendingTaskSeq(s, known)).toBeNull();
    expect(pendingTaskSeq(s, `${s.caseId}-t${s.seq + 1}`)).toBe(s.seq + 1);
    expect(pendingTaskSeq(s, `${s.caseId}-t${s.seq + 2}.2`)).toBe(s.seq + 2);
    expect(pendingTaskSeq(s, `OTHER-t${s.seq + 1}`)).toBeNull();
    expect(pendingTaskSeq(s, `${s.caseId}-t${s.seq + 1}x`)).toBeNull();
  });
});

describe('withdrawal, closing and re-identification', () => {
  it('a case is withdrawn (撤回) only during identification and with a reason; its open tasks are cancelled', () => {
    const s = newCase();
    const withdraw = (reason: string): CaseCommand => ({ kind: 'withdraw', args: { reason, actor: actor('VILLAGE') } });
    expect(refusal(s, withdraw('  '), T0 + 1000)).toBe('REASON_REQUIRED');
    const t = applyCommand(s, F, T0 + 1000, withdraw('农户申请撤回'));
    expect(actions(t)).toEqual(['TASK_CANCELLED', 'WITHDRAWN']);
    const after = fakeCommit(t);
    expect(after.status).toBe('WITHDRAWN');
    expect(after.openTasks).toEqual([]);
    expect(refusal(monitored(), withdraw('迟了'), T0 + 8 * DAY)).toBe('WRONG_STATE');
  });

  it('only the county or an administrator closes a case (迁出/去世), for a listed reason; its open tasks are cancelled', () => {
    const s = newCase();
    const close = (role: 'VILLAGE' | 'COUNTY', reason: string): CaseCommand => ({ kind: 'closeCase', args: { reason, actor: actor(role) } } as CaseCommand);
    expect(refusal(s, close('VILLAGE', 'DECEASED'), T0 + 1000)).toBe('WRONG_LEVEL');
    expect(refusal(s, close('COUNTY', 'LOST'), T0 + 1000)).toBe('ACTION_NOT_ALLOWED');
    const t = applyCommand(s, F, T0 + 1000, close('COUNTY', 'MOVED_AWAY'));
    expect(actions(t)).toEqual(['TASK_CANCELLED', 'CASE_CLOSED']);
    const after = fakeCommit(t);
    expect(after.status).toBe('CLOSED');
    expect(after.closedReason).toBe('MOVED_AWAY');
    expect(refusal(after, close('COUNTY', 'DECEASED'), T0 + 2000)).not.toBe('ACCEPTED');
  });

  it('a new lead for an eliminated household ends its rollback window (风险再标注): the case finishes, naming the new case', () => {
    let s = tick(withImplementedMeasure(monitored(), T0 + 10 * DAY), T0 + 7 * MONTH);
    for (const step of ['ELIM_ASSESSMENT', 'ELIM_VILLAGE_REVIEW']) s = approve(s, step, T0 + 7 * MONTH);
    s = tick(s, T0 + 8 * MONTH);
    for (const step of ['ELIM_TOWNSHIP_REVIEW', 'ELIM_COUNTY_APPROVAL']) s = approve(s, step, T0 + 8 * MONTH);
    const end: CaseCommand = { kind: 'endRollbackWindow', args: { newCaseId: 'FP-NEW' } } as CaseCommand;
    expect(refusal(monitored(), end, T0 + 8 * DAY)).toBe('WRONG_STATE');
    const t = applyCommand(s, F, T0 + 9 * MONTH, end);
    expect(t.effects.events.map((e) => [e.action, e.data])).toEqual([['ROLLBACK_WINDOW_CLOSED', { newCaseId: 'FP-NEW' }]]);
    const after = fakeCommit(t);
    expect(after.finished).toBe(true);
    expect(after.rollbackUntil).toBeNull();
    expect(wantedTimers(after).has('rollback')).toBe(false);
  });
});

describe('measures (帮扶措施)', () => {
  const record = (id: string): CaseCommand => ({ kind: 'recordMeasure', args: { measureId: id, type: 'EMPLOYMENT', description: '公益岗位', actor: actor('VILLAGE') } });
  const update = (id: string, status: 'IMPLEMENTED' | 'CANCELLED', implementedOn?: number): CaseCommand =>
    ({ kind: 'updateMeasure', args: { measureId: id, status, implementedOn: implementedOn === undefined ? undefined : new Date(implementedOn).toISOString(), actor: actor('VILLAGE') } } as CaseCommand);

  it('a measure is recorded for a monitored household only, once per id, and starts planned', () => {
    expect(refusal(newCase(), record('m1'), T0 + 1000)).not.toBe('ACCEPTED');
    const s = run(monitored(), record('m1'), T0 + 8 * DAY);
    expect(s.measures).toMatchObject([{ measureId: 'm1', status: 'PLANNED' }]);
    expect(refusal(s, record('m1'), T0 + 8 * DAY)).toBe('DUPLICATE');
  });

  it('a planned measure is implemented on a date not in the future, or cancelled; a settled one does not change again', () => {
    const now = T0 + 9 * DAY;
    const s = run(monitored(), record('m1'), T0 + 8 * DAY);
    expect(refusal(s, update('m1', 'IMPLEMENTED'), now)).toBe('INVALID_DATE');
    expect(refusal(s, update('m1', 'IMPLEMENTED', now + 3 * DAY), now)).not.toBe('ACCEPTED');
    expect(refusal(s, update('m2', 'CANCELLED'), now)).toBe('NOT_FOUND');
    const done = run(s, update('m1', 'IMPLEMENTED', now - DAY), now);
    expect(done.measures[0]).toMatchObject({ status: 'IMPLEMENTED', implementedOn: new Date(now - DAY).toISOString() });
    expect(refusal(done, update('m1', 'CANCELLED'), now)).toBe('WRONG_STATE');
    const cancelled = run(s, update('m1', 'CANCELLED'), now);
    expect(cancelled.measures[0].status).toBe('CANCELLED');
    expect(refusal(cancelled, update('m1', 'IMPLEMENTED', now), now)).toBe('WRONG_STATE');
  });

  it('a programme records a refused loan use as a finding and a post\'s end on its implemented measure, each once; the measure stays implemented', () => {
    const now = T0 + 9 * DAY;
    const outcome = (o: 'LOAN_USE_REFUSED' | 'ENDED', extra: Record<string, unknown> = {}): CaseCommand =>
      ({ kind: 'recordProgrammeOutcome', args: { measureId: 'm1', processId: 'P1', outcome: o, actor: actor('VILLAGE'), ...extra } } as CaseCommand);
    const planned = run(monitored(), record('m1'), T0 + 8 * DAY);
    expect(refusal(planned, outcome('LOAN_USE_REFUSED'), now)).toBe('WRONG_STATE');
    const s = run(planned, update('m1', 'IMPLEMENTED', now - DAY), now);
    expect(refusal(s, outcome('LOAN_USE_REFUSED', { measureId: 'nope' }), now)).toBe('NOT_FOUND');
    const t = applyCommand(s, F, now, outcome('LOAN_USE_REFUSED', { use: 'CONSUMPTION', comment: '买家电' }));
    expect(t.effects.events.map((e) => [e.action, e.data])).toEqual([['MEASURE_FINDING_RECORDED', { processId: 'P1', measureId: 'm1', type: 'EMPLOYMENT', finding: 'LOAN_USE_REFUSED', use: 'CONSUMPTION' }]]);
    const found = fakeCommit(t);
    expect(found.measures[0]).toMatchObject({ status: 'IMPLEMENTED', findings: ['LOAN_USE_REFUSED'] });
    expect(refusal(found, outcome('LOAN_USE_REFUSED'), now)).toBe('DUPLICATE');
    expect(refusal(found, outcome('ENDED'), now)).toBe('INVALID_DATE');
    expect(refusal(found, outcome('ENDED', { endedOn: new Date(now + 3 * DAY).toISOString().slice(0, 10) }), now)).not.toBe('ACCEPTED');
    const ended = run(found, outcome('ENDED', { endedOn: new Date(now).toISOString().slice(0, 10) }), now);
    expect(ended.measures[0]).toMatchObject({ status: 'IMPLEMENTED', endedOn: expect.any(String) });
    expect(refusal(ended, outcome('ENDED', { endedOn: new Date(now).toISOString().slice(0, 10) }), now)).toBe('DUPLICATE');
  });
});

describe('a deactivated contact (帮扶责任人) is replaced through the case workflow', () => {
  it('the contact changes only from the one the caller saw, by the county or an administrator, and the new contact is told', () => {
    const s = monitored();
    expect(s.contactId).toBe('contact-1');
    const admin = { id: 'a1', role: 'ADMIN' as const, regionCode: '' };
    const cmd = (from: string, to: string | null, who: Actor = admin): CaseCommand => ({ kind: 'reassignContact', args: { fromOfficialId: from, toOfficialId: to, actor: who } });
    expect(refusal(s, cmd('contact-1', 'contact-2', actor('VILLAGE')), T0 + 8 * DAY)).toBe('WRONG_LEVEL');
    expect(refusal(s, cmd('someone-else', 'contact-2'), T0 + 8 * DAY)).toBe('WRONG_STATE');
    expect(refusal(s, cmd('contact-1', 'contact-1'), T0 + 8 * DAY)).toBe('WRONG_COLLEAGUE');
    const t = applyCommand(s, F, T0 + 8 * DAY, cmd('contact-1', 'contact-2'));
    expect(t.state.contactId).toBe('contact-2');
    expect(t.effects.events[0]).toMatchObject({ action: 'CONTACT_REASSIGNED', data: { from: 'contact-1', to: 'contact-2' }, notifications: [{ kind: 'CASE_ASSIGNED_TO_CONTACT' }] });
    const after = fakeCommit(t);
    expect(after.contactId).toBe('contact-2');
    expect(refusal(after, cmd('contact-1', 'contact-2'), T0 + 8 * DAY)).toBe('WRONG_STATE'); // a repeat is refused, not applied twice
    const nobody = fakeCommit(applyCommand(after, F, T0 + 8 * DAY, cmd('contact-2', null)));
    expect(nobody.contactId).toBeNull();
  });
});
