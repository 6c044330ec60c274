/**
 * 安置点信息清单工作流 — a relocation settlement's information checklist (易地搬迁后扶): one task per
 * item (party organisation, community governance body, grid and building leaders, service centre
 * and public facilities, property management, rights protection), each with its owner and
 * deadline, reminded and escalated up the hierarchy when late, completed with the data entered.
 * The settlement's data shows its completeness; the last item ends it COMPLETE. Wiring only.
 */
import { condition } from '@temporalio/workflow';
import { ProcessSteps } from '../blocks/process-steps';
import type { SettlementInput, SettlementResult } from './contracts';
import { SETTLEMENT_ITEMS, SETTLEMENT_KIND } from './contracts';
import type { ItemRecord } from './rules';
import { completeness, settlementRules, settlementTitle } from './rules';

/** The settlement checklist workflow. */
export async function settlementChecklistWorkflow(input: SettlementInput): Promise<SettlementResult> {
  const steps = new ProcessSteps(
    { processId: input.processId, kind: SETTLEMENT_KIND, title: settlementTitle(input.name), region: input.region, limits: input.limits, policyVersion: input.policyVersion },
    { rules: settlementRules(), initial: { status: 'OPEN', step: null, data: { name: input.name } } },
  );
  await steps.start((d) => d.event({ action: 'CHECKLIST_STARTED', actorId: input.requestedById, data: { name: input.name } }));
  const ids = await steps.openTasks(SETTLEMENT_ITEMS.map((item) => ({
    step: item, level: input.owners[item]?.level ?? 'TOWNSHIP', assigneeId: input.owners[item]?.officialId, limit: input.itemLimits[item],
  })));
  // Each item's due time, for the completeness page and for "late".
  // An item completed before this commit keeps its record (a decision may come first).
  await steps.transition((d) => {
    if (d.s.finished) return;
    const items = { ...((d.s.data.items as Record<string, ItemRecord> | undefined) ?? {}) };
    SETTLEMENT_ITEMS.forEach((item, i) => {
      items[item] ??= { taskId: ids[i], dueAt: steps.state.openTasks.find((t) => t.taskId === ids[i])?.dueAt, done: false };
    });
    d.setData({ items, completeness: completeness(items) });
  });
  await condition(() => steps.state.finished);
  const end = await steps.end();
  const c = end.data.completeness as { done: number; late: number };
  return { processId: input.processId, status: end.status, completed: c.done, late: c.late };
}
