/**
 * 资产政策 — pins an asset's policy from `processSteps.PROJECT_ASSET` of the deployment policy:
 * the inspection interval by kind (INSPECT_EVERY, INSPECT_EVERY_SOLAR …), the inspection's and the
 * idle resolution's limits, and the idle period. Pure and workflow-safe.
 */
import type { TPolicy } from '../policy';
import { processStepLimit } from '../policy';
import type { AssetPolicy } from './contracts';
import { ASSET_KIND, ASSET_STEPS } from './contracts';

/** The asset policy pinned from `policy` for an asset of `assetKind`. */
export function assetPolicy(policy: Pick<TPolicy, 'processSteps' | 'version' | 'assetIncome'>, assetKind: string): AssetPolicy {
  const lim = (step: string) => processStepLimit(policy, ASSET_KIND, step);
  const byKind = policy.processSteps?.[ASSET_KIND]?.[`INSPECT_EVERY_${assetKind}`];
  return {
    inspectEvery: byKind ?? lim('INSPECT_EVERY'),
    inspectionLimit: lim(ASSET_STEPS.INSPECTION),
    idleAfter: lim('IDLE_AFTER'),
    idleResolutionLimit: lim(ASSET_STEPS.IDLE_RESOLUTION),
    disposal: { townshipReview: lim(ASSET_STEPS.DISPOSAL_TOWNSHIP_REVIEW), countyApproval: lim(ASSET_STEPS.DISPOSAL_COUNTY_APPROVAL) },
    distribution: {
      plan: lim(ASSET_STEPS.DISTRIBUTION_PLAN), townshipReview: lim(ASSET_STEPS.DISTRIBUTION_TOWNSHIP_REVIEW), countyFiling: lim(ASSET_STEPS.DISTRIBUTION_COUNTY_FILING),
      payoutEvery: lim('PAYOUT_EVERY'), payoutConfirmation: lim(ASSET_STEPS.PAYOUT_CONFIRMATION), validFor: lim('PLAN_VALID_FOR'),
      welfareJobMinSharePct: policy.assetIncome?.welfareJobMinSharePct ?? 50,
    },
    ownership: {
      confirmation: lim(ASSET_STEPS.OWNERSHIP_CONFIRMATION), redetermination: lim(ASSET_STEPS.OWNERSHIP_REDETERMINATION),
      handoverOut: lim(ASSET_STEPS.HANDOVER_OUT), handoverIn: lim(ASSET_STEPS.HANDOVER_IN),
    },
    version: policy.version,
  };
}
