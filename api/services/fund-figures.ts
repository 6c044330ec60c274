/**
 * 项目资金与资产读取 — loads the fund projects and assets in the official's scope for the admin
 * pages (the aggregation is pure, in ./project-figures), and filters the asset ledger by class,
 * owner, idle and inspection overdue.
 */
import type { Process } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import type { ServiceContext } from './context';
import { processScopeWhere } from './process-actions';
import { PROJECT_KIND } from '../../workflows/project/contracts';
import { ASSET_KIND } from '../../workflows/asset/contracts';
export * from './project-figures';

/** The projects in the official's scope (a county's library is hundreds of rows: read at once). */
export function loadProjects(ctx: ServiceContext, official: AuthOfficial): Promise<Process[]> {
  return ctx.prisma.process.findMany({ where: { AND: [processScopeWhere(official), { kind: PROJECT_KIND }] }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: 5000 });
}

/** Filters of the asset ledger. */
export interface AssetFilter {
  assetClass?: string;
  owner?: string;
  idle?: boolean;
  overdue?: boolean;
}

/** The assets in scope with whether an inspection is overdue, filtered. */
export async function loadAssets(ctx: ServiceContext, official: AuthOfficial, f: AssetFilter, now = new Date()): Promise<{ row: Process; overdue: boolean }[]> {
  const rows = await ctx.prisma.process.findMany({ where: { AND: [processScopeWhere(official), { kind: ASSET_KIND }] }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: 5000 });
  const overdueTasks = await ctx.prisma.task.findMany({
    where: { processId: { in: rows.map((r) => r.id) }, step: 'INSPECTION', status: 'OPEN', dueAt: { lt: now } }, select: { processId: true },
  });
  const overdue = new Set(overdueTasks.map((t) => t.processId));
  return rows
    .map((row) => ({ row, overdue: overdue.has(row.id) }))
    .filter(({ row, overdue: o }) => {
      const d = (row.data ?? {}) as Record<string, unknown>;
      return (!f.assetClass || d.assetClass === f.assetClass) && (!f.owner || String(d.ownerName ?? '').includes(f.owner))
        && (!f.idle || d.idle === true) && (!f.overdue || o);
    });
}
