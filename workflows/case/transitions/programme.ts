/**
 * 项目结果回写 — a household programme records on its measure of the case what the case should know:
 * a loan's use check that refused the use (户贷企用, consumption, building …) as a finding, and a
 * public-welfare post's end (the holder left) as the measure's end date. The measure stays
 * IMPLEMENTED: it was carried out, which the elimination rules count.
 */
import type { ProgrammeOutcomeArgs } from '../../contracts';
import { Draft } from '../draft';
import type { CaseFacts, Transition } from '../draft';
import type { CaseState } from '../state';

/** Records the outcome (validated by validateProgrammeOutcome). */
export function recordProgrammeOutcome(state: CaseState, facts: CaseFacts, now: number, a: ProgrammeOutcomeArgs): Transition {
  const d = new Draft(state, facts, now);
  const m = d.s.measures.find((x) => x.measureId === a.measureId);
  const data = { processId: a.processId, measureId: a.measureId, type: m?.type ?? null };
  if (a.outcome === 'ENDED' && m && a.endedOn) {
    m.endedOn = new Date(Date.parse(a.endedOn)).toISOString();
    d.event({ action: 'MEASURE_ENDED', actorId: a.actor.id, comment: a.comment, data: { ...data, endedOn: a.endedOn }, measure: { id: a.measureId, status: m.status, endedOn: a.endedOn } });
  } else if (m) {
    m.findings = [...(m.findings ?? []), a.outcome];
    d.event({ action: 'MEASURE_FINDING_RECORDED', actorId: a.actor.id, comment: a.comment, data: { ...data, finding: a.outcome, use: a.use ?? null } });
  }
  return d.done();
}
