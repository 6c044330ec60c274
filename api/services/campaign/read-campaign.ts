/**
 * Reading a campaign (集中排查查询): its figures per village and township (from the ledger rows, as
 * the county summary computes them), a village's ledger (台账: every household with its result),
 * and a grid's households for its worker. Scoped by region: the county sees every village, a
 * township its own, a village (or its grid worker) its own.
 */
import type { PrismaClient, Process } from '@prisma/client';
import type { AuthOfficial } from '../../auth/authenticate';
import { AppError } from '../../http/app-error';
import type { CampaignFigures } from '../../../activities/campaign/figures-sql';
import { campaignFigures } from '../../../activities/campaign/figures-sql';
import type { SqlTx } from '../../../activities/core-writes';
import { CAMPAIGN_KIND } from '../../../workflows/campaign/contracts';
import type { ServiceContext } from '../context';

/** A pg-like `query` over Prisma's raw queries (counts come back as bigint; the figures convert them). */
function rawQuery(prisma: PrismaClient): Pick<SqlTx, 'query'> {
  return { query: (async (sql: string, params: unknown[]) => ({ rows: await prisma.$queryRawUnsafe(sql, ...params) })) as unknown as SqlTx['query'] };
}

/** Whether an official sees a village of a campaign. */
function seesVillage(official: AuthOfficial, p: Process, v: { villageCode: string; townshipCode: string }): boolean {
  switch (official.role) {
    case 'ADMIN':
    case 'COUNTY':
      return official.regionCode === p.countyCode || (official.role === 'ADMIN' && official.regionLevel !== 'COUNTY');
    case 'TOWNSHIP':
      return official.regionCode === v.townshipCode;
    case 'VILLAGE':
    case 'GRID':
      return official.regionCode === v.villageCode;
    default:
      return false;
  }
}

/**
 * Refuses a grid worker (网格员, role GRID) anything but a grid they work: they see their own grid's
 * households only, never the village's ledger. @throws AppError FORBIDDEN naming gridId
 */
export async function assertWorksGrid(ctx: ServiceContext, official: AuthOfficial, gridId: string | undefined): Promise<void> {
  const grid = gridId ? await ctx.prisma.grid.findUnique({ where: { id: gridId }, select: { workerId: true } }) : null;
  if (!grid || grid.workerId !== official.id) throw new AppError('FORBIDDEN', 'gridId: a grid worker (网格员) sees only the households of their own grid', { field: 'gridId' });
}

/** The campaign row; 404 when it is not a campaign. */
export async function loadCampaign(ctx: ServiceContext, campaignId: string): Promise<Process> {
  const p = await ctx.prisma.process.findUnique({ where: { id: campaignId } });
  if (!p || p.kind !== CAMPAIGN_KIND) throw new AppError('NOT_FOUND', `campaign ${campaignId} not found`, { field: 'id' });
  return p;
}

/** The campaign's figures, limited to the villages the official sees (403 when none). */
export async function figuresFor(ctx: ServiceContext, official: AuthOfficial, campaignId: string): Promise<{ process: Process; figures: CampaignFigures }> {
  const process = await loadCampaign(ctx, campaignId);
  if (official.role === 'GRID') throw new AppError('FORBIDDEN', 'a grid worker (网格员) sees the households of their grid, not the campaign\'s figures');
  const all = await campaignFigures(rawQuery(ctx.prisma), campaignId);
  const villages = all.villages.filter((v) => seesVillage(official, process, v));
  if (villages.length === 0) throw new AppError('FORBIDDEN', `campaign ${campaignId} has no village in your region (${official.regionCode})`);
  if (villages.length === all.villages.length) return { process, figures: all };
  const codes = new Set(villages.map((v) => v.villageCode));
  const townships = new Set(villages.map((v) => v.townshipCode));
  const sumOf = (vs: typeof villages) => ({
    total: vs.reduce((n, v) => n + v.total, 0), screened: vs.reduce((n, v) => n + v.screened, 0), risksFound: vs.reduce((n, v) => n + v.risksFound, 0),
    leadsStarted: vs.reduce((n, v) => n + v.leadsStarted, 0), becameMonitored: vs.reduce((n, v) => n + v.becameMonitored, 0),
    meetingsRecorded: vs.filter((v) => v.meetingRecorded).length, villages: vs.length,
  });
  return {
    process,
    figures: {
      villages, townships: all.townships.filter((t) => townships.has(t.townshipCode) && official.role !== 'VILLAGE'),
      totals: sumOf(villages), zeroFindingVillages: all.zeroFindingVillages.filter((c) => codes.has(c)),
    },
  };
}

