/**
 * One page of a case list, newest first (`openedAt` desc, `id` asc), by page number (offset) or by
 * cursor (keyset). Offsets stay for compatibility and short jumps; a cursor page is one index
 * range however deep it lies (see the indexes in prisma/schema.prisma), so the list's own
 * next/previous links use cursors.
 */
import type { Prisma } from '@prisma/client';
import type { CaseCursor } from '../../core/case-cursor';
import { decodeCaseCursor, encodeCaseCursor } from '../../core/case-cursor';
import { AppError } from '../http/app-error';

/** Where and how to read a page. */
export interface CasePageRequest {
  /** 1-based page number; with a cursor only echoed back (the client's own count). */
  page: number;
  pageSize: number;
  /** An opaque cursor from `nextCursor`/`prevCursor` of an earlier page of the same list. */
  cursor?: string;
}

/** A page of rows with cursors to its neighbours. */
export interface CasePage<T> {
  rows: T[];
  total: number;
  page: number;
  pageSize: number;
  /** Cursor of the next page, or null on the last page. */
  nextCursor: string | null;
  /** Cursor of the previous page, or null on the first page. */
  prevCursor: string | null;
}

/** Arguments handed to the row reader (a Prisma `findMany` with the caller's include/select). */
export interface CasePageQuery {
  where: Prisma.CaseWhereInput;
  orderBy: Prisma.CaseOrderByWithRelationInput[];
  skip: number;
  take: number;
}

const NEWEST_FIRST: Prisma.CaseOrderByWithRelationInput[] = [{ openedAt: 'desc' }, { id: 'asc' }];
const OLDEST_FIRST: Prisma.CaseOrderByWithRelationInput[] = [{ openedAt: 'asc' }, { id: 'desc' }];

/**
 * The rows after (or before) a cursor in the newest-first order. The redundant bound on `openedAt`
 * alone is what lets Postgres start the index range at the cursor instead of filtering from the
 * top (a row comparison cannot be used: the two keys sort in opposite directions).
 */
export function keysetWhere(c: CaseCursor): Prisma.CaseWhereInput {
  return c.dir === 'after'
    ? { openedAt: { lte: c.openedAt }, OR: [{ openedAt: { lt: c.openedAt } }, { id: { gt: c.id } }] }
    : { openedAt: { gte: c.openedAt }, OR: [{ openedAt: { gt: c.openedAt } }, { id: { lt: c.id } }] };
}

/** Decodes a request's cursor; 400 naming `cursor` when it is not one. */
export function requestCursor(text: string | undefined): CaseCursor | undefined {
  if (text === undefined) return undefined;
  const c = decodeCaseCursor(text);
  if (!c) throw new AppError('INVALID_INPUT', 'cursor: not a cursor of this list (use nextCursor or prevCursor of a page)', { field: 'cursor' });
  return c;
}

const cursorOf = (dir: CaseCursor['dir'], row: { openedAt: Date; id: string }): string => encodeCaseCursor({ dir, openedAt: row.openedAt, id: row.id });

/**
 * Reads one page and the total. `count` and `find` run at once (two pooled connections); the
 * reader fetches one row more than the page to know whether another page follows.
 */
export async function findCasePage<T extends { openedAt: Date; id: string }>(
  req: CasePageRequest,
  where: Prisma.CaseWhereInput,
  count: (where: Prisma.CaseWhereInput) => Promise<number>,
  find: (q: CasePageQuery) => Promise<T[]>,
): Promise<CasePage<T>> {
  const cursor = requestCursor(req.cursor);
  const size = req.pageSize;
  const [total, fetched] = await Promise.all([
    count(where),
    find(cursor
      ? { where: { AND: [where, keysetWhere(cursor)] }, orderBy: cursor.dir === 'after' ? NEWEST_FIRST : OLDEST_FIRST, skip: 0, take: size + 1 }
      : { where, orderBy: NEWEST_FIRST, skip: (req.page - 1) * size, take: size + 1 }),
  ]);
  const more = fetched.length > size;
  const rows = fetched.slice(0, size);
  if (cursor?.dir === 'before') rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  // Going forward (or by page number), "more" means a next page; going back, a previous one.
  const hasNext = cursor?.dir === 'before' ? rows.length > 0 : more;
  const hasPrev = cursor?.dir === 'before' ? more : cursor ? rows.length > 0 : req.page > 1 && rows.length > 0;
  return {
    rows, total, page: req.page, pageSize: size,
    nextCursor: hasNext && last ? cursorOf('after', last) : null,
    prevCursor: hasPrev && first ? cursorOf('before', first) : null,
  };
}
