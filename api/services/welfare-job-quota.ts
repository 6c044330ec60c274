/**
 * 公益岗位指标 — the county sets, for a year, the number of posts per township (and optionally their
 * names); the township announces them (乡镇公告); only then may its villages apply, and only while the
 * township's open jobs stay below the quota. A township with no quota for the year keeps applying
 * without one. One writer: the rows of WelfareJobQuota are written here only.
 */
import type { Prisma } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { Role } from '../../workflows/contracts';
import { WELFARE_JOB_KIND } from '../../workflows/welfare-job/contracts';
import type { ServiceContext } from './context';

/** The calendar year in Beijing time on `now`. */
export function quotaYearOf(now: Date): number {
  return new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear();
}

/** Who sets quotas (the county or an administrator); the API route and the admin page both use it. */
export const QUOTA_SETTER_ROLES: Role[] = ['COUNTY', 'ADMIN'];
/** Who records a township's announcement (the township itself, or the county above it). */
export const QUOTA_ANNOUNCER_ROLES: Role[] = ['TOWNSHIP', 'COUNTY', 'ADMIN'];

function requireRoleOf(official: AuthOfficial, roles: Role[], what: string): void {
  if (!roles.includes(official.role)) throw new AppError('FORBIDDEN', `only ${roles.join(', ')} officials ${what}`);
}

/** What the county sends for one township. */
export interface TownshipQuotaInput {
  townshipCode: string;
  posts: number;
  postNames?: string[];
}

/** One township's quota as returned. */
export interface TownshipQuota {
  year: number;
  townshipCode: string;
  posts: number;
  postNames: string[];
  announcedOn: string | null;
  announcementText: string | null;
}

const quotaOut = (r: { year: number; townshipCode: string; posts: number; postNames: string[]; announcedOn: string | null; announcementText: string | null }): TownshipQuota => ({
  year: r.year, townshipCode: r.townshipCode, posts: r.posts, postNames: r.postNames, announcedOn: r.announcedOn, announcementText: r.announcementText,
});

/** Loads a township the official covers: 400 naming `field` when it is no township, 403 when outside the official's region. */
async function townshipInScope(ctx: ServiceContext, official: AuthOfficial, code: string, field: string): Promise<void> {
  const t = await ctx.prisma.region.findUnique({ where: { code }, select: { level: true, parentCode: true, parent: { select: { parentCode: true } } } });
  if (!t || t.level !== 'TOWNSHIP') throw new AppError('INVALID_INPUT', `${field}: ${code} is not a known township`, { field });
  const ok = official.role === 'TOWNSHIP' ? official.regionCode === code
    : official.regionLevel === 'CITY' ? t.parent?.parentCode === official.regionCode
      : (official.role === 'COUNTY' || official.role === 'ADMIN') && t.parentCode === official.regionCode;
  if (!ok) throw new AppError('FORBIDDEN', `${field}: township ${code} is outside your region`, { field });
}

/** Sets (or replaces) the year's quotas of the given townships; idempotent per (year, township). */
export async function setWelfareJobQuotas(ctx: ServiceContext, official: AuthOfficial, year: number, townships: TownshipQuotaInput[]): Promise<TownshipQuota[]> {
  requireRoleOf(official, QUOTA_SETTER_ROLES, 'set public-welfare job quotas');
  for (const [i, t] of townships.entries()) await townshipInScope(ctx, official, t.townshipCode, `body.townships.${i}.townshipCode`);
  const rows = await ctx.prisma.$transaction(townships.map((t) => ctx.prisma.welfareJobQuota.upsert({
    where: { year_townshipCode: { year, townshipCode: t.townshipCode } },
    create: { year, townshipCode: t.townshipCode, posts: t.posts, postNames: t.postNames ?? [], setById: official.id },
    update: { posts: t.posts, ...(t.postNames ? { postNames: t.postNames } : {}), setById: official.id, setAt: new Date() },
  })));
  return rows.map(quotaOut);
}

