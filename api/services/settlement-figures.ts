/**
 * 安置点就业统计 — per relocation settlement (安置点) in the official's region: relocated households
 * followed up, how many have labour in work (务工、自主创业、公益岗位) and how many members work,
 * seeking work, without labour, not yet recorded; overdue and late visits; the checklist's
 * completeness. Read from the process read model; the sums are a pure function of its rows.
 */
import type { AuthOfficial } from '../auth/authenticate';
import type { ServiceContext } from './context';
import { processScopeWhere } from './process-actions';
import type { EmploymentStatus } from '../../workflows/relocated-household/contracts';
import { RELOCATED_HOUSEHOLD_KIND, RELOCATED_VISIT_STEP } from '../../workflows/relocated-household/contracts';
import { SETTLEMENT_KIND } from '../../workflows/relocation/contracts';

/** Statuses in which the household's labour is in work (就业). */
export const WORKING_STATUSES: readonly EmploymentStatus[] = ['EMPLOYED_LOCAL', 'EMPLOYED_AWAY', 'SELF_EMPLOYED', 'PUBLIC_WELFARE_JOB'];

/** One relocated household as the figures read it. */
export interface RelocatedRow {
  settlementId: string;
  employment: { status: string; workers: number } | null;
  visits: number;
  lateVisits: number;
  /** Its visit task is open past its due time. */
  visitOverdue: boolean;
  ended: boolean;
}

/** The employment figures of one settlement. */
export interface SettlementEmployment {
  /** Households followed up (registered, the follow-up not ended). */
  households: number;
  /** Households with labour in work. */
  employedHouseholds: number;
  /** Members in work, over the households in work. */
  workers: number;
  seekingWork: number;
  noLabour: number;
  /** Households whose employment was never recorded. */
  notRecorded: number;
  /** Employed households as a share of those with labour and a record (null when none has). */
  employmentRate: number | null;
  visits: number;
  lateVisits: number;
  overdueVisits: number;
}

/** Sums the rows of one settlement (the follow-ups that ended are left out). */
export function employmentOf(rows: readonly RelocatedRow[]): SettlementEmployment {
  const open = rows.filter((r) => !r.ended);
  const statusIs = (r: RelocatedRow, s: readonly string[]): boolean => !!r.employment && s.includes(r.employment.status);
  const employed = open.filter((r) => statusIs(r, WORKING_STATUSES));
  const seekingWork = open.filter((r) => statusIs(r, ['SEEKING_WORK'])).length;
  const withLabour = employed.length + seekingWork;
  return {
    households: open.length,
    employedHouseholds: employed.length,
    workers: employed.reduce((n, r) => n + (r.employment?.workers ?? 0), 0),
    seekingWork,
    noLabour: open.filter((r) => statusIs(r, ['NO_LABOUR'])).length,
    notRecorded: open.filter((r) => !r.employment).length,
    employmentRate: withLabour === 0 ? null : employed.length / withLabour,
    visits: open.reduce((n, r) => n + r.visits, 0),
    lateVisits: open.reduce((n, r) => n + r.lateVisits, 0),
    overdueVisits: open.filter((r) => r.visitOverdue).length,
  };
}

/** A settlement with its checklist's completeness and its households' employment. */
export interface SettlementFigures extends SettlementEmployment {
  settlementId: string;
  name: string;
  townshipCode: string | null;
  status: string;
  checklist: { done: number; total: number; late: number };
}

type Json = Record<string, any>;
const dataOf = (d: unknown): Json => (d && typeof d === 'object' ? (d as Json) : {});

/**
 * Every relocated household of `settlementIds`, as rows of {@link employmentOf}. The caller has
 * checked that the official may see the settlements: a settlement's households come from villages
 * all over the county, and its figures count them all.
 */
export async function relocatedRows(ctx: ServiceContext, settlementIds: readonly string[]): Promise<RelocatedRow[]> {
  if (settlementIds.length === 0) return [];
  const rows = await ctx.prisma.$queryRaw<{ settlementId: string; closed: boolean; employment: Json | null; visits: number; lateVisits: number; overdue: boolean }[]>`
    SELECT p.data->>'settlementId' AS "settlementId", p."closedAt" IS NOT NULL AS closed, p.data->'employment' AS employment,
      COALESCE((p.data->>'visits')::int, 0) AS visits, COALESCE((p.data->>'lateVisits')::int, 0) AS "lateVisits",
      EXISTS (SELECT 1 FROM "Task" t WHERE t."processId" = p.id AND t.step = ${RELOCATED_VISIT_STEP} AND t.status = 'OPEN' AND t."dueAt" < now()) AS overdue
    FROM "Process" p
    WHERE p.kind = ${RELOCATED_HOUSEHOLD_KIND} AND p.data->>'settlementId' = ANY(${[...settlementIds]}::text[])`;
  return rows.map((r) => ({
    settlementId: r.settlementId,
    employment: r.employment && typeof r.employment.status === 'string' ? { status: r.employment.status, workers: Number(r.employment.workers ?? 0) } : null,
    visits: r.visits, lateVisits: r.lateVisits, visitOverdue: r.overdue, ended: r.closed,
  }));
}

/** The figures of every settlement in the official's region, oldest first. */
export async function settlementFigures(ctx: ServiceContext, official: AuthOfficial): Promise<{ settlements: SettlementFigures[] }> {
  const settlements = await ctx.prisma.process.findMany({
    where: { AND: [{ kind: SETTLEMENT_KIND }, processScopeWhere(official)] }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 1000,
    select: { id: true, title: true, townshipCode: true, status: true, data: true },
  });
  const rows = await relocatedRows(ctx, settlements.map((s) => s.id));
  return {
    settlements: settlements.map((s) => {
      const d = dataOf(s.data);
      const c = dataOf(d.completeness);
      return {
        settlementId: s.id, name: typeof d.name === 'string' ? d.name : s.title, townshipCode: s.townshipCode, status: s.status,
        checklist: { done: Number(c.done ?? 0), total: Number(c.total ?? 0), late: Number(c.late ?? 0) },
        ...employmentOf(rows.filter((r) => r.settlementId === s.id)),
      };
    }),
  };
}
