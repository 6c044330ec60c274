/**
 * 资产登记 — starts an asset's long-lived workflow (from the API or an imported ledger row). One
 * workflow per asset reference: the same reference again starts nothing new (`started: false`).
 */
import type { Client } from '@temporalio/client';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { hasRegionAccess, regionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { TPolicy } from '../../workflows/policy';
import { awaitProcessStartUpdate, processWorkflowId } from '../../workflows/process-contracts';
import type { AssetFacts, AssetInput, RequestDisposalArgs } from '../../workflows/asset/contracts';
import { ASSET_KIND, ASSET_WORKFLOW, assetProcessId, recordAssetIncomeUpdate, requestAssetDisposalUpdate } from '../../workflows/asset/contracts';
import { loadProcessRow, sendProcessUpdate } from './process-actions';
import { actorOf } from './case-actions';
import { assetPolicy } from '../../workflows/asset/policy';
import type { ManagingLevel } from '../../workflows/asset/rules';
import { proposedOwnerName, responsibleOwner } from '../../workflows/asset/rules';
import type { assetWorkflow } from '../../workflows/asset/asset-workflow';
import type { ServiceContext } from './context';

/**
 * Starts the asset workflow and returns once its process row exists (or reports it already
 * registered). An asset without `handedOverOn` starts at registration: 确权 and 移交 run first.
 */
export async function startAsset(
  ctx: ServiceContext, o: { client: Client; taskQueue: string; policy: TPolicy }, r: { asset: AssetFacts; villageCode: string },
): Promise<{ processId: string; started: boolean }> {
  const region = await regionChain(ctx.prisma, r.villageCode);
  const processId = assetProcessId(r.asset.reference);
  const input: AssetInput = {
    processId, asset: r.asset, region, policy: assetPolicy(o.policy, r.asset.assetKind),
    ...(r.asset.handedOverOn ? {} : { stage: 'REGISTERED' as const }),
    limits: { reminderLead: o.policy.reminderLead, escalationRepeat: o.policy.escalationRepeat },
    ...(ctx.maxHistoryEvents ? { maxHistoryEvents: ctx.maxHistoryEvents } : {}),
  };
  try {
    await o.client.workflow.executeUpdateWithStart(awaitProcessStartUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof assetWorkflow>(ASSET_WORKFLOW, {
        workflowId: processWorkflowId(processId), taskQueue: o.taskQueue, args: [input],
        workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `帮扶项目资产 ${r.asset.reference}`,
      }),
    });
    return { processId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { processId, started: false };
    throw err;
  }
}

/** 资产登记 by an official of the village's chain (403 naming `villageCode` otherwise). */
export async function registerAsset(
  ctx: ServiceContext, official: AuthOfficial, body: Omit<AssetFacts, 'ownerName' | 'handedOverOn'> & { villageCode: string; ownerName?: string; handedOverOn?: string; managingLevel: ManagingLevel },
): Promise<{ processId: string; started: boolean }> {
  const { villageCode, ...facts } = body;
  const chain = await regionChain(ctx.prisma, villageCode);
  if (!hasRegionAccess(official, chain)) throw new AppError('FORBIDDEN', `villageCode: ${villageCode} is outside your region`, { field: 'villageCode' });
  if (facts.handedOverOn && !facts.ownerName) throw new AppError('INVALID_INPUT', 'ownerName: required for an asset already handed over', { field: 'ownerName' });
  const ownerName = facts.ownerName ?? proposedOwnerName(responsibleOwner(facts.assetClass, facts.managingLevel).ownerType, await regionNames(ctx, chain));
  const asset: AssetFacts = { ...facts, ownerName, handedOverOn: facts.handedOverOn ?? null };
  return startAsset(ctx, { client: ctx.temporal, taskQueue: ctx.taskQueue, policy: ctx.policy }, { asset, villageCode });
}

async function regionNames(ctx: ServiceContext, chain: { villageCode: string; townshipCode: string }): Promise<{ village: string; township: string }> {
  const rows = await ctx.prisma.region.findMany({ where: { code: { in: [chain.villageCode, chain.townshipCode] } }, select: { code: true, name: true } });
  const name = (code: string) => rows.find((r) => r.code === code)?.name ?? code;
  return { village: name(chain.villageCode), township: name(chain.townshipCode) };
}

/** 申请处置 — asks to dispose of an asset (reviewed by the township, approved by the county); refusals map to 4xx. */
export async function requestAssetDisposal(
  ctx: ServiceContext, official: AuthOfficial, processId: string, body: { method: RequestDisposalArgs['method']; reason: string },
): Promise<void> {
  const p = await loadProcessRow(ctx, official, processId);
  if (p.kind !== ASSET_KIND) throw new AppError('NOT_FOUND', `asset ${processId} not found`, { field: 'id' });
  await sendProcessUpdate(ctx, official, p, requestAssetDisposalUpdate, { method: body.method, reason: body.reason, actor: actorOf(official) });
}

/** 收益登记 — records income of a 经营性 asset; refusals (public asset, not handed over, disposed of) map to 4xx. */
export async function recordAssetIncome(
  ctx: ServiceContext, official: AuthOfficial, processId: string, body: { amountFen: number; receivedOn: string; source: string },
): Promise<void> {
  const p = await loadProcessRow(ctx, official, processId);
  if (p.kind !== ASSET_KIND) throw new AppError('NOT_FOUND', `asset ${processId} not found`, { field: 'id' });
  await sendProcessUpdate(ctx, official, p, recordAssetIncomeUpdate, { ...body, actor: actorOf(official) });
}
