/**
 * A net under every route, pages included: a path that does not percent-decode, or a path, query
 * or JSON body carrying a NUL byte or an unpaired surrogate, is refused with a 400 naming where —
 * before any handler hands it to PostgreSQL (which cannot store NUL) or to a page.
 */
import type { RequestHandler } from 'express';
import { TEXT_PROBLEM_MESSAGES, findUnsafeText, textProblem } from '../../core/text';
import { AppError } from './app-error';
import { apiLang, fieldName, refusal } from './messages';

/** Express middleware; mount it after the body parsers. */
export const rejectHostileInput: RequestHandler = (req, _res, next) => {
  const lang = apiLang(req);
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    next(new AppError('INVALID_INPUT', lang === 'zh-CN' ? '路径：百分号编码无法解码' : 'path: malformed percent-encoding', { field: 'path' }));
    return;
  }
  const pathProblem = textProblem(path);
  if (pathProblem) {
    next(new AppError('INVALID_INPUT', refusal(lang === 'zh-CN' ? '路径' : 'path', TEXT_PROBLEM_MESSAGES[pathProblem][lang], lang), { field: 'path' }));
    return;
  }
  for (const [where, value] of [['query', req.query], ['body', req.body instanceof Uint8Array ? undefined : req.body]] as const) {
    const unsafe = findUnsafeText(value);
    if (unsafe) {
      const p = [where, ...unsafe.path.map(String)];
      next(new AppError('INVALID_INPUT', refusal(fieldName(p, lang), TEXT_PROBLEM_MESSAGES[unsafe.problem][lang], lang), { field: p.join('.') }));
      return;
    }
  }
  next();
};

/** The body parser's error type of a form body whose percent-encoding does not decode. */
export const MALFORMED_FORM_TYPE = 'form.encoding.malformed';

/**
 * `verify` option of `express.urlencoded`: a form body whose percent-encoding does not decode
 * (`%E0%A4%A`, an encoded surrogate `%ED%A0%80`, a bare `%`) is refused before parsing — the parser
 * would otherwise store U+FFFD in place of what was sent, changing the text without a word.
 */
export function verifyFormEncoding(_req: unknown, _res: unknown, buf: Buffer): void {
  for (const part of buf.toString('utf8').split(/[&=]/)) {
    if (!part.includes('%')) continue;
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw Object.assign(new Error('body: malformed percent-encoding'), { status: 400, type: MALFORMED_FORM_TYPE });
    }
  }
}
