/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
 */
import { z } from 'zod';
import type { RouteSpec } from './define-route';

type AnyRoute = Omit<RouteSpec<any, any, any, any>, 'handler'>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s,
  }));
}

function contentOf(byType: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, unknown> {
  return Object.fromEntries(Object.entries(byType).map(([type, schema]) => [type, { schema: toSchema(schema, io) }]));
}

/** Builds the OpenAPI document for the given routes. */
export function buildOpenApi(routes: AnyRoute[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const roles = Array.isArray(r.roles) ? `Roles: ${r.roles.join(', ')}.` : '';
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: r.tags ?? [],
      operationId: `${r.method}${r.path.replace(/[/:{}]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')) || 'Root'}`,
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      ...(roles || r.description ? { description: [roles, r.description].filter(Boolean).join(' ') } : {}),
      ...(Array.isArray(r.roles) ? { 'x-roles': r.roles } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'OK', content: contentOf(r.produces ?? { 'application/json': r.response }, 'output') },
        '4XX': { description: 'Error naming the field', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      ...(r.roles === 'public' ? { security: [] } : {}),
    };
    if (r.body || r.consumes) op.requestBody = { required: true, content: contentOf(r.consumes ?? { 'application/json': r.body as z.ZodType }, 'input') };
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, details: { type: 'object' } },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
  };
}
