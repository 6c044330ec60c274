/** One scrape from many parts: a part that fails is left out, never shown as zeros, and the rest is served. */
import { Counter, Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderExposition } from '../../runtime/metrics';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('metrics exposition', () => {
  it('a registry whose gauges cannot be read (database down) is left out while the others and the SDK text are served', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const processWide = new Registry();
    new Counter({ name: 'demo_requests_total', help: 'requests', registers: [processWide] }).inc(3);
    const fromDatabase = new Registry();
    new Gauge({
      name: 'demo_backlog', help: 'backlog', registers: [fromDatabase],
      collect() {
        throw new Error('connection refused');
      },
    });
    const sdk = async (): Promise<string> => '# TYPE temporal_num_pollers gauge\ntemporal_num_pollers{poller_type="workflow_task"} 2\n';
    const text = await renderExposition([processWide, fromDatabase], [sdk]);
    expect(text).toMatch(/^demo_requests_total 3$/m);
    expect(text).toMatch(/^temporal_num_pollers\{poller_type="workflow_task"\} 2$/m);
    expect(text).not.toContain('demo_backlog');
    expect(text.endsWith('\n')).toBe(true);
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
  });

  it('a source that is down (the SDK exporter not listening) is left out of the scrape', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const r = new Registry();
    new Gauge({ name: 'demo_up', help: 'up', registers: [r] }).set(1);
    const text = await renderExposition([r], [() => Promise.reject(new Error('ECONNREFUSED'))]);
    expect(text).toBe('# HELP demo_up up\n# TYPE demo_up gauge\ndemo_up 1\n');
  });
});
