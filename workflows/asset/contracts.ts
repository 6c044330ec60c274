/**
 * Contracts of the project asset (帮扶项目资产) and its long-lived workflow. Shared by `api/`,
 * `worker/` and `workflows/`; no Prisma, client or Node built-ins.
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../contracts';
import type { TLimit } from '../policy';
import type { ProcessTaskLimits, ProcessUpdateResult } from '../process-contracts';
import type { ProcessCoreState } from '../process/state';
import type { AssetClass, ManagingLevel } from './rules';

/** Process kind of an asset. */
export const ASSET_KIND = 'PROJECT_ASSET';
/** Workflow type of an asset. */
export const ASSET_WORKFLOW = 'assetWorkflow';

/** Steps of an asset people decide. */
export const ASSET_STEPS = {
  /** 确权 — the owner the rule "谁主管谁负责" names confirms the ownership (or disputes it, with a reason). */
  OWNERSHIP_CONFIRMATION: 'OWNERSHIP_CONFIRMATION',
  /** 确权复核 — the township determines the managing level again after a dispute. */
  OWNERSHIP_REDETERMINATION: 'OWNERSHIP_REDETERMINATION',
  /** 资产移交（移交方）— the township (the project's implementing side) hands the asset over. */
  HANDOVER_OUT: 'HANDOVER_OUT',
  /** 资产移交（接收方）— the confirmed owner confirms receipt; upkeep begins. */
  HANDOVER_IN: 'HANDOVER_IN',
  /** 收益分配方案（村级决议）— the village decides the income distribution plan (村民代表大会). */
  DISTRIBUTION_PLAN: 'DISTRIBUTION_PLAN',
  /** 收益分配方案乡镇审核 — approve, return (the village revises) or reject (a new plan), with a reason. */
  DISTRIBUTION_TOWNSHIP_REVIEW: 'DISTRIBUTION_TOWNSHIP_REVIEW',
  /** 收益分配方案县级备案 — the county files the plan (or returns / rejects it with a reason); payouts follow. */
  DISTRIBUTION_COUNTY_FILING: 'DISTRIBUTION_COUNTY_FILING',
  /** 收益发放确认 — the village confirms each period's payout under the filed plan (late: escalated). */
  PAYOUT_CONFIRMATION: 'PAYOUT_CONFIRMATION',
  /** 管护巡查 — periodic inspection by the owner (photos or notes; income for 经营性 assets). */
  INSPECTION: 'INSPECTION',
  /** 闲置资产盘活 — the township resolves an idle income asset. */
  IDLE_RESOLUTION: 'IDLE_RESOLUTION',
  /** 处置审核 — the township reviews a disposal request. */
  DISPOSAL_TOWNSHIP_REVIEW: 'DISPOSAL_TOWNSHIP_REVIEW',
  /** 处置审批 — the county approves it; the asset is disposed of and its workflow ends. */
  DISPOSAL_COUNTY_APPROVAL: 'DISPOSAL_COUNTY_APPROVAL',
} as const;

/** 处置方式 — how an asset is disposed of. */
export const DISPOSAL_METHODS = ['SALE', 'TRANSFER', 'SCRAP'] as const;

/** Arguments of {@link requestAssetDisposalUpdate}. */
export interface RequestDisposalArgs {
  method: (typeof DISPOSAL_METHODS)[number];
  reason: string;
  actor: Actor;
}

/** 申请处置 — asks to dispose of an asset; it runs through the township's review and the county's approval. */
export const requestAssetDisposalUpdate = defineUpdate<ProcessUpdateResult, [RequestDisposalArgs]>('requestAssetDisposal');

/** Patch of the asset workflow: an asset registered before its handover runs 确权 and 移交 first. */
export const ASSET_OWNERSHIP_PATCH = 'asset-ownership-confirmation';

/** Stages an asset workflow starts in. */
export type AssetStage = 'REGISTERED' | 'HANDED_OVER';

/** Sent by an asset to the project that registered it once its handover is confirmed by both sides. */
export interface AssetHandedOverArgs {
  assetId: string;
  /** YYYY-MM-DD (Beijing). */
  handedOverOn: string;
  ownerName: string;
}

