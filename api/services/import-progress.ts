/**
 * 导入进度 — imports and what became of their rows: received, started, already known, refused,
 * pending (stored, case not started yet). Read by `GET /api/imports…`, the CLI's progress bar and
 * the admin page. An official sees the imports they made; an administrator sees all.
 */
import type { AuthOfficial } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { sidePool } from '../../runtime/prisma';
import type { ServiceContext } from './context';
import { newProcessId } from './ids';

/** Counts of one import's rows. */
export interface ImportCounts {
  received: number;
  started: number;
  /** ALREADY_RECEIVED / ALREADY_OPEN at intake: an earlier lead or case. */
  known: number;
  refused: number;
  pending: number;
}

/** An import with its counts. */
export interface ImportInfo extends ImportCounts {
  id: string;
  createdById: string;
  fileName: string | null;
  createdAt: Date;
}

/** A refused row (at intake or at start). */
export interface RefusedRow {
  row: number;
  leadRef: string | null;
  outcome: string;
  field: string | null;
  reason: string | null;
}

/** Creates an import on this API's task queue. */
export async function createImport(ctx: ServiceContext, official: AuthOfficial, fileName?: string): Promise<string> {
  const id = newProcessId('IM');
  await sidePool(ctx.prisma).query(`INSERT INTO "Import" (id, "createdById", "taskQueue", "fileName") VALUES ($1, $2, $3, $4)`, [id, official.id, ctx.taskQueue, fileName ?? null]);
  return id;
}

/**
 * The import `id` if `official` may add to or read it.
 * @throws AppError NOT_FOUND (field importId) otherwise — another official's import is not named
 */
export async function assertImportOf(ctx: ServiceContext, official: AuthOfficial, id: string): Promise<{ id: string; createdById: string; fileName: string | null; createdAt: Date }> {
  const { rows } = await sidePool(ctx.prisma).query<{ id: string; createdById: string; fileName: string | null; createdAt: Date }>(
    `SELECT id, "createdById", "fileName", "createdAt" FROM "Import" WHERE id = $1`, [id]);
  const imp = rows[0];
  if (!imp || (official.role !== 'ADMIN' && imp.createdById !== official.id)) throw new AppError('NOT_FOUND', 'importId: no such import', { field: 'importId' });
  return imp;
}

async function countsOf(ctx: ServiceContext, ids: string[]): Promise<Map<string, ImportCounts>> {
  const { rows } = await sidePool(ctx.prisma).query<ImportCounts & { importId: string }>({
    name: 'import-counts',
    text: `SELECT "importId", count(*)::int AS received, (count(*) FILTER (WHERE status = 'STARTED'))::int AS started,
             (count(*) FILTER (WHERE status = 'KNOWN'))::int AS known, (count(*) FILTER (WHERE status = 'REFUSED'))::int AS refused,
             (count(*) FILTER (WHERE status = 'PENDING'))::int AS pending
           FROM "ImportRow" WHERE "importId" = ANY($1::text[]) GROUP BY "importId"`,
    values: [ids],
  });
  return new Map(rows.map(({ importId, ...c }) => [importId, c]));
}

const ZERO: ImportCounts = { received: 0, started: 0, known: 0, refused: 0, pending: 0 };

/** One import with its counts. */
export async function getImport(ctx: ServiceContext, official: AuthOfficial, id: string): Promise<ImportInfo> {
  const imp = await assertImportOf(ctx, official, id);
  return { ...imp, ...((await countsOf(ctx, [id])).get(id) ?? ZERO) };
}

/** The latest imports (newest first) with their counts. */
export async function listImports(ctx: ServiceContext, official: AuthOfficial, limit = 50): Promise<ImportInfo[]> {
  const all = official.role === 'ADMIN';
  const { rows } = await sidePool(ctx.prisma).query<{ id: string; createdById: string; fileName: string | null; createdAt: Date }>(
    `SELECT id, "createdById", "fileName", "createdAt" FROM "Import" WHERE $1::boolean OR "createdById" = $2 ORDER BY "createdAt" DESC LIMIT $3`,
    [all, official.id, limit]);
  const counts = await countsOf(ctx, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, ...(counts.get(r.id) ?? ZERO) }));
}

/** Refused rows of an import in row order, a page at a time (`after` = last row seen). */
export async function refusedRows(ctx: ServiceContext, official: AuthOfficial, id: string, after = 0, limit = 200): Promise<RefusedRow[]> {
  await assertImportOf(ctx, official, id);
  const { rows } = await sidePool(ctx.prisma).query<RefusedRow>(
    `SELECT row, "leadRef", outcome, field, reason FROM "ImportRow" WHERE "importId" = $1 AND status = 'REFUSED' AND row > $2 ORDER BY row LIMIT $3`,
    [id, after, limit]);
  return rows;
}
