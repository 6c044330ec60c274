/**
 * 翻页游标 — the opaque cursor of a case list page (keyset pagination). A list is ordered newest
 * first (`openedAt` descending, then `id` ascending); a cursor names one row's place in that order
 * and a direction: `after` it (the next page) or `before` it (the previous page). Encoded as
 * base64url of `a|b`, the instant in epoch milliseconds and the case id, so it carries nothing
 * but a position (no filter, no personal data) and a client cannot mistake it for a page number.
 */

/** A position in the case list order and the direction to read from it. */
export interface CaseCursor {
  dir: 'after' | 'before';
  openedAt: Date;
  id: string;
}

/** Longest accepted cursor (an id is at most 100 characters). */
export const CASE_CURSOR_MAX_LENGTH = 200;

/** Encodes a cursor (URL-safe). */
export function encodeCaseCursor(c: CaseCursor): string {
  return Buffer.from(`${c.dir === 'after' ? 'a' : 'b'}${c.openedAt.getTime()}.${c.id}`, 'utf8').toString('base64url');
}

/** Decodes a cursor, or null when the text is not one this list made. */
export function decodeCaseCursor(text: string): CaseCursor | null {
  if (text.length === 0 || text.length > CASE_CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const m = /^([ab])(-?\d{1,15})\.([\x21-\x7e]{1,100})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!m) return null;
  const openedAt = new Date(Number(m[2]));
  if (Number.isNaN(openedAt.getTime())) return null;
  return { dir: m[1] === 'a' ? 'after' : 'before', openedAt, id: m[3] };
}
