/**
 * 我的网格 — the grids an official works as grid worker (网格员: Grid.workerId), each with its
 * roster households and their state: the household's open case (在监测 …) and its result in the
 * latest campaign that screened it. Names and categories only: no ID number, phone or address.
 */
import type { AuthOfficial } from '../../auth/authenticate';
import type { ServiceContext } from '../context';

/** One household of a grid as its worker sees it. */
export interface GridHousehold {
  householdId: string;
  headName: string;
  category: string;
  memberCount: number;
  /** The household's open case and its status, if any. */
  openCase: { id: string; status: string } | null;
  /** Its result in the latest campaign that screened it (null: not visited yet). */
  lastVisit: { campaignId: string; result: string | null; visitedAt: string | null } | null;
}

/** A grid of the official. */
export interface WorkerGrid {
  gridId: string;
  name: string;
  villageCode: string;
  villageName: string;
  households: GridHousehold[];
}

const OPEN = ['IDENTIFYING', 'MONITORED', 'ELIMINATING'];

/** The grids the official works, with their households (empty when they work none). */
export async function gridsOfWorker(ctx: ServiceContext, official: AuthOfficial): Promise<WorkerGrid[]> {
  const grids = await ctx.prisma.grid.findMany({ where: { workerId: official.id }, orderBy: [{ villageCode: 'asc' }, { name: 'asc' }] });
  if (grids.length === 0) return [];
  const entries = await ctx.prisma.rosterEntry.findMany({ where: { gridId: { in: grids.map((g) => g.id) } }, orderBy: { householdId: 'asc' } });
  const ids = entries.map((e) => e.householdId);
  const [households, cases, visits, villages] = await Promise.all([
    ctx.prisma.household.findMany({ where: { id: { in: ids } }, select: { id: true, headName: true } }),
    ctx.prisma.case.findMany({ where: { householdId: { in: ids }, status: { in: OPEN } }, select: { id: true, householdId: true, status: true } }),
    ctx.prisma.campaignVisit.findMany({ where: { householdId: { in: ids } }, select: { campaignId: true, householdId: true, result: true, visitedAt: true } }),
    ctx.prisma.region.findMany({ where: { code: { in: [...new Set(grids.map((g) => g.villageCode))] } }, select: { code: true, name: true } }),
  ]);
  const name = new Map(households.map((h) => [h.id, h.headName]));
  const open = new Map(cases.map((c) => [c.householdId, { id: c.id, status: c.status }]));
  const launched = new Map((await ctx.prisma.process.findMany({ where: { id: { in: [...new Set(visits.map((v) => v.campaignId))] } }, select: { id: true, createdAt: true } }))
    .map((p) => [p.id, p.createdAt.getTime()]));
  visits.sort((a, b) => (launched.get(b.campaignId) ?? 0) - (launched.get(a.campaignId) ?? 0));
  const last = new Map<string, GridHousehold['lastVisit']>();
  for (const v of visits) if (!last.has(v.householdId)) last.set(v.householdId, { campaignId: v.campaignId, result: v.result, visitedAt: v.visitedAt?.toISOString() ?? null });
  const villageName = new Map(villages.map((v) => [v.code, v.name]));
  return grids.map((g) => ({
    gridId: g.id, name: g.name, villageCode: g.villageCode, villageName: villageName.get(g.villageCode) ?? g.villageCode,
    households: entries.filter((e) => e.gridId === g.id).map((e) => ({
      householdId: e.householdId, headName: name.get(e.householdId) ?? '', category: e.category, memberCount: e.memberCount,
      openCase: open.get(e.householdId) ?? null, lastVisit: last.get(e.householdId) ?? null,
    })),
  }));
}
