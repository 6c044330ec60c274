/**
 * 运行记录 — what `npm start` started, kept in `<dataDir>/npm-start.json` (its own pid, and the
 * pids and ports of the embedded PostgreSQL and the Temporal dev server), so that the next start
 * after a crash or a SIGKILL finds its own leftovers and stops them, saying what it did, instead of
 * failing on a taken port. Also watches the children while running.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One started process. */
export interface RecordedProcess {
  pid: number;
  port?: number;
  uiPort?: number;
}

/** The record of one `npm start`. */
export interface RunRecord {
  /** Pid of the `npm start` process (the node process running scripts/start.ts). */
  pid: number;
  startedAt: string;
  postgres?: RecordedProcess;
  temporal?: RecordedProcess & { dbFile: string };
  api?: { port: number };
}

/** Where the record lives. */
export function runRecordPath(dataDir: string): string {
  return path.join(dataDir, 'npm-start.json');
}

/** Reads the record; `undefined` when there is none or it is unreadable. */
export function readRunRecord(dataDir: string): RunRecord | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(runRecordPath(dataDir), 'utf8')) as RunRecord;
    return typeof r.pid === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the record atomically (a crash never leaves half a file). */
export function writeRunRecord(dataDir: string, record: RunRecord): void {
  const file = runRecordPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Removes the record (after a clean stop). */
export function removeRunRecord(dataDir: string): void {
  fs.rmSync(runRecordPath(dataDir), { force: true });
}

/** Whether `pid` runs and is not a zombie (a dead child not yet reaped still answers signal 0). */
export function isRunning(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): signal 0 is all we know
  }
}

/** The command line of a process, or `undefined` when it is gone. */
export async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() || undefined;
  } catch {
    try {
      return (await execFileAsync('ps', ['-o', 'args=', '-p', String(pid)])).stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }
}

/** Pids of running Temporal dev servers whose database is `dbFile` (whoever started them). */
export async function devServersOn(dbFile: string): Promise<number[]> {
  let out = '';
  try {
    out = (await execFileAsync('ps', ['-eo', 'pid=,args='], { maxBuffer: 8 * 1024 * 1024 })).stdout;
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && /\bserver start-dev\b/.test(m[2]) && m[2].includes(`--db-filename ${dbFile}`))
    .map((m) => Number(m[1]))
    .filter((pid) => pid !== process.pid && isRunning(pid));
}

/** Sends `signal`, waits up to `graceMs`, then SIGKILL; true when the process is gone. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch {
    return !isRunning(pid);
  }
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  await new Promise((r) => setTimeout(r, 200));
  return !isRunning(pid);
}

/**
 * Before a start: refuses when another `npm start` still runs on this data directory, and stops
 * what an earlier one that died left behind — its Temporal dev server (found by its database
 * file) and its embedded PostgreSQL (by the recorded pid) — logging each step.
 * @throws when another live `npm start` owns the data directory
 */
export async function stopLeftovers(dataDir: string, log: (msg: string) => void): Promise<void> {
  const record = readRunRecord(dataDir);
  if (record && record.pid !== process.pid && isRunning(record.pid) && /start\.ts/.test((await commandLine(record.pid)) ?? '')) {
    throw new Error(`another npm start is running on ${dataDir} (pid ${record.pid}); stop it first (Ctrl-C in its terminal, or kill ${record.pid})`);
  }
  if (record) log(`found the record of an earlier npm start (pid ${record.pid}, started ${record.startedAt}) that did not stop cleanly`);

  const dbFile = path.join(dataDir, 'temporal.db');
  const temporalPids = new Set(await devServersOn(dbFile));
  if (record?.temporal && isRunning(record.temporal.pid) && /start-dev/.test((await commandLine(record.temporal.pid)) ?? '')) temporalPids.add(record.temporal.pid);
  for (const pid of temporalPids) {
    log(`stopping the Temporal dev server left running on ${dbFile} (pid ${pid}${record?.temporal?.pid === pid ? `, ports ${record.temporal.port}/${record.temporal.uiPort}` : ''})`);
    if (!(await stopProcess(pid, 'SIGTERM', 5_000))) throw new Error(`could not stop the leftover Temporal dev server (pid ${pid})`);
  }

  const pg = record?.postgres;
  if (pg && isRunning(pg.pid) && /postgres/.test((await commandLine(pg.pid)) ?? '')) {
    log(`stopping the embedded PostgreSQL left running (pid ${pg.pid}, port ${pg.port})`);
    // SIGINT is PostgreSQL's fast shutdown; SIGQUIT its immediate one.
    if (!(await stopProcess(pg.pid, 'SIGINT', 15_000))) throw new Error(`could not stop the leftover PostgreSQL (pid ${pg.pid})`);
  }
  if (record) removeRunRecord(dataDir);
}
