/**
 * The OpenAPI document is valid OpenAPI 3.x, is generated for every JSON route the app serves,
 * and the reference page shows every operation.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app';
import type { Harness } from './support/harness';
import { TEST_SECRET, startHarness } from './support/harness';

let h: Harness;
let doc: { openapi: string; paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };

beforeAll(async () => {
  h = await startHarness();
  const res = await fetch(`${h.baseUrl}/api/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as typeof doc;
});
afterAll(async () => {
  await h?.stop();
});

/** Every `METHOD /path` Express actually routes, walking nested routers. */
function expressRoutes(app: Express): string[] {
  const out: string[] = [];
  const walkIn = (stack: any[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        const paths: string[] = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} ${(prefix + p).replace(/(.)\/$/, '$1')}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack, typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? prefix + layer.rawPath : prefix);
    }
  };
  const walk = (stack: any[], prefix = ''): void => walkIn(stack, prefix);
  walk((app as any).router.stack);
  return out;
}

const documented = (): string[] => Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));

describe('OpenAPI', () => {
  it('/api/openapi.json validates against the OpenAPI 3.x schema', async () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every JSON route the app serves, each with a unique operationId and a success response', () => {
    const app = createApp({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy: h.policy, secret: TEST_SECRET, namespace: 'default' });
    const served = expressRoutes(app).filter((r) => / \/api\//.test(r) && r !== 'GET /api/docs');
    expect(served.length).toBeGreaterThan(15);
    expect(documented().filter((r) => / \/api\//.test(r) && r !== 'GET /api/docs').sort()).toEqual([...new Set(served)].sort());
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    // JSON API operations answer 2xx; a page or form may answer with a redirect (303 after a POST) instead.
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const o of Object.values(ops)) expect(Object.keys(o.responses).some((s) => (p.startsWith('/api/') && p !== '/api/docs' ? /^2\d\d$/ : /^[23]\d\d$/).test(s))).toBe(true);
    }
  });

  it('lists every route the server answers — pages, health, metrics and task links included', () => {
    const app = createApp({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy: h.policy, secret: TEST_SECRET, namespace: 'default' });
    const served = [...new Set(expressRoutes(app))].sort();
    expect(served).toEqual(expect.arrayContaining(['GET /', 'GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /t/:token', 'POST /t/:token', 'GET /admin/login', 'GET /admin/cases']));
    expect(documented().sort()).toEqual(served);
  });

  it('documents the public HTTP contract of the design, including imports (CSV or JSON in, NDJSON out) and stats', () => {
    const contract = [
      'POST /api/cases', 'GET /api/cases', 'GET /api/cases/:id', 'GET /api/cases/:id/history', 'POST /api/cases/:id/objections',
      'POST /api/cases/:id/measures', 'PATCH /api/cases/:id/measures/:measureId', 'POST /api/cases/:id/contacts', 'POST /api/cases/:id/withdraw',
      'GET /api/tasks', 'POST /api/tasks/:id/decision', 'POST /api/imports', 'GET /api/stats', 'GET /api/openapi.json',
    ];
    expect(documented()).toEqual(expect.arrayContaining(contract));
    const imports = (doc.paths['/api/imports'] as any).post;
    expect(Object.keys(imports.requestBody.content).sort()).toEqual(['application/json', 'text/csv']);
    expect(Object.keys(imports.responses['200'].content)).toEqual(['application/x-ndjson']);
    expect(imports['x-roles']).toEqual(['TOWNSHIP', 'COUNTY', 'ADMIN']);
  });

  it('the reference page at /api/docs shows every operation without scripts', async () => {
    const res = await fetch(`${h.baseUrl}/api/docs?lang=en`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toContain('<script');
    for (const [p, ops] of Object.entries(doc.paths)) for (const m of Object.keys(ops)) expect(page).toContain(`data-operation="${m.toUpperCase()} ${p}"`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
