/**
 * Lists cases within the official's region, with filters and paging.
 */
import type { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import { caseScopeWhere } from '../auth/authenticate';
import type { TListCasesQuery } from '../routes/cases/list-cases.types';
import type { TCaseSummary } from '../routes/cases/case.types';
import type { ServiceContext } from './context';
import { toCaseSummary } from './get-case';

/** Prisma filter for the list query, always intersected with the official's scope. */
export function caseListWhere(official: AuthOfficial, q: Omit<TListCasesQuery, 'page' | 'pageSize'>, now = new Date()): Prisma.CaseWhereInput {
  const and: Prisma.CaseWhereInput[] = [caseScopeWhere(official) as Prisma.CaseWhereInput];
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

export async function listCases(ctx: ServiceContext, official: AuthOfficial, q: TListCasesQuery): Promise<{ items: TCaseSummary[]; page: number; pageSize: number; total: number }> {
  const where = caseListWhere(official, q);
  const [total, rows] = await Promise.all([
    ctx.prisma.case.count({ where }),
    ctx.prisma.case.findMany({
      where, orderBy: [{ openedAt: 'desc' }, { id: 'asc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize,
      include: { household: true, tasks: { where: { status: 'OPEN' } } },
    }),
  ]);
  return { items: rows.map((r) => toCaseSummary(r)), page: q.page, pageSize: q.pageSize, total };
}
