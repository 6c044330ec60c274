/**
 * Who is calling, and what they may see.
 *
 * - {@link authenticate} resolves `Authorization: Bearer <token>` to an active official
 *   (`req.official`), or refuses with 401.
 * - {@link requireRole} refuses other roles with 403.
 * - {@link caseScopeWhere} and {@link assertRegionAccess} confine an official to their region
 *   (行政区划): a village official to the village, a township official to its villages, a county
 *   official or administrator to the county; an administrator at city level sees everything
 *   (a deployment serves at most one city).
 */
import type { Prisma, PrismaClient } from '@prisma/client';
import type { RequestHandler, Request, Response } from 'express';
import type { AuthThrottle } from '../http/auth-throttle';
import type { Role } from '../../workflows/contracts';
import { AppError } from '../http/app-error';
import { hashToken } from './tokens';
import { tokenOfficial, villageAncestry } from '../services/hot-reads';

/** Levels of the region tree. */
export type RegionLevel = 'PROVINCE' | 'CITY' | 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';

/** The authenticated official, as handlers see it on `req.official`. */
export interface AuthOfficial {
  id: string;
  name: string;
  /** VILLAGE 村 | TOWNSHIP 乡镇 | COUNTY 县 | ADMIN 管理员 | CONTACT 帮扶责任人 */
  role: Role;
  regionCode: string;
  /** Preferred language of pages and emails: `zh-CN` or `en`. */
  language: string;
  /** Level of {@link regionCode}. */
  regionLevel: RegionLevel;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by {@link authenticate}. */
    official?: AuthOfficial;
  }
}

/** The region chain of a village, as cases carry it. */
export interface RegionChain {
  villageCode: string;
  townshipCode: string;
  countyCode: string;
}

/** `lastUsedAt` is written at most this often per token, not on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Middleware: requires a valid bearer token of an active official and sets `req.official`.
 * Refuses with 401 UNAUTHENTICATED when the header is missing or malformed, the token unknown or
 * revoked, or the official deactivated.
 */
export function authenticate(prisma: PrismaClient, throttle?: AuthThrottle): RequestHandler {
  const tooMany = (res: Response, seconds: number): AppError => {
    res.setHeader('Retry-After', String(seconds));
    return new AppError('TOO_MANY_REQUESTS', `Authorization: too many unknown tokens from this address; try again in ${seconds} s`, { field: 'Authorization' });
  };
  // A guessed token counts against the address; past the limit the address waits (429).
  const refuse = async (req: Request, res: Response, message: string): Promise<never> => {
    // Only a failed token pays for the throttle: an address past the limit waits (429); a valid token never queries it.
    const blocked = throttle ? await throttle.blocked(req.ip ?? 'unknown') : null;
    if (blocked !== null) throw tooMany(res, blocked);
    const wait = throttle ? await throttle.fail(req.ip ?? 'unknown') : null;
    if (wait !== null) throw tooMany(res, wait);
    throw new AppError('UNAUTHENTICATED', message, { field: 'Authorization' });
  };
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) {
      throw new AppError('UNAUTHENTICATED', 'Authorization: a bearer token is required (Authorization: Bearer <token>)', {
        field: 'Authorization',
      });
    }
    const token = BEARER.exec(header)?.[1];
    if (!token) {
      throw new AppError('UNAUTHENTICATED', 'Authorization: expected "Bearer <token>"', { field: 'Authorization' });
    }
    const row = await tokenOfficial(prisma, hashToken(token));
    if (!row) return refuse(req, res, 'Authorization: unknown token');
    if (row.revokedAt) return refuse(req, res, 'Authorization: this token has been revoked');
    if (!row.active) {
      throw new AppError('UNAUTHENTICATED', 'Authorization: the official of this token is deactivated', { field: 'Authorization' });
    }

    const now = Date.now();
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      // Conditional, so concurrent requests write once; a failure here must not fail the request.
      await prisma.apiToken
        .updateMany({
          where: { id: row.tokenId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - LAST_USED_RESOLUTION_MS) } }] },
          data: { lastUsedAt: new Date(now) },
        })
        .catch((err: unknown) => console.error(`[auth] could not record token use: ${(err as Error).message}`));
    }

    req.official = {
      id: row.officialId,
      name: row.name,
      role: row.role as Role,
      regionCode: row.regionCode,
      language: row.language,
      regionLevel: row.regionLevel as RegionLevel,
    };
    next();
  };
}

/** The official set by {@link authenticate}; 401 if the route was mounted without it. */
export function currentOfficial(req: Request): AuthOfficial {
  if (!req.official) throw new AppError('UNAUTHENTICATED', 'Authorization: a bearer token is required');
  return req.official;
}

/** Middleware (after {@link authenticate}): refuses officials of other roles with 403 FORBIDDEN. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const official = currentOfficial(req);
    if (!roles.includes(official.role)) {
      throw new AppError('FORBIDDEN', `this needs the role ${roles.join(' or ')}; you are ${official.role}`);
    }
    next();
  };
}

/** Whether the official sees every case (an administrator at city level). */
function seesEverything(official: AuthOfficial): boolean {
  return official.role === 'ADMIN' && official.regionLevel === 'CITY';
}

/**
 * Prisma `where` for the cases an official may see. Fails closed: an official whose region does
 * not match their role (e.g. a village official placed on a township) sees nothing.
 */
export function caseScopeWhere(official: AuthOfficial): Prisma.CaseWhereInput {
  switch (official.role) {
    case 'ADMIN':
      return seesEverything(official) ? {} : { countyCode: official.regionCode };
    case 'COUNTY':
      return { countyCode: official.regionCode };
    case 'TOWNSHIP':
      return { townshipCode: official.regionCode };
    case 'VILLAGE':
    case 'CONTACT':
      return { villageCode: official.regionCode };
    default:
      return { id: { in: [] } };
  }
}

/** Whether a case (or any record placed in a village) lies within the official's region. */
export function hasRegionAccess(official: AuthOfficial, target: RegionChain): boolean {
  switch (official.role) {
    case 'ADMIN':
      return seesEverything(official) || target.countyCode === official.regionCode;
    case 'COUNTY':
      return target.countyCode === official.regionCode;
    case 'TOWNSHIP':
      return target.townshipCode === official.regionCode;
    case 'VILLAGE':
    case 'CONTACT':
      return target.villageCode === official.regionCode;
    default:
      return false;
  }
}

/**
 * Refuses with 403 FORBIDDEN when `target` lies outside the official's region.
 * Same rule as {@link caseScopeWhere}.
 */
export function assertRegionAccess(official: AuthOfficial, target: RegionChain): void {
  if (!hasRegionAccess(official, target)) {
    throw new AppError('FORBIDDEN', `village ${target.villageCode} is outside your region (${official.regionCode})`);
  }
}

/**
 * The township and county of a village.
 * @throws AppError NOT_FOUND (field `villageCode`) when the code is unknown or not a village
 */
export async function regionChain(prisma: PrismaClient, villageCode: string): Promise<RegionChain> {
  const v = await villageAncestry(prisma, villageCode);
  if (!v || v.level !== 'VILLAGE') {
    throw new AppError('NOT_FOUND', `villageCode: ${villageCode} is not a known village`, { field: 'villageCode' });
  }
  if (!v.townshipCode || v.townshipLevel !== 'TOWNSHIP' || !v.countyCode || v.countyLevel !== 'COUNTY') {
    // The region table itself is inconsistent: an operator must fix it.
    throw new Error(`region ${villageCode} is not under a township under a county`);
  }
  return { villageCode, townshipCode: v.townshipCode, countyCode: v.countyCode };
}
