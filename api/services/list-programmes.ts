/**
 * 帮扶项目台账查询 — the lists of the household programmes for the admin pages: loans (小额信贷),
 * public-welfare posts (公益岗位) and settlements (易地搬迁安置点), each filtered and paged in SQL
 * (one `count` and one indexed page of the Process table), always within the official's region.
 */
import type { Prisma, Process } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import { MICROCREDIT_KIND } from '../../workflows/microcredit/contracts';
import { WELFARE_JOB_KIND } from '../../workflows/welfare-job/contracts';
import { SETTLEMENT_KIND } from '../../workflows/relocation/contracts';
import type { ServiceContext } from './context';
import { processScopeWhere } from './process-actions';

/** Which programme a list shows. */
export type ProgrammeList = 'loans' | 'posts' | 'settlements';

/** The process kind of each list. */
export const PROGRAMME_LIST_KIND: Record<ProgrammeList, string> = { loans: MICROCREDIT_KIND, posts: WELFARE_JOB_KIND, settlements: SETTLEMENT_KIND };

/** Filters of a programme list (each optional; the page's zod schema checks them). */
export interface ProgrammeListOptions {
  townshipCode?: string;
  villageCode?: string;
  status?: string;
  /** Loans: an overdue grade (1: 1–30 days, 2: 31–90, 3: > 90). */
  grade?: 1 | 2 | 3;
  /** Only those with an open task past its due time. */
  overdue?: boolean;
  /** Posts: only those with a month confirmed late. */
  lateConfirmations?: boolean;
  /** Settlements: COMPLETE, INCOMPLETE, or LATE (an item completed or still open after its deadline). */
  completeness?: 'COMPLETE' | 'INCOMPLETE' | 'LATE';
  page: number;
  pageSize: number;
}

/** One row of a list with its overdue open tasks counted. */
export type ProgrammeListRow = Pick<Process, 'id' | 'title' | 'status' | 'step' | 'villageCode' | 'townshipCode' | 'createdAt' | 'data'> & { overdueTasks: number };

const GRADE_STATUS = { 1: 'OVERDUE_1_30', 2: 'OVERDUE_31_90', 3: 'OVERDUE_90_PLUS' } as const;

/** The `where` of a list (exported for its unit test). */
export function programmeListWhere(official: AuthOfficial, list: ProgrammeList, o: Omit<ProgrammeListOptions, 'page' | 'pageSize'>, now: Date): Prisma.ProcessWhereInput {
  const and: Prisma.ProcessWhereInput[] = [{ kind: PROGRAMME_LIST_KIND[list] }, processScopeWhere(official)];
  if (o.townshipCode) and.push({ townshipCode: o.townshipCode });
  if (o.villageCode) and.push({ villageCode: o.villageCode });
  if (o.status) and.push({ status: o.status });
  if (o.grade) and.push({ status: GRADE_STATUS[o.grade] });
  if (o.overdue) and.push({ tasks: { some: { status: 'OPEN', dueAt: { lt: now } } } });
  if (o.lateConfirmations) and.push({ data: { path: ['monthsLate'], gt: 0 } });
  if (o.completeness === 'COMPLETE') and.push({ status: 'COMPLETE' });
  if (o.completeness === 'INCOMPLETE') and.push({ NOT: { status: 'COMPLETE' } });
  if (o.completeness === 'LATE') {
    and.push({ OR: [{ data: { path: ['completeness', 'late'], gt: 0 } }, { tasks: { some: { status: 'OPEN', dueAt: { lt: now } } } }] });
  }
  return { AND: and };
}

/** A page of a programme list, newest first, and the number of all that match. */
export async function listProgrammes(ctx: ServiceContext, official: AuthOfficial, list: ProgrammeList, o: ProgrammeListOptions, now = new Date()): Promise<{ rows: ProgrammeListRow[]; total: number }> {
  const where = programmeListWhere(official, list, o, now);
  const [total, rows] = await Promise.all([
    ctx.prisma.process.count({ where }),
    ctx.prisma.process.findMany({
      where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: (o.page - 1) * o.pageSize, take: o.pageSize,
      select: {
        id: true, title: true, status: true, step: true, villageCode: true, townshipCode: true, createdAt: true, data: true,
        _count: { select: { tasks: { where: { status: 'OPEN', dueAt: { lt: now } } } } },
      },
    }),
  ]);
  return { total, rows: rows.map(({ _count, ...r }) => ({ ...r, overdueTasks: _count.tasks })) };
}
