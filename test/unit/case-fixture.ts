/**
 * A fake commit for unit tests of the pure case transitions: deadlines computed without the
 * calendar (working days counted as calendar days), tasks opened with a fixed assignee.
 */
import type { CommitResult } from '../../activities/types';
import type { CaseInput, TaskState } from '../../workflows/contracts';
import type { Transition, CaseFacts } from '../../workflows/case/draft';
import type { CaseState } from '../../workflows/case/state';
import { initialState } from '../../workflows/case/state';
import { withCommitResult } from '../../workflows/case/transitions';
import { receiveLead } from '../../workflows/case/transitions/lead';
import type { TPolicy } from '../../workflows/policy';
import { DEFAULT_POLICY, addLimitWithoutCalendar } from '../../workflows/policy';

export const T0 = Date.parse('2026-03-02T02:00:00Z'); // a Monday, 10:00 Beijing
export const DAY = 86_400_000;
export const ASSIGNEE = { VILLAGE: 'v1', TOWNSHIP: 't1', COUNTY: 'c1' } as const;

export function facts(policy: TPolicy = DEFAULT_POLICY, over: Partial<CaseInput> = {}): CaseFacts & CaseInput {
  return {
    caseId: 'C1', householdId: 'H1', villageCode: '410599100201', townshipCode: '410599100000', countyCode: '410599000000',
    category: 'MARGINAL', riskTypes: ['ILLNESS'], channel: 'CADRE_SCREENING', noLabour: false, openedAt: new Date(T0).toISOString(), policy, ...over,
  };
}

/** What the transition activity would return, without a database. */
export function fakeCommit(t: Transition): CaseState {
  const deadlines: CommitResult['deadlines'] = {};
  for (const [name, d] of Object.entries(t.effects.deadlines)) {
    const limit = d.limit.unit === 'WORKING_DAYS' ? { ...d.limit, unit: 'CALENDAR_DAYS' as const } : d.limit;
    deadlines[name as keyof typeof deadlines] = new Date(addLimitWithoutCalendar(Date.parse(d.from), limit)!).toISOString();
  }
  const opened: TaskState[] = t.effects.openTasks.map((o) => {
    const limit = o.limit.unit === 'WORKING_DAYS' ? { ...o.limit, unit: 'CALENDAR_DAYS' as const } : o.limit;
    const due = addLimitWithoutCalendar(Date.parse(o.openedAt), limit)!;
    const level = o.level as TaskState['level'];
    const assignee = ASSIGNEE[level];
    return {
      taskId: o.taskId, step: o.step as TaskState['step'], level, regionCode: o.regionCode, assigneeId: assignee, allowedIds: [assignee],
      openedAt: o.openedAt, dueAt: new Date(due).toISOString(), remindAt: new Date(due - DAY).toISOString(), reminded: false, escalations: 0, nextEscalationAt: null,
    };
  });
  return withCommitResult(t.state, { deadlines, opened, checked: t.effects.checkTasks.map((c) => c.task), contactId: t.effects.assignContact ? 'contact-1' : null });
}

/** A case just opened from a lead. */
export function newCase(f = facts()): CaseState {
  return fakeCommit(receiveLead(initialState(f), f, T0, f));
}

/** The open task of a step. */
export function taskOf(s: CaseState, step: string): TaskState {
  const t = s.openTasks.find((x) => x.step === step);
  if (!t) throw new Error(`no open ${step} task (open: ${s.openTasks.map((x) => x.step).join(', ')})`);
  return t;
}

export const actor = (level: keyof typeof ASSIGNEE) => ({ id: ASSIGNEE[level], role: level, regionCode: '' });
export const actions = (t: Transition): string[] => t.effects.events.map((e) => e.action);
