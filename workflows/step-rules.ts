/**
 * The order of steps (识别认定流程 and 风险消除流程) and what "return to the previous step"
 * means at each one. Pure data, shared by the workflow and its validators.
 */
import type { Step } from './contracts';

/** The step after an approval. `MONITORED`/`ELIMINATED` end the procedure. */
export const NEXT_STEP: Record<Step, Step | 'MONITORED' | 'ELIMINATED' | null> = {
  VERIFICATION: 'VILLAGE_REVIEW',
  VILLAGE_REVIEW: 'PUBLIC_NOTICE',
  PUBLIC_NOTICE: 'TOWNSHIP_REVIEW',
  TOWNSHIP_REVIEW: 'COUNTY_APPROVAL',
  COUNTY_APPROVAL: 'MONITORED',
  ELIM_ASSESSMENT: 'ELIM_VILLAGE_REVIEW',
  ELIM_VILLAGE_REVIEW: 'ELIM_NOTICE',
  ELIM_NOTICE: 'ELIM_TOWNSHIP_REVIEW',
  ELIM_TOWNSHIP_REVIEW: 'ELIM_COUNTY_APPROVAL',
  ELIM_COUNTY_APPROVAL: 'ELIMINATED',
  INVESTIGATION: null,
};

/**
 * Where "return" (退回) sends a case: the previous step a person decides. The public notice is
 * automatic, so a return from the township goes back to the village review. The first step of
 * each procedure has nothing to return to.
 */
export const RETURN_TO: Partial<Record<Step, Step>> = {
  VILLAGE_REVIEW: 'VERIFICATION',
  TOWNSHIP_REVIEW: 'VILLAGE_REVIEW',
  COUNTY_APPROVAL: 'TOWNSHIP_REVIEW',
  ELIM_VILLAGE_REVIEW: 'ELIM_ASSESSMENT',
  ELIM_TOWNSHIP_REVIEW: 'ELIM_VILLAGE_REVIEW',
  ELIM_COUNTY_APPROVAL: 'ELIM_TOWNSHIP_REVIEW',
};

/** Automatic notice steps (公示): a timer, not a person. */
export function isNoticeStep(step: Step | null): step is 'PUBLIC_NOTICE' | 'ELIM_NOTICE' {
  return step === 'PUBLIC_NOTICE' || step === 'ELIM_NOTICE';
}

/** Whether a step belongs to the elimination procedure. */
export function isElimStep(step: Step | null): boolean {
  return step !== null && step.startsWith('ELIM_');
}
