/**
 * 查询令牌 — the admin search text (which may be a resident ID number or a name) never travels
 * in a URL: the search form is POSTed, and the list it redirects to carries an opaque token
 * instead — the text sealed with AES-256-GCM under a key derived from the server secret, bound to
 * the session (so a copied link is useless elsewhere) and expiring. Stateless, so any API process
 * can open it.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Lifetime of a search token. @default 8 hours (a session's) */
export const SEARCH_TOKEN_TTL_MS = 8 * 3_600_000;

function key(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'bangfu-admin-search', 'search-token-v1', 32));
}

/** Seals `q` for the session `sid`. */
export function sealSearch(secret: string, sid: string, q: string, now = Date.now()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(secret), iv);
  cipher.setAAD(Buffer.from(`search:${sid}`));
  const body = Buffer.concat([cipher.update(JSON.stringify({ q, exp: now + SEARCH_TOKEN_TTL_MS }), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Opens a token sealed by {@link sealSearch} for the same session; `null` when forged, foreign or expired. */
export function openSearch(secret: string, sid: string, token: string, now = Date.now()): string | null {
  try {
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < 29 || raw.length > 4096) return null;
    const decipher = createDecipheriv('aes-256-gcm', key(secret), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(`search:${sid}`));
    decipher.setAuthTag(raw.subarray(12, 28));
    const p = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as { q?: unknown; exp?: unknown };
    return typeof p.q === 'string' && typeof p.exp === 'number' && p.exp > now ? p.q : null;
  } catch {
    return null;
  }
}

/** Whether a search text looks like a resident ID number (or a long run of digits): such text never goes into a URL. */
export function looksLikeIdNumber(q: string): boolean {
  return /\d{15,}|^\d{6,}[\dXx]$/.test(q.replace(/\s/g, ''));
}
