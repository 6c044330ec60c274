/**
 * Setting up a county from the bureau's own files, and key rotation.
 *
 *   npm run setup -- regions <file.csv>      load 行政区划 (统计用区划代码: code, name, level or parent code)
 *   npm run setup -- officials <file.csv>    load officials (name, email, role, region code, language, stands in for)
 *   npm run setup -- roster <file.csv>       load a village roster (农户名册: households, grids, grid workers)
 *   npm run setup -- rotate-key              re-seal personal data under the current key
 *   npm run setup -- schedules               create or update each county's report schedules (月调度、季通报) and monthly confirmations (月调度数据确认) from the policy
 *
 * `regions` and `officials` are idempotent: a second run of the same file changes nothing and
 * says so. Each prints one line per row (added, updated, unchanged or refused with the reason) and
 * a summary; refused rows make the exit code 2, nothing else stops the run. Uses DATABASE_URL, or
 * else the embedded Postgres under the data directory (migrated first).
 */
import fs from 'node:fs';
import type { PrismaClient } from '@prisma/client';
import { ConfigError, loadConfig, runMain } from '../runtime/config';
import type { Config } from '../runtime/config';
import { applyMigrations } from '../runtime/migrate';
import { personalDataFromConfig } from '../runtime/personal-data';
import { resolveDatabase } from '../runtime/postgres';
import { createPrisma } from '../runtime/prisma';
import { resolveSecret } from '../runtime/secret';
import { resealPersonalData } from '../api/services/reseal-personal-data';
import type { LoadReport } from '../api/services/load-regions';
import { loadRegions } from '../api/services/load-regions';
import { loadOfficials } from '../api/services/load-officials';
import { TableFileError } from '../api/services/read-table-file';
import { ensureReportSchedules } from '../api/services/ensure-report-schedules';
import { loadPolicy } from '../runtime/policy-file';
import { connectClient } from '../runtime/temporal-connection';
import { importRoster } from '../api/services/campaign/import-roster';

const USAGE = `usage:
  npm run setup -- regions <file.csv>       administrative divisions (统计用区划代码), UTF-8 or GBK
  npm run setup -- officials <file.csv>     officials: name, email, role, regionCode, language, standsInFor
  npm run setup -- roster <file.csv>        village roster: villageCode, grid, gridWorker, headName, idNumber, memberCount, category
  npm run setup -- rotate-key               re-encrypt personal data with the first key of BANGFU_DATA_KEYS
  npm run setup -- schedules                create or update each county's report schedules (TEMPORAL_ADDRESS, BANGFU_POLICY_FILE)`;

function printReport(what: string, r: LoadReport): void {
  for (const row of r.rows) {
    const where = `line ${row.row}${row.key ? ` (${row.key})` : ''}`;
    if (row.outcome === 'REFUSED') console.log(`  ${where}: refused — ${row.field ? `${row.field}: ` : ''}${row.reason}`);
    else if (row.outcome !== 'UNCHANGED') console.log(`  ${where}: ${row.outcome.toLowerCase()}${row.reason ? ` — ${row.reason}` : ''}`);
  }
  const c = r.counts;
  console.log(`${what}: ${c.ADDED} added, ${c.UPDATED} updated, ${c.UNCHANGED} unchanged, ${c.REFUSED} refused (${r.rows.length} rows, ${r.encoding})`);
  if (c.ADDED === 0 && c.UPDATED === 0 && c.REFUSED === 0) console.log('nothing to change: the database already matches the file');
  if (r.notes.length > 0) for (const n of r.notes) console.log(`note: ${n}`);
}

/** The secret whose derived key opens older values: BANGFU_SECRET, or the data directory's on one machine. */
function secretFor(cfg: Config, embedded: boolean): string | undefined {
  if (cfg.BANGFU_SECRET) return cfg.BANGFU_SECRET;
  if (embedded) return resolveSecret(cfg, true);
  if (cfg.BANGFU_DATA_KEYS) return undefined;
  throw new ConfigError('Missing configuration: with DATABASE_URL, rotate-key needs BANGFU_SECRET (and BANGFU_DATA_KEYS, if used) as the API processes have them');
}

