/**
 * The policy's schema (政策参数校验): validates a deployment's policy file and API input. Kept out
 * of the workflow bundle — zod's schemas would be built again for every workflow the worker
 * loads — so workflow code imports ./policy (types and pure functions) only.
 */
import { z } from 'zod';
import { DEFAULT_POLICY } from './policy';

/** How a limit is counted. `SECONDS` exists for compressed test policies. */
export const ZLimitUnit = z.enum(['WORKING_DAYS', 'CALENDAR_DAYS', 'MONTHS', 'SECONDS']);
export type TLimitUnit = z.infer<typeof ZLimitUnit>;

/** A duration in policy terms, e.g. `{ unit: 'WORKING_DAYS', amount: 2 }`. */
export const ZLimit = z.object({ unit: ZLimitUnit, amount: z.number().positive() });
export type TLimit = z.infer<typeof ZLimit>;

/** Identification and elimination steps that carry a time limit. */
export const ZStepLimits = z.object({
  VERIFICATION: ZLimit,
  VILLAGE_REVIEW: ZLimit,
  PUBLIC_NOTICE: ZLimit,
  TOWNSHIP_REVIEW: ZLimit,
  COUNTY_APPROVAL: ZLimit,
  INVESTIGATION: ZLimit,
  ELIM_ASSESSMENT: ZLimit,
  ELIM_VILLAGE_REVIEW: ZLimit,
  ELIM_NOTICE: ZLimit,
  ELIM_TOWNSHIP_REVIEW: ZLimit,
  ELIM_COUNTY_APPROVAL: ZLimit,
});

/**
 * When a report runs: monthly on a day of the month, quarterly on a day of the quarter's first
 * month (Beijing time), or every n seconds (compressed test schedules).
 */
export const ZReportCadence = z.union([
  z.object({ every: z.literal('MONTH'), day: z.number().int().min(1).max(28), hour: z.number().int().min(0).max(23) }),
  z.object({ every: z.literal('QUARTER'), day: z.number().int().min(1).max(28), hour: z.number().int().min(0).max(23) }),
  z.object({ every: z.literal('SECONDS'), seconds: z.number().int().min(1) }),
]);
export type TReportCadence = z.infer<typeof ZReportCadence>;

/**
 * 月调度数据确认 — when villages and townships confirm the month's figures: by default villages by the
 * 25th and townships by the 28th of the month (a day that is not a working day moves to the next
 * working day); or, for compressed test policies, seconds after the confirmation opens.
 */
export const ZConfirmationPolicy = z.union([
  z.object({ every: z.literal('MONTH'), villageDay: z.number().int().min(1).max(28), townshipDay: z.number().int().min(1).max(28) })
    .refine((p) => p.townshipDay >= p.villageDay, { path: ['townshipDay'], message: 'townships confirm on or after the villages\' day' }),
  z.object({ every: z.literal('SECONDS'), villageSeconds: z.number().int().min(1), townshipSeconds: z.number().int().min(1) })
    .refine((p) => p.townshipSeconds >= p.villageSeconds, { path: ['townshipSeconds'], message: 'townships confirm on or after the villages' }),
]);
export type TConfirmationPolicy = z.infer<typeof ZConfirmationPolicy>;

/** The reporting cycle's policy (月调度、季通报). */
export const ZReportPolicy = z.object({
  /** 月调度: the county's monthly figures, due to the city by the 1st. */
  monthly: ZReportCadence,
  /** 季通报: the quarterly ranking of townships. */
  quarterly: ZReportCadence,
  /** Townships named at the bottom of a ranking (at most half of the ranked ones). */
  bottomCount: z.number().int().min(1),
  /** Consecutive rankings at the bottom that lead to an 约谈. */
  interviewAfterBottomRuns: z.number().int().min(2),
  /** A report produced this many seconds after its scheduled time says it is late. */
  lateAfterSeconds: z.number().int().min(1),
  /** How far back a schedule catches up missed runs after an outage (Temporal's catchup window), in seconds. */
  catchupWindowSeconds: z.number().int().min(10),
  /** 月调度数据确认 — villages' and townships' due days; absent: villages by the 25th, townships by the 28th. */
  confirmation: ZConfirmationPolicy.optional(),
});
export type TReportPolicy = z.infer<typeof ZReportPolicy>;

/** A span counted without the working calendar (offsets before a due date, overdue grades). */
const ZSpan = z.object({ unit: z.enum(['CALENDAR_DAYS', 'SECONDS']), amount: z.number().positive() });

/** 小额信贷 — microcredit policy values (DESIGN §5.3). */
export const ZMicrocreditPolicy = z.object({
  /** Largest loan, yuan. */
  maxAmount: z.number().positive().default(50_000),
  /** Longest term, months. */
  maxTermMonths: z.number().int().positive().default(36),
  /** Share of the interest the fund subsidises (贴息比例), 0–1. */
  interestSubsidyShare: z.number().min(0).max(1).default(1),
  /** Uses the use check refuses (户贷企用, consumption, building, never used). */
  refusedUses: z.array(z.string()).default(['ENTERPRISE_USE', 'CONSUMPTION', 'BUILDING', 'NOT_USED']),
  /** How a term is counted; `SECONDS` exists for compressed test policies (a "month" is a second). */
  termUnit: z.enum(['MONTHS', 'SECONDS']).default('MONTHS'),
  /** Repayment reminders this long before the due date (还款提醒). */
  repaymentReminders: z.array(ZSpan).default([{ unit: 'CALENDAR_DAYS', amount: 30 }, { unit: 'CALENDAR_DAYS', amount: 7 }]),
  /** Overdue grades start this long after the due date: 1–30, 31–90, > 90 days. */
  overdueGrades: z.array(ZSpan).length(3).default([{ unit: 'CALENDAR_DAYS', amount: 1 }, { unit: 'CALENDAR_DAYS', amount: 31 }, { unit: 'CALENDAR_DAYS', amount: 91 }]),
});
export type TMicrocreditPolicy = z.infer<typeof ZMicrocreditPolicy>;

