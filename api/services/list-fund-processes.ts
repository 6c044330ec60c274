/**
 * 项目库与资产台账查询 — the project library and the asset ledger filtered in PostgreSQL, not in
 * memory: the official's scope and every filter are one SQL condition on `"Process" c`, JSON facts
 * matched by containment (`data @> …`, served by the GIN index on `data`), pages by keyset on
 * (createdAt desc, id) with an opaque cursor. The per-township figures of the library are summed in
 * SQL too (./project-figures turns the sums into rates and the ranking).
 */
import { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { ServiceContext } from './context';
import { caseFilterSql } from './case-filter-sql';
import type { TownshipSums } from './project-figures';
import { APPROVED_STATUSES } from './project-figures';
import { PROJECT_KIND } from '../../workflows/project/contracts';
import { ASSET_KIND, ASSET_STEPS } from '../../workflows/asset/contracts';

/** Rows a page shows. @default 50 */
export const FUND_PAGE_SIZE = 50;

/** A row of the library or the ledger. */
export interface FundListRow {
  id: string;
  kind: string;
  title: string;
  status: string;
  townshipCode: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  /** Assets: an inspection task open past its due time. */
  overdue: boolean;
}

/** One page and the cursor of the next (null on the last page). */
export interface FundListPage {
  rows: FundListRow[];
  next: string | null;
  /** Rows matching the filter (all pages). */
  total: number;
}

/** Filters of the project library. */
export interface ProjectListFilter {
  status?: string;
  township?: string;
  type?: string;
  behind?: boolean;
  notStarted?: boolean;
}

/** Filters of the asset ledger. */
export interface AssetListFilter {
  assetClass?: string;
  /** Part of the owner's name. */
  owner?: string;
  idle?: boolean;
  /** An inspection task open past its due time. */
  overdue?: boolean;
}

const contains = (facts: Record<string, unknown>): Prisma.Sql => Prisma.sql`c.data @> ${JSON.stringify(facts)}::jsonb`;

/** Cursor of a row: its creation instant and id, base64url. */
function cursorOf(r: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([r.createdAt.toISOString(), r.id])).toString('base64url');
}

function afterCursor(cursor: string | undefined): Prisma.Sql | null {
  if (!cursor) return null;
  let at: string;
  let id: string;
  try {
    [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
  } catch {
    throw new AppError('INVALID_INPUT', 'after: not a cursor of this list', { field: 'after' });
  }
  // Only what cursorOf writes: an ISO instant (cast to a timestamp in SQL) and an id.
  if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at)) || new Date(at).toISOString() !== at || id.length > 200) {
    throw new AppError('INVALID_INPUT', 'after: not a cursor of this list', { field: 'after' });
  }
  const ts = Prisma.sql`${at.slice(0, 23)}::timestamp`;
  return Prisma.sql`(c."createdAt" < ${ts} OR (c."createdAt" = ${ts} AND c.id > ${id}))`;
}

const overdueSql = Prisma.sql`EXISTS (SELECT 1 FROM "Task" t WHERE t."processId" = c.id AND t.step = ${ASSET_STEPS.INSPECTION} AND t.status = 'OPEN' AND t."dueAt" < now())`;

async function page(ctx: ServiceContext, where: Prisma.Sql[], o: { after?: string; limit?: number }): Promise<FundListPage> {
  const limit = Math.min(Math.max(o.limit ?? FUND_PAGE_SIZE, 1), 200);
  const cond = Prisma.join(where, ' AND ');
  const after = afterCursor(o.after);
  const [rows, count] = await Promise.all([
    ctx.prisma.$queryRaw<FundListRow[]>`SELECT c.id, c.kind, c.title, c.status, c."townshipCode", c.data, c."createdAt", ${overdueSql} AS overdue
      FROM "Process" c WHERE ${cond}${after ? Prisma.sql` AND ${after}` : Prisma.empty}
      ORDER BY c."createdAt" DESC, c.id ASC LIMIT ${limit + 1}`,
    ctx.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Process" c WHERE ${cond}`,
  ]);
  const shown = rows.slice(0, limit).map((r) => ({ ...r, data: (r.data ?? {}) as Record<string, unknown> }));
  return { rows: shown, next: rows.length > limit ? cursorOf(shown[shown.length - 1]) : null, total: Number(count[0]?.n ?? 0) };
}

