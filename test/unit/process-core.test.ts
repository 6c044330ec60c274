/** The process core's pure rules: task decisions, transfers, nudges, the clock, and the 约谈's step. */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { ProcessFacts } from '../../workflows/process/draft';
import { ProcessDraft, taskRegionOf } from '../../workflows/process/draft';
import { initialProcessState, pendingProcessTaskSeq } from '../../workflows/process/state';
import type { ProcessCoreState } from '../../workflows/process/state';
import {
  decideProcessTask, processClock, transferProcessTask, validateProcessDecision, validateProcessNudge, validateProcessTransfer,
  wantedProcessTimers, withProcessCommitResult,
} from '../../workflows/process/transitions';
import type { ProcessStepRules } from '../../workflows/process/transitions';
import { INTERVIEW_RULES, interviewOutcomeRefusal } from '../../workflows/interview/rules';
import { interviewInput } from '../../workflows/interview/input';
import { DEFAULT_POLICY, compressedPolicy, processStepLimit } from '../../workflows/policy';
import { parsePolicy } from '../../workflows/policy-schema';
import type { Actor } from '../../workflows/contracts';

const H = 3_600_000;
const facts: ProcessFacts = {
  processId: 'P1', region: { townshipCode: 't1', countyCode: 'c1' },
  limits: { reminderLead: { unit: 'SECONDS', amount: 3600 }, escalationRepeat: { unit: 'SECONDS', amount: 86_400 } },
};
const county: Actor = { id: 'cty', role: 'COUNTY', regionCode: 'c1' };

/** A state with one open COUNTY task, as the commit would return it. */
function withTask(rules?: ProcessStepRules): { s: ProcessCoreState; taskId: string; rules: ProcessStepRules } {
  const d = new ProcessDraft(initialProcessState({ processId: 'P1', kind: 'INTERVIEW', status: 'OPEN', step: 'HOLD_INTERVIEW' }), facts, 0);
  const taskId = d.openTask({ step: 'HOLD_INTERVIEW', level: 'COUNTY', limit: { unit: 'SECONDS', amount: 48 * 3600 } });
  const spec = d.fx.openTasks[0];
  const s = withProcessCommitResult(d.done().state, {
    opened: [{ taskId, step: spec.step, level: 'COUNTY', regionCode: spec.regionCode, assigneeId: 'cty', allowedIds: ['cty', 'cty-standin'], openedAt: new Date(0).toISOString(),
      dueAt: new Date(48 * H).toISOString(), remindAt: new Date(47 * H).toISOString(), reminded: false, escalations: 0, nextEscalationAt: null }],
    checked: [],
  });
  return { s, taskId, rules: rules ?? INTERVIEW_RULES };
}

function refusal(fn: () => void): { type: string | undefined; field: unknown } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    const f = err as ApplicationFailure;
    return { type: f.type ?? undefined, field: (f.details?.[0] as { field?: string } | undefined)?.field };
  }
  throw new Error('expected a refusal');
}

