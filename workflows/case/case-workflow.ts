/**
 * 监测帮扶案件工作流 — one workflow per household case. Wiring only: Update handlers validate a
 * command and run its pure transition (./transitions) one at a time; each transition's effects
 * are committed by one local activity in one transaction, and only then does the state change —
 * so a refused or failed commit leaves the case as it was. The loop holds one named timer per
 * deadline, runs the clock transition when one fires, and continues as new before the history
 * grows large. Time is workflow time; the policy is input, pinned per case.
 */
import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, proxyLocalActivities,
  setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities, CommitArgs } from '../../activities/types';
import type { UpdateDefinition } from '@temporalio/common';
import type { CaseInput, CaseSnapshot } from '../contracts';
import * as c from '../contracts';
import { refusalFailure } from '../refusals';
import { createSerial } from '../blocks/serial';
import { DurableTimers } from '../blocks/timers';
import type { Transition } from './draft';
import { casePatchOf, hasEffects } from './draft';
import { initialState, pendingTaskSeq, toSnapshot } from './state';
import type { CaseState } from './state';
import type { CaseCommand } from './transitions';
import { applyCommand, validateCommand, withCommitResult } from './transitions';
import { clockTick, wantedTimers } from './transitions/clock';
import { receiveLead } from './transitions/lead';
import { caseSearchAttributes, pickCaseSearchAttributes } from './search-attributes';

const { commitTransition } = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '10 seconds',
  // Database faults are transient: retry with backoff up to a minute apart; data that can never
  // be stored fails non-retryably (BAD_DATA) and is refused, leaving the case usable.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const UPDATES: [UpdateDefinition<any, [any]>, CaseCommand['kind']][] = [
  [c.decideUpdate, 'decide'], [c.recordMeasureUpdate, 'recordMeasure'], [c.updateMeasureUpdate, 'updateMeasure'],
  [c.recordContactUpdate, 'recordContact'], [c.fileObjectionUpdate, 'fileObjection'], [c.withdrawUpdate, 'withdraw'],
  [c.closeCaseUpdate, 'closeCase'], [c.transferTaskUpdate, 'transferTask'], [c.nudgeTaskUpdate, 'nudgeTask'],
  [c.requestEliminationUpdate, 'requestElimination'], [c.rollbackEliminationUpdate, 'rollbackElimination'],
  [c.endRollbackWindowUpdate, 'endRollbackWindow'], [c.reassignContactUpdate, 'reassignContact'],
  // Added after release 0.3.0: a new handler only, so existing histories replay unchanged.
  [c.recordProgrammeOutcomeUpdate, 'recordProgrammeOutcome'],
];