/** One household of a ledger (no ID number, no phone). */
export interface LedgerRow {
  householdId: string;
  headName: string;
  villageCode: string;
  gridId: string;
  gridName: string;
  category: string;
  memberCount: number;
  result: string | null;
  visits: number;
  visitedAt: string | null;
  caseId: string | null;
  caseStatus: string | null;
  /** The household's open case, if any (a roster household with an open case shows it). */
  openCaseId: string | null;
  sampled: boolean;
  note: string | null;
}

/** The ledger rows of a campaign, for a village or a grid the official sees. */
export async function ledgerRows(ctx: ServiceContext, official: AuthOfficial, campaignId: string, where: { villageCode?: string; gridId?: string }): Promise<{ process: Process; rows: LedgerRow[] }> {
  const process = await loadCampaign(ctx, campaignId);
  if (official.role === 'GRID') await assertWorksGrid(ctx, official, where.gridId);
  const visits = await ctx.prisma.campaignVisit.findMany({ where: { campaignId, ...where }, orderBy: [{ villageCode: 'asc' }, { gridId: 'asc' }, { householdId: 'asc' }] });
  if (visits.length === 0) throw new AppError('NOT_FOUND', `no household of campaign ${campaignId} matches`, { field: where.gridId ? 'gridId' : 'villageCode' });
  if (!visits.every((v) => seesVillage(official, process, v))) throw new AppError('FORBIDDEN', `outside your region (${official.regionCode})`);
  const ids = visits.map((v) => v.householdId);
  const [households, grids, cases, entries] = await Promise.all([
    ctx.prisma.household.findMany({ where: { id: { in: ids } }, select: { id: true, headName: true } }),
    ctx.prisma.grid.findMany({ where: { id: { in: [...new Set(visits.map((v) => v.gridId))] } }, select: { id: true, name: true } }),
    ctx.prisma.case.findMany({ where: { householdId: { in: ids } }, select: { id: true, householdId: true, status: true, openedAt: true }, orderBy: { openedAt: 'desc' } }),
    ctx.prisma.rosterEntry.findMany({ where: { householdId: { in: ids } }, select: { householdId: true, memberCount: true } }),
  ]);
  const name = new Map(households.map((h) => [h.id, h.headName]));
  const gridName = new Map(grids.map((g) => [g.id, g.name]));
  const members = new Map(entries.map((e) => [e.householdId, e.memberCount]));
  const caseStatus = new Map(cases.map((c) => [c.id, c.status]));
  const openCase = new Map<string, string>();
  for (const c of cases) if (['IDENTIFYING', 'MONITORED', 'ELIMINATING'].includes(c.status) && !openCase.has(c.householdId)) openCase.set(c.householdId, c.id);
  return {
    process,
    rows: visits.map((v) => ({
      householdId: v.householdId, headName: name.get(v.householdId) ?? '', villageCode: v.villageCode, gridId: v.gridId, gridName: gridName.get(v.gridId) ?? v.gridId,
      category: v.category, memberCount: members.get(v.householdId) ?? 0, result: v.result, visits: v.visits, visitedAt: v.visitedAt?.toISOString() ?? null,
      caseId: v.caseId, caseStatus: v.caseId ? (caseStatus.get(v.caseId) ?? null) : null, openCaseId: openCase.get(v.householdId) ?? null, sampled: v.sampled, note: v.note,
    })),
  };
}

/** The meeting records (会议记录) of the villages of a ledger. */
export function meetingsOf(ctx: ServiceContext, campaignId: string, villageCodes: string[]): Promise<{ villageCode: string; meetingOn: string; attendees: number; minutes: string }[]> {
  return ctx.prisma.villageLedger.findMany({
    where: { campaignId, villageCode: { in: villageCodes } }, orderBy: { villageCode: 'asc' }, select: { villageCode: true, meetingOn: true, attendees: true, minutes: true },
  });
}
