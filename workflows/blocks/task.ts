/**
 * 待办 — a task with a working-day deadline, a reminder before it and an escalation chain after
 * it (village → township → county → city administrators, then a repeat every further working
 * day). Pure: the workflow decides which tasks to open and when to wake; the transition activity
 * resolves the assignee from the hierarchy and the due time from the current calendar, and
 * applies {@link evaluateTaskDeadline} to decide a reminder or an escalation once.
 */
import type { Level, Role, TaskState } from '../contracts';
import type { TLimit } from '../policy';

/**
 * The level a task is decided at: an official level, or `CONTACT` — a household's assistance
 * contact (帮扶责任人), placed on its village, who holds a task by name (e.g. a relocated
 * household's monthly visit) and escalates to the village first.
 */
export type TaskLevel = Level | 'CONTACT';

/** Who gets a notification: one official, the case's assistance contact, or every active official of a role in a region. */
export type Recipient = { officialId: string } | { caseContact: true } | { role: Role; regionCode?: string };

/** The regions a task can be addressed to. */
export interface TaskRegion {
  villageCode: string;
  townshipCode: string;
  countyCode: string;
}

/**
 * A task as a workflow tracks it, whatever its process: the household case narrows `step` to its
 * steps ({@link TaskState}); other processes use their own step names.
 */
export type AnyTaskState = Omit<TaskState, 'step' | 'level'> & { step: string; level: TaskLevel };

/** What the transition activity needs to open a task. */
export interface OpenTaskSpec {
  taskId: string;
  /** The process step the task decides (e.g. `VERIFICATION`). */
  step: string;
  level: TaskLevel;
  regionCode: string;
  openedAt: string;
  limit: TLimit;
  reminderLead: TLimit;
  /** Escalation recipients, nearest level first; the n-th escalation goes to the n-th (the last repeats). */
  escalationChain: Recipient[];
  /**
   * The official to assign (with their stand-ins) instead of the first of the level in the region
   * (e.g. a named supervisor of a 约谈). The household case never sets it.
   */
  assigneeId?: string;
}

/**
 * Escalation goes up the hierarchy: village → township → county → the county's and city's
 * administrators; a contact's task goes to the village first.
 */
export function escalationChain(level: TaskLevel, region: TaskRegion): Recipient[] {
  const township: Recipient = { role: 'TOWNSHIP', regionCode: region.townshipCode };
  const county: Recipient = { role: 'COUNTY', regionCode: region.countyCode };
  const admins: Recipient = { role: 'ADMIN', regionCode: region.countyCode };
  if (level === 'CONTACT') return [{ role: 'VILLAGE', regionCode: region.villageCode }, township, county, admins];
  if (level === 'VILLAGE') return [township, county, admins];
  if (level === 'TOWNSHIP') return [county, admins];
  return [admins];
}

/** The region code of the officials who act at a level (a contact is placed on a village). */
export function regionOfLevel(level: TaskLevel, region: TaskRegion): string {
  return level === 'VILLAGE' || level === 'CONTACT' ? region.villageCode : level === 'TOWNSHIP' ? region.townshipCode : region.countyCode;
}

/** A task spec for a step, with the policy's limit and reminder lead. */
export function taskSpec(a: { taskId: string; step: string; level: TaskLevel; region: TaskRegion; openedAt: string; limit: TLimit; reminderLead: TLimit }): OpenTaskSpec {
  return {
    taskId: a.taskId, step: a.step, level: a.level, regionCode: regionOfLevel(a.level, a.region), openedAt: a.openedAt,
    limit: a.limit, reminderLead: a.reminderLead, escalationChain: escalationChain(a.level, a.region),
  };
}

/** What a task waits for next: its reminder, its due time, or the next repeat escalation. */
export type TaskWake = { at: number; kind: 'REMINDER' | 'DUE' | 'ESCALATION' };