/** 资产移交完成 — an asset tells the project workflow that produced it that it has been handed over. */
export const assetHandedOverSignal = defineSignal<[AssetHandedOverArgs]>('assetHandedOver');

/** Patch of the asset workflow: a 经营性 asset runs its income distribution plan and quarterly payouts. */
export const ASSET_DISTRIBUTION_PATCH = 'asset-income-distribution';

/** Arguments of {@link recordAssetIncomeUpdate}; money in fen. */
export interface RecordIncomeArgs {
  amountFen: number;
  /** YYYY-MM-DD, not in the future. */
  receivedOn: string;
  /** Where it came from, e.g. 电费结算, 租金. */
  source: string;
  actor: Actor;
}

/** 收益登记 — records income of a 经营性 asset (clears its idle flag; counted by the next payout). */
export const recordAssetIncomeUpdate = defineUpdate<ProcessUpdateResult, [RecordIncomeArgs]>('recordAssetIncome');

/** The asset as registered (资产登记); money in fen, no personal data. */
export interface AssetFacts {
  /** The ledger's reference (资产编号); the process id derives from it. */
  reference: string;
  name: string;
  assetClass: AssetClass;
  /** E.g. SOLAR (光伏电站), ROAD, WORKSHOP; picks the inspection interval. */
  assetKind: string;
  valueFen: number;
  fundingSource: string;
  /** 所有权人 (谁主管谁负责), e.g. a village collective; before 确权, the owner the rule proposes. */
  ownerName: string;
  /** 主管层级 — who manages the asset, which names its owner (谁主管谁负责). @default 'VILLAGE' */
  managingLevel?: ManagingLevel;
  /** The project it came from. */
  projectId?: string | null;
  /** Date of the handover (移交), YYYY-MM-DD; null while the asset awaits 确权 and handover. */
  handedOverOn: string | null;
}

/** Policy of an asset, pinned at its registration. */
export interface AssetPolicy {
  /** Between inspections (by the asset's kind). */
  inspectEvery: TLimit;
  /** To carry out one inspection (overdue: escalated). */
  inspectionLimit: TLimit;
  /** An income asset without income this long is idle. */
  idleAfter: TLimit;
  /** To resolve an idle asset. */
  idleResolutionLimit: TLimit;
  /** Limits of the disposal chain (township review, county approval). Absent in inputs pinned before disposal existed. */
  disposal?: { townshipReview: TLimit; countyApproval: TLimit };
  /** 收益分配 of a 经营性 asset: the plan's chain, the payout interval and confirmation, the plan's validity, the least 公益岗位 share. Absent in inputs pinned before it existed. */
  distribution?: {
    plan: TLimit; townshipReview: TLimit; countyFiling: TLimit; payoutEvery: TLimit; payoutConfirmation: TLimit; validFor: TLimit; welfareJobMinSharePct: number;
  };
  /** Limits of 确权 and 移交 (by step). Absent in inputs pinned before ownership confirmation existed. */
  ownership?: { confirmation: TLimit; redetermination: TLimit; handoverOut: TLimit; handoverIn: TLimit };
  version: string;
}

/** Input of the asset workflow. */
export interface AssetInput {
  processId: string;
  asset: AssetFacts;
  region: { villageCode?: string | null; townshipCode?: string | null; countyCode: string };
  policy: AssetPolicy;
  limits: ProcessTaskLimits;
  /** Continue-as-new threshold (history events). */
  maxHistoryEvents?: number;
  /** REGISTERED: 确权 and 移交 run before upkeep. @default 'HANDED_OVER' */
  stage?: AssetStage;
  /** Workflow id of the project workflow told by {@link assetHandedOverSignal} once the asset is handed over. */
  reportHandoverTo?: string;
  /** Carried over by continue-as-new. */
  carried?: { core: ProcessCoreState; nextInspectionAt: number };
}

/** Process id of an asset from its reference. */
export function assetProcessId(reference: string): string {
  return `ZC-${reference}`;
}
