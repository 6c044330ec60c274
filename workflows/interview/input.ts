/**
 * Builds the input of a 约谈 from its request and the policy — pure and workflow-safe, so the API
 * and a parent workflow (report, fund project) start the same interview the same way.
 */
import type { Level } from '../contracts';
import type { TPolicy } from '../policy';
import { processStepLimit } from '../policy';
import type { InterviewInput, InterviewSubject } from '../process-contracts';
import { INTERVIEW_KIND, INTERVIEW_STEP } from '../process-contracts';

/** What a caller says about an interview. */
export interface InterviewRequest {
  /** Process id; derive it from the caller's own key (e.g. `YT-<report>-<unit>`) so a repeat starts nothing new. */
  processId: string;
  subject: InterviewSubject;
  /** The subject's region chain. */
  region: { villageCode?: string | null; townshipCode?: string | null; countyCode: string };
  reason: string;
  supervisorId?: string;
  requestedBy?: InterviewInput['requestedBy'];
}

/** The level that interviews a unit: the level above it (a county is interviewed by its own county bureau's supervisor, or a named one). */
export function supervisorLevel(subject: InterviewSubject['level']): Level {
  return subject === 'VILLAGE' ? 'TOWNSHIP' : 'COUNTY';
}

/** The input of the 约谈 workflow, with the limits pinned from `policy`. */
export function interviewInput(r: InterviewRequest, policy: Pick<TPolicy, 'processSteps' | 'reminderLead' | 'escalationRepeat' | 'version'>): InterviewInput {
  const level = supervisorLevel(r.subject.level);
  return {
    processId: r.processId, subject: r.subject, region: r.region, reason: r.reason, ...(r.supervisorId ? { supervisorId: r.supervisorId } : {}),
    level, supervisorRegionCode: level === 'TOWNSHIP' ? (r.region.townshipCode ?? r.region.countyCode) : r.region.countyCode,
    limit: processStepLimit(policy, INTERVIEW_KIND, INTERVIEW_STEP),
    limits: { reminderLead: policy.reminderLead, escalationRepeat: policy.escalationRepeat },
    ...(r.requestedBy ? { requestedBy: r.requestedBy } : {}), policyVersion: policy.version,
  };
}
