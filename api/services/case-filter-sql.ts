/**
 * The cases an official may see, narrowed by a figure's filter (region, opening period), as a SQL
 * condition on `"Case" c` — the twin of `caseScopeWhere` + `caseListWhere` for the figures, which
 * aggregate in SQL (compute-stats.ts). test/stats.test.ts holds the two equal: every figure links
 * to a list (Prisma filter) showing exactly its count.
 */
import { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';

/** Filters of a figure: region (any level) and opening period (Beijing dates, inclusive). */
export interface CaseFilter {
  region?: string;
  openedFrom?: string;
  openedTo?: string;
}

/** Start of a Beijing date as a stored (UTC) `timestamp`. */
const beijingDayStart = (date: string, plusDays = 0): Prisma.Sql =>
  Prisma.sql`${new Date(new Date(`${date}T00:00:00+08:00`).getTime() + plusDays * 86_400_000).toISOString().slice(0, 23)}::timestamp`;

/** The scope of `official` (`null`: every case) and the filter, as one SQL condition on `"Case" c`. */
export function caseFilterSql(official: AuthOfficial | null, f: CaseFilter): Prisma.Sql {
  const and: Prisma.Sql[] = [];
  if (official) {
    switch (official.role) {
      case 'ADMIN':
        if (official.regionLevel !== 'CITY') and.push(Prisma.sql`c."countyCode" = ${official.regionCode}`);
        break;
      case 'COUNTY':
        and.push(Prisma.sql`c."countyCode" = ${official.regionCode}`);
        break;
      case 'TOWNSHIP':
        and.push(Prisma.sql`c."townshipCode" = ${official.regionCode}`);
        break;
      case 'VILLAGE':
      case 'CONTACT':
        and.push(Prisma.sql`c."villageCode" = ${official.regionCode}`);
        break;
      default:
        and.push(Prisma.sql`false`);
    }
  }
  if (f.region) and.push(Prisma.sql`(c."villageCode" = ${f.region} OR c."townshipCode" = ${f.region} OR c."countyCode" = ${f.region})`);
  if (f.openedFrom) and.push(Prisma.sql`c."openedAt" >= ${beijingDayStart(f.openedFrom)}`);
  if (f.openedTo) and.push(Prisma.sql`c."openedAt" < ${beijingDayStart(f.openedTo, 1)}`);
  return and.length === 0 ? Prisma.sql`true` : Prisma.join(and, ' AND ');
}
