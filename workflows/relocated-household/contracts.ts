/**
 * Contracts of the 易地搬迁户后续扶持 (relocated household follow-up) process, shared by `api/`,
 * `worker/` and `workflows/`: per relocated household, a monthly visit (入户走访) recording its
 * employment status (就业状况), and employment updates between visits. Nothing here pulls in
 * Prisma, the Temporal client, zod or Node built-ins.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../contracts';
import type { TLimit } from '../policy';
import type { ProcessTaskLimits, ProcessUpdateResult } from '../process-contracts';
import type { ProcessCoreState } from '../process/state';

/** Process kind of a relocated household's follow-up. */
export const RELOCATED_HOUSEHOLD_KIND = 'RELOCATED_HOUSEHOLD';
/** Workflow type of a relocated household's follow-up. */
export const RELOCATED_HOUSEHOLD_WORKFLOW = 'relocatedHouseholdWorkflow';

/** The step people act on: 入户走访 — the monthly visit, with the household's employment status. */
export const RELOCATED_VISIT_STEP = 'VISIT';

/** 就业状况 — what the household's labour does. */
export const EMPLOYMENT_STATUSES = ['EMPLOYED_LOCAL', 'EMPLOYED_AWAY', 'SELF_EMPLOYED', 'PUBLIC_WELFARE_JOB', 'SEEKING_WORK', 'NO_LABOUR'] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

/** The household's employment as last recorded. */
export interface EmploymentRecord {
  status: EmploymentStatus;
  /** Members in work. */
  workers: number;
  /** ISO instant it was recorded. */
  at: string;
  byId: string;
}

/** Input of the follow-up workflow, pinned at its start. */
export interface RelocatedHouseholdInput {
  processId: string;
  householdId: string;
  caseId: string;
  /** The settlement's process (安置点). */
  settlementId: string;
  settlementName: string;
  region: { villageCode: string; townshipCode: string; countyCode: string };
  /** Time a visit may take from the previous one (a month by default); reminded before, escalated after. */
  visitLimit: TLimit;
  /** Visits in the follow-up (过渡期: 60 months by default). */
  visits: number;
  limits: ProcessTaskLimits;
  registeredById: string;
  policyVersion?: string;
  carried?: { core: ProcessCoreState };
  /** Continue-as-new threshold (history events). @default 4000 */
  maxHistoryEvents?: number;
}

/** Arguments of {@link recordEmploymentUpdate}. */
export interface EmploymentArgs {
  status: EmploymentStatus;
  workers: number;
  notes?: string;
  actor: Actor;
}

/** 就业状况更新 — records the household's employment between visits. */
export const recordEmploymentUpdate = defineUpdate<ProcessUpdateResult, [EmploymentArgs]>('recordEmployment');
