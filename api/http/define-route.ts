/**
 * One way to declare a route: zod schemas for params, query, body and response, a handler,
 * and the list of routes the OpenAPI document is generated from. Inputs are validated before the
 * handler runs (400 naming the field); responses are validated before they are sent.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Role } from '../../workflows/contracts';
import { TEXT_PROBLEM_MESSAGES, findUnsafeText, safeText } from '../../core/text';
import { AppError, fromZodError } from './app-error';
import type { MessageLang } from './messages';
import { apiLang, fieldName, refusal } from './messages';

/** A declared route. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express path, e.g. `/api/cases/:id`. */
  path: string;
  summary: string;
  /** Longer description for the OpenAPI document. */
  description?: string;
  tags?: string[];
  /** Roles allowed; omitted = any authenticated official. `public` = no token needed. */
  roles?: Role[] | 'public';
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** HTTP status of success (a handler may override it with `res.locals.status`). @default 200 */
  status?: number;
  /** Request body schemas by media type, for bodies that are not (only) JSON; documented in the OpenAPI. */
  consumes?: Record<string, z.ZodType>;
  /** Success body schemas by media type when it is not JSON; such a handler writes (streams) the response itself. */
  produces?: Record<string, z.ZodType>;
  handler: (input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B>; req: Request; res: Response }) => Promise<z.infer<R>>;
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string, lang: MessageLang): z.infer<T> {
  // Every field, named or not: a NUL byte or an unpaired surrogate is refused before the schema runs.
  const unsafe = findUnsafeText(value);
  if (unsafe) {
    const path = [where, ...unsafe.path.map(String)];
    throw new AppError('INVALID_INPUT', refusal(fieldName(path, lang), TEXT_PROBLEM_MESSAGES[unsafe.problem][lang], lang), { field: path.join('.') });
  }
  if (!schema) return undefined as z.infer<T>;
  const r = schema.safeParse(value);
  if (!r.success) throw fromZodError(r.error, where, lang, value);
  return r.data;
}

/** Whether a request carries a body (a length above zero, or chunked). */
function hasBody(req: Request): boolean {
  return Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
}

/** Declares a route (typed end to end), to be mounted with {@link mountRoutes} and listed in the OpenAPI document. */
export function defineRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType>(
  spec: RouteSpec<P, Q, B, R>,
): RouteSpec<P, Q, B, R> {
  return spec;
}

/** Mounts routes on a router; role checks use `req.official` set by the auth middleware. */
export function mountRoutes(router: Router, routes: RouteSpec<any, any, any, any>[], authenticate: RequestHandler): void {
  for (const spec of routes) {
    const handler: RequestHandler = async (req, res) => {
      if (spec.roles !== 'public') {
        const official = req.official;
        if (!official) throw new AppError('UNAUTHENTICATED', 'Authorization: a bearer token is required');
        if (spec.roles && !spec.roles.includes(official.role as Role)) {
          throw new AppError('FORBIDDEN', `role ${official.role} may not ${spec.summary.toLowerCase()}`);
        }
      }
      const lang = apiLang(req);
      if (spec.body && !spec.consumes && hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', lang === 'zh-CN' ? 'Content-Type：请以 application/json 发送' : 'Content-Type: send the body as application/json', { field: 'Content-Type' });
      }
      const params = parse(spec.params, req.params, 'params', lang);
      const query = parse(spec.query, req.query, 'query', lang);
      const body = parse(spec.body, req.body ?? {}, 'body', lang);
      const result = await spec.handler({ params, query, body, req, res });
      if (res.headersSent) return; // the handler streamed its own response (see `produces`)
      const checked = spec.response.safeParse(result);
      if (!checked.success) {
        console.error(`[api] response of ${spec.method.toUpperCase()} ${spec.path} failed its schema: ${checked.error.issues[0]?.path.join('.')}`);
        throw new AppError('INTERNAL', 'internal error');
      }
      res.status((res.locals.status as number | undefined) ?? spec.status ?? 200).json(checked.data);
    };
    const chain: RequestHandler[] = spec.roles === 'public' ? [handler] : [authenticate, handler];
    router[spec.method](spec.path, ...chain);
  }
}

/** Common schemas. */
export const ZPage = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export const ZIdParam = z.object({ id: safeText().min(1).max(100) });
