/**
 * The two approval chains of a household case: 识别认定 (identification, lead → monitored) and
 * 风险消除 (elimination, assessment → eliminated), with who decides each step.
 */
import type { ApprovalChain } from '../blocks/approval-chain';
import type { ElimStep, IdentStep, Level, Step } from '../contracts';

/** 识别认定流程 — identification. */
export const IDENTIFICATION_CHAIN: ApprovalChain<IdentStep, 'MONITORED'> = {
  next: {
    VERIFICATION: 'VILLAGE_REVIEW', VILLAGE_REVIEW: 'PUBLIC_NOTICE', PUBLIC_NOTICE: 'TOWNSHIP_REVIEW',
    TOWNSHIP_REVIEW: 'COUNTY_APPROVAL', COUNTY_APPROVAL: 'MONITORED',
  },
  // The notice is automatic, so a return from the township goes back to the village review.
  returnTo: { VILLAGE_REVIEW: 'VERIFICATION', TOWNSHIP_REVIEW: 'VILLAGE_REVIEW', COUNTY_APPROVAL: 'TOWNSHIP_REVIEW' },
  automatic: ['PUBLIC_NOTICE'],
};

/** 风险消除流程 — elimination. */
export const ELIMINATION_CHAIN: ApprovalChain<ElimStep, 'ELIMINATED'> = {
  next: {
    ELIM_ASSESSMENT: 'ELIM_VILLAGE_REVIEW', ELIM_VILLAGE_REVIEW: 'ELIM_NOTICE', ELIM_NOTICE: 'ELIM_TOWNSHIP_REVIEW',
    ELIM_TOWNSHIP_REVIEW: 'ELIM_COUNTY_APPROVAL', ELIM_COUNTY_APPROVAL: 'ELIMINATED',
  },
  returnTo: { ELIM_VILLAGE_REVIEW: 'ELIM_ASSESSMENT', ELIM_TOWNSHIP_REVIEW: 'ELIM_VILLAGE_REVIEW', ELIM_COUNTY_APPROVAL: 'ELIM_TOWNSHIP_REVIEW' },
  automatic: ['ELIM_NOTICE'],
};

/** Who acts at a step (notices have no actor). */
export const STEP_LEVEL: Record<Exclude<Step, 'PUBLIC_NOTICE' | 'ELIM_NOTICE'>, Level> = {
  VERIFICATION: 'VILLAGE', VILLAGE_REVIEW: 'VILLAGE', TOWNSHIP_REVIEW: 'TOWNSHIP', COUNTY_APPROVAL: 'COUNTY', INVESTIGATION: 'VILLAGE',
  ELIM_ASSESSMENT: 'VILLAGE', ELIM_VILLAGE_REVIEW: 'VILLAGE', ELIM_TOWNSHIP_REVIEW: 'TOWNSHIP', ELIM_COUNTY_APPROVAL: 'COUNTY',
};

/** Whether a step belongs to the elimination procedure. */
export function isElimStep(step: Step | null): step is ElimStep {
  return step !== null && step.startsWith('ELIM_');
}

/** Automatic notice steps (公示): a timer, not a person. */
export function isNoticeStep(step: Step | null): step is 'PUBLIC_NOTICE' | 'ELIM_NOTICE' {
  return step === 'PUBLIC_NOTICE' || step === 'ELIM_NOTICE';
}

/** The chain a step belongs to. */
export function chainOf(step: IdentStep | ElimStep): ApprovalChain<IdentStep | ElimStep, 'MONITORED' | 'ELIMINATED'> {
  return (isElimStep(step) ? ELIMINATION_CHAIN : IDENTIFICATION_CHAIN) as ApprovalChain<IdentStep | ElimStep, 'MONITORED' | 'ELIMINATED'>;
}
