/**
 * Reads of the reports (报表查询) for the pages and downloads: the versions an official may see
 * (county officials and administrators of the county, city administrators of its counties).
 */
import type { Report } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { ServiceContext } from './context';

/** Counties whose reports an official reads: its own county, or every county of its city; none for other roles. */
export async function readableCounties(ctx: ServiceContext, official: AuthOfficial): Promise<string[] | null> {
  if (official.role !== 'COUNTY' && official.role !== 'ADMIN') return [];
  if (official.regionLevel === 'COUNTY') return [official.regionCode];
  if (official.regionLevel === 'CITY') return (await ctx.prisma.region.findMany({ where: { parentCode: official.regionCode, level: 'COUNTY' }, select: { code: true } })).map((r) => r.code);
  return [];
}

/** Regions whose reports an official reads: its counties, and for a city official the city's own (市级) reports too. */
export async function readableReportRegions(ctx: ServiceContext, official: AuthOfficial): Promise<string[]> {
  const counties = (await readableCounties(ctx, official)) ?? [];
  return official.regionLevel === 'CITY' && (official.role === 'COUNTY' || official.role === 'ADMIN') ? [official.regionCode, ...counties] : counties;
}

/** The latest report versions an official may read, newest period first. */
export async function listReports(ctx: ServiceContext, official: AuthOfficial, take = 100): Promise<Report[]> {
  const regions = await readableReportRegions(ctx, official);
  return ctx.prisma.report.findMany({ where: { countyCode: { in: regions } }, orderBy: [{ periodTo: 'desc' }, { kind: 'asc' }, { version: 'desc' }], take });
}

/** One report version, refused (403) outside the official's counties (and city). `countyName` is the name of the region reported on. */
export async function getReport(ctx: ServiceContext, official: AuthOfficial, id: string): Promise<{ report: Report; countyName: string }> {
  const report = await ctx.prisma.report.findUnique({ where: { id } });
  if (!report) throw new AppError('NOT_FOUND', 'no such report');
  if (!(await readableReportRegions(ctx, official)).includes(report.countyCode)) throw new AppError('FORBIDDEN', 'this report is of another county');
  const county = await ctx.prisma.region.findUnique({ where: { code: report.countyCode }, select: { name: true } });
  return { report, countyName: county?.name ?? report.countyCode };
}
