/**
 * Builds the input of a 小额信贷 loan from its application and the policy — pure and
 * workflow-safe, so the API and an import start the same loan the same way.
 */
import type { TPolicy } from '../policy';
import { processStepLimit } from '../policy';
import type { LoanApplication, MicrocreditInput, MicrocreditStep } from './contracts';
import { MICROCREDIT_KIND, MICROCREDIT_STEPS } from './contracts';
import { DEFAULT_MICROCREDIT_POLICY } from './rules';

/** What a caller says about a loan. */
export interface MicrocreditRequest {
  processId: string;
  householdId: string;
  caseId?: string;
  region: MicrocreditInput['region'];
  villageName: string;
  application: LoanApplication;
  appliedById: string;
  /** An existing loan imported disbursed. */
  imported?: MicrocreditInput['imported'];
}

/** The microcredit values of a policy (the defaults where it has none). */
export function microcreditPolicyOf(policy: Pick<TPolicy, 'microcredit'>): MicrocreditInput['policy'] {
  return { ...DEFAULT_MICROCREDIT_POLICY, ...(policy.microcredit ?? {}) };
}

/** The input of the microcredit workflow, with its limits and values pinned from `policy`. */
export function microcreditInput(r: MicrocreditRequest, policy: Pick<TPolicy, 'processSteps' | 'reminderLead' | 'escalationRepeat' | 'version' | 'microcredit'>): MicrocreditInput {
  const stepLimits = Object.fromEntries(
    Object.values(MICROCREDIT_STEPS).map((s) => [s, processStepLimit(policy, MICROCREDIT_KIND, s)]),
  ) as MicrocreditInput['stepLimits'];
  return {
    processId: r.processId, householdId: r.householdId, ...(r.caseId ? { caseId: r.caseId } : {}), region: r.region, villageName: r.villageName,
    application: r.application, appliedById: r.appliedById, stepLimits,
    limits: { reminderLead: policy.reminderLead, escalationRepeat: policy.escalationRepeat },
    policy: microcreditPolicyOf(policy), policyVersion: policy.version, ...(r.imported ? { imported: r.imported } : {}),
  };
}

export type { MicrocreditStep };
