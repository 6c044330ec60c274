/**
 * 约谈 — the rules of an interview's one step: its supervisor records the outcome (held or not,
 * the date, notes) with DONE; the outcome is kept in the process's facts and ends the process.
 * Pure.
 */
import type { Refusal } from '../refusals';
import type { InterviewAuditAction, InterviewOutcome, InterviewSubject } from '../process-contracts';
import { INTERVIEW_STEP } from '../process-contracts';
import type { ProcessStepRules } from '../process/transitions';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Today's date in Beijing (YYYY-MM-DD) at `now`. */
function beijingDate(now: number): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Why an outcome cannot be recorded, or null. */
export function interviewOutcomeRefusal(data: Record<string, unknown>, now: number): Refusal | null {
  if (typeof data.held !== 'boolean') return { code: 'ACTION_NOT_ALLOWED', message: 'data.held: say whether the interview was held', field: 'data.held' };
  if (typeof data.notes !== 'string' || data.notes.trim() === '') return { code: 'REASON_REQUIRED', message: 'data.notes: record what was discussed (or why it was not held)', field: 'data.notes' };
  if (data.notes.length > 2000) return { code: 'ACTION_NOT_ALLOWED', message: 'data.notes: at most 2000 characters', field: 'data.notes' };
  if (data.heldOn !== undefined && data.heldOn !== null) {
    if (typeof data.heldOn !== 'string' || !DATE.test(data.heldOn) || Number.isNaN(Date.parse(`${data.heldOn}T00:00:00+08:00`))) {
      return { code: 'INVALID_DATE', message: 'data.heldOn: a date YYYY-MM-DD', field: 'data.heldOn' };
    }
    if (data.heldOn > beijingDate(now + DAY_MS)) return { code: 'INVALID_DATE', message: 'data.heldOn: cannot be in the future', field: 'data.heldOn' };
  }
  if (data.held && !data.heldOn) return { code: 'INVALID_DATE', message: 'data.heldOn: the date the interview was held is required', field: 'data.heldOn' };
  return null;
}

/** The outcome as recorded. */
export function interviewOutcomeOf(data: Record<string, unknown>): InterviewOutcome {
  return { held: data.held === true, ...(typeof data.heldOn === 'string' && data.held === true ? { heldOn: data.heldOn } : {}), notes: String(data.notes ?? '').trim() };
}

/** Title of an interview (no personal data): `约谈：东风镇`. */
export function interviewTitle(subject: InterviewSubject): string {
  return `约谈：${subject.name}`;
}

/** Status of an interview: OPEN until its outcome is recorded, then HELD or NOT_HELD. */
export type InterviewStatus = 'OPEN' | 'HELD' | 'NOT_HELD';

/** The step rules of the 约谈. */
export const INTERVIEW_RULES: ProcessStepRules = {
  [INTERVIEW_STEP]: {
    actions: ['DONE'],
    check: (d, now) => interviewOutcomeRefusal(d.data, now),
    auditAction: (d): InterviewAuditAction => (d.data.held === true ? 'INTERVIEW_HELD' : 'INTERVIEW_NOT_HELD'),
    onDecision: (d, draft) => {
      const outcome = interviewOutcomeOf(d.data);
      draft.setData({ outcome, decidedById: d.actorId });
      draft.finish(outcome.held ? 'HELD' : 'NOT_HELD');
    },
  },
};