/** When the task's timer should fire next, or null when nothing more is due. */
export function taskWake(t: AnyTaskState): TaskWake | null {
  if (!t.reminded && t.remindAt) return { at: Date.parse(t.remindAt), kind: 'REMINDER' };
  if (t.escalations === 0) return { at: Date.parse(t.dueAt), kind: 'DUE' };
  return t.nextEscalationAt ? { at: Date.parse(t.nextEscalationAt), kind: 'ESCALATION' } : null;
}

/** Tasks whose reminder, due time or repeat escalation has come. */
export function dueTasks<T extends AnyTaskState>(tasks: T[], now: number): T[] {
  return tasks.filter((t) => {
    const w = taskWake(t);
    return w !== null && now >= w.at;
  });
}

/**
 * Timer summary of a task's next wake: `<PURPOSE> · <zh> <en> · <step> · <task id>` (no personal
 * data); the admin timeline reads the purpose code before the first ` · `.
 */
export function taskTimerSummary(t: AnyTaskState, wake: TaskWake): string {
  const what = { REMINDER: '待办到期前提醒 task reminder', DUE: '待办办理期限 task deadline', ESCALATION: '逾期再次升级 repeat escalation' }[wake.kind];
  return `${wake.kind} · ${what} · ${t.step} · ${t.taskId}`;
}

/** The outcome of a deadline check: the task with its times re-read from the calendar, and what to send. */
export interface DeadlineCheck<T extends AnyTaskState = TaskState> {
  task: T;
  action: 'REMINDER_SENT' | 'TASK_ESCALATED' | null;
  /** Recipients of the escalation (the chain's n-th level) or of the reminder (the assignee). */
  to: Recipient[];
}

/**
 * Decides a reminder or an escalation for a task at `now`, given its due and reminder times by
 * the current calendar and a function giving the next repeat after an instant. A moved due time
 * (calendar update) sends nothing early; each reminder and escalation is decided once.
 */
export function evaluateTaskDeadline<T extends AnyTaskState>(
  task: T, now: number, times: { dueAt: number; remindAt: number }, nextRepeatAfter: (from: number) => number, chain: Recipient[],
): DeadlineCheck<T> {
  const t: T = {
    ...task, dueAt: new Date(times.dueAt).toISOString(),
    remindAt: times.remindAt > Date.parse(task.openedAt) ? new Date(times.remindAt).toISOString() : null,
  };
  if (now < times.dueAt) {
    if (!t.reminded && t.remindAt && now >= times.remindAt) {
      t.reminded = true;
      return { task: t, action: 'REMINDER_SENT', to: t.assigneeId ? [{ officialId: t.assigneeId }] : [] };
    }
    return { task: t, action: null, to: [] };
  }
  if (t.escalations === 0 || (t.nextEscalationAt && now >= Date.parse(t.nextEscalationAt))) {
    t.reminded = true;
    t.escalations += 1;
    t.nextEscalationAt = new Date(nextRepeatAfter(t.escalations === 1 ? times.dueAt : now)).toISOString();
    const to = [chain[Math.min(t.escalations - 1, chain.length - 1)]];
    if (t.assigneeId) to.push({ officialId: t.assigneeId });
    return { task: t, action: 'TASK_ESCALATED', to };
  }
  return { task: t, action: null, to: [] };
}

/**
 * The commit number that issued `taskId` when the workflow has adopted only `seq` commits so far,
 * else null. Task ids are `${ownerId}-t${seq}` (or `.n` for a further task of one commit), so a
 * task the read model shows but the workflow does not know comes from a later commit — one a
 * restarted worker is about to replay.
 */
export function pendingTaskSeqOf(ownerId: string, seq: number, taskId: string): number | null {
  const prefix = `${ownerId}-t`;
  if (!taskId.startsWith(prefix)) return null;
  const m = /^(\d{1,9})(?:\.\d{1,3})?$/.exec(taskId.slice(prefix.length));
  if (!m) return null;
  const issued = Number(m[1]);
  return issued > seq ? issued : null;
}

/** The id of the n-th task (from 1) a commit opens: `${ownerId}-t${seq}`, then `.2`, `.3` … */
export function taskIdOf(ownerId: string, seq: number, n: number): string {
  return `${ownerId}-t${seq}${n > 1 ? `.${n}` : ''}`;
}
