/**
 * The state every process built on the process core carries (流程状态): its status and step, its
 * open tasks, the decisions made, its facts — carried across continue-as-new — and the snapshot
 * its Query returns. Pure.
 */
import type { AnyTaskState, Recipient } from '../blocks/task';
import type { TLimit } from '../policy';
import { pendingTaskSeqOf } from '../blocks/task';
import type { ProcessDecision, ProcessSnapshot } from '../process-contracts';

/** The whole state of a process. */
export interface ProcessCoreState {
  processId: string;
  kind: string;
  status: string;
  step: string | null;
  /** Commits so far; idempotency keys are `${processId}:${seq}`. */
  seq: number;
  openTasks: AnyTaskState[];
  /** Limit and escalation chain of each open task, as it was opened (its reminders and escalations are checked against them). */
  taskTerms: Record<string, { limit: TLimit; escalationChain: Recipient[] }>;
  /** The latest decisions, oldest first (bounded). */
  decisions: ProcessDecision[];
  /** Facts of the kind, as last committed. */
  data: Record<string, unknown>;
  /** Nothing more happens: the process ended. */
  finished: boolean;
  continuedAsNew: number;
}

/** A process before its first commit. */
export function initialProcessState(a: { processId: string; kind: string; status: string; step: string | null; data?: Record<string, unknown> }): ProcessCoreState {
  return { processId: a.processId, kind: a.kind, status: a.status, step: a.step, seq: 0, openTasks: [], taskTerms: {}, decisions: [], data: a.data ?? {}, finished: false, continuedAsNew: 0 };
}

/** The public snapshot. */
export function toProcessSnapshot(s: ProcessCoreState): ProcessSnapshot {
  return {
    processId: s.processId, kind: s.kind, status: s.status, step: s.step, openTasks: s.openTasks, decisions: s.decisions, data: s.data,
    finished: s.finished, continuedAsNew: s.continuedAsNew,
  };
}

/** The commit that issued `taskId` when this state has not adopted it yet (see {@link pendingTaskSeqOf}). */
export function pendingProcessTaskSeq(s: Pick<ProcessCoreState, 'processId' | 'seq'>, taskId: string): number | null {
  return pendingTaskSeqOf(s.processId, s.seq, taskId);
}
