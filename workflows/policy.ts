/**
 * The policy (政策参数) as data: every limit of DESIGN §1 is a default here, overridable by a
 * deployment file (validated by ./policy-schema), and pinned per case at its start.
 * Workflow-safe: no Node built-ins and no zod (types only from the schema).
 */
import type { TConfirmationPolicy, TLimit, TLimitUnit, TPolicy, TReportCadence, TReportPolicy } from './policy-schema';

export type { TConfirmationPolicy, TLimit, TLimitUnit, TPolicy, TReportCadence, TReportPolicy };

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
    /** 集中排查: grids and villages work until the campaign's deadline (unless set here); the township reviews and the county sums up in 5 working days each. */
    SCREENING_CAMPAIGN: { TOWNSHIP_REVIEW: { unit: 'WORKING_DAYS', amount: 5 }, COUNTY_SUMMARY: { unit: 'WORKING_DAYS', amount: 5 } },
    /** 衔接资金项目: steps people decide, notices, the start deadline and the report interval (workflows/project/policy.ts). */
    FUND_PROJECT: {
      TOWNSHIP_REVIEW: { unit: 'WORKING_DAYS', amount: 5 }, REVISE_PROPOSAL: { unit: 'WORKING_DAYS', amount: 10 },
      COUNTY_APPRAISAL: { unit: 'WORKING_DAYS', amount: 10 }, COUNTY_DECISION: { unit: 'WORKING_DAYS', amount: 10 },
      APPROVAL: { unit: 'WORKING_DAYS', amount: 10 }, START_WORKS: { unit: 'MONTHS', amount: 3 },
      PROGRESS_REPORT: { unit: 'WORKING_DAYS', amount: 5 }, PACE_RECOVERY: { unit: 'WORKING_DAYS', amount: 5 },
      ACCEPTANCE: { unit: 'WORKING_DAYS', amount: 20 }, ASSET_REGISTRATION: { unit: 'WORKING_DAYS', amount: 10 },
      HANDOVER_OUT: { unit: 'WORKING_DAYS', amount: 10 }, HANDOVER_IN: { unit: 'WORKING_DAYS', amount: 10 }, INVESTIGATION: { unit: 'WORKING_DAYS', amount: 5 },
      VILLAGE_NOTICE: { unit: 'CALENDAR_DAYS', amount: 5 }, COUNTY_ANNOUNCEMENT: { unit: 'CALENDAR_DAYS', amount: 10 },
      ACCEPTANCE_NOTICE: { unit: 'CALENDAR_DAYS', amount: 5 }, REPORT_EVERY: { unit: 'MONTHS', amount: 1 },
    },
    /** 帮扶项目资产: inspections quarterly (solar stations monthly), idle after 6 months without income (workflows/asset/policy.ts). */
    PROJECT_ASSET: {
      INSPECTION: { unit: 'WORKING_DAYS', amount: 10 }, IDLE_RESOLUTION: { unit: 'WORKING_DAYS', amount: 20 },
      INSPECT_EVERY: { unit: 'MONTHS', amount: 3 }, INSPECT_EVERY_SOLAR: { unit: 'MONTHS', amount: 1 }, IDLE_AFTER: { unit: 'MONTHS', amount: 6 },
      DISPOSAL_TOWNSHIP_REVIEW: { unit: 'WORKING_DAYS', amount: 10 }, DISPOSAL_COUNTY_APPROVAL: { unit: 'WORKING_DAYS', amount: 10 },
      OWNERSHIP_CONFIRMATION: { unit: 'WORKING_DAYS', amount: 10 }, OWNERSHIP_REDETERMINATION: { unit: 'WORKING_DAYS', amount: 10 },
      HANDOVER_OUT: { unit: 'WORKING_DAYS', amount: 10 }, HANDOVER_IN: { unit: 'WORKING_DAYS', amount: 10 },
      DISTRIBUTION_PLAN: { unit: 'WORKING_DAYS', amount: 20 }, DISTRIBUTION_TOWNSHIP_REVIEW: { unit: 'WORKING_DAYS', amount: 10 },
      DISTRIBUTION_COUNTY_FILING: { unit: 'WORKING_DAYS', amount: 10 }, PAYOUT_EVERY: { unit: 'MONTHS', amount: 3 },
      PAYOUT_CONFIRMATION: { unit: 'WORKING_DAYS', amount: 10 }, PLAN_VALID_FOR: { unit: 'MONTHS', amount: 12 },
    },
    /** 小额信贷: village and township checks, the bank's decision, the use check (30 days), reminders, repayment and overdue follow-ups. */
    MICROCREDIT: {
      VILLAGE_CHECK: { unit: 'WORKING_DAYS', amount: 3 },
      TOWNSHIP_CHECK: { unit: 'WORKING_DAYS', amount: 3 },
      BANK_DECISION: { unit: 'WORKING_DAYS', amount: 10 },
      USE_CHECK: { unit: 'CALENDAR_DAYS', amount: 30 },
      REPAYMENT_REMINDER: { unit: 'WORKING_DAYS', amount: 3 },
      REPAYMENT_CHECK: { unit: 'WORKING_DAYS', amount: 5 },
      OVERDUE_FOLLOW_UP: { unit: 'WORKING_DAYS', amount: 10 },
      EXTENSION_APPROVAL: { unit: 'WORKING_DAYS', amount: 5 },
    },
    /** 公益岗位: village review, township approval, agreement, monthly wage confirmation (opened on the 1st, due the end of the 10th), wage arrears, end of term. */
    PUBLIC_WELFARE_JOB: {
      VILLAGE_REVIEW: { unit: 'WORKING_DAYS', amount: 3 },
      TOWNSHIP_APPROVAL: { unit: 'WORKING_DAYS', amount: 3 },
      AGREEMENT: { unit: 'WORKING_DAYS', amount: 5 },
      WAGE_CONFIRMATION: { unit: 'CALENDAR_DAYS', amount: 9 },
      WAGE_ARREARS: { unit: 'WORKING_DAYS', amount: 5 },
      END_OF_TERM: { unit: 'WORKING_DAYS', amount: 10 },
      INVESTIGATION: { unit: 'WORKING_DAYS', amount: 5 },
    },
    /** 易地搬迁后扶: each item of a settlement's information checklist, entered by the township. */
    RELOCATION_SETTLEMENT: {
      PARTY_ORGANISATION: { unit: 'WORKING_DAYS', amount: 20 },
      GOVERNANCE_BODY: { unit: 'WORKING_DAYS', amount: 20 },
      GRID_LEADERS: { unit: 'WORKING_DAYS', amount: 20 },
      SERVICE_CENTRE: { unit: 'WORKING_DAYS', amount: 20 },
      PROPERTY_MANAGEMENT: { unit: 'WORKING_DAYS', amount: 20 },
      RIGHTS_PROTECTION: { unit: 'WORKING_DAYS', amount: 20 },
    },
    /** 易地搬迁户后续扶持: a visit each month (due a month after the previous one). */
    RELOCATED_HOUSEHOLD: {
      VISIT: { unit: 'MONTHS', amount: 1 },
    },
  },
  screeningSampleSize: 5,
};

/** The limit of a process step from a policy (a policy pinned before process limits existed falls back to the defaults). */
export function processStepLimit(policy: Pick<TPolicy, 'processSteps'>, kind: string, step: string): TLimit {
  const limit = policy.processSteps?.[kind]?.[step] ?? DEFAULT_POLICY.processSteps[kind]?.[step];
  if (!limit) throw new Error(`the policy has no limit for step ${step} of process ${kind}`);
  return limit;
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
