/**
 * Open tasks within an official's region — overdue ones by default — grouped by level (村 → 乡镇 →
 * 县) and region, with the names an administrator needs to chase them.
 */
import type { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import type { StatsFilter } from './compute-stats';
import type { ServiceContext } from './context';
import { caseListWhere } from './list-cases';

/** Filters of the overdue view. */
export interface OverdueFilter extends StatsFilter {
  /** Include open tasks not yet overdue. */
  all?: boolean;
  level?: string;
  townshipCode?: string;
}

/** A task row of the view. */
export interface OverdueTaskRow {
  id: string;
  caseId: string;
  step: string;
  level: string;
  regionCode: string;
  assigneeId: string | null;
  assigneeName: string | null;
  openedAt: Date;
  dueAt: Date;
  overdue: boolean;
  escalations: number;
  villageCode: string;
  townshipCode: string;
}

/** Tasks grouped by level, then region. */
export interface OverdueGroup {
  level: string;
  regions: { regionCode: string; regionName: string | null; tasks: OverdueTaskRow[] }[];
}

const LEVEL_ORDER = ['VILLAGE', 'TOWNSHIP', 'COUNTY'];
/** Most tasks the view lists. */
export const OVERDUE_LIMIT = 1000;

export async function listOverdueTasks(ctx: ServiceContext, official: AuthOfficial, f: OverdueFilter, now = new Date()): Promise<{ groups: OverdueGroup[]; total: number; truncated: boolean }> {
  const where: Prisma.TaskWhereInput = {
    status: 'OPEN',
    case: caseListWhere(official, { region: f.region, openedFrom: f.openedFrom, openedTo: f.openedTo, townshipCode: f.townshipCode }, now),
    ...(f.all ? {} : { dueAt: { lte: now } }),
    ...(f.level ? { level: f.level } : {}),
  };
  const [total, rows] = await Promise.all([
    ctx.prisma.task.count({ where }),
    ctx.prisma.task.findMany({
      where, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take: OVERDUE_LIMIT,
      include: { case: { select: { villageCode: true, townshipCode: true } } },
    }),
  ]);
  const officialIds = [...new Set(rows.map((t) => t.assigneeId).filter((x): x is string => !!x))];
  const [officials, regions] = await Promise.all([
    ctx.prisma.official.findMany({ where: { id: { in: officialIds } }, select: { id: true, name: true } }),
    ctx.prisma.region.findMany({ where: { code: { in: [...new Set(rows.map((t) => t.regionCode))] } }, select: { code: true, name: true } }),
  ]);
  const names = new Map(officials.map((o) => [o.id, o.name]));
  const regionNames = new Map(regions.map((r) => [r.code, r.name]));
  const groups = new Map<string, Map<string, OverdueTaskRow[]>>();
  for (const t of rows) {
    // The `where` asks for the task's case: every row has one.
    const kase = t.case as NonNullable<typeof t.case>;
    const byRegion = groups.get(t.level) ?? new Map<string, OverdueTaskRow[]>();
    const list = byRegion.get(t.regionCode) ?? [];
    list.push({
      id: t.id, caseId: t.caseId as string, step: t.step, level: t.level, regionCode: t.regionCode, assigneeId: t.assigneeId,
      assigneeName: t.assigneeId ? (names.get(t.assigneeId) ?? t.assigneeId) : null, openedAt: t.openedAt, dueAt: t.dueAt,
      overdue: t.dueAt <= now, escalations: t.escalations, villageCode: kase.villageCode, townshipCode: kase.townshipCode,
    });
    byRegion.set(t.regionCode, list);
    groups.set(t.level, byRegion);
  }
  const rank = (l: string): number => (LEVEL_ORDER.indexOf(l) + 1 || 99);
  return {
    total,
    truncated: total > rows.length,
    groups: [...groups].sort(([a], [b]) => rank(a) - rank(b)).map(([level, byRegion]) => ({
      level,
      regions: [...byRegion].sort(([a], [b]) => a.localeCompare(b)).map(([regionCode, tasks]) => ({ regionCode, regionName: regionNames.get(regionCode) ?? null, tasks })),
    })),
  };
}
