/**
 * A small Prometheus exposition: request counts and latencies per route, plus named
 * counters other modules increment.
 */
import type { RequestHandler } from 'express';

const requests = new Map<string, { count: number; seconds: number }>();
const counters = new Map<string, number>();

/** Increments a named counter (e.g. `bangfu_workflow_starts_total`). */
export function incCounter(name: string, by = 1): void {
  counters.set(name, (counters.get(name) ?? 0) + by);
}

/** Records method, matched route and status of every request. */
export const metricsMiddleware: RequestHandler = (req, res, next) => {
  const start = process.hrtime.bigint();
  res.on('finish', () => {
    const route = (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'other');
    const key = `method="${req.method}",route="${route}",status="${res.statusCode}"`;
    const entry = requests.get(key) ?? { count: 0, seconds: 0 };
    entry.count += 1;
    entry.seconds += Number(process.hrtime.bigint() - start) / 1e9;
    requests.set(key, entry);
  });
  next();
};

/** Renders the metrics; `extra` lines (gauges) are appended. */
export function renderMetrics(extra: string[] = []): string {
  const lines = [
    '# HELP bangfu_http_requests_total HTTP requests by route and status.',
    '# TYPE bangfu_http_requests_total counter',
    ...[...requests].map(([k, v]) => `bangfu_http_requests_total{${k}} ${v.count}`),
    '# HELP bangfu_http_request_seconds_sum Total request time by route and status.',
    '# TYPE bangfu_http_request_seconds_sum counter',
    ...[...requests].map(([k, v]) => `bangfu_http_request_seconds_sum{${k}} ${v.seconds.toFixed(6)}`),
    ...[...counters].flatMap(([name, v]) => [`# TYPE ${name} counter`, `${name} ${v}`]),
    ...extra,
  ];
  return lines.join('\n') + '\n';
}
