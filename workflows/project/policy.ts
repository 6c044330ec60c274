/**
 * 项目政策 — pins a fund project's policy from the deployment policy: step limits, notices, the
 * start deadline and the report interval from `processSteps.FUND_PROJECT`, the pace curve and the
 * 约谈 threshold from §5.2's defaults. Pure and workflow-safe.
 */
import type { TPolicy } from '../policy';
import { processStepLimit } from '../policy';
import { INTERVIEW_KIND, INTERVIEW_STEP } from '../process-contracts';
import type { ProjectPolicy } from './contracts';
import { PROJECT_KIND, PROJECT_STEPS } from './contracts';
import type { PacePoint } from './rules';
import { assetPolicy } from '../asset/policy';
import { ASSET_KIND } from '../asset/contracts';
import { DEFAULT_BEHIND_MONTHS_FOR_INTERVIEW, DEFAULT_PACE_CURVE } from './rules';

/** The project policy pinned from `policy` (curve and threshold overridable). */
export function projectPolicy(
  policy: Pick<TPolicy, 'processSteps' | 'version'>, o: { paceCurve?: PacePoint[]; behindMonthsForInterview?: number } = {},
): ProjectPolicy {
  const lim = (step: string) => processStepLimit(policy, PROJECT_KIND, step);
  return {
    steps: Object.fromEntries(Object.values(PROJECT_STEPS).map((s) => [s, lim(s)])),
    villageNotice: lim('VILLAGE_NOTICE'),
    countyAnnouncement: lim('COUNTY_ANNOUNCEMENT'),
    acceptanceNotice: lim('ACCEPTANCE_NOTICE'),
    startWithin: lim('START_WORKS'),
    reportEvery: lim('REPORT_EVERY'),
    paceCurve: o.paceCurve ?? [...DEFAULT_PACE_CURVE],
    behindMonthsForInterview: o.behindMonthsForInterview ?? DEFAULT_BEHIND_MONTHS_FOR_INTERVIEW,
    interviewLimit: processStepLimit(policy, INTERVIEW_KIND, INTERVIEW_STEP),
    assetPolicies: Object.fromEntries(['GENERAL', ...Object.keys(policy.processSteps?.[ASSET_KIND] ?? {}).filter((k) => k.startsWith('INSPECT_EVERY_')).map((k) => k.slice('INSPECT_EVERY_'.length))]
      .map((kind) => [kind, assetPolicy(policy, kind)])),
    version: policy.version,
  };
}
