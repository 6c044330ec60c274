/**
 * Fills a throwaway database's read model with many cases at SQL speed (`generate_series`, one
 * INSERT … SELECT per table): rows only, no workflows. Used by the list bench
 * (scripts/bench/lists.ts, 100,000 cases) and by the keyset-paging test (a few thousand).
 *
 * The mix resembles a city a few years in (监测对象 in every state): 6% in identification, 50%
 * monitored, 5% in the elimination procedure, 25% eliminated (a few too early, a few under a
 * first-measure clock), the rest rejected, withdrawn or closed. Cases open in threes on whole
 * hours, so many share an instant — keyset paging must break those ties by id.
 */
import { Prisma } from '@prisma/client';
import { storeComplianceSql } from '../../activities/elimination-compliance';
import pg from 'pg';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { policyHash } from '../../runtime/policy-hash';

/** Options of {@link seedReadModel}. */
export interface SeedReadModelOptions {
  /** Cases to write. */
  cases: number;
  /** County the townships belong to (must exist, e.g. the demo county 410599000000). */
  countyCode: string;
  /** Townships to add under the county (codes `<county 6>2TT000`). @default 20 */
  townships?: number;
  /** Villages per added township (codes `<township 9>2VV`). @default 15 */
  villagesPerTownship?: number;
  /** Latest opening instant; earlier cases open up to about five years before. @default now */
  newest?: Date;
  /** Prefix of case and household ids, so two seeds never collide. @default 'B' */
  idPrefix?: string;
}

/** What {@link seedReadModel} wrote. */
export interface SeededReadModel {
  cases: number;
  townshipCodes: string[];
  villageCodes: string[];
  seconds: number;
}

const STEP_CYCLE = ['VERIFICATION', 'VILLAGE_REVIEW', 'PUBLIC_NOTICE', 'TOWNSHIP_REVIEW', 'COUNTY_APPROVAL'];

/**
 * Writes regions, households, cases, tasks and measures for `cases` cases, then VACUUM ANALYZE
 * (so the planner knows the table sizes and index-only scans see an up-to-date visibility map).
 */
