/**
 * A small Prometheus exposition: request counts and latencies per route, named counters (with
 * optional labels) and histograms other modules feed, and gauges computed at scrape time.
 */
import type { RequestHandler } from 'express';

type Labels = Record<string, string>;

const requests = new Map<string, { count: number; seconds: number }>();
const counters = new Map<string, Map<string, number>>();
const histograms = new Map<string, Map<string, { buckets: number[]; count: number; sum: number }>>();

/** Upper bounds (seconds) of histogram buckets. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{a="1",b="2"}` or an empty string. */
export function labelText(labels: Labels = {}): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/** Increments a named counter (e.g. `bangfu_workflow_starts_total`), optionally per label set. */
export function incCounter(name: string, by = 1, labels?: Labels): void {
  const series = counters.get(name) ?? new Map<string, number>();
  const key = labelText(labels);
  series.set(key, (series.get(key) ?? 0) + by);
  counters.set(name, series);
}

/** Records one observation (seconds) in a histogram, e.g. `bangfu_workflow_start_seconds`. */
export function observe(name: string, seconds: number, labels?: Labels): void {
  const series = histograms.get(name) ?? new Map();
  const key = labelText(labels);
  const h = series.get(key) ?? { buckets: LATENCY_BUCKETS.map(() => 0), count: 0, sum: 0 };
  LATENCY_BUCKETS.forEach((le, i) => {
    if (seconds <= le) h.buckets[i] += 1;
  });
  h.count += 1;
  h.sum += seconds;
  series.set(key, h);
  histograms.set(name, series);
}

/** Counts a workflow start and its latency since `startedAtMs`. */
export function recordWorkflowStart(startedAtMs: number): void {
  incCounter('bangfu_workflow_starts_total');
  observe('bangfu_workflow_start_seconds', (Date.now() - startedAtMs) / 1000);
}

/** Records method, matched route and status of every request. */
export const metricsMiddleware: RequestHandler = (req, res, next) => {
  const start = process.hrtime.bigint();
  res.on('finish', () => {
    const matched = req.route?.path as string | string[] | undefined;
    const route = matched !== undefined ? `${req.baseUrl}${Array.isArray(matched) ? matched.join('|') : String(matched)}` : res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'other';
    const key = `method="${req.method}",route="${route}",status="${res.statusCode}"`;
    const entry = requests.get(key) ?? { count: 0, seconds: 0 };
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    entry.count += 1;
    entry.seconds += seconds;
    requests.set(key, entry);
    observe('bangfu_http_request_duration_seconds', seconds, { method: req.method, route });
  });
  next();
};

function renderHistogram(name: string, series: Map<string, { buckets: number[]; count: number; sum: number }>): string[] {
  const lines = [`# TYPE ${name} histogram`];
  for (const [key, h] of series) {
    const inner = key.slice(1, -1);
    const withLe = (le: string): string => `{${inner ? `${inner},` : ''}le="${le}"}`;
    LATENCY_BUCKETS.forEach((le, i) => lines.push(`${name}_bucket${withLe(String(le))} ${h.buckets[i]}`));
    lines.push(`${name}_bucket${withLe('+Inf')} ${h.count}`, `${name}_sum${key} ${h.sum.toFixed(6)}`, `${name}_count${key} ${h.count}`);
  }
  return lines;
}

/** A gauge family for {@link renderMetrics}. */
export interface Gauge {
  name: string;
  help: string;
  values: { labels?: Labels; value: number }[];
}

/** Renders gauges as exposition lines. */
export function gaugeLines(gauges: Gauge[]): string[] {
  return gauges.flatMap((g) => [
    `# HELP ${g.name} ${g.help}`,
    `# TYPE ${g.name} gauge`,
    ...g.values.map((v) => `${g.name}${labelText(v.labels)} ${Number.isFinite(v.value) ? v.value : 0}`),
  ]);
}

/** Renders the metrics; `extra` lines (gauges) are appended. */
export function renderMetrics(extra: string[] = []): string {
  const lines = [
    '# HELP bangfu_http_requests_total HTTP requests by route and status.',
    '# TYPE bangfu_http_requests_total counter',
    ...[...requests].map(([k, v]) => `bangfu_http_requests_total{${k}} ${v.count}`),
    '# HELP bangfu_http_request_seconds_sum Total request time by route and status.',
    '# TYPE bangfu_http_request_seconds_sum counter',
    ...[...requests].map(([k, v]) => `bangfu_http_request_seconds_sum{${k}} ${v.seconds.toFixed(6)}`),
    ...[...counters].flatMap(([name, series]) => [`# TYPE ${name} counter`, ...[...series].map(([key, v]) => `${name}${key} ${v}`)]),
    ...[...histograms].flatMap(([name, series]) => renderHistogram(name, series)),
    ...extra,
  ];
  return lines.join('\n') + '\n';
}
