/**
 * 报表日程 — the Temporal Schedules of the reporting cycle: one per county and report kind
 * (`report-monthly-<county>`, `report-quarterly-<county>`) and one per city and kind
 * (`report-city-monthly-<city>`, ranking the city's counties), created or brought up to date from
 * the policy at start-up and by `npm run setup -- schedules`. Visible in the Temporal Web UI
 * under Schedules. Each county also gets its monthly confirmation (`report-confirmation-<county>`,
 * 月调度数据确认) when the month starts, unless the caller names the kinds. Missed runs are caught
 * up within the policy's catch-up window, each one once (overlap BUFFER_ALL: a run waits for the
 * one before it, none is dropped), and say they are late.
 */
import type { PrismaClient } from '@prisma/client';
import type { Client, ScheduleOptions, ScheduleSpec } from '@temporalio/client';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { TPolicy, TReportCadence } from '../../workflows/policy';
import type { CityReportInput, ReportInput, ReportKind, ReportLevel } from '../../workflows/report/contracts';
import { CITY_REPORT_WORKFLOW, REPORT_KINDS, REPORT_WORKFLOW } from '../../workflows/report/contracts';
import { cadenceOf, reportPolicyOf } from '../../workflows/report/rules';
import type { ConfirmationInput } from '../../workflows/confirmation/contracts';
import { CONFIRMATION_WORKFLOW } from '../../workflows/confirmation/contracts';
import { confirmationPolicyOf } from '../../workflows/confirmation/rules';

/** Options of {@link ensureReportSchedules}. */
export interface EnsureReportSchedulesOptions {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  policy: TPolicy;
  /** Counties to schedule. @default every region of level COUNTY */
  counties?: string[];
  /**
   * Cities to schedule (市级: their counties ranked).
   * @default every region of level CITY with a county — or none when `counties` is given (a caller naming regions names them all)
   */
  cities?: string[];
  /** Kinds to schedule. @default both */
  kinds?: readonly ReportKind[];
  /**
   * Also each county's monthly confirmation (月调度数据确认, `report-confirmation-<county>`), opening the
   * villages' and townships' tasks when the month starts. @default true — or false when `kinds` is given
   */
  confirmations?: boolean;
  /** Appended to schedule and workflow ids (tests keep theirs apart). @default none */
  idSuffix?: string;
}

/** Schedule id of a county's (or with `level` CITY, a city's) report kind. */
export function reportScheduleId(kind: ReportKind, regionCode: string, suffix = '', level: ReportLevel = 'COUNTY'): string {
  return `report-${level === 'CITY' ? 'city-' : ''}${kind.toLowerCase()}-${regionCode}${suffix ? `-${suffix}` : ''}`;
}