/** 公益岗位 — public-welfare job policy values (DESIGN §5.3). */
export const ZWelfareJobPolicy = z.object({
  /** Youngest and oldest age of a post holder at application. */
  minAge: z.number().int().min(0).default(16),
  maxAge: z.number().int().positive().default(65),
  /** Longest agreement, months (≤ 1 year). */
  maxTermMonths: z.number().int().positive().max(12).default(12),
  /** The township's notice (公示) before the agreement. */
  notice: ZSpan.default({ unit: 'CALENDAR_DAYS', amount: 10 }),
  /** How a month of the agreement is counted; `SECONDS` exists for compressed test policies (a "month" is a second). */
  monthUnit: z.enum(['MONTHS', 'SECONDS']).default('MONTHS'),
});
export type TWelfareJobPolicy = z.infer<typeof ZWelfareJobPolicy>;

/** 资产收益分配 — income distribution of 经营性 assets (DESIGN §5.2). */
export const ZAssetIncomePolicy = z.object({
  /** Least share (%) of a distribution plan for 公益岗位 wages; provinces differ. */
  welfareJobMinSharePct: z.number().min(0).max(100).default(50),
});
export type TAssetIncomePolicy = z.infer<typeof ZAssetIncomePolicy>;

/** The full policy. */
export const ZPolicy = z.object({
  version: z.string().min(1),
  /** Per-step limits. */
  steps: ZStepLimits,
  /** 15-day identification SLA: lead to county approval. */
  identificationSla: ZLimit,
  /** Assistance plan due after county approval (一户一方案). */
  planDue: ZLimit,
  /** How often the assistance contact (帮扶责任人) must contact the household. */
  contactEvery: ZLimit,
  /** Missed contact periods after which the township is told. */
  contactEscalateAfterMissed: z.number().int().min(1),
  /** Earliest elimination after the clock start. */
  eliminationAfter: ZLimit,
  /** Where the elimination clock starts: county approval or first implemented measure. */
  eliminationClock: z.enum(['APPROVAL', 'FIRST_MEASURE']),
  /** Interval between elimination reviews when the household does not qualify. */
  reviewEvery: ZLimit,
  /** A case monitored this long without elimination is flagged for the annual check. */
  annualCheckAfter: ZLimit,
  /** County may roll back an elimination within this window (风险消除回退). */
  rollbackWindow: ZLimit,
  /** Reminder this long before a task's due time. */
  reminderLead: ZLimit,
  /** Repeat escalation this often while a task stays overdue. */
  escalationRepeat: ZLimit,
  /** Risk types that allow assistance before approval (先行落实帮扶措施). */
  fastTrackRiskTypes: z.array(z.string()),
  /**
   * Limits of the steps of processes beyond the household case, by process kind and step
   * (e.g. `INTERVIEW.HOLD_INTERVIEW`, 约谈). Pinned into each process at its start.
   */
  processSteps: z.record(z.string(), z.record(z.string(), ZLimit)).default({}),
  /** 月调度 / 季通报 — when reports run and how the ranking names laggards; absent: {@link DEFAULT_REPORT_POLICY}. */
  reports: ZReportPolicy.optional(),
  /** Households a township draws per campaign for its check visit (集中排查抽查). */
  screeningSampleSize: z.number().int().min(1).max(1000).default(5),
  /** 小额信贷 — microcredit values (maximums, subsidy share, refused uses, reminders, overdue grades); absent: the defaults. */
  microcredit: ZMicrocreditPolicy.optional(),
  /** 公益岗位 — public-welfare job values (ages, term, notice); absent: the defaults. */
  welfareJobs: ZWelfareJobPolicy.optional(),
  /** 资产收益分配 — values of the income distribution of 经营性 assets; absent: the defaults. */
  assetIncome: ZAssetIncomePolicy.optional(),
});
export type TPolicy = z.infer<typeof ZPolicy>;

/** Deep-merges process step limits (a deployment may override one step of one kind). */
function mergeProcessSteps(base: TPolicy['processSteps'] | undefined, o: unknown): TPolicy['processSteps'] {
  const merged: Record<string, Record<string, unknown>> = { ...(base ?? {}) };
  if (o && typeof o === 'object') {
    for (const [kind, steps] of Object.entries(o as Record<string, unknown>)) merged[kind] = { ...(merged[kind] ?? {}), ...(steps && typeof steps === 'object' ? steps : {}) };
  }
  return merged as TPolicy['processSteps'];
}

/**
 * Merges a partial override (from a deployment's policy file) onto the defaults and
 * validates the result. Throws a zod error whose issue path names the offending field.
 */
export function parsePolicy(override: unknown, base: TPolicy = DEFAULT_POLICY): TPolicy {
  const o = (override ?? {}) as Record<string, unknown>;
  const merged = {
    ...base,
    ...o,
    steps: { ...base.steps, ...((o.steps as Record<string, unknown> | undefined) ?? {}) },
    processSteps: mergeProcessSteps(base.processSteps, o.processSteps),
  };
  return ZPolicy.parse(merged);
}
