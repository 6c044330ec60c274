/**
 * 生成报表 — stores a report version: the figures over the read model
 * ({@link computeReportFigures}), the townships' ranking and bottom (for a city report
 * {@link computeCityFigures} and its counties' ranking), and what changed against the period's
 * previous version. Idempotent per run (its request key); a version is never rewritten.
 */
import type { Prisma, PrismaClient } from '@prisma/client';
import type { ProducedReport, RankedUnit } from '../../workflows/report/contracts';
import { bottomOf, rankTownships } from '../../workflows/report/rules';
import type { CityFigures, CountyFigures } from './report-figures';
import { computeCityFigures, computeReportFigures, figureChanges } from './report-figures';
import type { ProduceReportArgs, ReportActivities } from './types';
import { confirmationProcessId } from '../../workflows/confirmation/contracts';
import { reportConfirmations, unitsOf } from '../../workflows/confirmation/rules';

/** Id of a report version: `RPT-<county>-<kind>-<period>-v<n>`. */
export function reportId(countyCode: string, kind: string, periodKey: string, version: number): string {
  return `RPT-${countyCode}-${kind[0]}-${periodKey.replace(/[^0-9A-Za-z-]/g, '')}-v${version}`;
}

/** The bottoms of up to `runs` rankings before `periodFrom` (latest first), each the latest version of its period; stops at a gap. */
async function previousBottoms(prisma: PrismaClient, a: ProduceReportArgs): Promise<string[][]> {
  const out: string[][] = [];
  let end = new Date(a.period.from);
  for (let i = 0; i < a.previousRuns; i++) {
    const prev = await prisma.report.findFirst({
      where: { countyCode: a.countyCode, kind: a.kind, periodTo: end }, orderBy: { version: 'desc' }, select: { bottom: true, periodFrom: true },
    });
    if (!prev) break;
    out.push(prev.bottom);
    end = prev.periodFrom;
  }
  return out;
}

function produced(row: { id: string; version: number; late: boolean; ranking: unknown; bottom: string[] }, created: boolean, previous: string[][]): ProducedReport {
  const r = row.ranking as { townships?: RankedUnit[]; counties?: RankedUnit[] };
  const ranking = r.townships ?? r.counties ?? [];
  const name = new Map(ranking.map((r) => [r.code, r.name]));
  return { reportId: row.id, version: row.version, created, late: row.late, bottom: row.bottom.map((code) => ({ code, name: name.get(code) ?? code })), previousBottoms: previous };
}

/** Computes, stores and mails one version (a county's report, or with `city` a city's). */
async function produce(prisma: PrismaClient, a: ProduceReportArgs, city: boolean): Promise<ProducedReport> {
  const existing = await prisma.report.findUnique({ where: { requestKey: a.requestKey } });
  if (existing) return produced(existing, false, await previousBottoms(prisma, a));
  const figures: CountyFigures | CityFigures = city ? await computeCityFigures(prisma, a.countyCode, a.period) : await computeReportFigures(prisma, a.countyCode, a.period);
  if (!city && a.kind === 'MONTHLY') {
    // 月调度数据确认: the answers of the period's villages and townships as they stand now (none answered when no confirmation ran).
    const process = await prisma.process.findUnique({ where: { id: confirmationProcessId(a.countyCode, a.period.key) }, select: { id: true, data: true } });
    if (process) (figures as CountyFigures).confirmations = reportConfirmations(process.id, unitsOf((process.data ?? {}) as Record<string, unknown>));
  }
  const ranking = rankTownships('city' in figures ? figures.counties : figures.townships);
  const bottom = bottomOf(ranking, a.bottomCount).map((r) => r.code);
  const last = await prisma.report.findFirst({ where: { countyCode: a.countyCode, kind: a.kind, periodKey: a.period.key }, orderBy: { version: 'desc' } });
  const version = (last?.version ?? 0) + 1;
  const changes = last ? figureChanges(last.figures as unknown as CountyFigures | CityFigures, figures) : null;
  // A concurrent run of the same period takes the same version number: the unique index refuses
  // one of them and the activity's retry takes the next.
  const id = reportId(a.countyCode, a.kind, a.period.key, version);
  const [region, admins] = await Promise.all([
    prisma.region.findUnique({ where: { code: a.countyCode }, select: { name: true } }),
    prisma.official.findMany({ where: { role: 'ADMIN', regionCode: a.countyCode, active: true }, select: { id: true } }),
  ]);
  const title = `${region?.name ?? a.countyCode} ${a.period.key} ${a.kind === 'MONTHLY' ? '月调度' : '季通报'}（第${version}版）`;
  // The report and its mails to the region's administrators in one transaction (the outbox delivers them).
  const [row] = await prisma.$transaction([prisma.report.create({
    data: {
      id, kind: a.kind, countyCode: a.countyCode, periodKey: a.period.key,
      periodFrom: new Date(a.period.from), periodTo: new Date(a.period.to), version, requestKey: a.requestKey,
      scheduledAt: a.scheduledAt ? new Date(a.scheduledAt) : null, producedAt: new Date(a.runAt), late: a.late, lateSeconds: a.lateSeconds,
      policyVersion: a.policyVersion ?? null, figures: figures as unknown as Prisma.InputJsonValue,
      ranking: (city ? { counties: ranking } : { townships: ranking }) as unknown as Prisma.InputJsonValue, bottom,
      ...(changes ? { changes: { previousVersion: last?.version, figures: changes } as unknown as Prisma.InputJsonValue } : {}),
    },
  }), prisma.notification.createMany({
    data: admins.map((o) => ({ idempotencyKey: `report:${id}:${o.id}`, kind: 'REPORT_READY', recipientId: o.id, data: { reportId: id, title, late: a.late } })),
    skipDuplicates: true,
  })]);
  return produced(row, true, await previousBottoms(prisma, a));
}

/** The report activities on a Prisma client. */
export function reportActivities(prisma: PrismaClient): ReportActivities {
  return {
    produceReport: (a) => produce(prisma, a, false),
    produceCityReport: (a) => produce(prisma, a, true),
  };
}
