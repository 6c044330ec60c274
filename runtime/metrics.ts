/**
 * Prometheus metrics shared by the API and the worker, on prom-client: process figures, the
 * notification outbox's backlog and age (发送队列积压), the Temporal SDK's own runtime metrics
 * (task slots, schedule-to-start latency, sticky cache) and the small HTTP server that exposes
 * them from a worker process (`WORKER_METRICS_PORT`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@prisma/client';
import { Gauge, Registry, collectDefaultMetrics, register } from 'prom-client';

/** Statuses of an outbox row not delivered yet (see activities/mail/deliver-mail.ts). */
export const UNDELIVERED_STATUSES = ['PENDING', 'CLAIMED', 'SENDING'] as const;

/** A further source of exposition text appended to a scrape, e.g. {@link TemporalSdkMetrics.scrape}. */
export type MetricsSource = () => Promise<string>;

/** Node.js process metrics (CPU, memory, event-loop lag, GC) in the default registry, once per process. */
export function enableProcessMetrics(): void {
  // Asked of the registry, not a module flag: a module loaded twice (tests) shares prom-client's registry.
  if (register.getSingleMetric('process_cpu_user_seconds_total')) return;
  collectDefaultMetrics({ register });
}

/**
 * Registers the outbox gauges on `registry`, read from PostgreSQL at each scrape (one indexed
 * query): `bangfu_outbox_backlog{status}` counts notifications not delivered yet, and
 * `bangfu_outbox_oldest_age_seconds` is the age of the oldest of them (0 when there is none) —
 * a stuck dispatcher or an SMTP outage shows as an age that keeps growing.
 * A failed query fails the scrape of this registry (the caller omits it) rather than show zeros.
 */
export function registerOutboxGauges(registry: Registry, prisma: PrismaClient): void {
  let pending: Promise<{ counts: Map<string, number>; oldest: Date | null }> | null = null;
  // Both gauges are read in the same scrape: one query serves them.
  const read = (): Promise<{ counts: Map<string, number>; oldest: Date | null }> => {
    pending ??= prisma.notification
      .groupBy({ by: ['status'], where: { status: { in: [...UNDELIVERED_STATUSES] } }, _count: { _all: true }, _min: { createdAt: true } })
      .then((rows) => {
        const counts = new Map(rows.map((r) => [r.status, r._count._all]));
        const mins = rows.map((r) => r._min.createdAt).filter((d): d is Date => d !== null);
        return { counts, oldest: mins.length > 0 ? new Date(Math.min(...mins.map((d) => d.getTime()))) : null };
      })
      .finally(() => setImmediate(() => (pending = null)));
    return pending;
  };
  new Gauge({
    name: 'bangfu_outbox_backlog',
    help: 'Notifications in the outbox not delivered yet, by status (PENDING: waiting or backing off; CLAIMED/SENDING: in a dispatcher\'s hands).',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const { counts } = await read();
      for (const status of UNDELIVERED_STATUSES) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  new Gauge({
    name: 'bangfu_outbox_oldest_age_seconds',
    help: 'Age of the oldest notification not delivered yet (0 when the outbox is empty).',
    registers: [registry],
    async collect() {
      const { oldest } = await read();
      this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
    },
  });
}

/**
 * Renders registries and sources into one exposition. A registry or source that fails (a
 * database or a metrics port that is down) is left out and logged, so the rest is still served.
 */
export async function renderExposition(registries: Registry[], sources: MetricsSource[] = []): Promise<string> {
  const parts = await Promise.all([
    ...registries.map((r) => r.metrics()),
    ...sources.map((s) => s()),
  ].map((p) => p.then((text) => text.trim(), (err: unknown) => {
    console.error(`[metrics] part of the scrape unavailable: ${(err as Error).message}`);
    return '';
  })));
  return `${parts.filter((t) => t !== '').join('\n\n')}\n`;
}

/** The Temporal SDK's own metrics, exported by its native core. */
export interface TemporalSdkMetrics {
  /** Where the core's exporter listens (loopback only). */
  bindAddress: string;
  /** The core's exposition text (metric names start with `temporal_`). */
  scrape: MetricsSource;
}

/**
 * Telemetry options for `Runtime.install` that make the SDK's native core export its metrics
 * (worker task slots, workflow and activity schedule-to-start latency, sticky cache size, hits
 * and misses, polls, request latencies…) in Prometheus form on a loopback port, and a
 * {@link MetricsSource} that reads them so one endpoint serves them with ours. Durations are in
 * seconds with the unit in the name, as Prometheus conventions (and our own `bangfu_*` metrics)
 * have it: e.g. `temporal_workflow_task_schedule_to_start_latency_seconds`. Counters keep the
 * names of Temporal's SDK metrics reference (`temporal_sticky_cache_hit`, `temporal_request`…):
 * a `_total` suffix would make `temporal_local_activity_total_total`.
 * @param port - a free loopback port for the core's exporter (internal; scrape the endpoint that appends it)
 */
export function temporalSdkMetrics(port: number): {
  telemetry: { metrics: { prometheus: { bindAddress: string; useSecondsForDurations: boolean; unitSuffix: boolean } } };
  metrics: TemporalSdkMetrics;
} {
  const bindAddress = `127.0.0.1:${port}`;
  const scrape = async (): Promise<string> => {
    const res = await fetch(`http://${bindAddress}/metrics`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) throw new Error(`Temporal SDK metrics answered ${res.status}`);
    return res.text();
  };
  return {
    telemetry: { metrics: { prometheus: { bindAddress, useSecondsForDurations: true, unitSuffix: true } } },
    metrics: { bindAddress, scrape },
  };
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` on `port` (all interfaces, like the API) with the given registries and
 * sources — the worker process's endpoint (`WORKER_METRICS_PORT`).
 */
export async function startMetricsServer(o: { port: number; host?: string; registries: Registry[]; sources?: MetricsSource[] }): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: GET /metrics\n');
      return;
    }
    renderExposition(o.registries, o.sources).then(
      (text) => res.writeHead(200, { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