/** The Temporal spec of a cadence: calendar times in Beijing, or an interval for compressed tests. */
export function scheduleSpecOf(cadence: TReportCadence): ScheduleSpec {
  if (cadence.every === 'SECONDS') return { intervals: [{ every: `${cadence.seconds}s` }] };
  return {
    calendars: [{
      dayOfMonth: cadence.day, hour: cadence.hour, minute: 0, second: 0,
      ...(cadence.every === 'QUARTER' ? { month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'] } : {}),
      comment: cadence.every === 'MONTH' ? '月调度 monthly report' : '季通报 quarterly ranking',
    }],
    timezone: 'Asia/Shanghai',
  };
}

/** The options of one county's (or city's) schedule of one kind, from the policy. */
export function reportScheduleOptions(o: Pick<EnsureReportSchedulesOptions, 'taskQueue' | 'policy' | 'idSuffix'>, kind: ReportKind, regionCode: string, level: ReportLevel = 'COUNTY'): ScheduleOptions {
  const rp = reportPolicyOf(o.policy);
  const cadence = cadenceOf(rp, kind);
  const common: Omit<ReportInput, 'countyCode'> = {
    kind, cadence, bottomCount: rp.bottomCount, interviewAfterBottomRuns: rp.interviewAfterBottomRuns, lateAfterSeconds: rp.lateAfterSeconds,
    interviewPolicy: { processSteps: o.policy.processSteps, reminderLead: o.policy.reminderLead, escalationRepeat: o.policy.escalationRepeat, version: o.policy.version },
  };
  const input: ReportInput | CityReportInput = level === 'CITY' ? { cityCode: regionCode, ...common } : { countyCode: regionCode, ...common };
  const id = reportScheduleId(kind, regionCode, o.idSuffix, level);
  const what = `${level === 'CITY' ? '市级' : ''}${kind === 'MONTHLY' ? '月调度 monthly report' : '季通报 quarterly ranking'}`;
  return {
    scheduleId: id,
    spec: scheduleSpecOf(cadence),
    // Temporal appends the scheduled time to the workflow id, so each run has an id of its own.
    action: { type: 'startWorkflow', workflowType: level === 'CITY' ? CITY_REPORT_WORKFLOW : REPORT_WORKFLOW, workflowId: id, taskQueue: o.taskQueue, args: [input] },
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ALL, catchupWindow: `${rp.catchupWindowSeconds}s` },
    memo: level === 'CITY' ? { what, cityCode: regionCode } : { what, countyCode: regionCode },
  };
}

/** Schedule id of a county's monthly confirmation (月调度数据确认). */
export function confirmationScheduleId(countyCode: string, suffix = ''): string {
  return `report-confirmation-${countyCode}${suffix ? `-${suffix}` : ''}`;
}

/**
 * The options of a county's monthly confirmation schedule: it runs when the month starts (the
 * monthly report's calendar time), each run opening the confirmation of the month it runs in.
 */
export function confirmationScheduleOptions(o: Pick<EnsureReportSchedulesOptions, 'taskQueue' | 'policy' | 'idSuffix'>, countyCode: string): ScheduleOptions {
  const rp = reportPolicyOf(o.policy);
  const input: ConfirmationInput = {
    countyCode, cadence: rp.monthly, due: confirmationPolicyOf(rp),
    limits: { reminderLead: o.policy.reminderLead, escalationRepeat: o.policy.escalationRepeat }, policyVersion: o.policy.version,
  };
  const id = confirmationScheduleId(countyCode, o.idSuffix);
  const spec = scheduleSpecOf(rp.monthly);
  return {
    scheduleId: id,
    spec: spec.calendars ? { ...spec, calendars: spec.calendars.map((c) => ({ ...c, comment: '月调度数据确认 monthly confirmation' })) } : spec,
    action: { type: 'startWorkflow', workflowType: CONFIRMATION_WORKFLOW, workflowId: id, taskQueue: o.taskQueue, args: [input] },
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ALL, catchupWindow: `${rp.catchupWindowSeconds}s` },
    memo: { what: '月调度数据确认 monthly confirmation', countyCode },
  };
}

/** The regions to schedule, with their level: the options' counties and cities, or by default every county and every city with a county. */
export async function scheduledRegions(o: Pick<EnsureReportSchedulesOptions, 'prisma' | 'counties' | 'cities'>): Promise<[string, ReportLevel][]> {
  const counties = o.counties ?? (await o.prisma.region.findMany({ where: { level: 'COUNTY' }, select: { code: true }, orderBy: { code: 'asc' } })).map((r) => r.code);
  const cities = o.cities ?? (o.counties ? [] : (await o.prisma.region.findMany({
    where: { level: 'CITY', children: { some: { level: 'COUNTY' } } }, select: { code: true }, orderBy: { code: 'asc' },
  })).map((r) => r.code));
  return [...counties.map((c): [string, ReportLevel] => [c, 'COUNTY']), ...cities.map((c): [string, ReportLevel] => [c, 'CITY'])];
}

/** Creates each county's and city's report schedules, or updates them to the policy; returns what it did per schedule. */
export async function ensureReportSchedules(o: EnsureReportSchedulesOptions): Promise<{ scheduleId: string; outcome: 'created' | 'updated' }[]> {
  const regions = await scheduledRegions(o);
  const out: { scheduleId: string; outcome: 'created' | 'updated' }[] = [];
  const confirmations = o.confirmations ?? o.kinds === undefined;
  for (const [code, level] of regions) {
    const all = (o.kinds ?? REPORT_KINDS).map((kind) => reportScheduleOptions(o, kind, code, level));
    if (confirmations && level === 'COUNTY') all.push(confirmationScheduleOptions(o, code));
    for (const opts of all) {
      try {
        await o.temporal.schedule.create(opts);
        out.push({ scheduleId: opts.scheduleId, outcome: 'created' });
      } catch (err) {
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
        await o.temporal.schedule.getHandle(opts.scheduleId).update((prev) => ({ ...prev, spec: opts.spec, action: opts.action, policies: { ...prev.policies, ...opts.policies } }));
        out.push({ scheduleId: opts.scheduleId, outcome: 'updated' });
      }
    }
  }
  return out;
}
