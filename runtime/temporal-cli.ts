/**
 * Locating (and, if need be, building) the Temporal CLI, which bundles the Temporal dev server
 * and its Web UI.
 *
 * The SDK's own download of the dev server does not work everywhere (e.g. machines that can only
 * reach package registries), so Bangfu resolves the binary itself, in this order:
 *
 * 1. `TEMPORAL_CLI_PATH` — an explicit path; it must exist and be executable.
 * 2. `temporal` on `PATH`.
 * 3. A cached build at `${BANGFU_CACHE_DIR ?? ~/.cache/bangfu}/temporal-<version>/temporal`.
 * 4. A fresh build with `go install github.com/temporalio/cli/cmd/temporal@v<version>` when `go`
 *    is on `PATH` (minutes on the first build; later builds reuse Go's module and build caches).
 * 5. Otherwise: let `@temporalio/testing` download the dev server (needs internet).
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Version of the Temporal CLI that Bangfu builds and caches. */
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** Go package path of the Temporal CLI's main package. */
export const TEMPORAL_CLI_GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

/** Where the resolved binary came from. `'sdk-download'` means "no binary; let the SDK download one". */
export type TemporalCliSource = 'env' | 'path' | 'cache' | 'built' | 'sdk-download';

/** Result of {@link resolveTemporalCli}. */
export type ResolvedTemporalCli =
  | { path: string; source: 'env' | 'path' | 'cache' | 'built' }
  | { path: undefined; source: 'sdk-download' };

/** Options of {@link resolveTemporalCli}. All but `log` exist mainly so tests can isolate the resolver. */
export interface ResolveTemporalCliOptions {
  /** Progress and diagnostic sink (default: `console.error`). */
  log?: (msg: string) => void;
  /**
   * Environment to read `TEMPORAL_CLI_PATH`, `PATH`, `BANGFU_CACHE_DIR` and `HOME` from, and to pass
   * to `go` (default: `process.env`).
   */
  env?: NodeJS.ProcessEnv;
  /** Base cache directory; overrides `BANGFU_CACHE_DIR` and `~/.cache/bangfu`. */
  cacheDir?: string;
  /** Whether step 4 (building with Go) may run (default `true`). */
  build?: boolean;
  /** Interval of the "still building…" progress lines, in ms (default 15000). */
  progressIntervalMs?: number;
  /** How often a caller waiting for another process's build checks the lock, in ms (default 1000). */
  lockPollMs?: number;
}

const EXE_SUFFIX = process.platform === 'win32' ? '.exe' : '';
const BINARY_NAME = `temporal${EXE_SUFFIX}`;
/** A build lock older than this is considered abandoned even if its owner pid looks alive. */
const LOCK_MAX_AGE_MS = 3 * 60 * 60 * 1000;
/** A lock directory without an owner file older than this is considered abandoned. */
const LOCK_OWNERLESS_GRACE_MS = 60 * 1000;

function defaultLog(msg: string): void {
  console.error(`[temporal-cli] ${msg}`);
}

/**
 * Base cache directory of Bangfu: `BANGFU_CACHE_DIR` when set, else `~/.cache/bangfu`.
 *
 * @param env Environment to read from (default `process.env`).
 */
export function bangfuCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.BANGFU_CACHE_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  const home = env.HOME?.trim() || os.homedir();
  return path.join(home, '.cache', 'bangfu');
}

/**
 * Directory holding the cached Temporal CLI build: `<cache>/temporal-<version>`.
 *
 * @param baseCacheDir Base cache directory (default {@link bangfuCacheDir}).
 */
export function temporalCliCacheDir(baseCacheDir: string = bangfuCacheDir()): string {
  return path.join(baseCacheDir, `temporal-${TEMPORAL_CLI_VERSION}`);
}

/**
 * Full path of the cached Temporal CLI binary: `<cache>/temporal-<version>/temporal`.
 *
 * @param baseCacheDir Base cache directory (default {@link bangfuCacheDir}).
 */
export function temporalCliCachePath(baseCacheDir: string = bangfuCacheDir()): string {
  return path.join(temporalCliCacheDir(baseCacheDir), BINARY_NAME);
}

/**
 * Resolves the Temporal CLI binary (see the module comment for the order), building it with Go
 * when nothing else is available.
 *
 * Concurrent callers (also in other processes) never build twice: the build holds a lock
 * directory in the cache directory, and a second caller waits for it and then uses the cache.
 *
 * @throws Error naming `TEMPORAL_CLI_PATH` when that variable points at a missing or
 *   non-executable file; Error with the tail of Go's output when the build fails.
 */