export async function seedReadModel(databaseUrl: string, opts: SeedReadModelOptions): Promise<SeededReadModel> {
  const started = Date.now();
  const townships = opts.townships ?? 20;
  const perTownship = opts.villagesPerTownship ?? 15;
  const county6 = opts.countyCode.slice(0, 6);
  const prefix = opts.idPrefix ?? 'B';
  const newest = opts.newest ?? new Date();
  const townshipCodes = Array.from({ length: townships }, (_, t) => `${county6}${200 + t}000`);
  const villageCodes = townshipCodes.flatMap((tc) => Array.from({ length: perTownship }, (_, v) => `${tc.slice(0, 9)}${200 + v + 1}`));
  const firstMeasurePolicy = { ...DEFAULT_POLICY, version: 'bench-first-measure', eliminationClock: 'FIRST_MEASURE' };

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Region" (code, name, "nameEn", level, "parentCode")
       SELECT t.code, '基准乡' || t.n, 'Bench Township ' || t.n, 'TOWNSHIP', $1
       FROM unnest($2::text[]) WITH ORDINALITY AS t(code, n) ON CONFLICT (code) DO NOTHING`,
      [opts.countyCode, townshipCodes],
    );
    await client.query(
      `INSERT INTO "Region" (code, name, "nameEn", level, "parentCode")
       SELECT v.code, '基准村' || v.n, 'Bench Village ' || v.n, 'VILLAGE', substr(v.code, 1, 9) || '000'
       FROM unnest($1::text[]) WITH ORDINALITY AS v(code, n) ON CONFLICT (code) DO NOTHING`,
      [villageCodes],
    );
    // One row per case with every derived value, reused by the inserts below.
    await client.query(
      `CREATE TEMP TABLE seed ON COMMIT DROP AS
       SELECT i,
              $1 || lpad(i::text, 7, '0') AS id,
              'hh-' || $1 || lpad(i::text, 7, '0') AS hh,
              ($2::text[])[1 + (i % array_length($2::text[], 1))] AS village,
              (i * 7919) % 100 AS bucket,
              date_trunc('hour', $3::timestamp - make_interval(secs => (i / 3) * 3 * (5 * 365 * 86400.0 / $4))) AS opened
       FROM generate_series(1, $4::int) AS i`,
      [prefix, villageCodes, newest.toISOString().replace('Z', ''), opts.cases],
    );
    await client.query(
      `ALTER TABLE seed ADD COLUMN status text, ADD COLUMN step text, ADD COLUMN approved timestamp, ADD COLUMN eliminated timestamp`,
    );
    await client.query(
      `UPDATE seed SET
         status = CASE WHEN bucket < 6 THEN 'IDENTIFYING' WHEN bucket < 56 THEN 'MONITORED' WHEN bucket < 61 THEN 'ELIMINATING'
                       WHEN bucket < 86 THEN 'ELIMINATED' WHEN bucket < 93 THEN 'REJECTED' WHEN bucket < 97 THEN 'WITHDRAWN' ELSE 'CLOSED' END,
         step = CASE WHEN bucket < 6 THEN ($1::text[])[1 + (i % 5)] WHEN bucket BETWEEN 56 AND 60 THEN 'ELIM_ASSESSMENT' ELSE NULL END,
         approved = CASE WHEN bucket BETWEEN 6 AND 85 THEN opened + interval '10 days' END,
         eliminated = CASE WHEN bucket BETWEEN 61 AND 84 THEN opened + interval '10 days' + interval '7 months'
                           WHEN bucket = 85 THEN opened + interval '10 days' + interval '3 months' END`,
      [STEP_CYCLE],
    );
    await client.query(
      `INSERT INTO "Household" (id, "idKey", "headName", "idNumberSealed", "villageCode", "memberCount", "createdAt")
       SELECT hh, 'bench-key-' || id, '基准户' || i, 'bench-sealed', village, 1 + i % 5, opened FROM seed`,
    );
    // The two policies the cases are pinned to, stored once each as the commit activity does.
    await client.query(
      `INSERT INTO "Policy" (hash, version, body) VALUES ($1, $2, $3::jsonb), ($4, $5, $6::jsonb) ON CONFLICT (hash) DO NOTHING`,
      [policyHash(DEFAULT_POLICY), DEFAULT_POLICY.version, JSON.stringify(DEFAULT_POLICY), policyHash(firstMeasurePolicy), firstMeasurePolicy.version, JSON.stringify(firstMeasurePolicy)],
    );
    await client.query(
      `INSERT INTO "Case" (id, "caseNo", "householdId", "workflowId", channel, category, "riskTypes", status, step,
         "villageCode", "townshipCode", "countyCode", "policyVersion", "policyHash", "openedAt", "slaDueAt", "slaBreached",
         "approvedAt", "nextReviewAt", "annualCheck", "eliminatedAt", "lastContactAt", "updatedAt")
       SELECT id, id, hh, 'bench-' || id,
              (ARRAY['SELF_APPLICATION','CADRE_SCREENING','DEPARTMENT_ALERT'])[1 + i % 3],
              (ARRAY['UNSTABLE_LIFTED','MARGINAL','SUDDEN_HARDSHIP'])[1 + (i / 3) % 3],
              ARRAY[(ARRAY['ILLNESS','DISABILITY','SCHOOLING','DISASTER','UNSTABLE_EMPLOYMENT'])[1 + i % 5]],
              status, step, village, substr(village, 1, 9) || '000', $1,
              CASE WHEN bucket = 84 THEN $6 ELSE $5 END, CASE WHEN bucket = 84 THEN $3 ELSE $2 END,
              opened, opened + interval '15 days', i % 17 = 0, approved,
              CASE WHEN status = 'MONITORED' THEN approved + interval '6 months' END,
              status = 'MONITORED' AND i % 11 = 0, eliminated,
              CASE WHEN status IN ('MONITORED','ELIMINATING') THEN $4::timestamp - make_interval(days => i % 50) END,
              opened
       FROM seed`,
      [opts.countyCode, policyHash(DEFAULT_POLICY), policyHash(firstMeasurePolicy), newest.toISOString().replace('Z', ''), DEFAULT_POLICY.version, firstMeasurePolicy.version],
    );
    // Open tasks of the cases at an approving step (some overdue), one decided task for the others.
    await client.query(
      `INSERT INTO "Task" (id, "caseId", step, level, "regionCode", "allowedIds", status, "openedAt", "dueAt", "closedAt", outcome)
       SELECT id || '-t', id, step,
              CASE WHEN step IN ('TOWNSHIP_REVIEW') THEN 'TOWNSHIP' WHEN step = 'COUNTY_APPROVAL' THEN 'COUNTY' ELSE 'VILLAGE' END,
              village, '{}'::text[], 'OPEN', opened, $1::timestamp + make_interval(days => (i % 7) - 3), NULL, NULL
       FROM seed WHERE step IS NOT NULL AND step <> 'PUBLIC_NOTICE'
       UNION ALL
       SELECT id || '-t0', id, 'VERIFICATION', 'VILLAGE', village, '{}'::text[], 'DONE', opened, opened + interval '2 days', opened + interval '1 day', 'APPROVE'
       FROM seed WHERE bucket >= 6`,
      [newest.toISOString().replace('Z', '')],
    );
    // An implemented measure for most monitored cases and every case past them; the bucket-84
    // cases (first-measure clock) implement theirs late, so their elimination is early.
    await client.query(
      `INSERT INTO "Measure" (id, "caseId", type, description, status, "implementedOn", "updatedAt")
       SELECT id || '-m', id, 'EMPLOYMENT', '公益岗位', 'IMPLEMENTED',
              CASE WHEN bucket = 84 THEN approved + interval '5 months' ELSE approved + interval '20 days' END, opened
       FROM seed WHERE status IN ('ELIMINATING','ELIMINATED') OR (status = 'MONITORED' AND i % 7 <> 0)`,
    );
    // As the commit activity stores them: whether a case has an implemented measure, and each eliminated case's compliance.
    await client.query(`UPDATE "Case" c SET "measureImplemented" = true WHERE c."countyCode" = $1 AND EXISTS (SELECT 1 FROM "Measure" x WHERE x."caseId" = c.id AND x.status = 'IMPLEMENTED')`, [opts.countyCode]);
    const store = storeComplianceSql(Prisma.sql`c.status = 'ELIMINATED' AND c."countyCode" = ${opts.countyCode}`);
    await client.query(store.text, store.values as unknown[]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
  const vacuum = new pg.Client({ connectionString: databaseUrl });
  await vacuum.connect();
  try {
    for (const t of ['Region', 'Household', 'Case', 'Task', 'Measure']) await vacuum.query(`VACUUM ANALYZE "${t}"`);
  } finally {
    await vacuum.end();
  }
  return { cases: opts.cases, townshipCodes, villageCodes, seconds: (Date.now() - started) / 1000 };
}

/** Creates an empty database `name` on the server of `serverUrl` and returns its URL. */
export async function createThrowawayDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name ${name}: use a-z, 0-9 and _`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by {@link createThrowawayDatabase} (its clients must be disconnected). */
export async function dropThrowawayDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name ${name}: use a-z, 0-9 and _`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