describe('process tasks (流程待办)', () => {
  it('a task of a process is opened at the level asked, in the process region, with its id from the commit number', () => {
    const { s, taskId } = withTask();
    expect(taskId).toBe('P1-t1');
    expect(s.openTasks[0]).toMatchObject({ taskId, regionCode: 'c1', level: 'COUNTY' });
    expect(s.taskTerms[taskId].escalationChain).toEqual([{ role: 'ADMIN', regionCode: 'c1' }]);
    expect(pendingProcessTaskSeq({ processId: 'P1', seq: 0 }, 'P1-t1')).toBe(1);
    expect(pendingProcessTaskSeq(s, 'P1-t1')).toBeNull();
    // A process of a whole county escalates from the county up.
    expect(taskRegionOf({ countyCode: 'c1' })).toEqual({ villageCode: 'c1', townshipCode: 'c1', countyCode: 'c1' });
  });

  it('a named assignee is passed to the commit, the default assignee is left to the level and region', () => {
    const d = new ProcessDraft(initialProcessState({ processId: 'P2', kind: 'X', status: 'OPEN', step: null }), { ...facts, processId: 'P2' }, 0);
    d.openTask({ step: 'S', level: 'TOWNSHIP', assigneeId: 'twp-9', limit: { unit: 'SECONDS', amount: 1 } });
    d.openTask({ step: 'S', level: 'TOWNSHIP', limit: { unit: 'SECONDS', amount: 1 } });
    expect(d.fx.openTasks.map((t) => [t.taskId, t.regionCode, t.assigneeId])).toEqual([['P2-t1', 't1', 'twp-9'], ['P2-t1.2', 't1', undefined]]);
  });

  it('only the assignee (or a stand-in) of the task level decides, with an action of the step', () => {
    const { s, taskId, rules } = withTask();
    const ok = { taskId, action: 'DONE' as const, data: { held: false, notes: '改期' }, actor: county };
    expect(() => validateProcessDecision(s, rules, ok, 0)).not.toThrow();
    expect(() => validateProcessDecision(s, rules, { ...ok, actor: { ...county, id: 'cty-standin' } }, 0)).not.toThrow();
    expect(refusal(() => validateProcessDecision(s, rules, { ...ok, actor: { id: 'v', role: 'VILLAGE', regionCode: 'v1' } }, 0)).type).toBe('WRONG_LEVEL');
    expect(refusal(() => validateProcessDecision(s, rules, { ...ok, actor: { ...county, id: 'other' } }, 0)).type).toBe('NOT_ASSIGNEE');
    expect(refusal(() => validateProcessDecision(s, rules, { ...ok, action: 'APPROVE' }, 0))).toEqual({ type: 'ACTION_NOT_ALLOWED', field: 'action' });
    expect(refusal(() => validateProcessDecision(s, rules, { ...ok, taskId: 'P1-t9' }, 0)).type).toBe('TASK_NOT_OPEN');
  });

  it('reject and return need a reason on steps that take them', () => {
    const rules: ProcessStepRules = { HOLD_INTERVIEW: { actions: ['APPROVE', 'REJECT', 'RETURN'] } };
    const { s, taskId } = withTask(rules);
    expect(refusal(() => validateProcessDecision(s, rules, { taskId, action: 'REJECT', actor: county }, 0))).toEqual({ type: 'REASON_REQUIRED', field: 'reason' });
    expect(() => validateProcessDecision(s, rules, { taskId, action: 'REJECT', reason: '材料不全', actor: county }, 0)).not.toThrow();
  });

  it('a decision closes the task, keeps the decision, says on whose behalf, and a second decision is told it was decided', () => {
    const { s, taskId, rules } = withTask();
    const t = decideProcessTask(s, facts, rules, { taskId, action: 'DONE', data: { held: true, heldOn: '2026-12-01', notes: '已约谈' }, actor: { ...county, id: 'cty-standin' } }, 5 * H);
    expect(t.state.openTasks).toEqual([]);
    expect(t.state.taskTerms).toEqual({});
    expect(t.state.decisions).toHaveLength(1);
    expect(t.state.status).toBe('HELD');
    expect(t.state.finished).toBe(true);
    expect(t.state.data.outcome).toEqual({ held: true, heldOn: '2026-12-01', notes: '已约谈' });
    const [closing] = t.effects.events;
    expect(closing).toMatchObject({ action: 'INTERVIEW_HELD', actorId: 'cty-standin', onBehalfOfId: 'cty', taskClose: { taskId, status: 'DONE', outcome: 'DONE' } });
    expect(t.effects.patch).toMatchObject({ status: 'HELD', step: null, closed: true });
    expect(refusal(() => validateProcessDecision({ ...t.state, finished: false }, rules, { taskId, action: 'DONE', data: {}, actor: county }, 0)).type).toBe('ALREADY_DECIDED');
    expect(refusal(() => validateProcessDecision(t.state, rules, { taskId, action: 'DONE', data: {}, actor: county }, 0)).type).toBe('WRONG_STATE');
  });

  it('transfer goes to a same-level colleague of the region; a nudge comes from a higher level', () => {
    const { s, taskId } = withTask();
    const transfer = { taskId, toOfficialId: 'cty-2', toRole: 'COUNTY' as const, toRegionCode: 'c1', actor: county };
    expect(refusal(() => validateProcessTransfer(s, { ...transfer, toRole: 'TOWNSHIP', toRegionCode: 't1' }))).toEqual({ type: 'WRONG_COLLEAGUE', field: 'toOfficialId' });
    const t = transferProcessTask(s, facts, transfer, 0);
    expect(t.state.openTasks[0]).toMatchObject({ assigneeId: 'cty-2', allowedIds: ['cty-2'] });
    expect(t.effects.events[0]).toMatchObject({ action: 'TASK_TRANSFERRED', notifications: [{ kind: 'NEW_TASK', to: { officialId: 'cty-2' } }] });
    expect(refusal(() => validateProcessNudge(s, { taskId, actor: county })).type).toBe('WRONG_LEVEL');
    expect(() => validateProcessNudge(s, { taskId, actor: { id: 'adm', role: 'ADMIN', regionCode: 'c1' } })).not.toThrow();
  });

  it('the clock checks a task when its reminder comes, and holds one named timer per open task', () => {
    const { s, taskId } = withTask();
    expect([...wantedProcessTimers(s)]).toEqual([[`task:${taskId}`, { at: 47 * H, summary: `REMINDER · 待办到期前提醒 task reminder · HOLD_INTERVIEW · ${taskId}` }]]);
    expect(processClock(s, facts, 46 * H).effects.checkTasks).toEqual([]);
    const due = processClock(s, facts, 47 * H).effects.checkTasks;
    expect(due.map((c) => [c.task.taskId, c.limit, c.escalationChain])).toEqual([[taskId, { unit: 'SECONDS', amount: 48 * 3600 }, [{ role: 'ADMIN', regionCode: 'c1' }]]]);
    expect(wantedProcessTimers({ ...s, finished: true }).size).toBe(0);
  });
});

