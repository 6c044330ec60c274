/**
 * A small in-memory token bucket per client IP. Enough for one API process guarding the task-link
 * pages against token guessing and floods; behind several processes each keeps its own buckets.
 */
import type { RequestHandler } from 'express';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Requests allowed in a burst. @default 60 */
  burst?: number;
  /** Requests added back per second. @default 1 */
  perSecond?: number;
  /** What to send when the bucket is empty. */
  onLimited?: RequestHandler;
}

/** Middleware refusing a client that empties its bucket with 429 and `Retry-After`. */
export function rateLimit(o: RateLimitOptions = {}): RequestHandler {
  const burst = o.burst ?? 60;
  const perSecond = o.perSecond ?? 1;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (req, res, next) => {
    const now = Date.now();
    if (buckets.size > 10_000) {
      for (const [k, b] of buckets) if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) buckets.delete(k);
    }
    const key = req.ip ?? 'unknown';
    const b = buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens < 1) {
      res.setHeader('Retry-After', String(Math.ceil((1 - b.tokens) / perSecond)));
      if (o.onLimited) return o.onLimited(req, res, next);
      res.status(429).type('text/plain').send('Too many requests');
      return;
    }
    b.tokens -= 1;
    next();
  };
}
