/**
 * 易地搬迁户纳入后续扶持 — a township (or the county) registers a relocated household of a
 * settlement for follow-up: monthly visits recording its employment, reminded and escalated when
 * overdue. One follow-up per household case (`YD-<caseId>`): the same again starts nothing new.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { regionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { processStepLimit } from '../../workflows/policy';
import { awaitProcessStartUpdate, processWorkflowId } from '../../workflows/process-contracts';
import type { RelocatedHouseholdInput } from '../../workflows/relocated-household/contracts';
import { RELOCATED_HOUSEHOLD_KIND, RELOCATED_HOUSEHOLD_WORKFLOW, RELOCATED_VISIT_STEP } from '../../workflows/relocated-household/contracts';
import type { relocatedHouseholdWorkflow } from '../../workflows/relocated-household/relocated-household-workflow';
import { SETTLEMENT_KIND } from '../../workflows/relocation/contracts';
import type { ServiceContext } from './context';
import { loadCaseRow } from './get-case';
import { loadProcessRow } from './process-actions';

/** Visits of the follow-up: the five-year transition period (过渡期), monthly. */
export const FOLLOW_UP_VISITS = 60;

/** Registers the household of `caseId` under the settlement `settlementId`; returns once its process row and first visit task exist. */
export async function startRelocatedHousehold(ctx: ServiceContext, official: AuthOfficial, settlementId: string, caseId: string): Promise<{ processId: string; started: boolean }> {
  if (!['TOWNSHIP', 'COUNTY', 'ADMIN'].includes(official.role)) throw new AppError('FORBIDDEN', 'a township or the county registers relocated households');
  const settlement = await loadProcessRow(ctx, official, settlementId);
  if (settlement.kind !== SETTLEMENT_KIND) throw new AppError('NOT_FOUND', `settlement ${settlementId} not found`, { field: 'id' });
  const kase = await loadCaseRow(ctx, official, caseId).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', `caseId: case ${caseId} not found`, { field: 'caseId' });
    throw err;
  });
  const region = await regionChain(ctx.prisma, kase.villageCode);
  if (region.countyCode !== settlement.countyCode) throw new AppError('POLICY_REFUSED', 'caseId: the household is not of the settlement\'s county', { field: 'caseId' });
  const processId = `YD-${kase.id}`;
  const existing = await ctx.prisma.process.findUnique({ where: { id: processId }, select: { data: true } });
  if (existing && (existing.data as { settlementId?: string } | null)?.settlementId !== settlementId) {
    throw new AppError('CONFLICT', 'caseId: the household is already followed up under another settlement', { field: 'caseId' });
  }
  const p = ctx.policy;
  const input: RelocatedHouseholdInput = {
    processId, householdId: kase.householdId, caseId: kase.id, settlementId, settlementName: String((settlement.data as { name?: string } | null)?.name ?? settlement.title),
    region, visitLimit: processStepLimit(p, RELOCATED_HOUSEHOLD_KIND, RELOCATED_VISIT_STEP), visits: FOLLOW_UP_VISITS,
    limits: { reminderLead: p.reminderLead, escalationRepeat: p.escalationRepeat }, registeredById: official.id, policyVersion: p.version,
    ...(ctx.maxHistoryEvents ? { maxHistoryEvents: ctx.maxHistoryEvents } : {}),
  };
  try {
    await ctx.temporal.workflow.executeUpdateWithStart(awaitProcessStartUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof relocatedHouseholdWorkflow>(RELOCATED_HOUSEHOLD_WORKFLOW, {
        workflowId: processWorkflowId(processId), taskQueue: ctx.taskQueue, args: [input],
        workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE', staticSummary: `易地搬迁户后续扶持 relocated household ${processId}`,
      }),
    });
    return { processId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { processId, started: false };
    throw err;
  }
}