/** 乡镇公告 — records the township's announcement of its quota for the year (404 when none is set). Announcing again replaces the date and text. */
export async function announceWelfareJobQuota(ctx: ServiceContext, official: AuthOfficial, townshipCode: string, a: { year: number; announcedOn: string; text: string }): Promise<TownshipQuota> {
  requireRoleOf(official, QUOTA_ANNOUNCER_ROLES, 'announce public-welfare job quotas');
  await townshipInScope(ctx, official, townshipCode, 'params.townshipCode');
  const found = await ctx.prisma.welfareJobQuota.findUnique({ where: { year_townshipCode: { year: a.year, townshipCode } }, select: { year: true } });
  if (!found) throw new AppError('NOT_FOUND', `townshipCode: no public-welfare job quota set for ${townshipCode} in ${a.year}`, { field: 'params.townshipCode' });
  const row = await ctx.prisma.welfareJobQuota.update({
    where: { year_townshipCode: { year: a.year, townshipCode } },
    data: { announcedAt: new Date(), announcedOn: a.announcedOn, announcementText: a.text, announcedById: official.id },
  });
  return quotaOut(row);
}

/**
 * Refuses an application in `townshipCode` when the township has a quota for this year that is not
 * announced, or whose posts are all taken by open jobs (an application whose process row is not
 * written yet counts too). Call inside the application's transaction: it takes the township's
 * advisory lock so two applications cannot both take the last post.
 */
export async function assertQuotaAllows(tx: Prisma.TransactionClient, townshipCode: string, processId: string, now: Date): Promise<void> {
  const year = quotaYearOf(now);
  const quota = await tx.welfareJobQuota.findUnique({ where: { year_townshipCode: { year, townshipCode } }, select: { posts: true, announcedAt: true } });
  if (!quota) return;
  if (!quota.announcedAt) {
    throw new AppError('POLICY_REFUSED', `caseId: the township has not announced its ${year} public-welfare posts yet`, { field: 'caseId', details: { refusal: 'QUOTA_NOT_ANNOUNCED' } });
  }
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`welfare-job-quota:${townshipCode}`}, 0))`;
  const [{ filled }] = await tx.$queryRaw<{ filled: number }[]>`
    SELECT (
      (SELECT COUNT(*) FROM "Process" p WHERE p.kind = ${WELFARE_JOB_KIND} AND p."townshipCode" = ${townshipCode} AND p."closedAt" IS NULL AND p.id <> ${processId})
      + (SELECT COUNT(*) FROM "ProgrammePersonalData" d JOIN "Household" hh ON hh.id = d."householdId" JOIN "Region" v ON v.code = hh."villageCode"
         WHERE d.kind = ${WELFARE_JOB_KIND} AND v."parentCode" = ${townshipCode} AND d."processId" <> ${processId}
           AND d."createdAt" > ${new Date(now.getTime() - 10 * 60_000)} AND NOT EXISTS (SELECT 1 FROM "Process" p WHERE p.id = d."processId"))
    )::int AS filled`;
  if (filled >= quota.posts) {
    throw new AppError('POLICY_REFUSED', `caseId: the township's ${quota.posts} public-welfare posts for ${year} are all taken`, { field: 'caseId', details: { refusal: 'QUOTA_FULL' } });
  }
}

/** Quota and announcement of each township in the figures, for the current year (null when none is set). */
export async function quotasOf(ctx: ServiceContext, townshipCodes: string[], now: Date): Promise<Map<string, { posts: number; announced: boolean }>> {
  const rows = await ctx.prisma.welfareJobQuota.findMany({ where: { year: quotaYearOf(now), townshipCode: { in: townshipCodes } }, select: { townshipCode: true, posts: true, announcedAt: true } });
  return new Map(rows.map((r) => [r.townshipCode, { posts: r.posts, announced: r.announcedAt !== null }]));
}

/** The quotas set for `year` of the given townships (the admin page's table), by township code. */
export async function quotasForYear(ctx: ServiceContext, townshipCodes: string[], year: number): Promise<Map<string, TownshipQuota>> {
  const rows = await ctx.prisma.welfareJobQuota.findMany({ where: { year, townshipCode: { in: townshipCodes } } });
  return new Map(rows.map((r) => [r.townshipCode, quotaOut(r)]));
}
