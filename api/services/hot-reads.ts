/**
 * The reads made on every request of the approval path (热路径查询), as prepared statements on the
 * side pool (runtime/prisma.ts `sidePool`): the caller's token and official, a task's case, a
 * village's region chain, a household's latest case. Prisma stays for everything else; these few
 * run several times per decision and dominated the API's CPU per case in `npm run bench`.
 */
import type { Case, PrismaClient } from '@prisma/client';
import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { sidePool } from '../../runtime/prisma';

/** Runs a statement on the side pool; a failure to reach the database is marked as PostgreSQL's (503, not 500). */
async function query<R extends QueryResultRow>(prisma: PrismaClient, config: QueryConfig): Promise<QueryResult<R>> {
  const pool = sidePool(prisma);
  try {
    return await pool.query<R>(config);
  } catch (err) {
    const e = err as { code?: unknown; syscall?: unknown };
    // SQLSTATE errors (5 characters) are the statement's own; anything else is the connection's.
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && !/^(08|57P0)/.test(e.code)) throw err;
    throw Object.assign(new Error(`PostgreSQL unavailable: ${(err as Error).message}`), { cause: err, dependency: 'postgres' });
  }
}

/** What an Update on a case needs of its row: where it runs, its region, its status. */
export type CaseRef = Pick<Case, 'id' | 'workflowId' | 'status' | 'villageCode' | 'townshipCode' | 'countyCode' | 'householdId'>;

/** A bearer token with its official, as authentication reads it. */
export interface TokenOfficialRow {
  tokenId: string;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  officialId: string;
  name: string;
  role: string;
  regionCode: string;
  language: string;
  active: boolean;
  regionLevel: string;
}

/** The token of this hash with its official and the level of the official's region, or null. */
export async function tokenOfficial(prisma: PrismaClient, tokenHash: string): Promise<TokenOfficialRow | null> {
  const { rows } = await query<TokenOfficialRow>(prisma, {
    name: 'hot-token-official',
    text: `SELECT t.id AS "tokenId", t."revokedAt", t."lastUsedAt", o.id AS "officialId", o.name, o.role, o."regionCode",
             o.language, o.active, r.level AS "regionLevel"
           FROM "ApiToken" t JOIN "Official" o ON o.id = t."officialId" JOIN "Region" r ON r.code = o."regionCode"
           WHERE t."tokenHash" = $1`,
    values: [tokenHash],
  });
  return rows[0] ?? null;
}

/** A village with its parent and grandparent: codes and levels, or null when the code is unknown. */
export async function villageAncestry(prisma: PrismaClient, villageCode: string): Promise<{
  level: string; townshipCode: string | null; townshipLevel: string | null; countyCode: string | null; countyLevel: string | null;
} | null> {
  const { rows } = await query<{ level: string; townshipCode: string | null; townshipLevel: string | null; countyCode: string | null; countyLevel: string | null }>(prisma, {
    name: 'hot-village-ancestry',
    text: `SELECT v.level, t.code AS "townshipCode", t.level AS "townshipLevel", c.code AS "countyCode", c.level AS "countyLevel"
           FROM "Region" v LEFT JOIN "Region" t ON t.code = v."parentCode" LEFT JOIN "Region" c ON c.code = t."parentCode"
           WHERE v.code = $1`,
    values: [villageCode],
  });
  return rows[0] ?? null;
}

/** The case a task belongs to, or null when no such task exists. */
export async function caseRefOfTask(prisma: PrismaClient, taskId: string): Promise<CaseRef | null> {
  const { rows } = await query<CaseRef>(prisma, {
    name: 'hot-case-of-task',
    text: `SELECT c.id, c."workflowId", c.status, c."villageCode", c."townshipCode", c."countyCode", c."householdId"
           FROM "Task" t JOIN "Case" c ON c.id = t."caseId" WHERE t.id = $1`,
    values: [taskId],
  });
  return rows[0] ?? null;
}

/** The household's most recently opened case (id and status), or null. */
export async function latestCaseOf(prisma: PrismaClient, householdId: string): Promise<{ id: string; status: string } | null> {
  const { rows } = await query<{ id: string; status: string }>(prisma, {
    name: 'hot-latest-case',
    text: `SELECT id, status FROM "Case" WHERE "householdId" = $1 ORDER BY "openedAt" DESC LIMIT 1`,
    values: [householdId],
  });
  return rows[0] ?? null;
}

/** Whether a lead with this key is stored. */
export async function leadKeyExists(prisma: PrismaClient, leadKey: string): Promise<boolean> {
  const { rowCount } = await query(prisma, { name: 'hot-lead-key', text: `SELECT 1 FROM "Lead" WHERE "leadKey" = $1`, values: [leadKey] });
  return (rowCount ?? 0) > 0;
}
