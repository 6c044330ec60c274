/**
 * A throwaway PostgreSQL cluster (临时数据库集群) run with Debian's own server binaries
 * (/usr/lib/postgresql/<major>/bin, package `postgresql-<major>`), so that a real `pg_dump` of
 * the same major version can dump it. The suite's embedded Postgres is 17 and Debian 12 ships
 * pg_dump 15 only, which refuses a newer server.
 *
 * The cluster lives in a fresh temp directory, listens on 127.0.0.1 on a free port (no Unix
 * socket), and never touches the system's own cluster (Debian's service on 5432). As root it
 * runs as the `postgres` OS user, prepared the way the embedded one is.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { getFreePort } from '../../runtime/net';
import { makeTempDataDir, preparePostgresUser } from '../../runtime/postgres';
import type { Ids } from '../../runtime/postgres';

const execFileAsync = promisify(execFile);
const HOST = '127.0.0.1';
const USER = 'postgres';
const DATABASE = 'bangfu';

/** Debian's binaries of one PostgreSQL major version. */
export function debianPostgresBin(major: number, name: 'initdb' | 'postgres' | 'pg_dump'): string {
  return `/usr/lib/postgresql/${major}/bin/${name}`;
}

/** A running throwaway cluster: see {@link startDebianPostgres}. */
export interface DebianPostgres {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/bangfu` */
  url: string;
  port: number;
  major: number;
  /** Fast shutdown, then the temp directory is removed. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * initdb + postgres of Debian's `postgresql-<major>` in a temp directory, with a database `bangfu`.
 * Fails naming the package when the binaries are missing (`.ci/run` installs it).
 */
export async function startDebianPostgres(opts: { major?: number; log?: (msg: string) => void } = {}): Promise<DebianPostgres> {
  const major = opts.major ?? 15;
  const log = opts.log ?? (() => undefined);
  for (const bin of ['initdb', 'postgres'] as const) {
    if (!existsSync(debianPostgresBin(major, bin))) {
      throw new Error(`${debianPostgresBin(major, bin)} is missing: install Debian's postgresql-${major} package (apt-get install postgresql-${major})`);
    }
  }
  const dir = await makeTempDataDir(`bangfu-pg${major}-`);
  const pgData = path.join(dir, 'cluster');
  const isRoot = process.getuid?.() === 0;
  let ids: Ids | undefined;
  if (isRoot) ids = await preparePostgresUser(dir, pgData, log);
  const as = ids ? { uid: ids.uid, gid: ids.gid } : {};
  // The password file must be readable by the cluster's user; it is removed once initdb read it.
  const password = randomBytes(18).toString('hex');
  const pwfile = path.join(dir, 'pw');
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids) await fs.chown(pwfile, ids.uid, ids.gid);
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };

  const cleanup = () => fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  const t0 = Date.now();
  try {
    await execFileAsync(
      debianPostgresBin(major, 'initdb'),
      ['-D', pgData, '-U', USER, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { ...as, env, timeout: 60_000, cwd: dir },
    );
  } catch (err) {
    await cleanup();
    const e = err as { stderr?: string; message: string };
    throw new Error(`initdb ${major} failed: ${(e.stderr || e.message).trim().split('\n').slice(-5).join('\n')}`);
  }
  await fs.rm(pwfile, { force: true });

  const port = await getFreePort();
  const tail: string[] = [];
  const child: ChildProcess = spawn(
    debianPostgresBin(major, 'postgres'),
    ['-D', pgData, '-p', String(port), '-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories=',
      // A throwaway cluster: no durability needed.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { ...as, env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // fast shutdown
        const timer = setTimeout(() => child.kill('SIGQUIT'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await cleanup();
      log(`stopped PostgreSQL ${major} (pid ${child.pid})`);
    })());

  try {
    const url = `postgresql://${USER}:${password}@${HOST}:${port}/postgres`;
    const until = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error('the server exited');
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        await client.query(`CREATE DATABASE ${DATABASE}`);
        break;
      } catch (err) {
        if (Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  } catch (err) {
    await stop();
    throw new Error(`PostgreSQL ${major} did not start: ${err instanceof Error ? err.message : String(err)}\n${tail.slice(-8).join('\n')}`);
  }
  log(`PostgreSQL ${major} (Debian) ready on ${HOST}:${port}, pid ${child.pid}${ids ? ', as OS user postgres' : ''}, in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { url: `postgresql://${USER}:${password}@${HOST}:${port}/${DATABASE}`, port, major, stop };
}
