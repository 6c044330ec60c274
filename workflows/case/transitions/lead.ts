/** 线索登记 — a lead received: the case opens at 入户核实 with the identification SLA running. */
import type { CaseInput } from '../../contracts';
import { Draft } from '../draft';
import type { CaseFacts, Transition } from '../draft';
import type { CaseState } from '../state';

/** The lead's facts the audit trail keeps (no personal data). */
export type LeadFacts = Pick<CaseInput, 'openedBy' | 'openedAt' | 'channel' | 'riskTypes' | 'previousCaseId'>;

/** Opens the case: LEAD_RECEIVED, the SLA deadline, the verification task. */
export function receiveLead(state: CaseState, facts: CaseFacts, now: number, lead: LeadFacts): Transition {
  const d = new Draft(state, facts, now);
  d.deadline('slaDueAt', Date.parse(lead.openedAt), facts.policy.identificationSla);
  d.event({
    action: 'LEAD_RECEIVED', actorId: lead.openedBy,
    data: { channel: lead.channel, riskTypes: lead.riskTypes, previousCaseId: lead.previousCaseId, policyVersion: facts.policy.version },
  });
  d.enterStep('IDENTIFYING', 'VERIFICATION');
  return d.done();
}
