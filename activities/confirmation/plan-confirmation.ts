/**
 * 月调度数据确认的安排 — reads a county's villages and townships and works out when their
 * confirmations are due: the policy's day of the month at its end (Beijing), moved to the end of
 * the next working day when that day is not one (as the rollback window is), or for a compressed
 * policy the seconds after the confirmation opened. A read only: retrying it is harmless.
 */
import type { PrismaClient } from '@prisma/client';
import type { WorkingCalendar } from '../calendar/calendar';
import { beijingDayStart } from '../calendar/calendar';
import { extendPastNonWorkingDay } from '../deadlines';
import type { ConfirmationActivities, ConfirmationPlan, PlanConfirmationArgs } from '../../workflows/confirmation/contracts';
import { dueDateOf } from '../../workflows/confirmation/rules';

const DAY_MS = 86_400_000;

/** The end of due day `day` of the period's month, past a non-working day. */
export function dueAtOfDay(calendar: WorkingCalendar, a: Pick<PlanConfirmationArgs, 'period'>, day: number): Date {
  const end = new Date(beijingDayStart(dueDateOf(a.period, day)).getTime() + DAY_MS);
  return extendPastNonWorkingDay(calendar, end);
}

/** The villages, townships and due times of a county's confirmation. */
export async function planConfirmation(prisma: PrismaClient, calendar: WorkingCalendar, a: PlanConfirmationArgs): Promise<ConfirmationPlan> {
  const [county, townships] = await Promise.all([
    prisma.region.findUnique({ where: { code: a.countyCode }, select: { name: true } }),
    prisma.region.findMany({ where: { level: 'TOWNSHIP', parentCode: a.countyCode }, select: { code: true, name: true }, orderBy: { code: 'asc' } }),
  ]);
  const villages = await prisma.region.findMany({
    where: { level: 'VILLAGE', parentCode: { in: townships.map((t) => t.code) } }, select: { code: true, name: true, parentCode: true }, orderBy: { code: 'asc' },
  });
  const start = Date.parse(a.startedAt);
  const [villageDueAt, townshipDueAt] = a.due.every === 'SECONDS'
    ? [new Date(start + a.due.villageSeconds * 1000), new Date(start + a.due.townshipSeconds * 1000)]
    : [dueAtOfDay(calendar, a, a.due.villageDay), dueAtOfDay(calendar, a, a.due.townshipDay)];
  return {
    countyName: county?.name ?? a.countyCode,
    townships,
    villages: villages.map((v) => ({ code: v.code, name: v.name, townshipCode: v.parentCode as string })),
    villageDueAt: villageDueAt.toISOString(), townshipDueAt: townshipDueAt.toISOString(),
  };
}

/** The confirmation activities; the calendar is re-read on every call. */
export function confirmationActivities(prisma: PrismaClient, calendar: () => WorkingCalendar): ConfirmationActivities {
  return { planMonthlyConfirmation: (a) => planConfirmation(prisma, calendar(), a) };
}
