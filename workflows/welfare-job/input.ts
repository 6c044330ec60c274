/**
 * Builds the input of a 公益岗位 from its application and the policy — pure and workflow-safe.
 */
import type { TPolicy } from '../policy';
import { processStepLimit } from '../policy';
import type { WelfareJobApplication, WelfareJobInput } from './contracts';
import { WELFARE_JOB_KIND, WELFARE_JOB_STEPS } from './contracts';
import { DEFAULT_WELFARE_JOB_POLICY } from './rules';

/** What a caller says about a job. */
export interface WelfareJobRequest {
  processId: string;
  householdId: string;
  caseId?: string;
  region: WelfareJobInput['region'];
  villageName: string;
  application: WelfareJobApplication;
  appliedById: string;
  /** An existing post imported in post. */
  imported?: WelfareJobInput['imported'];
}

/** The welfare-job values of a policy (the defaults where it has none). */
export function welfareJobPolicyOf(policy: Pick<TPolicy, 'welfareJobs'>): WelfareJobInput['policy'] {
  return { ...DEFAULT_WELFARE_JOB_POLICY, ...(policy.welfareJobs ?? {}) };
}

/** The input of the welfare-job workflow, with its limits and values pinned from `policy`. */
export function welfareJobInput(r: WelfareJobRequest, policy: Pick<TPolicy, 'processSteps' | 'reminderLead' | 'escalationRepeat' | 'version' | 'welfareJobs'>): WelfareJobInput {
  const stepLimits = Object.fromEntries(Object.values(WELFARE_JOB_STEPS).map((s) => [s, processStepLimit(policy, WELFARE_JOB_KIND, s)])) as WelfareJobInput['stepLimits'];
  return {
    processId: r.processId, householdId: r.householdId, ...(r.caseId ? { caseId: r.caseId } : {}), region: r.region, villageName: r.villageName,
    application: r.application, appliedById: r.appliedById, stepLimits,
    limits: { reminderLead: policy.reminderLead, escalationRepeat: policy.escalationRepeat },
    policy: welfareJobPolicyOf(policy), policyVersion: policy.version, ...(r.imported ? { imported: r.imported } : {}),
  };
}