describe('约谈 (interview)', () => {
  const now = Date.parse('2026-12-02T04:00:00Z');
  it('an outcome says whether it was held, when (not in the future), and what was said', () => {
    expect(interviewOutcomeRefusal({ held: true, heldOn: '2026-12-02', notes: '已约谈' }, now)).toBeNull();
    expect(interviewOutcomeRefusal({ held: false, notes: '改期' }, now)).toBeNull();
    expect(interviewOutcomeRefusal({ held: 'yes', notes: 'x' }, now)?.field).toBe('data.held');
    expect(interviewOutcomeRefusal({ held: true, notes: 'x' }, now)?.field).toBe('data.heldOn');
    expect(interviewOutcomeRefusal({ held: true, heldOn: '2026-12-09', notes: 'x' }, now)).toMatchObject({ code: 'INVALID_DATE', field: 'data.heldOn' });
    expect(interviewOutcomeRefusal({ held: true, heldOn: '2026-02-30x', notes: 'x' }, now)?.code).toBe('INVALID_DATE');
    expect(interviewOutcomeRefusal({ held: false, notes: '  ' }, now)?.field).toBe('data.notes');
  });

  it('the interview of a township is held by the county, of a village by its township, with the policy limit pinned', () => {
    const region = { villageCode: 'v1', townshipCode: 't1', countyCode: 'c1' };
    const forTownship = interviewInput({ processId: 'YT1', subject: { level: 'TOWNSHIP', code: 't1', name: '东风镇' }, region: { townshipCode: 't1', countyCode: 'c1' }, reason: 'r' }, DEFAULT_POLICY);
    expect(forTownship).toMatchObject({ level: 'COUNTY', supervisorRegionCode: 'c1', limit: { unit: 'WORKING_DAYS', amount: 10 } });
    const forVillage = interviewInput({ processId: 'YT2', subject: { level: 'VILLAGE', code: 'v1', name: '红旗村' }, region, reason: 'r' }, compressedPolicy({ step: 5 }));
    expect(forVillage).toMatchObject({ level: 'TOWNSHIP', supervisorRegionCode: 't1', limit: { unit: 'SECONDS', amount: 5 } });
  });

  it('a deployment overrides one process step limit without losing the others; an old pinned policy falls back to the defaults', () => {
    const p = parsePolicy({ processSteps: { INTERVIEW: { HOLD_INTERVIEW: { unit: 'WORKING_DAYS', amount: 5 } }, PROJECT: { REVIEW: { unit: 'WORKING_DAYS', amount: 3 } } } });
    expect(processStepLimit(p, 'INTERVIEW', 'HOLD_INTERVIEW')).toEqual({ unit: 'WORKING_DAYS', amount: 5 });
    expect(processStepLimit(p, 'PROJECT', 'REVIEW')).toEqual({ unit: 'WORKING_DAYS', amount: 3 });
    expect(processStepLimit({} as never, 'INTERVIEW', 'HOLD_INTERVIEW')).toEqual({ unit: 'WORKING_DAYS', amount: 10 });
    expect(() => processStepLimit(p, 'NOPE', 'X')).toThrow(/no limit/);
  });
});