/** The projects in the official's scope that pass the filter, one page. */
export function listProjects(ctx: ServiceContext, official: AuthOfficial, f: ProjectListFilter, o: { after?: string; limit?: number } = {}): Promise<FundListPage> {
  const where: Prisma.Sql[] = [caseFilterSql(official, {}), Prisma.sql`c.kind = ${PROJECT_KIND}`];
  if (f.status) where.push(Prisma.sql`c.status = ${f.status}`);
  if (f.township) where.push(Prisma.sql`c."townshipCode" = ${f.township}`);
  if (f.type) where.push(contains({ type: f.type }));
  if (f.behind) where.push(contains({ behind: true }));
  if (f.notStarted) where.push(Prisma.sql`${contains({ notStartedFlagged: true })} AND (c.data->>'startedOn') IS NULL`);
  return page(ctx, where, o);
}

/** The assets in the official's scope that pass the filter, one page. */
export function listAssets(ctx: ServiceContext, official: AuthOfficial, f: AssetListFilter, o: { after?: string; limit?: number } = {}): Promise<FundListPage> {
  const where: Prisma.Sql[] = [caseFilterSql(official, {}), Prisma.sql`c.kind = ${ASSET_KIND}`];
  if (f.assetClass) where.push(contains({ assetClass: f.assetClass }));
  if (f.owner) where.push(Prisma.sql`strpos(c.data->>'ownerName', ${f.owner}) > 0`);
  if (f.idle) where.push(contains({ idle: true }));
  if (f.overdue) where.push(overdueSql);
  return page(ctx, where, o);
}

/** Sums of a township's projects, as SQL returns them: the figures' sums and the annual plan's budgets. */
export interface TownshipProjectSums extends TownshipSums {
  /** Budgets of the annual plan (approved or in the plan): industry and all. */
  planIndustryFen: number;
  planTotalFen: number;
}

/** The library's per-township sums in the official's scope (one GROUP BY, however many projects). */
export async function projectSums(ctx: ServiceContext, official: AuthOfficial): Promise<TownshipProjectSums[]> {
  const approved = Prisma.sql`c.status IN (${Prisma.join([...APPROVED_STATUSES])})`;
  const inPlan = Prisma.sql`(${approved} OR c.status = 'IN_PLAN')`;
  const budget = Prisma.sql`COALESCE((c.data->>'budgetFen')::bigint, 0)`;
  const rows = await ctx.prisma.$queryRaw<Record<string, bigint | string | null>[]>`
    SELECT COALESCE(c."townshipCode", '—') AS "townshipCode", count(*) AS projects,
      count(*) FILTER (WHERE ${approved}) AS approved,
      count(*) FILTER (WHERE ${approved} AND COALESCE(c.data->>'startedOn', '') <> '') AS started,
      COALESCE(sum(${budget}) FILTER (WHERE ${approved}), 0) AS "budgetFen",
      COALESCE(sum(COALESCE((c.data->>'paidFen')::bigint, 0)) FILTER (WHERE ${approved}), 0) AS "paidFen",
      count(*) FILTER (WHERE ${contains({ behind: true })}) AS behind,
      count(*) FILTER (WHERE ${contains({ notStartedFlagged: true })} AND COALESCE(c.data->>'startedOn', '') = '') AS "notStarted",
      COALESCE(sum(${budget}) FILTER (WHERE ${inPlan} AND ${contains({ type: 'INDUSTRY' })}), 0) AS "planIndustryFen",
      COALESCE(sum(${budget}) FILTER (WHERE ${inPlan}), 0) AS "planTotalFen"
    FROM "Process" c WHERE ${caseFilterSql(official, {})} AND c.kind = ${PROJECT_KIND}
    GROUP BY 1`;
  return rows.map((r) => ({
    townshipCode: String(r.townshipCode), projects: Number(r.projects), approved: Number(r.approved), started: Number(r.started), budgetFen: Number(r.budgetFen),
    paidFen: Number(r.paidFen), behind: Number(r.behind), notStarted: Number(r.notStarted), planIndustryFen: Number(r.planIndustryFen), planTotalFen: Number(r.planTotalFen),
  }));
}
