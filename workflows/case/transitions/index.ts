/**
 * Commands a case takes (one per Update) with their validators and pure transitions, and how a
 * commit's results (deadlines from the calendar, opened tasks) land in the state.
 */
import type {
  CloseArgs, DecideArgs, EndRollbackWindowArgs, FileObjectionArgs, NudgeArgs, ProgrammeOutcomeArgs, RecordContactArgs, RecordMeasureArgs,
  ReassignContactArgs, RequestEliminationArgs, RollbackArgs, TransferArgs, UpdateMeasureArgs, WithdrawArgs,
} from '../../contracts';
import type { CommitResult } from '../../../activities/types';
import type { CaseFacts, Transition } from '../draft';
import type { CaseState } from '../state';
import * as v from '../validators';
import { closeCase, nudgeTask, reassignContact, transferTask, withdraw } from './admin';
import { decide } from './decision';
import { requestElimination } from './elimination';
import { recordContact, recordMeasure, updateMeasure } from './monitoring';
import { fileObjection } from './objection';
import { recordProgrammeOutcome } from './programme';
import { endRollbackWindow, rollbackElimination } from './rollback';

/** A command from an Update. */
export type CaseCommand =
  | { kind: 'decide'; args: DecideArgs }
  | { kind: 'recordMeasure'; args: RecordMeasureArgs }
  | { kind: 'updateMeasure'; args: UpdateMeasureArgs }
  | { kind: 'recordContact'; args: RecordContactArgs }
  | { kind: 'fileObjection'; args: FileObjectionArgs }
  | { kind: 'withdraw'; args: WithdrawArgs }
  | { kind: 'closeCase'; args: CloseArgs }
  | { kind: 'transferTask'; args: TransferArgs }
  | { kind: 'nudgeTask'; args: NudgeArgs }
  | { kind: 'reassignContact'; args: ReassignContactArgs }
  | { kind: 'requestElimination'; args: RequestEliminationArgs }
  | { kind: 'rollbackElimination'; args: RollbackArgs }
  | { kind: 'endRollbackWindow'; args: EndRollbackWindowArgs }
  | { kind: 'recordProgrammeOutcome'; args: ProgrammeOutcomeArgs };

/** Throws the typed refusal when the policy forbids the command now. */
export function validateCommand(state: CaseState, facts: CaseFacts, now: number, cmd: CaseCommand): void {
  switch (cmd.kind) {
    case 'decide': return v.validateDecide(facts, state, cmd.args, now);
    case 'recordMeasure': return v.validateRecordMeasure(facts, state, cmd.args);
    case 'updateMeasure': return v.validateUpdateMeasure(state, cmd.args, now);
    case 'recordContact': return v.validateRecordContact(state, cmd.args, now);
    case 'fileObjection': return v.validateFileObjection(state, cmd.args);
    case 'withdraw': return v.validateWithdraw(state, cmd.args);
    case 'closeCase': return v.validateClose(state, cmd.args);
    case 'transferTask': return v.validateTransfer(state, cmd.args);
    case 'nudgeTask': return v.validateNudge(state, cmd.args);
    case 'reassignContact': return v.validateReassignContact(state, cmd.args);
    case 'requestElimination': return v.validateRequestElimination(facts, state, cmd.args, now);
    case 'rollbackElimination': return v.validateRollback(state, cmd.args, now);
    case 'endRollbackWindow': return v.validateEndRollbackWindow(state);
    case 'recordProgrammeOutcome': return v.validateProgrammeOutcome(state, cmd.args, now);
  }
}

/** The transition of a validated command. */
export function applyCommand(state: CaseState, facts: CaseFacts, now: number, cmd: CaseCommand): Transition {
  switch (cmd.kind) {
    case 'decide': return decide(state, facts, now, cmd.args);
    case 'recordMeasure': return recordMeasure(state, facts, now, cmd.args);
    case 'updateMeasure': return updateMeasure(state, facts, now, cmd.args);
    case 'recordContact': return recordContact(state, facts, now, cmd.args);
    case 'fileObjection': return fileObjection(state, facts, now, cmd.args);
    case 'withdraw': return withdraw(state, facts, now, cmd.args);
    case 'closeCase': return closeCase(state, facts, now, cmd.args);
    case 'transferTask': return transferTask(state, facts, now, cmd.args);
    case 'nudgeTask': return nudgeTask(state, facts, now, cmd.args);
    case 'reassignContact': return reassignContact(state, facts, now, cmd.args);
    case 'requestElimination': return requestElimination(state, facts, now, cmd.args);
    case 'rollbackElimination': return rollbackElimination(state, facts, now, cmd.args);
    case 'endRollbackWindow': return endRollbackWindow(state, facts, now, cmd.args);
    case 'recordProgrammeOutcome': return recordProgrammeOutcome(state, facts, now, cmd.args);
  }
}

/** The state after a commit: computed deadlines, opened and re-checked tasks, the assigned contact. */
export function withCommitResult(state: CaseState, r: CommitResult): CaseState {
  const checked = new Map(r.checked.map((t) => [t.taskId, t]));
  const notice = r.deadlines.noticeEndsAt ? { ...state.notice, endsAt: r.deadlines.noticeEndsAt } : state.notice;
  return {
    ...state,
    ...(r.deadlines.slaDueAt ? { slaDueAt: r.deadlines.slaDueAt } : {}),
    ...(r.deadlines.planDueAt ? { planDueAt: r.deadlines.planDueAt } : {}),
    ...(r.deadlines.nextReviewAt ? { nextReviewAt: r.deadlines.nextReviewAt } : {}),
    ...(r.deadlines.annualCheckAt ? { annualCheckAt: r.deadlines.annualCheckAt } : {}),
    ...(r.deadlines.nextContactDueAt ? { nextContactDueAt: r.deadlines.nextContactDueAt } : {}),
    ...(r.deadlines.rollbackUntil ? { rollbackUntil: r.deadlines.rollbackUntil } : {}),
    notice,
    openTasks: [...state.openTasks.map((t) => checked.get(t.taskId) ?? t), ...r.opened],
    contactId: state.contactId ?? r.contactId,
  };
}
