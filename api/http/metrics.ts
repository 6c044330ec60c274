/**
 * The API's Prometheus metrics, on prom-client: requests per route and status, request latency,
 * workflow starts and their latency, imported rows. They live in prom-client's default registry
 * (one per process); `GET /metrics` adds the app's figures and outbox gauges (see app.ts).
 */
import type { RequestHandler } from 'express';
import { Counter, Histogram, register } from 'prom-client';

/** Upper bounds (seconds) of the latency histograms' buckets. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Metrics are module singletons; a module loaded twice (tests) reuses what is registered. */
function counter<L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames });
}
function histogram<L extends string>(name: string, help: string, labelNames: L[] = []): Histogram<L> {
  return (register.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS });
}

const httpRequests = counter('bangfu_http_requests_total', 'HTTP requests by method, route and status.', ['method', 'route', 'status']);
const httpDuration = histogram('bangfu_http_request_duration_seconds', 'HTTP request latency by method and route.', ['method', 'route']);
const workflowStarts = counter('bangfu_workflow_starts_total', 'Case workflows started by the API.');
const workflowStartSeconds = histogram('bangfu_workflow_start_seconds', 'Time from receiving a lead to its case workflow started.');
/** Rows of bulk imports (部门筛查预警) by outcome (`STARTED`, `ALREADY_RECEIVED`, `ALREADY_OPEN`, `REJECTED`, `FAILED`). */
export const importRows = counter('bangfu_import_rows_total', 'Imported lead rows by outcome.', ['outcome']);

/** Counts a workflow start and its latency since `startedAtMs`. */
export function recordWorkflowStart(startedAtMs: number): void {
  workflowStarts.inc();
  workflowStartSeconds.observe((Date.now() - startedAtMs) / 1000);
}

/** Records method, matched route and status of every request. */
export const metricsMiddleware: RequestHandler = (req, res, next) => {
  const end = httpDuration.startTimer();
  res.on('finish', () => {
    const matched = req.route?.path as string | string[] | undefined;
    const route = matched !== undefined ? `${req.baseUrl}${Array.isArray(matched) ? matched.join('|') : String(matched)}` : res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'other';
    httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    end({ method: req.method, route });
  });
  next();
};
