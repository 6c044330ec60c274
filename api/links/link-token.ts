/**
 * Task-link tokens (任务链接): `<payload>.<signature>`, both base64url. The payload names the
 * link, the task (or case), the official, the purpose and the expiry; the signature is an
 * HMAC-SHA256 with the first of the configured keys, and any of them verifies (key rotation:
 * put the new key first, keep the old one until its links have expired). The database keeps only
 * the SHA-256 of the whole token.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What a link lets its official do. */
export type LinkPurpose =
  /** approve / reject / return (or dismiss) a task, or transfer it to a colleague */
  | 'DECIDE'
  /** 帮扶责任人: record a contact or a measure for a case */
  | 'CONTACT'
  /** a higher level: nudge (催办) or reassign an overdue or unassigned task */
  | 'SUPERVISE';

/** The signed claims of a link. */
export interface LinkClaims {
  v: 1;
  /** Link id (row id of TaskLink). */
  l: string;
  p: LinkPurpose;
  /** Case id (or, for a task of another process, the process id). */
  c: string;
  /** Task id (DECIDE and SUPERVISE links). */
  t?: string;
  /** Official id. */
  o: string;
  /** Expiry, seconds since the epoch. */
  e: number;
}

/** Keys and lifetimes of task links. */
export interface TaskLinkOptions {
  /** Signing keys: the first signs, all verify. */
  keys: string[];
  /** How long a task link stays valid after the task's due time (or after it was mailed, if later). @default 7 days */
  graceMs: number;
  /** Lifetime of an assistance contact's link. @default 30 days */
  contactTtlMs: number;
}

const DAY_MS = 86_400_000;
const DOMAIN = 'bangfu-task-link.v1.';

/** The default key, derived from the server secret so one machine needs no extra setting. */
export function deriveLinkKey(secret: string): string {
  return createHmac('sha256', secret).update('bangfu task-link key').digest('base64url');
}

/**
 * Link options from configuration: `TASK_LINK_KEYS` (comma-separated) or a key derived from the
 * server secret.
 */
export function taskLinkOptions(o: { secret: string; keys?: string; graceDays?: number; contactDays?: number }): TaskLinkOptions {
  const keys = o.keys ? o.keys.split(',').map((k) => k.trim()).filter(Boolean) : [deriveLinkKey(o.secret)];
  return { keys, graceMs: (o.graceDays ?? 7) * DAY_MS, contactTtlMs: (o.contactDays ?? 30) * DAY_MS };
}

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', key).update(DOMAIN + payload).digest();
}

/** Signs claims into a token. */
export function signLink(keys: readonly string[], claims: LinkClaims): string {
  if (keys.length === 0) throw new Error('no task-link key configured');
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${mac(keys[0], payload).toString('base64url')}`;
}

const TOKEN = /^([A-Za-z0-9_-]{10,1000})\.([A-Za-z0-9_-]{43})$/;

/** The claims of a token whose signature any key verifies, or `null` (forged, altered, garbled). */
export function verifyLink(keys: readonly string[], token: string): LinkClaims | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const sig = Buffer.from(m[2], 'base64url');
  // Only the canonical encoding: the spare bits of the last character must not make a second valid token.
  if (sig.toString('base64url') !== m[2]) return null;
  if (!keys.some((k) => timingSafeEqual(mac(k, m[1]), sig))) return null;
  try {
    const c = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as LinkClaims;
    const ok = c.v === 1 && typeof c.l === 'string' && typeof c.c === 'string' && typeof c.o === 'string'
      && ['DECIDE', 'CONTACT', 'SUPERVISE'].includes(c.p) && Number.isFinite(c.e);
    return ok ? c : null;
  } catch {
    return null;
  }
}

/** SHA-256 of a token, hex: what the database stores and looks links up by. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The CSRF token of a link's forms: an HMAC of the link's hash, so no cookie or session is needed. */
export function csrfToken(keys: readonly string[], tokenHash: string): string {
  return createHmac('sha256', keys[0]).update(`csrf:${tokenHash}`).digest('base64url');
}

/** Whether a submitted CSRF token belongs to this link (any key, so a rotation does not break open forms). */
export function checkCsrf(keys: readonly string[], tokenHash: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string' || submitted.length !== 43) return false;
  const got = Buffer.from(submitted, 'base64url');
  return keys.some((k) => {
    const want = createHmac('sha256', k).update(`csrf:${tokenHash}`).digest();
    return got.length === want.length && timingSafeEqual(got, want);
  });
}
