/**
 * Applies the checked-in migrations (`prisma/migrations`) with `prisma migrate deploy`, the
 * command meant for production: it never generates or resets anything. Safe to run from several
 * processes at once (Prisma takes an advisory lock).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where `package.json` and `prisma.config.ts` live). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Result of running the local Prisma CLI. */
export interface PrismaCliResult {
  code: number;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
}

/**
 * Runs the project's own Prisma CLI (`node_modules/.bin/prisma`) in the project root with
 * `DATABASE_URL` set. Update checks and telemetry are off (they would try the network).
 *
 * @param doneWhen - output that marks the command as finished: the CLI is then stopped and the
 *   run counts as successful. Prisma 6.19's CLI idles about 10 s after its last line (a timer
 *   inside the WebAssembly schema engine and the pg pool's idle timeout, neither cleared on exit).
 */
export function runPrismaCli(args: string[], databaseUrl: string, doneWhen?: RegExp): Promise<PrismaCliResult> {
  const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'prisma');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let done = false;
    const onData = (s: string) => {
      output += s;
      if (!done && doneWhen?.test(output)) {
        done = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('error', (err) => reject(new Error(`could not run ${bin}: ${err.message}`)));
    child.once('close', (code, signal) => resolve({ code: done ? 0 : (code ?? (signal ? 128 : 1)), output }));
  });
}

/**
 * Brings the database at `databaseUrl` up to date with `prisma/migrations`.
 *
 * @param log - receives one summary line
 * @throws Error carrying the CLI's output when a migration fails
 */
export async function applyMigrations(databaseUrl: string, log: (msg: string) => void = (m) => console.error(`[migrate] ${m}`)): Promise<void> {
  const started = Date.now();
  // Both lines are printed after the schema engine has finished and been stopped.
  const finished = /All migrations have been successfully applied\.|No pending migrations to apply\./;
  const { code, output } = await runPrismaCli(['migrate', 'deploy'], databaseUrl, finished);
  const text = redact(output.trim(), databaseUrl);
  if (code !== 0) {
    throw new Error(`prisma migrate deploy failed (exit code ${code}):\n${text}`);
  }
  const applied = /(\d+) migrations? found/.exec(text)?.[1];
  const summary = /No pending migrations to apply\./.test(text)
    ? 'database is up to date'
    : (text.split('\n').filter((l) => /applied|migration/i.test(l)).pop() ?? 'migrations applied');
  log(`${summary}${applied ? ` (${applied} migration${applied === '1' ? '' : 's'} in prisma/migrations)` : ''} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/** Keeps a password in DATABASE_URL out of logs and error messages. */
function redact(text: string, databaseUrl: string): string {
  try {
    const { password } = new URL(databaseUrl);
    return password ? text.split(password).join('***').split(decodeURIComponent(password)).join('***') : text;
  } catch {
    return text;
  }
}
