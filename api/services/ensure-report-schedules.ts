/**
 * 报表日程 — the Temporal Schedules of the reporting cycle: one per county and report kind
 * (`report-monthly-<county>`, `report-quarterly-<county>`), created or brought up to date from
 * the policy at start-up and by `npm run setup -- schedules`. Visible in the Temporal Web UI
 * under Schedules. Missed runs are caught up within the policy's catch-up window, each one once
 * (overlap BUFFER_ALL: a run waits for the one before it, none is dropped), and say they are late.
 */
import type { PrismaClient } from '@prisma/client';
import type { Client, ScheduleOptions, ScheduleSpec } from '@temporalio/client';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { TPolicy, TReportCadence } from '../../workflows/policy';
import type { ReportInput, ReportKind } from '../../workflows/report/contracts';
import { REPORT_KINDS, REPORT_WORKFLOW } from '../../workflows/report/contracts';
import { cadenceOf, reportPolicyOf } from '../../workflows/report/rules';

/** Options of {@link ensureReportSchedules}. */
export interface EnsureReportSchedulesOptions {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  policy: TPolicy;
  /** Counties to schedule. @default every region of level COUNTY */
  counties?: string[];
  /** Kinds to schedule. @default both */
  kinds?: readonly ReportKind[];
  /** Appended to schedule and workflow ids (tests keep theirs apart). @default none */
  idSuffix?: string;
}

/** Schedule id of a county's report kind. */
export function reportScheduleId(kind: ReportKind, countyCode: string, suffix = ''): string {
  return `report-${kind.toLowerCase()}-${countyCode}${suffix ? `-${suffix}` : ''}`;
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

/** The options of one county's schedule of one kind, from the policy. */
export function reportScheduleOptions(o: Pick<EnsureReportSchedulesOptions, 'taskQueue' | 'policy' | 'idSuffix'>, kind: ReportKind, countyCode: string): ScheduleOptions {
  const rp = reportPolicyOf(o.policy);
  const cadence = cadenceOf(rp, kind);
  const input: ReportInput = {
    countyCode, kind, cadence, bottomCount: rp.bottomCount, interviewAfterBottomRuns: rp.interviewAfterBottomRuns, lateAfterSeconds: rp.lateAfterSeconds,
    interviewPolicy: { processSteps: o.policy.processSteps, reminderLead: o.policy.reminderLead, escalationRepeat: o.policy.escalationRepeat, version: o.policy.version },
  };
  const id = reportScheduleId(kind, countyCode, o.idSuffix);
  return {
    scheduleId: id,
    spec: scheduleSpecOf(cadence),
    // Temporal appends the scheduled time to the workflow id, so each run has an id of its own.
    action: { type: 'startWorkflow', workflowType: REPORT_WORKFLOW, workflowId: id, taskQueue: o.taskQueue, args: [input] },
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ALL, catchupWindow: `${rp.catchupWindowSeconds}s` },
    memo: { what: kind === 'MONTHLY' ? '月调度 monthly report' : '季通报 quarterly ranking', countyCode },
  };
}

/** Creates each county's report schedules, or updates them to the policy; returns what it did per schedule. */
export async function ensureReportSchedules(o: EnsureReportSchedulesOptions): Promise<{ scheduleId: string; outcome: 'created' | 'updated' }[]> {
  const counties = o.counties ?? (await o.prisma.region.findMany({ where: { level: 'COUNTY' }, select: { code: true }, orderBy: { code: 'asc' } })).map((r) => r.code);
  const out: { scheduleId: string; outcome: 'created' | 'updated' }[] = [];
  for (const county of counties) {
    for (const kind of o.kinds ?? REPORT_KINDS) {
      const opts = reportScheduleOptions(o, kind, county);
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
