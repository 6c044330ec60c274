/**
 * 资产管护工作流 — a project asset for as long as it exists: an inspection task for its owner every
 * interval (monthly for solar stations, else quarterly), escalated when overdue; a 经营性 asset
 * without income for the idle period is flagged idle (闲置) and the township gets a task to
 * resolve it; a 经营性 asset records its income and distributes it by a plan the village decides, the
 * township reviews and the county files (备案), with a payout confirmation each quarter. Long-lived: it
 * continues as new when its history grows. Wiring only.
 */
import { condition, continueAsNew, getExternalWorkflowHandle, log, ParentClosePolicy, patched, setHandler, startChild } from '@temporalio/workflow';
import type { ChildWorkflowHandle } from '@temporalio/workflow';
import { ProcessSteps } from '../blocks/process-steps';
import { addLimitWithoutCalendar } from '../policy';
import type { TLimit } from '../policy';
import type { ProcessUpdateResult } from '../process-contracts';
import { processWorkflowId } from '../process-contracts';
import type { AssetInput } from './contracts';
import { ASSET_DISTRIBUTION_PATCH, ASSET_KIND, ASSET_OWNERSHIP_PATCH, ASSET_STEPS as S, assetHandedOverSignal, recordAssetIncomeUpdate, requestAssetDisposalUpdate } from './contracts';
import {
  DEFAULT_DISTRIBUTION_POLICY, distributionWakeAt, openDistributionPlan, openPayout, payoutDue, planDue, recordIncome, validateIncomeRecord,
} from './distribution';
import { assetRules, idleDueAt, openOwnershipConfirmation, requestDisposal, validateDisposalRequest } from './steps';

function after(from: number, limit: TLimit): number {
  return addLimitWithoutCalendar(from, limit) ?? addLimitWithoutCalendar(from, { unit: 'CALENDAR_DAYS', amount: limit.amount }) as number;
}

/**
 * The asset workflow; it ends only when the county approves its disposal (处置). An asset registered
 * before its handover (`stage: 'REGISTERED'`) first runs 确权 — the owner named by 谁主管谁负责
 * confirms by task link — and the two-sided handover (移交); upkeep starts once both sides confirmed.
 */
