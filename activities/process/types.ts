/**
 * Contracts of the process core's activities (流程核心): what a process workflow commits and learns.
 * Type-only for workflows, like ../types.ts for the household case.
 */
import type { AnyTaskState, OpenTaskSpec } from '../../workflows/blocks/task';
import type { TLimit } from '../../workflows/policy';
import type { CoreEventSpec, TaskCheckSpec } from '../types';

/** Region codes of a process: a county always; a township and a village when the process has one. */
export interface ProcessRegion {
  villageCode?: string | null;
  townshipCode?: string | null;
  countyCode: string;
}

/** One audit event of a process, with its task change and notifications (the same shape a case event has). */
export type ProcessEventSpec = CoreEventSpec;

/** The facts to create the process row from, on the first commit. */
export interface CreateProcessSpec {
  kind: string;
  workflowId: string;
  /** A line naming the process; no personal data. */
  title: string;
  status: string;
  step?: string | null;
  region: ProcessRegion;
  householdId?: string | null;
  caseId?: string | null;
  policyVersion?: string | null;
  data?: Record<string, unknown>;
}

/** Read-model columns of the process a commit sets; `data` is merged key by key into the stored facts. */
export interface ProcessPatch {
  status?: string;
  step?: string | null;
  title?: string;
  data?: Record<string, unknown>;
  /** The process ended: `closedAt` is set (once). */
  closed?: boolean;
}

/** Everything one transition of a process writes, in one transaction, once per (process, seq). */
export interface ProcessCommitArgs {
  processId: string;
  /** Commit number, from 1, increasing by one per commit; the idempotency key is `${processId}:${seq}`. */
  seq: number;
  at: string;
  create?: CreateProcessSpec;
  patch?: ProcessPatch;
  events: ProcessEventSpec[];
  openTasks?: OpenTaskSpec[];
  checkTasks?: TaskCheckSpec<AnyTaskState>[];
  /** Named deadlines to compute from the calendar (working days by the PRC calendar). */
  deadlines?: Record<string, { from: string; limit: TLimit }>;
}

/** What a process workflow learns from a commit. */
export interface ProcessCommitResult {
  /** False when this (process, seq) had been committed before: nothing was written again. */
  applied: boolean;
  opened: AnyTaskState[];
  checked: AnyTaskState[];
  deadlines: Record<string, string>;
}

/** The ready-made activity of processes without domain tables of their own. */
export interface ProcessActivities {
  /** Applies one transition of a process atomically (audit, process row, tasks, outbox). A retry changes nothing. */
  commitProcessTransition(args: ProcessCommitArgs): Promise<ProcessCommitResult>;
  /** The active assistance contact (帮扶责任人) of a household case, or null (none, or deactivated). Reads only. */
  activeCaseContact(caseId: string): Promise<string | null>;
}
