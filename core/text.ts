/**
 * Safe text (安全文本): the one rule every string that crosses a boundary obeys — no NUL byte
 * (PostgreSQL `text` cannot store it) and no unpaired UTF-16 surrogate (not Unicode; it cannot be
 * encoded as UTF-8). Pure code with only zod: the API's input schemas, the import parser and the
 * workflow validators may all use it.
 */
import { z } from 'zod';

/** Why a string is refused by {@link textProblem}. */
export type TextProblem = 'NUL' | 'LONE_SURROGATE';

/** The first problem of a string, or `undefined` when it is safe to store and show. */
export function textProblem(s: string): TextProblem | undefined {
  if (s.includes('\u0000')) return 'NUL';
  // A high surrogate not followed by a low one, or a low one not preceded by a high one.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) return 'LONE_SURROGATE';
  return undefined;
}

/** Messages of {@link TextProblem}s, in both languages. */
export const TEXT_PROBLEM_MESSAGES: Record<TextProblem, { 'zh-CN': string; en: string }> = {
  NUL: { 'zh-CN': '不能包含空字符（NUL）', en: 'must not contain NUL characters' },
  LONE_SURROGATE: { 'zh-CN': '含有无效的 Unicode 字符（孤立代理项）', en: 'contains invalid Unicode (an unpaired surrogate)' },
};

/**
 * A zod string that refuses NUL bytes and unpaired surrogates (issue `custom` with
 * `params.textProblem`). Chain the usual checks after it: `safeText().trim().min(1).max(50)`.
 * Every free-text input schema of the API is built from this.
 */
export function safeText(): z.ZodString {
  return z.string().check((ctx) => {
    const problem = textProblem(ctx.value);
    if (problem) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: TEXT_PROBLEM_MESSAGES[problem].en, params: { textProblem: problem } });
    }
  });
}

/**
 * Walks a parsed value (JSON body, query, params) and returns the path of the first string — or
 * object key — that {@link textProblem} refuses. Catches fields no schema names (extra keys).
 */
export function findUnsafeText(value: unknown, path: (string | number)[] = [], depth = 0): { path: (string | number)[]; problem: TextProblem } | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path, problem } : undefined;
  }
  if (depth > 64 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], [...path, i], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const keyProblem = textProblem(k);
    if (keyProblem) return { path: [...path, k], problem: keyProblem };
    const found = findUnsafeText(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Escapes `\`, `%` and `_` so user text is matched literally by SQL `LIKE` (PostgreSQL's default
 * escape character is the backslash; Prisma's `contains`/`startsWith`/`endsWith` pass the value
 * into a LIKE pattern unescaped).
 */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
