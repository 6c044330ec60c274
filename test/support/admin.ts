/**
 * Signs in to the admin pages over plain HTTP (as a browser without scripts would) and fetches
 * pages with the session cookie.
 */
import { expect } from 'vitest';
import type { Harness } from './harness';

export interface AdminClient {
  cookie: string;
  get(path: string): Promise<{ status: number; text: string; location: string | null }>;
  post(path: string, form: Record<string, string>): Promise<{ status: number; text: string; location: string | null }>;
  /** The CSRF token of the session (read from a page). */
  csrf(): Promise<string>;
}

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]);
}

/** Logs in with the official's API token through /admin/login. */
export async function adminLogin(h: Harness, officialId: string): Promise<AdminClient> {
  const form = await fetch(`${h.baseUrl}/admin/login`);
  const loginCookie = cookiesOf(form).find((c) => c.startsWith('bf_login='));
  const nonce = /name="_login" value="([^"]+)"/.exec(await form.text())?.[1];
  expect(loginCookie && nonce).toBeTruthy();
  const res = await fetch(`${h.baseUrl}/admin/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie! },
    body: new URLSearchParams({ token: await h.token(officialId), _login: nonce!, next: '/admin' }).toString(),
  });
  expect(res.status).toBe(303);
  const session = cookiesOf(res).find((c) => c.startsWith('bf_admin=') && c.length > 'bf_admin='.length);
  expect(session).toBeTruthy();
  const cookie = session!;
  const send = async (path: string, init: RequestInit = {}): Promise<{ status: number; text: string; location: string | null }> => {
    const r = await fetch(h.baseUrl + path, { redirect: 'manual', ...init, headers: { cookie, ...(init.headers ?? {}) } });
    return { status: r.status, text: await r.text(), location: r.headers.get('location') };
  };
  const client: AdminClient = {
    cookie,
    get: (path) => send(path),
    post: (path, f) => send(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(f).toString() }),
    async csrf() {
      const page = await send('/admin/cases?pageSize=1');
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
      expect(token).toBeTruthy();
      return token!;
    },
  };
  return client;
}

/** Case ids listed on an admin case-list page. */
export function listedCaseIds(pageHtml: string): string[] {
  return [...pageHtml.matchAll(/<tr data-case-id="([^"]+)"/g)].map((m) => m[1]);
}

/** The total an admin list page reports. */
export function listedTotal(pageHtml: string): number {
  const m = /data-total="(\d+)"/.exec(pageHtml);
  expect(m, 'page has a data-total').toBeTruthy();
  return Number(m![1]);
}
