/**
 * Refusals (拒绝办理): what a validator or a transition refuses, as an `ApplicationFailure` whose
 * `type` is the refusal code and whose details name the field. The API maps them by type — it
 * never parses a message.
 */
import { ApplicationFailure } from '@temporalio/workflow';

/** Refusal codes; the API's error table maps each to an HTTP status. */
export const REFUSAL_CODES = [
  'TASK_NOT_OPEN', 'WRONG_LEVEL', 'NOT_ASSIGNEE', 'ALREADY_DECIDED', 'REASON_REQUIRED', 'ACTION_NOT_ALLOWED',
  'CONSENT_REQUIRED', 'TOO_EARLY', 'NO_IMPLEMENTED_MEASURE', 'NO_LABOUR_HOUSEHOLD', 'CRITERIA_NOT_MET',
  'WRONG_STATE', 'NOT_FOUND', 'DUPLICATE', 'INVALID_DATE', 'WRONG_COLLEAGUE', 'ROLLBACK_WINDOW_PASSED',
  /** Data the database can never store (e.g. a NUL byte); the case stays usable. */
  'BAD_DATA',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Structured details of a refusal (the first detail of the failure). */
export interface RefusalDetails {
  refusal: RefusalCode;
  field?: string;
}

/** A refusal as a value, for pure rules that report rather than throw. */
export interface Refusal {
  code: RefusalCode;
  message: string;
  field?: string;
}

/** Throws the refusal as a non-retryable `ApplicationFailure` typed by its code. */
export function refuse(code: RefusalCode, message: string, field?: string): never {
  throw refusalFailure({ code, message, field });
}

/** The `ApplicationFailure` of a refusal. */
export function refusalFailure(r: Refusal): ApplicationFailure {
  const details: RefusalDetails = { refusal: r.code, ...(r.field ? { field: r.field } : {}) };
  return ApplicationFailure.create({ type: r.code, message: r.message, details: [details], nonRetryable: true });
}

/** Whether a value is one of the refusal codes. */
export function isRefusalCode(v: unknown): v is RefusalCode {
  return typeof v === 'string' && (REFUSAL_CODES as readonly string[]).includes(v);
}
