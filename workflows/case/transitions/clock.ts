/**
 * What the clock makes due (a timer fired, or the calendar changed): the identification SLA, the
 * end of a notice, task reminders and escalations, the monitoring deadlines, the elimination
 * review and the end of the rollback window. Also which timers the workflow should hold. Pure.
 */
import type { WantedTimer } from '../../blocks/timers';
import { dueTasks, taskTimerSummary, taskWake } from '../../blocks/task';
import { noticeMayEnd } from '../../blocks/public-notice';
import { Draft } from '../draft';
import type { CaseFacts, Transition } from '../draft';
import { chainOf, isNoticeStep } from '../chains';
import type { CaseState } from '../state';
import { monitoringClock } from './monitoring';
import { reviewDue } from './elimination';
import { closeRollbackWindow } from './rollback';

/** Applies everything due at `now`; `recheck` re-reads every open task's due time from the calendar. */
export function clockTick(state: CaseState, facts: CaseFacts, now: number, opts: { recheck?: boolean } = {}): Transition {
  const d = new Draft(state, facts, now);
  const s = d.s;
  for (const t of opts.recheck ? s.openTasks : dueTasks(s.openTasks, now)) d.checkTask(t);
  if (s.status === 'IDENTIFYING' && !s.slaBreached && s.slaDueAt && now >= Date.parse(s.slaDueAt)) {
    s.slaBreached = true;
    d.event({ action: 'SLA_BREACHED', notifications: [{ kind: 'SLA_BREACHED', to: { role: 'COUNTY', regionCode: facts.countyCode } }] });
  }
  if (isNoticeStep(s.step) && noticeMayEnd(s.notice, now)) {
    const next = chainOf(s.step).next[s.step];
    d.event({ action: 'NOTICE_ENDED' });
    d.enterStep(s.status, next as Exclude<typeof next, 'MONITORED' | 'ELIMINATED'>);
  }
  if (s.status === 'MONITORED' || s.status === 'ELIMINATING') monitoringClock(d);
  if (s.status === 'MONITORED' && s.nextReviewAt && now >= Date.parse(s.nextReviewAt)) reviewDue(d);
  if (s.status === 'ELIMINATED' && s.rollbackUntil && now >= Date.parse(s.rollbackUntil)) closeRollbackWindow(d);
  return d.done();
}

/** Timer labels by purpose: `<PURPOSE> · <zh> <en>` (the admin timeline reads the purpose code). */
export const TIMER_SUMMARIES = {
  SLA: 'SLA · 识别认定时限 identification time limit',
  NOTICE: 'NOTICE · 公示期满 end of the public notice',
  CONTACT: 'CONTACT · 走访联系周期 contact period',
  PLAN: 'PLAN · 帮扶计划期限 assistance plan deadline',
  ANNUAL: 'ANNUAL · 监测满一年核查 annual check',
  REVIEW: 'REVIEW · 风险消除评估 elimination review',
  ROLLBACK: 'ROLLBACK · 风险消除回退期满 end of the rollback window',
} as const;

/** The durable timers the case waits on now, one per pending deadline. */
export function wantedTimers(s: CaseState): Map<string, WantedTimer> {
  const want = new Map<string, WantedTimer>();
  const put = (name: string, at: string | null, summary: string): void => {
    if (at) want.set(name, { at: Date.parse(at), summary });
  };
  if (s.status === 'IDENTIFYING' && !s.slaBreached) put('sla', s.slaDueAt, TIMER_SUMMARIES.SLA);
  if (isNoticeStep(s.step)) put('notice', s.notice.endsAt, `${TIMER_SUMMARIES.NOTICE} · ${s.step}`);
  for (const t of s.openTasks) {
    const w = taskWake(t);
    if (w) want.set(`task:${t.taskId}`, { at: w.at, summary: taskTimerSummary(t, w) });
  }
  if (s.status === 'MONITORED' || s.status === 'ELIMINATING') {
    put('contact', s.nextContactDueAt, TIMER_SUMMARIES.CONTACT);
    if (!s.planReminded) put('plan', s.planDueAt, TIMER_SUMMARIES.PLAN);
    if (!s.annualCheckFlagged) put('annual', s.annualCheckAt, TIMER_SUMMARIES.ANNUAL);
    if (s.status === 'MONITORED') put('review', s.nextReviewAt, TIMER_SUMMARIES.REVIEW);
  }
  if (s.status === 'ELIMINATED') put('rollback', s.rollbackUntil, TIMER_SUMMARIES.ROLLBACK);
  return want;
}
