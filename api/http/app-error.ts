/**
 * The one failure taxonomy of the HTTP layer: services throw an {@link AppError} with a code,
 * one table maps codes to statuses, one middleware renders them. Internals of unexpected
 * errors (500) are never shown to the caller.
 */
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { DEPENDENCY_MESSAGES, downDependency } from './dependency-errors';
import type { MessageLang } from './messages';
import { apiLang, appErrorMessage, fieldName, issueMessage, refusal } from './messages';

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
  UNSUPPORTED_MEDIA_TYPE: 415,
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

/**
 * Converts a zod error into an INVALID_INPUT AppError naming the first offending field, worded
 * for a person in `lang` ("body.household.headName: required" / "户主姓名：必填"). `input` is the
 * value that was validated (it tells a missing field from a wrong one; it is never echoed).
 */
export function fromZodError(err: ZodError, prefix?: string, lang: MessageLang = 'en', input?: unknown): AppError {
  const issues = err.issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter((p): p is string => !!p);
    return { field: path.join('.') || '(body)', message: issueMessage(i, lang, input), label: fieldName(path, lang) };
  });
  const first = issues[0];
  return new AppError('INVALID_INPUT', refusal(first.label, first.message, lang), {
    field: first.field,
    details: { issues: issues.map(({ field, message }) => ({ field, message })) },
  });
}

/**
 * Any error as an {@link AppError}: AppErrors and zod errors as they are; the body parser's and
 * router's client errors (malformed JSON, unsupported charset, undecodable percent-encoding, too
 * large) as 4xx; a dependency outage as 503; anything else as an INTERNAL 500 (logged by class and
 * message only: request bodies may carry personal data).
 */
export function toAppError(err: any, lang: MessageLang = 'en', where = 'api'): AppError {
  const zh = lang === 'zh-CN';
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return fromZodError(err, undefined, lang);
  switch (err?.type) {
    case 'entity.parse.failed':
      return new AppError('INVALID_INPUT', zh ? '请求内容：JSON 格式不正确' : 'body: malformed JSON', { field: 'body' });
    case 'entity.too.large':
      return new AppError('INVALID_INPUT', zh ? '请求内容：太大' : 'body: too large', { field: 'body' });
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', zh ? `Content-Type：不支持字符集 ${String(err.charset ?? '')}，请用 UTF-8` : `Content-Type: charset ${String(err.charset ?? '')} is not supported; send UTF-8`, { field: 'Content-Type' });
    case 'encoding.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', zh ? 'Content-Encoding：不支持该压缩方式' : 'Content-Encoding: not supported', { field: 'Content-Encoding' });
    case 'parameters.too.many':
      return new AppError('INVALID_INPUT', zh ? '请求内容：字段太多' : 'body: too many fields', { field: 'body' });
    case 'form.encoding.malformed':
      return new AppError('INVALID_INPUT', zh ? '请求内容：百分号编码无法解码' : 'body: malformed percent-encoding', { field: 'body' });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('INVALID_INPUT', zh ? '请求内容：不完整' : 'body: incomplete request', { field: 'body' });
  }
  if (err instanceof URIError || (err?.status === 400 && /URI|decode param/i.test(String(err?.message)))) {
    return new AppError('INVALID_INPUT', zh ? '路径：百分号编码无法解码' : 'path: malformed percent-encoding', { field: 'path' });
  }
  const down = downDependency(err);
  if (down) return new AppError('UNAVAILABLE', DEPENDENCY_MESSAGES[down][lang], { details: { dependency: down } });
  const status = Number(err?.status ?? err?.statusCode);
  if (status >= 400 && status < 500 && err?.expose !== false) {
    return new AppError(status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status === 404 ? 'NOT_FOUND' : 'INVALID_INPUT', zh ? '请求无效' : 'bad request');
  }
  console.error(`[${where}] unexpected error: ${err?.name ?? 'Error'}: ${err?.message ?? String(err)}`);
  return new AppError('INTERNAL', zh ? '内部错误' : 'internal error');
}

/** JSON body of every error response. */
export interface ErrorBody {
  error: { code: AppErrorCode; message: string; field?: string; details?: Record<string, unknown> };
}

/**
 * Express error middleware rendering every error through {@link toAppError}, a typed refusal worded
 * in the caller's language ({@link appErrorMessage}); a 503 carries Retry-After.
 */
export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  const lang = apiLang(req);
  const appErr = toAppError(err, lang);
  const body: ErrorBody = {
    error: { code: appErr.code, message: appErrorMessage(appErr, lang), field: appErr.field, details: appErr.details },
  };
  if (appErr.status === 503) res.setHeader('Retry-After', '5');
  res.status(appErr.status).json(body);
};
