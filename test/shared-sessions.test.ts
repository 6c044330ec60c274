/**
 * Many API processes behave as one: admin sessions and the guessing throttle live in PostgreSQL,
 * so a logout on one app holds on another, and limits count across them.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app';
import type { Harness } from './support/harness';
import { TEST_SECRET, startHarness } from './support/harness';
import { adminLogin } from './support/admin';

const throttle = { keyPrefix: `shared-${Date.now()}`, points: 5, durationSeconds: 60 };

describe('sessions and throttles shared across API processes', () => {
  let h: Harness;
  let serverB: Server;
  let baseB: string;
  beforeAll(async () => {
    h = await startHarness({ startWorker: false, authThrottle: throttle });
    // A second app on the same database and secret: what a second `npm run api` process is.
    const appB = createApp({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy: h.policy, secret: TEST_SECRET, namespace: 'default', authThrottle: throttle });
    serverB = await new Promise((resolve) => {
      const s = appB.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseB = `http://127.0.0.1:${(serverB.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => serverB?.close(() => resolve()));
    await h?.stop();
  });

  it('a session opened on API A works on API B, and a logout on A is refused on B', async () => {
    const admin = await adminLogin(h, 'off-admin');
    const onB = (path: string) => fetch(baseB + path, { redirect: 'manual', headers: { cookie: admin.cookie } });
    expect((await onB('/admin/cases')).status).toBe(200);
    const csrf = await admin.csrf();
    expect((await admin.post('/admin/logout', { _csrf: csrf })).status).toBe(303);
    const after = await onB('/admin/cases');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/admin\/login/);
    expect((await admin.get('/admin/cases')).status).toBe(303);
  });

  it('guessed bearer tokens are answered 429 with Retry-After once the address passes the limit, counted across both APIs', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const base = i % 2 === 0 ? h.baseUrl : baseB;
      const res = await fetch(`${base}/api/cases`, { headers: { authorization: `Bearer bf_guess${i}` } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.text();
    }
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    // The address is throttled on the admin sign-in too, even with a valid token.
    const form = await fetch(`${baseB}/admin/login`);
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('bf_login='))!;
    const nonce = /name="_login" value="([^"]+)"/.exec(await form.text())![1];
    const login = await fetch(`${baseB}/admin/login`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ token: await h.token('off-admin'), _login: nonce }).toString(),
    });
    expect(login.status).toBe(429);
    expect(Number(login.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('guessing tokens at /admin/login alone reaches 429 with Retry-After, and then even a valid token waits', async () => {
    // An app of its own throttle: only sign-in guesses count here, no bearer guesses before them.
    const own = { keyPrefix: `login-${Date.now()}`, points: 5, durationSeconds: 60 };
    const appC = createApp({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy: h.policy, secret: TEST_SECRET, namespace: 'default', authThrottle: own });
    const serverC: Server = await new Promise((resolve) => {
      const srv = appC.listen(0, '127.0.0.1', () => resolve(srv));
    });
    const baseC = `http://127.0.0.1:${(serverC.address() as AddressInfo).port}`;
    try {
      const signIn = async (token: string): Promise<Response> => {
        const form = await fetch(`${baseC}/admin/login`);
        const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('bf_login='))!;
        const nonce = /name="_login" value="([^"]+)"/.exec(await form.text())![1];
        return fetch(`${baseC}/admin/login`, {
          method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          body: new URLSearchParams({ token, _login: nonce }).toString(),
        });
      };
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 8; i++) {
        const res = await signIn(`bf_guess_login_${i}`);
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
        await res.text();
      }
      expect(statuses.slice(0, 4).every((st) => st !== 429 && st !== 303)).toBe(true);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      const valid = await signIn(await h.token('off-admin'));
      expect(valid.status).toBe(429);
      expect(Number(valid.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((resolve) => serverC.close(() => resolve()));
    }
  });
});
