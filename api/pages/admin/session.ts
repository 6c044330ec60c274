/**
 * Admin sessions: an official exchanges an API token (ADMIN, COUNTY or TOWNSHIP) for a session
 * cookie. The cookie is signed with an HMAC key derived from the server secret and names the
 * official and the token it was opened with; every request re-checks that token, so revoking it
 * (or deactivating the official) ends the session. Every session is also a row of
 * `AdminSession` (the SHA-256 of its id), shared by all API processes: a logout on one process
 * ends it on every other. POST forms carry a CSRF token bound to the session; the cookie is
 * HttpOnly and SameSite=Strict.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import type { Request, Response } from 'express';
import type { AuthOfficial, RegionLevel } from '../../auth/authenticate';
import { hashToken } from '../../auth/tokens';
import type { Role } from '../../../workflows/contracts';

/** Roles that may use the admin pages; each sees its own region only (a grid worker, GRID, their grid page only). */
export const ADMIN_PAGE_ROLES: readonly Role[] = ['ADMIN', 'COUNTY', 'TOWNSHIP', 'GRID'];

/** Name of the session cookie. */
export const SESSION_COOKIE = 'bf_admin';
/** Name of the login-form nonce cookie (login CSRF). */
export const LOGIN_COOKIE = 'bf_login';
/** Session lifetime. @default 8 hours */
export const SESSION_TTL_MS = 8 * 3_600_000;

/** What the cookie carries (no personal data). */
export interface SessionPayload {
  /** Random session id. */
  sid: string;
  officialId: string;
  tokenId: string;
  /** Expiry, epoch ms. */
  exp: number;
}

function sessionKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('bangfu/admin-session/v1').digest();
}

function sign(secret: string, data: string): string {
  return createHmac('sha256', sessionKey(secret)).update(data).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Parses a Cookie header. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      /* a malformed cookie is ignored */
    }
  }
  return out;
}

/** Seals a session into a cookie value: base64url(JSON) + "." + HMAC. */
export function sealSession(secret: string, p: SessionPayload): string {
  const data = Buffer.from(JSON.stringify(p)).toString('base64url');
  return `${data}.${sign(secret, data)}`;
}

/** Opens a cookie value; null when forged or expired (whether it was logged out is in the database). */
export function openSession(secret: string, value: string | undefined, now = Date.now()): SessionPayload | null {
  if (!value) return null;
  const [data, mac] = value.split('.');
  if (!data || !mac || !safeEqual(mac, sign(secret, data))) return null;
  let p: SessionPayload;
  try {
    p = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as SessionPayload;
  } catch {
    return null;
  }
  if (typeof p.exp !== 'number' || p.exp <= now || typeof p.sid !== 'string') return null;
  return p;
}

function sidHash(sid: string): string {
  return createHash('sha256').update(sid).digest('hex');
}

/** Records a new session (on sign-in); expired rows are swept at the same time. */
export async function recordSession(prisma: PrismaClient, p: SessionPayload): Promise<void> {
  await prisma.adminSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  await prisma.adminSession.create({ data: { sidHash: sidHash(p.sid), officialId: p.officialId, tokenId: p.tokenId, expiresAt: new Date(p.exp) } });
}

/** Ends a session (logout) for every API process. */
export async function endSession(prisma: PrismaClient, p: SessionPayload): Promise<void> {
  await prisma.adminSession.updateMany({ where: { sidHash: sidHash(p.sid), endedAt: null }, data: { endedAt: new Date() } });
}

/** The CSRF token of a session (or of a login nonce). */
export function csrfToken(secret: string, sid: string): string {
  return sign(secret, `csrf:${sid}`);
}

/** Whether a submitted CSRF token matches. */
export function checkCsrf(secret: string, sid: string, submitted: unknown): boolean {
  return typeof submitted === 'string' && safeEqual(submitted, csrfToken(secret, sid));
}

function cookieAttrs(req: Request, path: string, maxAgeSeconds: number): string {
  return `; Path=${path}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${req.secure ? '; Secure' : ''}`;
}

/** Sets the session cookie. */
export function setSessionCookie(req: Request, res: Response, value: string): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=${value}${cookieAttrs(req, '/admin', Math.floor(SESSION_TTL_MS / 1000))}`);
}

/** Clears the session cookie. */
export function clearSessionCookie(req: Request, res: Response): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=${cookieAttrs(req, '/admin', 0)}`);
}

/** Issues a login nonce cookie and returns the nonce for the form. */
export function issueLoginNonce(req: Request, res: Response): string {
  const nonce = randomBytes(16).toString('base64url');
  res.append('Set-Cookie', `${LOGIN_COOKIE}=${nonce}${cookieAttrs(req, '/admin', 3600)}`);
  return nonce;
}

/** A new session for an official and token. */
export function newSession(officialId: string, tokenId: string, now = Date.now()): SessionPayload {
  return { sid: randomBytes(18).toString('base64url'), officialId, tokenId, exp: now + SESSION_TTL_MS };
}

/** Why a token cannot open an admin session. */
export type LoginRefusal = 'UNKNOWN_TOKEN' | 'REVOKED' | 'INACTIVE' | 'ROLE';

/** Resolves a live token of an active official; null (with a reason) otherwise. */
async function officialOfToken(prisma: PrismaClient, where: { tokenHash: string } | { id: string }): Promise<{ official: AuthOfficial; tokenId: string } | LoginRefusal> {
  const row = await prisma.apiToken.findUnique({ where, include: { official: { include: { region: { select: { level: true } } } } } });
  if (!row) return 'UNKNOWN_TOKEN';
  if (row.revokedAt) return 'REVOKED';
  if (!row.official.active) return 'INACTIVE';
  const o = row.official;
  if (!ADMIN_PAGE_ROLES.includes(o.role as Role)) return 'ROLE';
  return {
    tokenId: row.id,
    official: { id: o.id, name: o.name, role: o.role as Role, regionCode: o.regionCode, language: o.language, regionLevel: o.region.level as RegionLevel },
  };
}

/** Checks a plain API token offered on the login form. */
export function loginWithToken(prisma: PrismaClient, token: string): Promise<{ official: AuthOfficial; tokenId: string } | LoginRefusal> {
  return officialOfToken(prisma, { tokenHash: hashToken(token.trim()) });
}

/** The official of a valid session cookie, or null. */
export async function officialOfSession(prisma: PrismaClient, secret: string, req: Request): Promise<{ official: AuthOfficial; session: SessionPayload } | null> {
  const session = openSession(secret, parseCookies(req.headers.cookie)[SESSION_COOKIE]);
  if (!session) return null;
  const row = await prisma.adminSession.findUnique({ where: { sidHash: sidHash(session.sid) } });
  if (!row || row.endedAt || row.expiresAt.getTime() <= Date.now() || row.officialId !== session.officialId) return null;
  const r = await officialOfToken(prisma, { id: session.tokenId });
  if (typeof r === 'string' || r.official.id !== session.officialId) return null;
  return { official: r.official, session };
}
