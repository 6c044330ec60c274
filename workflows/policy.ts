/**
 * The policy (政策参数) as data: every limit of DESIGN §1 is a default here, overridable by a
 * deployment file, and pinned per case at its start. Workflow-safe: no Node built-ins.
 */
import { z } from 'zod';

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
});
export type TPolicy = z.infer<typeof ZPolicy>;

/** The defaults of DESIGN §1. */
export const DEFAULT_POLICY: TPolicy = {
  version: 'prc-2021-default-1',
  steps: {
    VERIFICATION: { unit: 'WORKING_DAYS', amount: 2 },
    VILLAGE_REVIEW: { unit: 'WORKING_DAYS', amount: 2 },
    PUBLIC_NOTICE: { unit: 'CALENDAR_DAYS', amount: 5 },
    TOWNSHIP_REVIEW: { unit: 'WORKING_DAYS', amount: 2 },
    COUNTY_APPROVAL: { unit: 'WORKING_DAYS', amount: 2 },
    INVESTIGATION: { unit: 'WORKING_DAYS', amount: 2 },
    ELIM_ASSESSMENT: { unit: 'WORKING_DAYS', amount: 5 },
    ELIM_VILLAGE_REVIEW: { unit: 'WORKING_DAYS', amount: 2 },
    ELIM_NOTICE: { unit: 'CALENDAR_DAYS', amount: 5 },
    ELIM_TOWNSHIP_REVIEW: { unit: 'WORKING_DAYS', amount: 2 },
    ELIM_COUNTY_APPROVAL: { unit: 'WORKING_DAYS', amount: 2 },
  },
  identificationSla: { unit: 'CALENDAR_DAYS', amount: 15 },
  planDue: { unit: 'WORKING_DAYS', amount: 10 },
  contactEvery: { unit: 'MONTHS', amount: 1 },
  contactEscalateAfterMissed: 2,
  eliminationAfter: { unit: 'MONTHS', amount: 6 },
  eliminationClock: 'APPROVAL',
  reviewEvery: { unit: 'MONTHS', amount: 6 },
  annualCheckAfter: { unit: 'MONTHS', amount: 12 },
  rollbackWindow: { unit: 'MONTHS', amount: 12 },
  reminderLead: { unit: 'WORKING_DAYS', amount: 1 },
  escalationRepeat: { unit: 'WORKING_DAYS', amount: 1 },
  fastTrackRiskTypes: ['DISASTER'],
  processSteps: {
    /** 约谈: the supervisor holds it and records the outcome within 10 working days. */
    INTERVIEW: { HOLD_INTERVIEW: { unit: 'WORKING_DAYS', amount: 10 } },
  },
};

/** Deep-merges process step limits (a deployment may override one step of one kind). */
function mergeProcessSteps(base: TPolicy['processSteps'] | undefined, o: unknown): TPolicy['processSteps'] {
  const merged: Record<string, Record<string, unknown>> = { ...(base ?? {}) };
  if (o && typeof o === 'object') {
    for (const [kind, steps] of Object.entries(o as Record<string, unknown>)) merged[kind] = { ...(merged[kind] ?? {}), ...(steps && typeof steps === 'object' ? steps : {}) };
  }
  return merged as TPolicy['processSteps'];
}

/** The limit of a process step from a policy (a policy pinned before process limits existed falls back to the defaults). */
export function processStepLimit(policy: Pick<TPolicy, 'processSteps'>, kind: string, step: string): TLimit {
  const limit = policy.processSteps?.[kind]?.[step] ?? DEFAULT_POLICY.processSteps[kind]?.[step];
  if (!limit) throw new Error(`the policy has no limit for step ${step} of process ${kind}`);
  return limit;
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

const MS = { SECOND: 1000, DAY: 86_400_000 } as const;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/**
 * Adds a limit to an instant for the units that need no calendar: seconds, calendar days
 * (counted as Beijing days: the deadline is the end of the n-th day after the start day),
 * and months (same Beijing date n months later, clamped to month end). Working days need
 * the calendar activity and return `undefined` here.
 */
export function addLimitWithoutCalendar(fromMs: number, limit: TLimit): number | undefined {
  switch (limit.unit) {
    case 'SECONDS':
      return fromMs + limit.amount * MS.SECOND;
    case 'CALENDAR_DAYS': {
      const beijingDayStart = Math.floor((fromMs + BEIJING_OFFSET_MS) / MS.DAY) * MS.DAY - BEIJING_OFFSET_MS;
      return beijingDayStart + (limit.amount + 1) * MS.DAY;
    }
    case 'MONTHS': {
      const d = new Date(fromMs + BEIJING_OFFSET_MS);
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth() + limit.amount;
      const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      const day = Math.min(d.getUTCDate(), lastDay);
      return Date.UTC(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()) - BEIJING_OFFSET_MS;
    }
    case 'WORKING_DAYS':
      return undefined;
  }
}

/** A policy compressed to seconds for tests; every rule stays, only durations shrink. */
export function compressedPolicy(seconds: Partial<Record<'step' | 'notice' | 'sla' | 'contact' | 'elimination' | 'review' | 'reminder' | 'escalationRepeat', number>> = {}): TPolicy {
  const s = (amount: number): TLimit => ({ unit: 'SECONDS', amount });
  const step = s(seconds.step ?? 3600);
  return {
    ...DEFAULT_POLICY,
    version: 'compressed-test',
    steps: {
      VERIFICATION: step,
      VILLAGE_REVIEW: step,
      PUBLIC_NOTICE: s(seconds.notice ?? 2),
      TOWNSHIP_REVIEW: step,
      COUNTY_APPROVAL: step,
      INVESTIGATION: step,
      ELIM_ASSESSMENT: step,
      ELIM_VILLAGE_REVIEW: step,
      ELIM_NOTICE: s(seconds.notice ?? 2),
      ELIM_TOWNSHIP_REVIEW: step,
      ELIM_COUNTY_APPROVAL: step,
    },
    identificationSla: s(seconds.sla ?? 3600),
    planDue: s(3600),
    contactEvery: s(seconds.contact ?? 3600),
    eliminationAfter: s(seconds.elimination ?? 4),
    reviewEvery: s(seconds.review ?? 3600),
    annualCheckAfter: s(36_000),
    rollbackWindow: s(3600),
    reminderLead: s(seconds.reminder ?? 1),
    escalationRepeat: s(seconds.escalationRepeat ?? 3600),
    processSteps: Object.fromEntries(Object.entries(DEFAULT_POLICY.processSteps).map(([kind, steps]) => [kind, Object.fromEntries(Object.keys(steps).map((k) => [k, step]))])),
  };
}