export async function assetWorkflow(input: AssetInput): Promise<void> {
  const a = input.asset;
  // 确权 and 移交 are new commands before upkeep: older runs (started handed over) never take this path.
  const confirming = input.stage === 'REGISTERED' && patched(ASSET_OWNERSHIP_PATCH);
  const steps = new ProcessSteps(
    {
      processId: input.processId, kind: ASSET_KIND, title: `${a.name}（${a.reference}）`, region: input.region, limits: input.limits, policyVersion: input.policy.version,
      carried: input.carried?.core, maxHistoryEvents: input.maxHistoryEvents,
    },
    {
      rules: assetRules(input.policy),
      initial: {
        status: confirming ? 'REGISTERED' : 'IN_USE', step: confirming ? S.OWNERSHIP_CONFIRMATION : S.INSPECTION,
        data: { ...a, ...(confirming ? { handedOverOn: null } : {}), idle: false, totalIncomeFen: 0, lastIncomeAt: null, idleClockFrom: null, lastInspectedAt: null, inspections: 0 },
      },
    },
  );
  await steps.start((d) => {
    if (!confirming) d.setData({ idleClockFrom: d.iso() });
    d.event({ action: 'ASSET_REGISTERED', data: { reference: a.reference, assetClass: a.assetClass, assetKind: a.assetKind, valueFen: a.valueFen, projectId: a.projectId ?? null } });
    if (confirming) openOwnershipConfirmation(d, { assetClass: a.assetClass, managingLevel: a.managingLevel ?? 'VILLAGE', ownerName: a.ownerName }, input.policy);
  });
  setHandler(requestAssetDisposalUpdate, async (args): Promise<ProcessUpdateResult> => {
    await steps.transition((d) => {
      validateDisposalRequest(d.s, args);
      requestDisposal(d, args, input.policy);
    });
    const st = steps.state;
    return { processId: st.processId, status: st.status, step: st.step, openTasks: st.openTasks.map((t) => ({ taskId: t.taskId, step: t.step, assigneeId: t.assigneeId })) };
  }, { validator: (args) => validateDisposalRequest(steps.state, args) });
  // 收益登记: a new Update only (no command until one arrives).
  setHandler(recordAssetIncomeUpdate, async (args): Promise<ProcessUpdateResult> => {
    await steps.transition((d) => {
      validateIncomeRecord(d.s, args, Date.now());
      recordIncome(d, args);
    });
    const st = steps.state;
    return { processId: st.processId, status: st.status, step: st.step, openTasks: st.openTasks.map((t) => ({ taskId: t.taskId, step: t.step, assigneeId: t.assigneeId })) };
  }, { validator: (args) => validateIncomeRecord(steps.state, args, Date.now()) });
  if (confirming && steps.state.data.handedOverOn === null) {
    // No command: waits for both sides of the handover (the rules move the asset into upkeep).
    await condition(() => steps.state.data.handedOverOn !== null || steps.state.finished);
    if (input.reportHandoverTo && !steps.state.finished) {
      try {
        await getExternalWorkflowHandle(input.reportHandoverTo).signal(assetHandedOverSignal, {
          assetId: input.processId, handedOverOn: String(steps.state.data.handedOverOn), ownerName: String(steps.state.data.ownerName),
        });
      } catch (err) {
        // The project may have ended (e.g. terminated by an operator); the asset's upkeep goes on.
        log.warn('could not tell the project of the handover', { processId: input.processId, error: String(err) });
      }
    }
  }
  let nextInspectionAt = input.carried?.nextInspectionAt ?? after(Date.now(), input.policy.inspectEvery);
  // 收益分配: new commands (plan tasks, payout confirmations) for income assets; runs started before it never take this path.
  const distributing = a.assetClass === 'INCOME' && patched(ASSET_DISTRIBUTION_PATCH);
  const dp = input.policy.distribution ?? DEFAULT_DISTRIBUTION_POLICY;
  for (;;) {
    if (steps.shouldContinueAsNew()) {
      await continueAsNew<typeof assetWorkflow>({ ...input, carried: { core: await steps.carried(), nextInspectionAt } });
    }
    if (distributing && !steps.state.finished) {
      if (planDue(steps.state, Date.now())) {
        await steps.transition((d) => {
          d.event({ action: 'DISTRIBUTION_PLAN_DUE' });
          openDistributionPlan(d, dp);
        });
      }
      if (payoutDue(steps.state, Date.now())) await steps.transition((d) => openPayout(d, dp));
    }
    const idleWatch = a.assetClass === 'INCOME' && steps.state.data.idle !== true;
    const idleAt = idleWatch ? idleDueAt(steps.state.data, input.policy.idleAfter) : Infinity;
    const wake = Math.min(nextInspectionAt, idleAt, distributing ? distributionWakeAt(steps.state) : Infinity);
    const seq = steps.state.seq;
    // Wakes at the next inspection or idle check, or earlier when a decision changed the idle clock.
    await condition(() => steps.state.seq !== seq, Math.max(1, wake - Date.now()));
    // 处置: the county approved the disposal; upkeep ends.
    if (steps.state.finished) {
      await steps.end();
      return;
    }
    const now = Date.now();
    if (now >= nextInspectionAt) {
      nextInspectionAt = after(now, input.policy.inspectEvery);
      await steps.openTasks([{ step: S.INSPECTION, level: 'VILLAGE', limit: input.policy.inspectionLimit }], (d) => d.setData({ inspections: Number(d.s.data.inspections ?? 0) + 1 }));
    }
    if (a.assetClass === 'INCOME' && steps.state.data.idle !== true && now >= idleDueAt(steps.state.data, input.policy.idleAfter)) {
      await steps.openTasks([{ step: S.IDLE_RESOLUTION, level: 'TOWNSHIP', limit: input.policy.idleResolutionLimit }], (d) => {
        d.setStatus('IDLE');
        d.setData({ idle: true, idleSince: d.iso() });
        d.event({ action: 'ASSET_IDLE_FLAGGED', data: { lastIncomeAt: d.s.data.lastIncomeAt ?? null } });
      });
    }
  }
}

/** Starts an asset's workflow as a child that outlives its parent (the project that produced it). */
export function startAssetChild(input: AssetInput): Promise<ChildWorkflowHandle<typeof assetWorkflow>> {
  return startChild(assetWorkflow, {
    workflowId: processWorkflowId(input.processId), args: [input], parentClosePolicy: ParentClosePolicy.ABANDON, staticSummary: `帮扶项目资产 ${input.processId}`,
  });
}
