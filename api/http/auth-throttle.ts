/**
 * 登录限流 — throttles guessing: failed admin sign-ins and unknown or revoked bearer tokens count
 * per client address, and an address past the limit is answered 429 with `Retry-After` until its
 * window ends. The counters live in PostgreSQL (rate-limiter-flexible's RateLimiterPrisma on the
 * `RateLimit` table), so every API process sees the same counts; a memory limiter insures against
 * a database hiccup instead of failing the request.
 */
import type { PrismaClient } from '@prisma/client';
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';

/** Options of {@link authThrottle}. */
export interface AuthThrottleOptions {
  /** Failures allowed per address in a window. @default 30 */
  points?: number;
  /** Window length. @default 900 (15 minutes) */
  durationSeconds?: number;
  /** Counter key prefix (tests isolate themselves with it). @default "auth" */
  keyPrefix?: string;
}

/** Per-address failure counter. */
export interface AuthThrottle {
  /** Seconds the address must wait, or null when it may try. */
  blocked(address: string): Promise<number | null>;
  /** Counts a failure; returns the seconds to wait when this one crossed the limit. */
  fail(address: string): Promise<number | null>;
}

const cache = new WeakMap<PrismaClient, Map<string, AuthThrottle>>();

/** The throttle of a Prisma client (one per client and options, shared by API routes and admin pages). */
export function authThrottle(prisma: PrismaClient, o: AuthThrottleOptions = {}): AuthThrottle {
  const points = o.points ?? 30;
  const duration = o.durationSeconds ?? 900;
  const keyPrefix = o.keyPrefix ?? 'auth';
  const id = `${keyPrefix}:${points}:${duration}`;
  let byOpts = cache.get(prisma);
  if (!byOpts) cache.set(prisma, (byOpts = new Map()));
  const existing = byOpts.get(id);
  if (existing) return existing;
  const limiter = new RateLimiterPrisma({
    storeClient: prisma, tableName: 'rateLimit', keyPrefix, points, duration,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
  });
  const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
  const throttle: AuthThrottle = {
    async blocked(address) {
      const r = await limiter.get(address).catch(() => null);
      return r && r.consumedPoints >= points && r.msBeforeNext > 0 ? seconds(r.msBeforeNext) : null;
    },
    async fail(address) {
      try {
        const r = await limiter.consume(address);
        return r.remainingPoints <= 0 ? seconds(r.msBeforeNext) : null;
      } catch (err) {
        if (err instanceof RateLimiterRes) return seconds(err.msBeforeNext);
        return null;
      }
    },
  };
  byOpts.set(id, throttle);
  return throttle;
}
