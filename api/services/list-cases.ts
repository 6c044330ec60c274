/**
 * Lists cases within the official's region, with filters and paging.
 */
import type { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import { caseScopeWhere } from '../auth/authenticate';
import type { TListCasesQuery } from '../routes/cases/list-cases.types';
import type { TCaseSummary } from '../routes/cases/case.types';
import type { ServiceContext } from './context';
import { findCasePage } from './find-case-page';
import { toCaseSummary } from './get-case';

/**
 * Prisma filter for the list query, always intersected with the official's scope (`null`: every
 * case, for the process's own gauges). The figures' SQL twin is case-filter-sql.ts.
 */
export function caseListWhere(official: AuthOfficial | null, q: Omit<TListCasesQuery, 'page' | 'pageSize' | 'cursor'>, now = new Date()): Prisma.CaseWhereInput {
  const and: Prisma.CaseWhereInput[] = official ? [caseScopeWhere(official) as Prisma.CaseWhereInput] : [];
  if (q.status) and.push({ status: q.status });
  if (q.step) and.push({ step: q.step });
  if (q.villageCode) and.push({ villageCode: q.villageCode });
  if (q.townshipCode) and.push({ townshipCode: q.townshipCode });
  if (q.region) and.push({ OR: [{ villageCode: q.region }, { townshipCode: q.region }, { countyCode: q.region }] });
  if (q.category) and.push({ category: q.category });
  if (q.openedFrom) and.push({ openedAt: { gte: new Date(`${q.openedFrom}T00:00:00+08:00`) } });
  if (q.openedTo) and.push({ openedAt: { lt: new Date(new Date(`${q.openedTo}T00:00:00+08:00`).getTime() + 86_400_000) } });
  const overdueTask: Prisma.CaseWhereInput = { tasks: { some: { status: 'OPEN', dueAt: { lte: now } } } };
  if (q.overdue === 'true') and.push(overdueTask);
  if (q.overdue === 'false') and.push({ NOT: overdueTask });
  return { AND: and };
}

/** Columns a list row needs (not the pinned policy, the largest column). */
export const CASE_SUMMARY_SELECT = {
  id: true, householdId: true, status: true, step: true, category: true, riskTypes: true, channel: true, villageCode: true,
  townshipCode: true, countyCode: true, openedAt: true, slaDueAt: true, slaBreached: true, approvedAt: true, nextReviewAt: true,
  eliminatedAt: true, previousCaseId: true,
  household: { select: { headName: true } },
  tasks: { where: { status: 'OPEN' }, select: { status: true, dueAt: true } },
} as const satisfies Prisma.CaseSelect;

/**
 * One page of cases (`GET /api/cases`), by page number or by cursor (see find-case-page.ts).
 *
 * Plans at 100,000 cases in one county (bench: `npm run bench`, section "lists"), county scope:
 * - first page: Index Scan using "Case_countyCode_openedAt_id_idx" (Index Cond: countyCode), Limit 21;
 *   total: Index Only Scan on the same index, 100,000 entries, Heap Fetches: 0 (~15 ms, the
 *   largest part of the answer);
 * - status filter: "Case_countyCode_status_openedAt_id_idx"; step: "Case_countyCode_step_openedAt_id_idx";
 *   township: "Case_townshipCode_openedAt_id_idx" (its count filters countyCode on the heap, at most
 *   one township's rows);
 * - cursor page: the same index with Index Cond `openedAt <= cursor` (Filter: the tie on id), so
 *   page 4,000 reads 21 index entries; `page=4000` without a cursor reads 80,000 rows first.
 */
export async function listCases(ctx: ServiceContext, official: AuthOfficial, q: TListCasesQuery): Promise<{ items: TCaseSummary[]; page: number; pageSize: number; total: number; nextCursor: string | null; prevCursor: string | null }> {
  const where = caseListWhere(official, q);
  const p = await findCasePage(q, where, (w) => ctx.prisma.case.count({ where: w }), (args) => ctx.prisma.case.findMany({ ...args, select: CASE_SUMMARY_SELECT }));
  const now = new Date();
  return { items: p.rows.map((r) => toCaseSummary(r, now)), page: p.page, pageSize: p.pageSize, total: p.total, nextCursor: p.nextCursor, prevCursor: p.prevCursor };
}
