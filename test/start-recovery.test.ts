/**
 * `npm start` recovers by itself: a SIGKILLed start leaves its dev server and PostgreSQL behind,
 * and the next start stops them (saying so) and comes up; a dependency that dies under a running
 * start (PostgreSQL or the dev server) makes it stop the rest and exit 1 naming it; Ctrl-C (SIGINT)
 * and SIGTERM stop everything within 10 seconds
 * with no error lines. Runs the real scripts/start.ts as a child process on its own data directory.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort } from '../runtime/net';
import type { RunRecord } from '../runtime/run-record';
import { isRunning, readRunRecord } from '../runtime/run-record';

const ROOT = path.resolve(import.meta.dirname, '..');
let dataDir: string;
let env: NodeJS.ProcessEnv;
let port: number;
const children: ChildProcess[] = [];

interface Started { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

function start(): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function running(s: Started): Promise<RunRecord> {
  await until(() => /is running/.test(s.output()) || s.child.exitCode !== null, 'npm start to come up', 120_000);
  expect(s.output(), s.output()).toMatch(/is running/);
  expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  return readRunRecord(dataDir)!;
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bangfu-start-'));
  port = await getFreePort();
  env = { ...process.env, BANGFU_DATA_DIR: dataDir, PORT: String(port), TEMPORAL_UI_PORT: String(await getFreePort()), MAIL_CATCHER_PORT: String(await getFreePort()), LOG_LEVEL: 'info' };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'BANGFU_SECRET', 'BANGFU_POLICY_FILE', 'PUBLIC_BASE_URL']) delete env[k];
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  const record = readRunRecord(dataDir);
  for (const pid of [record?.temporal?.pid, record?.postgres?.pid]) if (pid && isRunning(pid)) process.kill(pid, 'SIGKILL');
  await fs.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
});

describe('npm start recovers by itself', () => {
  it('after a SIGKILL the next start stops the leftovers, says so, and comes up with the same data; a SIGKILLed PostgreSQL or dev server stops it with exit 1 naming it; Ctrl-C (SIGINT) and SIGTERM stop all within 10 s without error lines', async () => {
    // 1. A start, killed outright: its dev server and PostgreSQL are left running.
    const first = start();
    const r1 = await running(first);
    expect(r1.pid).toBe(first.child.pid);
    expect(r1.postgres?.pid && r1.temporal?.pid).toBeTruthy();
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isRunning(r1.temporal!.pid)).toBe(true);
    expect(isRunning(r1.postgres!.pid)).toBe(true);

    // 2. One command starts again: the leftovers are stopped first, and the demo data is still there.
    const second = start();
    const r2 = await running(second);
    expect(second.output()).toContain(`stopping the Temporal dev server left running on ${path.join(dataDir, 'temporal.db')} (pid ${r1.temporal!.pid}`);
    expect(second.output()).toContain(`stopping the embedded PostgreSQL left running (pid ${r1.postgres!.pid}`);
    expect(isRunning(r1.temporal!.pid) || isRunning(r1.postgres!.pid)).toBe(false);
    const token = (await fs.readFile(path.join(dataDir, 'demo-admin-token'), 'utf8')).trim();
    expect((await fetch(`http://127.0.0.1:${port}/api/cases`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    // 3. PostgreSQL is killed outright under it: it stops the rest and exits 1 naming PostgreSQL.
    process.kill(r2.postgres!.pid, 'SIGKILL');
    const pgDied = await Promise.race([second.exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
    expect(pgDied, second.output()).toEqual({ code: 1, signal: null });
    expect(second.output()).toContain(`the embedded PostgreSQL (pid ${r2.postgres!.pid}) stopped unexpectedly`);
    expect(second.output()).toContain('start again with: npm start');
    expect(isRunning(r2.temporal!.pid)).toBe(false);

    // 4. Start again (PostgreSQL recovers from the crash); the dev server dies: exit 1 naming the dev server.
    const third = start();
    const r3 = await running(third);
    expect((await fetch(`http://127.0.0.1:${port}/api/cases`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    process.kill(r3.temporal!.pid, 'SIGKILL');
    const died = await Promise.race([third.exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
    expect(died, third.output()).toEqual({ code: 1, signal: null });
    expect(third.output()).toContain(`the Temporal dev server (pid ${r3.temporal!.pid}) stopped unexpectedly`);
    expect(isRunning(r3.postgres!.pid)).toBe(false);

    // 5. Start again, then Ctrl-C (SIGINT) and, on the next start, SIGTERM: each stops everything
    // within 10 s, exit 0, no error lines, no record left.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const s = start();
      const r = await running(s);
      const before = s.output().length;
      const t = Date.now();
      s.child.kill(signal);
      const stopped = await Promise.race([s.exited, new Promise<null>((res) => setTimeout(() => res(null), 10_000))]);
      expect(stopped, `${signal}: ${s.output()}`).toEqual({ code: 0, signal: null });
      expect(Date.now() - t).toBeLessThan(10_000);
      const tail = s.output().slice(before);
      expect(tail).toContain(`[bangfu] ${signal}`);
      expect(tail).toContain('[bangfu] stopped');
      expect(tail).not.toMatch(/error|failed|warn/i);
      expect(isRunning(r.temporal!.pid) || isRunning(r.postgres!.pid)).toBe(false);
      expect(readRunRecord(dataDir)).toBeUndefined();
    }
  }, 360_000);
});