await runMain('setup', async () => {
  const [command, file, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (!['regions', 'officials', 'roster', 'rotate-key', 'schedules'].includes(command)) throw new Error(`unknown command "${command}"\n${USAGE}`);
  if ((command === 'rotate-key' || command === 'schedules') && file) throw new Error(`unexpected argument "${file}"\n${USAGE}`);
  if (command !== 'rotate-key' && command !== 'schedules' && !file) throw new Error(`${command}: a CSV file is required\n${USAGE}`);
  if (rest.length > 0 || (command === 'rotate-key' && file)) throw new Error(`unexpected argument "${rest[0] ?? file}"\n${USAGE}`);
  let bytes: Buffer | undefined;
  try {
    bytes = file ? fs.readFileSync(file) : undefined;
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }

  const cfg = loadConfig();
  const db = await resolveDatabase(cfg, { log: (m) => console.error(`[postgres] ${m}`) });
  const prisma: PrismaClient = createPrisma(db.url);
  let refused = 0;
  try {
    if (db.source === 'embedded') await applyMigrations(db.url, () => undefined);
    if (command === 'regions') {
      const r = await loadRegions(prisma, bytes as Buffer);
      printReport('regions', r);
      refused = r.counts.REFUSED;
    } else if (command === 'officials') {
      const r = await loadOfficials(prisma, bytes as Buffer);
      printReport('officials', r);
      refused = r.counts.REFUSED;
    } else if (command === 'schedules') {
      if (!cfg.TEMPORAL_ADDRESS) throw new ConfigError('Missing configuration: schedules needs TEMPORAL_ADDRESS (the Temporal server the workers use)');
      const temporal = await connectClient(cfg, cfg.TEMPORAL_ADDRESS);
      try {
        const done = await ensureReportSchedules({ prisma, temporal, taskQueue: cfg.TEMPORAL_TASK_QUEUE, policy: loadPolicy(cfg.BANGFU_POLICY_FILE) });
        for (const d of done) console.log(`  ${d.scheduleId}: ${d.outcome}`);
        console.log(`schedules: ${done.length} (${done.filter((d) => d.outcome === 'created').length} created, ${done.filter((d) => d.outcome === 'updated').length} updated)`);
      } finally {
        await temporal.connection.close();
      }
    } else if (command === 'roster') {
      // Households are keyed as the API keys them: the same secret, the same cipher.
      const secret = cfg.BANGFU_SECRET ?? (db.source === 'embedded' ? resolveSecret(cfg, true) : undefined);
      if (!secret) throw new ConfigError('Missing configuration: with DATABASE_URL, roster needs BANGFU_SECRET as the API processes have it');
      const r = await importRoster({ prisma, secret, cipher: personalDataFromConfig(cfg, secret) }, bytes as Buffer);
      printReport('roster', r);
      refused = r.counts.REFUSED;
    } else {
      const cipher = personalDataFromConfig(cfg, secretFor(cfg, db.source === 'embedded'));
      const r = await resealPersonalData(prisma, cipher);
      const moved = Object.entries(r.resealed);
      if (moved.length === 0) console.log(`nothing to change: all ${r.current} personal values are sealed with key ${r.keyId}`);
      else console.log(`re-sealed ${moved.map(([k, n]) => `${n} from ${k === 'clear' ? 'clear text' : `key ${k}`}`).join(', ')} with key ${r.keyId}; ${r.current} already were`);
      if (r.raced > 0) console.log(`${r.raced} rows changed meanwhile and were skipped: run rotate-key again`);
    }
  } catch (err) {
    if (err instanceof TableFileError) throw new Error(`${file}: ${err.message}`);
    throw err;
  } finally {
    await prisma.$disconnect();
    await db.stop();
  }
  if (refused > 0) process.exitCode = 2;
});
