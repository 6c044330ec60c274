/**
 * Maps Temporal failures of Updates and starts to the HTTP error table. Validator refusals
 * carry a `[CODE] message` prefix (see workflows/validators.ts).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { AppError } from '../http/app-error';
import type { AppErrorCode } from '../http/app-error';

const REFUSAL_TO_APP: Record<string, { code: AppErrorCode; field?: string }> = {
  TASK_NOT_OPEN: { code: 'CONFLICT' },
  ALREADY_DECIDED: { code: 'ALREADY_DECIDED' },
  WRONG_LEVEL: { code: 'FORBIDDEN' },
  NOT_ASSIGNEE: { code: 'FORBIDDEN' },
  REASON_REQUIRED: { code: 'INVALID_INPUT', field: 'reason' },
  INVALID_DATE: { code: 'INVALID_INPUT' },
  ACTION_NOT_ALLOWED: { code: 'POLICY_REFUSED', field: 'action' },
  CONSENT_REQUIRED: { code: 'POLICY_REFUSED', field: 'consentSigned' },
  TOO_EARLY: { code: 'POLICY_REFUSED' },
  NO_IMPLEMENTED_MEASURE: { code: 'POLICY_REFUSED' },
  NO_LABOUR_HOUSEHOLD: { code: 'POLICY_REFUSED' },
  CRITERIA_NOT_MET: { code: 'POLICY_REFUSED', field: 'criteria' },
  WRONG_STATE: { code: 'CONFLICT' },
  NOT_FOUND: { code: 'NOT_FOUND' },
  DUPLICATE: { code: 'CONFLICT' },
  WRONG_COLLEAGUE: { code: 'POLICY_REFUSED', field: 'toOfficialId' },
};

/** Turns an Update failure into an {@link AppError}; rethrows anything unrelated. */
export function mapTemporalError(err: unknown): never {
  if (err instanceof WorkflowNotFoundError) throw new AppError('CONFLICT', 'the case is closed and takes no more actions');
  const message = err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? err.message) : err instanceof Error ? err.message : String(err);
  const m = /^\[([A-Z_]+)\] (.*)$/s.exec(message);
  if (m) {
    const mapped = REFUSAL_TO_APP[m[1]] ?? { code: 'POLICY_REFUSED' as const };
    const fieldFromMessage = /^([a-zA-Z]+): /.exec(m[2])?.[1];
    throw new AppError(mapped.code, m[2], { field: fieldFromMessage ?? mapped.field, details: { refusal: m[1] } });
  }
  if (err instanceof Error && /workflow execution already completed|not found/i.test(err.message)) {
    throw new AppError('CONFLICT', 'the case is closed and takes no more actions');
  }
  throw err;
}
