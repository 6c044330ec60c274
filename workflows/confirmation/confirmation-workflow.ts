/**
 * 月调度数据确认工作流 — a county's monthly confirmation of its figures, started by its own Temporal
 * Schedule at the start of the month (or by hand for a period). Each village gets a task due the
 * policy's day (default the 25th, moved past a non-working day) to confirm its figures of the month
 * with an optional note, or flag a discrepancy with a reason; each township a task due its day
 * (default the 28th), opened once its villages have all answered or their due time passed. Late
 * tasks are reminded and escalated by the process-steps block like any other; at the period's end
 * the tasks still open are closed unanswered. The county's 月调度 reads the answers (on time,
 * late, none) from the process's data. Wiring only: the rules are in ./rules.ts.
 */
import { condition, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { ProcessSteps } from '../blocks/process-steps';
import { escalationChain } from '../blocks/task';
import type { ConfirmationActivities, ConfirmationAuditAction, ConfirmationInput, ConfirmationResult, ConfirmationUnit } from './contracts';
import { CONFIRMATION_KIND, CONFIRMATION_STEPS, confirmationProcessId } from './contracts';
import { CONFIRMATION_RULES, allAnswered, limitUntil, periodStarting, townshipsReady, unitsOf } from './rules';

const { planMonthlyConfirmation } = proxyActivities<ConfirmationActivities>({ startToCloseTimeout: '1 minute' });

/** The time a Temporal Schedule meant this run for, or null. */
function scheduledStartTime(): number | null {
  const v = workflowInfo().searchAttributes?.TemporalScheduledStartTime?.[0] as unknown;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return Date.parse(v);
  return null;
}

/** The monthly confirmation workflow. */
export async function monthlyConfirmationWorkflow(input: ConfirmationInput): Promise<ConfirmationResult> {
  const startedAt = Date.now();
  const period = input.period ?? periodStarting(input.cadence, scheduledStartTime() ?? startedAt);
  const processId = confirmationProcessId(input.countyCode, period.key);
  // A run caught up after its month ended (an outage) opens nothing: its tasks could only be late.
  if (startedAt >= Date.parse(period.to)) return { processId, periodKey: period.key, status: 'SKIPPED' };
  const plan = await planMonthlyConfirmation({ countyCode: input.countyCode, period, due: input.due, startedAt: new Date(startedAt).toISOString() });
  const villageDueMs = Date.parse(plan.villageDueAt);
  const townshipDueMs = Date.parse(plan.townshipDueAt);
  const region = { countyCode: input.countyCode };
  const steps = new ProcessSteps(
    { processId, kind: CONFIRMATION_KIND, title: `月调度数据确认：${plan.countyName} ${period.key}`, region, limits: input.limits, policyVersion: input.policyVersion },
    { rules: CONFIRMATION_RULES, initial: { status: 'VILLAGES', step: CONFIRMATION_STEPS.VILLAGE, data: { period, villageDueAt: plan.villageDueAt, townshipDueAt: plan.townshipDueAt } } },
  );

  // The opening: one task per village, in one commit; the townships wait for their villages.
  await steps.start((d) => {
    d.event({ action: 'CONFIRMATION_OPENED' satisfies ConfirmationAuditAction, comment: period.key, data: { period, villageDueAt: plan.villageDueAt, townshipDueAt: plan.townshipDueAt } });
    const units: Record<string, ConfirmationUnit> = {};
    for (const t of plan.townships) units[t.code] = { level: 'TOWNSHIP', code: t.code, name: t.name, dueAt: plan.townshipDueAt };
    for (const v of plan.villages) {
      const r = { countyCode: input.countyCode, townshipCode: v.townshipCode, villageCode: v.code };
      const taskId = d.openTask({ step: CONFIRMATION_STEPS.VILLAGE, level: 'VILLAGE', regionCode: v.code, limit: limitUntil(villageDueMs, d.now), escalationChain: escalationChain('VILLAGE', r) });
      units[v.code] = { level: 'VILLAGE', code: v.code, name: v.name, townshipCode: v.townshipCode, taskId, dueAt: plan.villageDueAt };
    }
    d.setData({ units });
  });

  const units = (): Record<string, ConfirmationUnit> => unitsOf(steps.state.data);
  const closeMs = Date.parse(period.to);
  // Townships open as their villages finish, or all at the villages' due time.
  while (townshipsReady(units(), Math.max(Date.now(), closeMs), villageDueMs).length > 0 && Date.now() < closeMs) {
    const wait = Math.max(0, villageDueMs - Date.now());
    if (wait > 0) await condition(() => townshipsReady(units(), Date.now(), villageDueMs).length > 0, wait);
    const ready = townshipsReady(units(), Date.now(), villageDueMs);
    if (ready.length === 0) continue;
    await steps.transition((d) => {
      const next = { ...(d.s.data.units as Record<string, ConfirmationUnit>) };
      for (const code of ready) {
        const r = { countyCode: input.countyCode, townshipCode: code, villageCode: code };
        const taskId = d.openTask({ step: CONFIRMATION_STEPS.TOWNSHIP, level: 'TOWNSHIP', regionCode: code, limit: limitUntil(townshipDueMs, d.now), escalationChain: escalationChain('TOWNSHIP', r) });
        next[code] = { ...next[code], taskId };
      }
      d.setData({ units: next });
      d.setStatus('TOWNSHIPS', CONFIRMATION_STEPS.TOWNSHIP);
    });
  }

  // Every answer, or the period's end: what is still open then stays unanswered.
  await condition(() => allAnswered(units()), Math.max(1, closeMs - Date.now()));
  const done = allAnswered(units());
  await steps.finish(done ? 'COMPLETED' : 'CLOSED', (d) => d.event({ action: 'CONFIRMATION_CLOSED' satisfies ConfirmationAuditAction, data: { answered: done } }));
  await steps.end();
  return { processId, periodKey: period.key, status: steps.state.status };
}
