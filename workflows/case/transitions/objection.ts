/** 异议 — an objection filed during a public notice opens a village investigation task at once. */
import type { FileObjectionArgs, Step } from '../../contracts';
import { fileObjection as addObjection } from '../../blocks/public-notice';
import { Draft } from '../draft';
import type { CaseFacts, Transition } from '../draft';
import type { CaseState } from '../state';

export function fileObjection(state: CaseState, facts: CaseFacts, now: number, a: FileObjectionArgs): Transition {
  const d = new Draft(state, facts, now);
  d.event({ action: 'OBJECTION_FILED', actorId: a.actor.id, objection: { id: a.objectionId, step: d.s.step as Step, text: a.text } });
  const taskId = d.openTask('INVESTIGATION');
  d.s.notice = addObjection(d.s.notice, a.objectionId, taskId);
  return d.done();
}
