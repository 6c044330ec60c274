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
export function assetPolicy(policy: Pick<TPolicy, 'processSteps' | 'version'>, assetKind: string): AssetPolicy {
  const lim = (step: string) => processStepLimit(policy, ASSET_KIND, step);
  const byKind = policy.processSteps?.[ASSET_KIND]?.[`INSPECT_EVERY_${assetKind}`];
  return {
    inspectEvery: byKind ?? lim('INSPECT_EVERY'),
    inspectionLimit: lim(ASSET_STEPS.INSPECTION),
    idleAfter: lim('IDLE_AFTER'),
    idleResolutionLimit: lim(ASSET_STEPS.IDLE_RESOLUTION),
    disposal: { townshipReview: lim(ASSET_STEPS.DISPOSAL_TOWNSHIP_REVIEW), countyApproval: lim(ASSET_STEPS.DISPOSAL_COUNTY_APPROVAL) },
    version: policy.version,
  };
}