export async function resolveTemporalCli(opts: ResolveTemporalCliOptions = {}): Promise<ResolvedTemporalCli> {
  const log = opts.log ?? defaultLog;
  const env = opts.env ?? process.env;

  // (a) explicit path
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    const resolved = path.resolve(explicit);
    const problem = await executableProblem(resolved);
    if (problem) {
      throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not usable: ${problem}. Fix or unset TEMPORAL_CLI_PATH.`);
    }
    return { path: resolved, source: 'env' };
  }

  // (b) PATH
  const onPath = await findOnPath(BINARY_NAME, env.PATH);
  if (onPath) return { path: onPath, source: 'path' };

  // (c) cached build
  const baseCacheDir = opts.cacheDir ? path.resolve(opts.cacheDir) : bangfuCacheDir(env);
  const cached = temporalCliCachePath(baseCacheDir);
  if (await isExecutableFile(cached)) return { path: cached, source: 'cache' };

  // (d) fresh build
  if (opts.build !== false) {
    const goPath = await findOnPath(`go${EXE_SUFFIX}`, env.PATH);
    if (goPath) {
      return await buildWithLock({
        goPath,
        baseCacheDir,
        env,
        log,
        progressIntervalMs: opts.progressIntervalMs ?? 15_000,
        lockPollMs: opts.lockPollMs ?? 1_000,
      });
    }
  }

  // (e) SDK download
  log(
    `no Temporal CLI found (TEMPORAL_CLI_PATH unset, no 'temporal' on PATH, no cache at ${cached}` +
      `${opts.build === false ? '' : ", no 'go' on PATH to build one"}); letting @temporalio/testing download the dev server (needs internet).`,
  );
  return { path: undefined, source: 'sdk-download' };
}

/** Returns why `file` is not an executable regular file, or `undefined` when it is. */
async function executableProblem(file: string): Promise<string | undefined> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    return 'no such file';
  }
  if (!stat.isFile()) return 'not a regular file';
  try {
    await fs.access(file, fsConstants.X_OK);
  } catch {
    return 'not executable';
  }
  return undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  return (await executableProblem(file)) === undefined;
}

/** Finds an executable regular file called `name` in the directories of `pathVar`. */
async function findOnPath(name: string, pathVar: string | undefined): Promise<string | undefined> {
  if (!pathVar) return undefined;
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

interface BuildContext {
  goPath: string;
  baseCacheDir: string;
  env: NodeJS.ProcessEnv;
  log: (msg: string) => void;
  progressIntervalMs: number;
  lockPollMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function buildWithLock(ctx: BuildContext): Promise<ResolvedTemporalCli> {
  const { baseCacheDir, log } = ctx;
  await fs.mkdir(baseCacheDir, { recursive: true });
  const lockDir = path.join(baseCacheDir, `temporal-${TEMPORAL_CLI_VERSION}.build-lock`);
  const cached = temporalCliCachePath(baseCacheDir);

  await acquireLock(lockDir, ctx);
  // 'exit' handlers must be synchronous. (A killed process leaves the lock behind; the next
  // caller notices that its owner pid is gone and removes it.)
  const releaseOnExit = () => {
    try {
      rmSync(lockDir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  };
  process.once('exit', releaseOnExit);
  try {
    // Another process may have finished the build while we waited for the lock.
    if (await isExecutableFile(cached)) {
      log(`using the Temporal CLI that another process just built: ${cached}`);
      return { path: cached, source: 'cache' };
    }
    await runGoInstall(ctx, cached);
    return { path: cached, source: 'built' };
  } finally {
    process.removeListener('exit', releaseOnExit);
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

interface LockOwner {
  pid: number;
  host: string;
  startedAt: number;
}

/** mkdir-based inter-process lock; waits (with progress lines) while another live process holds it. */
async function acquireLock(lockDir: string, ctx: BuildContext): Promise<void> {
  const waitStart = Date.now();
  let lastReport = 0;
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: Date.now() };
      await fs.writeFile(path.join(lockDir, 'owner.json'), JSON.stringify(owner));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }

    const stale = await lockIsStale(lockDir);
    if (stale) {
      ctx.log(`removing abandoned Temporal CLI build lock (${stale}): ${lockDir}`);
      await fs.rm(lockDir, { recursive: true, force: true });
      continue;
    }

    const now = Date.now();
    if (lastReport === 0 || now - lastReport >= ctx.progressIntervalMs) {
      const owner = await readLockOwner(lockDir);
      const who = owner ? `process ${owner.pid}` : 'another process';
      const waited = Math.round((now - waitStart) / 1000);
      ctx.log(
        lastReport === 0
          ? `${who} is already building the Temporal CLI; waiting for it (lock: ${lockDir})…`
          : `still waiting for ${who} to finish building the Temporal CLI… ${waited}s`,
      );
      lastReport = now;
    }
    await sleep(ctx.lockPollMs);
  }
}

async function readLockOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(lockDir, 'owner.json'), 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.startedAt === 'number') {
      return { pid: parsed.pid, host: String(parsed.host ?? ''), startedAt: parsed.startedAt };
    }
  } catch {
    /* missing or half-written */
  }
  return undefined;
}

/** Returns a reason when the lock is abandoned, `undefined` when its owner seems to be alive. */
async function lockIsStale(lockDir: string): Promise<string | undefined> {
  const owner = await readLockOwner(lockDir);
  if (!owner) {
    try {
      const stat = await fs.stat(lockDir);
      if (Date.now() - stat.mtimeMs > LOCK_OWNERLESS_GRACE_MS) return 'no owner recorded';
    } catch {
      return undefined; // vanished: the next mkdir attempt will tell
    }
    return undefined;
  }
  if (Date.now() - owner.startedAt > LOCK_MAX_AGE_MS) return 'older than 3 hours';
  if (owner.host === os.hostname() && !pidAlive(owner.pid)) return `owner process ${owner.pid} is gone`;
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Tells whether Go's output shows that the checksum database could not be reached (as opposed
 * to a real checksum mismatch, which must never be bypassed).
 */
export function isChecksumDbUnreachable(output: string): boolean {
  if (/SECURITY ERROR|checksum mismatch/i.test(output)) return false;
  return /sum\.golang\.org|checksum database|GOSUMDB|verifying (module|[^\s]+\/go\.mod)/i.test(output);
}

/** Runs `go install` into a staging GOBIN, retrying once with GOSUMDB=off if the checksum DB is unreachable. */
async function runGoInstall(ctx: BuildContext, target: string): Promise<void> {
  const { log, baseCacheDir } = ctx;
  const pkg = `${TEMPORAL_CLI_GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`;
  log(
    `building the Temporal CLI v${TEMPORAL_CLI_VERSION} from Go modules: go install ${pkg}\n` +
      `  This takes several minutes the first time (a few hundred MB of modules are downloaded, then compiled);\n` +
      `  the result is cached at ${target}. Set TEMPORAL_CLI_PATH or put 'temporal' on PATH to skip this.`,
  );
  // Build into a private GOBIN and move the binary into place afterwards, so that nobody ever
  // sees a half-written file at the cache path.
  const staging = path.join(baseCacheDir, `temporal-${TEMPORAL_CLI_VERSION}.staging-${process.pid}`);
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  try {
    const goEnv: NodeJS.ProcessEnv = { ...ctx.env, GOBIN: staging };
    let result = await runGo(ctx, ['install', '-v', pkg], goEnv);
    if (result.code !== 0 && goEnv.GOSUMDB !== 'off' && isChecksumDbUnreachable(result.tail)) {
      log(
        'the Go checksum database could not be reached; retrying this one build with GOSUMDB=off ' +
          "(the Temporal CLI module's own go.sum still pins every dependency).",
      );
      result = await runGo(ctx, ['install', '-v', pkg], { ...goEnv, GOSUMDB: 'off' });
    }
    if (result.code !== 0) {
      throw new Error(
        `building the Temporal CLI failed (go install ${pkg} exited with ${result.code}). Last output:\n${result.tail}`,
      );
    }
    const built = path.join(staging, BINARY_NAME);
    const problem = await executableProblem(built);
    if (problem) throw new Error(`go install succeeded but ${built} is unusable: ${problem}`);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.rename(built, target);
    log(`built the Temporal CLI: ${target}`);
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

interface GoResult {
  code: number;
  tail: string;
}

/** Spawns go, summarising its `-v` output into periodic progress lines. */
function runGo(ctx: BuildContext, args: string[], env: NodeJS.ProcessEnv): Promise<GoResult> {
  const { log } = ctx;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(ctx.goPath, args, {
      cwd: ctx.baseCacheDir, // never pick up a go.mod / go.work of the caller's directory
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    let downloaded = 0;
    let compiled = 0;
    let phase: 'start' | 'download' | 'compile' = 'start';
    let lastPackage = '';

    const onLine = (line: string) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (line.startsWith('go: downloading ')) {
        downloaded++;
        if (phase === 'start') {
          phase = 'download';
          log('downloading Go modules…');
        }
      } else if (/^[\w.~-]+(\/[\w.~+-]+)*$/.test(line.trim())) {
        // `go install -v` prints each package path as it is built.
        compiled++;
        lastPackage = line.trim();
        if (phase !== 'compile') {
          phase = 'compile';
          log(`compiling (${downloaded} modules downloaded)…`);
        }
      } else if (/error|cannot|fatal|verifying|toolchain|switching/i.test(line)) {
        log(`go: ${line.replace(/^go: /, '')}`);
      }
    };
    const attach = (stream: NodeJS.ReadableStream) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, nl).replace(/\r$/, ''));
          buf = buf.slice(nl + 1);
        }
      });
      stream.on('end', () => {
        if (buf) onLine(buf);
        buf = '';
      });
    };
    attach(child.stdout);
    attach(child.stderr);

    const timer = setInterval(() => {
      const secs = Math.round((Date.now() - started) / 1000);
      const detail =
        phase === 'compile'
          ? `${compiled} packages compiled, last: ${lastPackage}`
          : `${downloaded} modules downloaded`;
      log(`still building… ${secs}s (${detail})`);
    }, ctx.progressIntervalMs);
    timer.unref();

    child.once('error', (err) => {
      clearInterval(timer);
      reject(new Error(`could not run ${ctx.goPath}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code: code ?? (signal ? 128 : 1), tail: tail.join('\n') });
    });
  });
}
