/** The reusable approval blocks, as pure rules. */
import { describe, expect, it } from 'vitest';
import { chainRefusal, decideOnChain } from '../../workflows/blocks/approval-chain';
import type { NoticeState } from '../../workflows/blocks/public-notice';
import { emptyNotice, fileObjection, noticeMayEnd, openObjections, settleInvestigation } from '../../workflows/blocks/public-notice';
import { escalationChain, evaluateTaskDeadline, taskWake } from '../../workflows/blocks/task';
import { IDENTIFICATION_CHAIN } from '../../workflows/case/chains';
import type { TaskState } from '../../workflows/contracts';

const H = 3_600_000;
const region = { villageCode: 'v', townshipCode: 't', countyCode: 'c' };
const task: TaskState = {
  taskId: 'T1', step: 'VERIFICATION', level: 'VILLAGE', regionCode: 'v', assigneeId: 'a', allowedIds: ['a'], openedAt: new Date(0).toISOString(),
  dueAt: new Date(48 * H).toISOString(), remindAt: new Date(24 * H).toISOString(), reminded: false, escalations: 0, nextEscalationAt: null,
};
const times = { dueAt: 48 * H, remindAt: 24 * H };
const nextDay = (from: number): number => from + 24 * H;

describe('task with a deadline (待办)', () => {
  it('reminds the assignee once before the due time', () => {
    expect(evaluateTaskDeadline(task, 10 * H, times, nextDay, escalationChain('VILLAGE', region)).action).toBeNull();
    const r = evaluateTaskDeadline(task, 25 * H, times, nextDay, escalationChain('VILLAGE', region));
    expect(r.action).toBe('REMINDER_SENT');
    expect(r.to).toEqual([{ officialId: 'a' }]);
    expect(evaluateTaskDeadline(r.task, 26 * H, times, nextDay, []).action).toBeNull();
  });

  it('escalates up the hierarchy when overdue, then repeats every further working day to the next level', () => {
    const chain = escalationChain('VILLAGE', region);
    const first = evaluateTaskDeadline({ ...task, reminded: true }, 48 * H, times, nextDay, chain);
    expect(first.action).toBe('TASK_ESCALATED');
    expect(first.to[0]).toEqual({ role: 'TOWNSHIP', regionCode: 't' });
    expect(taskWake(first.task)).toEqual({ at: 72 * H, kind: 'ESCALATION' });
    const second = evaluateTaskDeadline(first.task, 72 * H, times, nextDay, chain);
    expect(second.to[0]).toEqual({ role: 'COUNTY', regionCode: 'c' });
    const third = evaluateTaskDeadline(second.task, 96 * H, times, nextDay, chain);
    expect(third.to[0]).toEqual({ role: 'ADMIN', regionCode: 'c' });
  });

  it('a due time moved later by a calendar update sends nothing at the old time', () => {
    const moved = { dueAt: 72 * H, remindAt: 48 * H };
    const r = evaluateTaskDeadline({ ...task, reminded: true }, 48 * H, moved, nextDay, escalationChain('VILLAGE', region));
    expect(r.action).toBeNull();
    expect(r.task.dueAt).toBe(new Date(72 * H).toISOString());
  });
});

describe('approval chain (审批链)', () => {
  it('approve advances, the last approval completes, reject ends, return goes back', () => {
    expect(decideOnChain(IDENTIFICATION_CHAIN, 'VERIFICATION', 'APPROVE')).toEqual({ kind: 'ADVANCED', to: 'VILLAGE_REVIEW' });
    expect(decideOnChain(IDENTIFICATION_CHAIN, 'COUNTY_APPROVAL', 'APPROVE')).toEqual({ kind: 'COMPLETED', end: 'MONITORED' });
    expect(decideOnChain(IDENTIFICATION_CHAIN, 'TOWNSHIP_REVIEW', 'REJECT')).toEqual({ kind: 'REJECTED' });
    expect(decideOnChain(IDENTIFICATION_CHAIN, 'TOWNSHIP_REVIEW', 'RETURN')).toEqual({ kind: 'RETURNED', to: 'VILLAGE_REVIEW' });
  });

  it('reject and return need a reason; automatic steps take no decision', () => {
    expect(chainRefusal(IDENTIFICATION_CHAIN, 'TOWNSHIP_REVIEW', 'REJECT', ' ')?.code).toBe('REASON_REQUIRED');
    expect(chainRefusal(IDENTIFICATION_CHAIN, 'PUBLIC_NOTICE', 'APPROVE', undefined)?.code).toBe('ACTION_NOT_ALLOWED');
    expect(chainRefusal(IDENTIFICATION_CHAIN, 'TOWNSHIP_REVIEW', 'RETURN', '材料不全')).toBeNull();
  });
});

describe('public notice (公示)', () => {
  it('ends only when its period is over and no objection is open', () => {
    let n: NoticeState = { ...emptyNotice(), endsAt: new Date(10).toISOString() };
    expect(noticeMayEnd(n, 5)).toBe(false);
    n = fileObjection(n, 'o1', 'T9');
    expect(openObjections(n)).toBe(1);
    expect(noticeMayEnd(n, 20)).toBe(false);
    expect(noticeMayEnd(settleInvestigation(n, 'T9'), 20)).toBe(true);
  });
});
