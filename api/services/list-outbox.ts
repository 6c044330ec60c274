/**
 * The notification outbox (通知发件箱) as an administrator sees it: messages of cases within the
 * official's region (city-level administrators also see messages without a case), newest first.
 */
import { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import type { ServiceContext } from './context';

/** One outbox row. */
export interface OutboxRow {
  id: string;
  kind: string;
  recipientId: string;
  recipientName: string | null;
  caseId: string | null;
  taskId: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Filters and paging of the outbox view. */
export interface OutboxQuery {
  status?: string;
  kind?: string;
  caseId?: string;
  page: number;
  pageSize: number;
}

function scopeSql(official: AuthOfficial): Prisma.Sql {
  switch (official.role) {
    case 'ADMIN':
      return official.regionLevel === 'CITY' ? Prisma.sql`TRUE` : Prisma.sql`c."countyCode" = ${official.regionCode}`;
    case 'COUNTY':
      return Prisma.sql`c."countyCode" = ${official.regionCode}`;
    case 'TOWNSHIP':
      return Prisma.sql`c."townshipCode" = ${official.regionCode}`;
    case 'VILLAGE':
    case 'CONTACT':
      return Prisma.sql`c."villageCode" = ${official.regionCode}`;
    default:
      return Prisma.sql`FALSE`;
  }
}

export async function listOutbox(ctx: ServiceContext, official: AuthOfficial, q: OutboxQuery): Promise<{ items: OutboxRow[]; total: number; kinds: string[]; statuses: string[] }> {
  const conds: Prisma.Sql[] = [scopeSql(official)];
  if (q.status) conds.push(Prisma.sql`n."status" = ${q.status}`);
  if (q.kind) conds.push(Prisma.sql`n."kind" = ${q.kind}`);
  if (q.caseId) conds.push(Prisma.sql`n."caseId" = ${q.caseId}`);
  const where = Prisma.join(conds, ' AND ');
  const from = official.role === 'ADMIN' && official.regionLevel === 'CITY'
    ? Prisma.sql`"Notification" n LEFT JOIN "Case" c ON c."id" = n."caseId"`
    : Prisma.sql`"Notification" n JOIN "Case" c ON c."id" = n."caseId"`;
  const [rows, count, facets] = await Promise.all([
    ctx.prisma.$queryRaw<(Omit<OutboxRow, 'id' | 'recipientName'> & { id: bigint; recipientName: string | null })[]>`
      SELECT n."id", n."kind", n."recipientId", o."name" AS "recipientName", n."caseId", n."taskId", n."status", n."attempts",
             n."lastError", n."createdAt", n."sentAt"
      FROM ${from} LEFT JOIN "Official" o ON o."id" = n."recipientId"
      WHERE ${where}
      ORDER BY n."id" DESC
      LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
    ctx.prisma.$queryRaw<{ n: bigint }[]>`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`,
    ctx.prisma.$queryRaw<{ kind: string; status: string }[]>`SELECT DISTINCT n."kind", n."status" FROM ${from} WHERE ${scopeSql(official)}`,
  ]);
  return {
    items: rows.map((r) => ({ ...r, id: String(r.id) })),
    total: Number(count[0]?.n ?? 0),
    kinds: [...new Set(facets.map((f) => f.kind))].sort(),
    statuses: [...new Set(facets.map((f) => f.status))].sort(),
  };
}
