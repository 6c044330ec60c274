/**
 * Rate limit of the task-link pages per client address, shared by every API process: the
 * counters live in PostgreSQL (rate-limiter-flexible's RateLimiterPrisma, the table the sign-in
 * throttle uses), with an in-memory limiter taking over while the database is unreachable. A
 * client may make `burst` requests per window of `burst / perSecond` seconds.
 */
import type { PrismaClient } from '@prisma/client';
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Requests allowed in a window. @default 60 */
  burst?: number;
  /** Sustained requests per second (the window is `burst / perSecond`). @default 1 */
  perSecond?: number;
  /** Counter key prefix (test files sharing a database isolate themselves with it). @default "tlink" */
  keyPrefix?: string;
  /** What to send when the limit is reached. */
  onLimited?: RequestHandler;
}

/** Middleware refusing a client past its limit with 429 and `Retry-After`. */
export function rateLimit(prisma: PrismaClient, o: RateLimitOptions = {}): RequestHandler {
  const points = o.burst ?? 60;
  const duration = Math.max(1, Math.ceil(points / (o.perSecond ?? 1)));
  const keyPrefix = o.keyPrefix ?? 'tlink';
  const limiter = new RateLimiterPrisma({
    storeClient: prisma, tableName: 'rateLimit', keyPrefix, points, duration,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
  });
  return (req, res, next) => {
    limiter.consume(req.ip ?? 'unknown').then(
      () => next(),
      (err: unknown) => {
        if (!(err instanceof RateLimiterRes)) return next(); // the limiter itself failed: never block on it
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.msBeforeNext / 1000))));
        if (o.onLimited) return o.onLimited(req, res, next);
        res.status(429).type('text/plain').send('Too many requests');
      },
    );
  };
}
