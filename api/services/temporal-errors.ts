/**
 * Maps Temporal failures of Updates and starts to the HTTP error table. Refusals are
 * `ApplicationFailure`s typed by their refusal code with the field in their details (see
 * workflows/refusals.ts): mapped by type, never by parsing a message.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError } from '../http/app-error';
import type { AppErrorCode } from '../http/app-error';
import type { RefusalCode, RefusalDetails } from '../../workflows/refusals';
import { isRefusalCode } from '../../workflows/refusals';

/** HTTP error of each refusal. */
const REFUSAL_TO_APP: Record<RefusalCode, AppErrorCode> = {
  TASK_NOT_OPEN: 'CONFLICT',
  ALREADY_DECIDED: 'ALREADY_DECIDED',
  WRONG_LEVEL: 'FORBIDDEN',
  NOT_ASSIGNEE: 'FORBIDDEN',
  REASON_REQUIRED: 'INVALID_INPUT',
  INVALID_DATE: 'INVALID_INPUT',
  ACTION_NOT_ALLOWED: 'POLICY_REFUSED',
  CONSENT_REQUIRED: 'POLICY_REFUSED',
  TOO_EARLY: 'POLICY_REFUSED',
  NO_IMPLEMENTED_MEASURE: 'POLICY_REFUSED',
  NO_LABOUR_HOUSEHOLD: 'POLICY_REFUSED',
  CRITERIA_NOT_MET: 'POLICY_REFUSED',
  WRONG_STATE: 'CONFLICT',
  NOT_FOUND: 'NOT_FOUND',
  DUPLICATE: 'CONFLICT',
  WRONG_COLLEAGUE: 'POLICY_REFUSED',
  ROLLBACK_WINDOW_PASSED: 'POLICY_REFUSED',
  BAD_DATA: 'INVALID_INPUT',
};

/** Turns an Update failure into an {@link AppError}; rethrows anything unrelated. */
export function mapTemporalError(err: unknown): never {
  if (err instanceof WorkflowNotFoundError) throw new AppError('CONFLICT', 'the case is closed and takes no more actions');
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  if (cause instanceof ApplicationFailure && isRefusalCode(cause.type)) {
    const details = (cause.details?.[0] ?? {}) as Partial<RefusalDetails>;
    throw new AppError(REFUSAL_TO_APP[cause.type], cause.message, { field: details.field, details: { refusal: cause.type } });
  }
  if (err instanceof Error && /workflow execution already completed|not found/i.test(err.message)) {
    throw new AppError('CONFLICT', 'the case is closed and takes no more actions');
  }
  throw err;
}
