/**
 * 安置点信息清单 — a township (or the county) starts a relocation settlement's checklist: one task
 * per item for the township (or a named official of it), with the policy's deadlines.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { hasRegionAccess, regionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { processStepLimit } from '../../workflows/policy';
import { awaitProcessStartUpdate, processWorkflowId } from '../../workflows/process-contracts';
import type { SettlementInput, SettlementItem } from '../../workflows/relocation/contracts';
import { SETTLEMENT_ITEMS, SETTLEMENT_KIND, SETTLEMENT_WORKFLOW } from '../../workflows/relocation/contracts';
import type { settlementChecklistWorkflow } from '../../workflows/relocation/settlement-workflow';
import type { ServiceContext } from './context';
import { newProcessId } from './ids';

/** What the official sends. */
export interface StartSettlementOptions {
  name: string;
  /** The township the settlement belongs to. */
  townshipCode: string;
  /** The settlement's community (a village-level code), when it has one. */
  villageCode?: string;
  /** A named township official per item (else the township's first official). */
  owners?: Partial<Record<SettlementItem, string>>;
  processId?: string;
}

/** Starts the checklist and returns once its process row and tasks exist. */
export async function startSettlement(ctx: ServiceContext, official: AuthOfficial, o: StartSettlementOptions): Promise<{ processId: string; started: boolean }> {
  const township = await ctx.prisma.region.findUnique({ where: { code: o.townshipCode }, select: { level: true, parentCode: true } });
  if (!township || township.level !== 'TOWNSHIP' || !township.parentCode) throw new AppError('NOT_FOUND', `townshipCode: ${o.townshipCode} is not a known township`, { field: 'townshipCode' });
  const region = { villageCode: null as string | null, townshipCode: o.townshipCode, countyCode: township.parentCode };
  if (o.villageCode) {
    const chain = await regionChain(ctx.prisma, o.villageCode);
    if (chain.townshipCode !== o.townshipCode) throw new AppError('INVALID_INPUT', `villageCode: not in township ${o.townshipCode}`, { field: 'villageCode' });
    region.villageCode = o.villageCode;
  }
  if (!hasRegionAccess(official, { villageCode: region.villageCode ?? '', townshipCode: region.townshipCode, countyCode: region.countyCode }) || !['TOWNSHIP', 'COUNTY', 'ADMIN'].includes(official.role)) {
    throw new AppError('FORBIDDEN', `townshipCode: ${o.townshipCode} is outside your region`, { field: 'townshipCode' });
  }
  const owners: SettlementInput['owners'] = {};
  for (const [item, id] of Object.entries(o.owners ?? {}) as [SettlementItem, string][]) {
    const s = await ctx.prisma.official.findUnique({ where: { id }, select: { role: true, regionCode: true, active: true } });
    if (!s || !s.active || s.role !== 'TOWNSHIP' || s.regionCode !== o.townshipCode) {
      throw new AppError('POLICY_REFUSED', `owners.${item}: not an active township official of ${o.townshipCode}`, { field: `owners.${item}` });
    }
    owners[item] = { level: 'TOWNSHIP', officialId: id };
  }
  const processId = o.processId ?? newProcessId('AZ');
  const p = ctx.policy;
  const input: SettlementInput = {
    processId, name: o.name, region, owners, requestedById: official.id, policyVersion: p.version,
    itemLimits: Object.fromEntries(SETTLEMENT_ITEMS.map((i) => [i, processStepLimit(p, SETTLEMENT_KIND, i)])) as SettlementInput['itemLimits'],
    limits: { reminderLead: p.reminderLead, escalationRepeat: p.escalationRepeat },
  };
  try {
    await ctx.temporal.workflow.executeUpdateWithStart(awaitProcessStartUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof settlementChecklistWorkflow>(SETTLEMENT_WORKFLOW, {
        workflowId: processWorkflowId(processId), taskQueue: ctx.taskQueue, args: [input],
        workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE', staticSummary: `易地搬迁后扶 settlement ${processId}`,
      }),
    });
    return { processId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { processId, started: false };
    throw err;
  }
}