/** The household case workflow. Returns the final snapshot. */
export async function householdCaseWorkflow(input: CaseInput): Promise<CaseSnapshot> {
  let state: CaseState = input.carried ?? initialState(input);
  const region = { villageCode: input.villageCode, townshipCode: input.townshipCode, countyCode: input.countyCode };
  const serial = createSerial();
  const timers = new DurableTimers();
  let recheck = false;
  const ended = (): boolean => state.finished || ['REJECTED', 'WITHDRAWN', 'CLOSED'].includes(state.status);
  let commits = 0;

  /** Commits a transition's effects, then adopts its state; a BAD_DATA failure is refused. */
  async function commit(t: Transition, extra: Partial<CommitArgs> = {}): Promise<void> {
    if (hasEffects(t.effects) || extra.create) {
      const fx = t.effects;
      try {
        const result = await commitTransition({
          key: `${input.caseId}:${t.state.seq}`, caseId: input.caseId, at: new Date().toISOString(), region, events: fx.events,
          casePatch: casePatchOf(t.state), deadlines: fx.deadlines, openTasks: fx.openTasks, checkTasks: fx.checkTasks,
          assignContact: fx.assignContact, ...extra,
        });
        state = withCommitResult(t.state, result);
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        if (cause instanceof ApplicationFailure && cause.type === 'BAD_DATA') throw refusalFailure({ code: 'BAD_DATA', message: cause.message });
        throw err;
      }
    } else {
      state = t.state;
    }
    commits += 1;
  }

  /** The task a command names, when it names one the state has not adopted yet (see pendingTaskSeq). */
  const pendingSeqOf = (command: CaseCommand): number | null => {
    const taskId = (command.args as { taskId?: unknown }).taskId;
    return typeof taskId === 'string' ? pendingTaskSeq(state, taskId) : null;
  };

  /**
   * Refuses what the policy forbids before the Update enters the history. While a commit is in
   * flight (e.g. the one opening the task the caller saw in the read model), or when the task
   * comes from a commit a restarted worker has yet to replay, "task not open" is left to the
   * handler, which validates again once that commit has landed.
   */
  function validateEarly(command: CaseCommand): void {
    try {
      validateCommand(state, input, Date.now(), command);
    } catch (err) {
      const later = !serial.idle() || pendingSeqOf(command) !== null;
      if (later && err instanceof ApplicationFailure && err.type === 'TASK_NOT_OPEN') return;
      throw err;
    }
  }

  const openTaskRefs = (): c.CaseUpdateResult['openTasks'] => state.openTasks.map((t) => ({ taskId: t.taskId, step: t.step, assigneeId: t.assigneeId }));
  setHandler(c.stateQuery, () => toSnapshot(state));
  for (const [update, kind] of UPDATES) {
    const cmd = (args: unknown): CaseCommand => ({ kind, args }) as CaseCommand;
    setHandler(update, async (args: unknown) => {
      const command = cmd(args);
      // Only when nothing is queued (a restarted worker replaying the commit that opened the task):
      // a busy runner already orders the Update after that commit, as before. A condition without
      // a timeout adds no command to the history.
      const pending = serial.idle() ? pendingSeqOf(command) : null;
      if (pending !== null) await condition(() => state.seq >= pending || ended());
      return serial.run(async () => {
        validateCommand(state, input, Date.now(), command); // again: an earlier Update may have changed the case
        await commit(applyCommand(state, input, Date.now(), command));
        const task = kind === 'transferTask' ? state.openTasks.find((t) => t.taskId === (args as c.TransferArgs).taskId) : undefined;
        return task ?? { status: state.status, step: state.step, openTasks: openTaskRefs() };
      });
    }, { validator: (args: unknown) => validateEarly(cmd(args)) });
  }
  setHandler(c.recheckSignal, () => void (recheck = true));
  // Runs after the start commit (the serial runner keeps the order): the caller reads its own write.
  setHandler(c.awaitIntakeUpdate, () => serial.run(async () => ({ status: state.status, step: state.step, openTasks: openTaskRefs() })));

  if (!input.carried) {
    await serial.run(() => commit(receiveLead(state, input, Date.now(), input), { create: {
      householdId: input.householdId, category: input.category, riskTypes: input.riskTypes, channel: input.channel, policyVersion: input.policy.version,
      policy: input.policy, openedAt: input.openedAt, previousCaseId: input.previousCaseId, workflowId: workflowInfo().workflowId, contactId: input.contactId,
    } }));
  }
  let searchAttributes = pickCaseSearchAttributes(workflowInfo().searchAttributes);
  let seen = -1;
  while (!ended()) {
    if (timers.fired || recheck) {
      const opts = { recheck };
      timers.fired = recheck = false;
      await serial.run(async () => {
        try {
          await commit(clockTick(state, input, Date.now(), opts));
        } catch (err) {
          log.error('clock transition refused', { caseId: input.caseId, error: String(err) });
        }
      });
      continue;
    }
    if (seen !== commits) {
      seen = commits;
      timers.sync(wantedTimers(state), Date.now());
      const attrs = caseSearchAttributes(input, state, Date.now());
      if (JSON.stringify(attrs) !== searchAttributes) {
        searchAttributes = JSON.stringify(attrs);
        upsertSearchAttributes(attrs);
      }
    }
    const info = workflowInfo();
    if (serial.idle() && (info.historyLength >= (input.maxHistoryEvents ?? 4000) || info.continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      timers.cancelAll();
      await continueAsNew<typeof householdCaseWorkflow>({ ...input, carried: { ...state, continuedAsNew: state.continuedAsNew + 1 } });
    }
    await condition(() => timers.fired || recheck || seen !== commits);
  }
  timers.cancelAll();
  upsertSearchAttributes(caseSearchAttributes(input, state, Date.now()));
  await condition(allHandlersFinished);
  return toSnapshot(state);
}
