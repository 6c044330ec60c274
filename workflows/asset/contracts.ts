/**
 * Contracts of the project asset (帮扶项目资产) and its long-lived workflow. Shared by `api/`,
 * `worker/` and `workflows/`; no Prisma, client or Node built-ins.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../contracts';
import type { TLimit } from '../policy';
import type { ProcessTaskLimits, ProcessUpdateResult } from '../process-contracts';
import type { ProcessCoreState } from '../process/state';
import type { AssetClass } from './rules';

/** Process kind of an asset. */
export const ASSET_KIND = 'PROJECT_ASSET';
/** Workflow type of an asset. */
export const ASSET_WORKFLOW = 'assetWorkflow';

/** Steps of an asset people decide. */
export const ASSET_STEPS = {
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
  /** 所有权人 (谁主管谁负责), e.g. a village collective. */
  ownerName: string;
  /** The project it came from. */
  projectId?: string | null;
  /** Date of the handover (移交), YYYY-MM-DD. */
  handedOverOn: string;
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
  /** Carried over by continue-as-new. */
  carried?: { core: ProcessCoreState; nextInspectionAt: number };
}

/** Process id of an asset from its reference. */
export function assetProcessId(reference: string): string {
  return `ZC-${reference}`;
}
