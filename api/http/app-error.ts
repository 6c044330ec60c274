/**
 * The one failure taxonomy of the HTTP layer: services throw an {@link AppError} with a code,
 * one table maps codes to statuses, one middleware renders them. Internals of unexpected
 * errors (500) are never shown to the caller.
 */
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';

/** Error codes and the HTTP status each maps to. */
export const APP_ERROR_STATUS = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ALREADY_DECIDED: 409,
  CASE_ALREADY_OPEN: 409,
  GONE: 410,
  POLICY_REFUSED: 422,
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

/** A code from {@link APP_ERROR_STATUS}. */
export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

/** A domain error with a code, a message safe to show, and optionally the offending field. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly field?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: AppErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }

  get status(): number {
    return APP_ERROR_STATUS[this.code];
  }
}

/** Converts a zod error into an INVALID_INPUT AppError naming the first offending field. */
export function fromZodError(err: ZodError, prefix?: string): AppError {
  const issues = err.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: i.message,
  }));
  const first = issues[0];
  return new AppError('INVALID_INPUT', `${first.field}: ${first.message}`, { field: first.field, details: { issues } });
}

/** JSON body of every error response. */
export interface ErrorBody {
  error: { code: AppErrorCode; message: string; field?: string; details?: Record<string, unknown> };
}

/** Express error middleware rendering {@link AppError}s; anything else becomes a bare 500. */
export const errorMiddleware: ErrorRequestHandler = (err, _req, res, _next) => {
  let appErr: AppError;
  if (err instanceof AppError) appErr = err;
  else if (err instanceof ZodError) appErr = fromZodError(err);
  else if (err?.type === 'entity.parse.failed') appErr = new AppError('INVALID_INPUT', 'body: malformed JSON', { field: 'body' });
  else if (err?.type === 'entity.too.large') appErr = new AppError('INVALID_INPUT', 'body: too large', { field: 'body' });
  else {
    // Log the class and message only: request bodies may carry personal data.
    console.error(`[api] unexpected error: ${err?.name ?? 'Error'}: ${err?.message ?? String(err)}`);
    appErr = new AppError('INTERNAL', 'internal error');
  }
  const body: ErrorBody = {
    error: { code: appErr.code, message: appErr.message, field: appErr.field, details: appErr.details },
  };
  res.status(appErr.status).json(body);
};
