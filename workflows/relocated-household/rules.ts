/**
 * 易地搬迁户后续扶持 rules — pure: what a visit and an employment update must carry and what they
 * record (the latest employment, a bounded history, visits counted, late visits). Unit-tested.
 */
import type { Refusal } from '../refusals';
import type { TLimit } from '../policy';
import type { ProcessDraft, ProcessTaskSpec } from '../process/draft';
import type { ProcessStepRules } from '../process/transitions';
import type { EmploymentArgs, EmploymentRecord, EmploymentStatus } from './contracts';
import { EMPLOYMENT_STATUSES, RELOCATED_VISIT_STEP } from './contracts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Employment records kept in the process data. */
export const EMPLOYMENT_KEPT = 24;

/** Why an employment status cannot be recorded, or null (`prefix`: `data.` for a visit's data). */
export function employmentRefusal(a: { status?: unknown; workers?: unknown }, prefix = ''): Refusal | null {
  if (!(EMPLOYMENT_STATUSES as readonly unknown[]).includes(a.status)) return { code: 'ACTION_NOT_ALLOWED', message: `${prefix}status: one of ${EMPLOYMENT_STATUSES.join(', ')}`, field: `${prefix}status` };
  if (!(typeof a.workers === 'number' && Number.isInteger(a.workers) && a.workers >= 0 && a.workers <= 20)) {
    return { code: 'ACTION_NOT_ALLOWED', message: `${prefix}workers: members in work (0–20)`, field: `${prefix}workers` };
  }
  if (a.status === 'NO_LABOUR' && a.workers !== 0) return { code: 'ACTION_NOT_ALLOWED', message: `${prefix}workers: 0 for a household without labour`, field: `${prefix}workers` };
  return null;
}

/** Why a visit cannot be recorded, or null: a date not in the future, the employment status. */
export function visitRefusal(data: Record<string, unknown>, now: number): Refusal | null {
  const v = data.visitedOn;
  if (!(typeof v === 'string' && DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v))) return { code: 'INVALID_DATE', message: 'data.visitedOn: the date visited (YYYY-MM-DD)', field: 'data.visitedOn' };
  if (v > new Date(now + 8 * 3_600_000).toISOString().slice(0, 10)) return { code: 'INVALID_DATE', message: 'data.visitedOn: cannot be in the future', field: 'data.visitedOn' };
  return employmentRefusal(data, 'data.');
}

/** Records the household's employment; a change of status is its own audit line. */
export function recordEmployment(d: ProcessDraft, status: EmploymentStatus, workers: number, byId: string, source: 'VISIT' | 'UPDATE', notes?: string): void {
  const before = d.s.data.employment as EmploymentRecord | null | undefined;
  const record: EmploymentRecord = { status, workers, at: d.iso(), byId };
  const history = [...((d.s.data.employmentHistory as EmploymentRecord[] | undefined) ?? []), record].slice(-EMPLOYMENT_KEPT);
  d.setData({ employment: record, employmentHistory: history });
  if (source === 'UPDATE') d.event({ action: 'EMPLOYMENT_UPDATED', actorId: byId, comment: notes, data: { status, workers } });
  if (before && before.status !== status) d.event({ action: 'EMPLOYMENT_STATUS_CHANGED', actorId: byId, data: { from: before.status, to: status } });
}

/** An employment update between visits (validated by {@link employmentRefusal}). */
export function applyEmploymentUpdate(d: ProcessDraft, a: EmploymentArgs): void {
  recordEmployment(d, a.status, a.workers, a.actor.id, 'UPDATE', a.notes?.trim() || undefined);
}

/** A visit decided: counted, the employment recorded; late when after its task's due time. */
export function recordVisit(d: ProcessDraft, data: Record<string, unknown>, late: boolean): void {
  const visits = Number(d.s.data.visits ?? 0) + 1;
  const lateVisits = Number(d.s.data.lateVisits ?? 0) + (late ? 1 : 0);
  d.setData({ visits, lateVisits, lastVisitedOn: data.visitedOn });
  if (late) d.event({ action: 'VISIT_LATE', data: { visit: visits } });
}

/** The step rules: a visit takes DONE with its date and the household's employment. */
export function relocatedHouseholdRules(): ProcessStepRules {
  return {
    [RELOCATED_VISIT_STEP]: {
      actions: ['DONE'],
      check: (dec, now) => visitRefusal(dec.data, now),
      auditAction: () => 'RELOCATED_VISIT_RECORDED',
      onDecision: (dec, d) => recordEmployment(d, dec.data.status as EmploymentStatus, dec.data.workers as number, dec.actorId, 'VISIT'),
    },
  };
}

/**
 * Who holds a visit (入户走访): the household's assistance contact (帮扶责任人) by name when its case
 * has an active one — reminded before the due time, escalated to the village, then the township,
 * the county and the administrators when overdue — else the village, as before `contactId` was
 * looked up (village → township → …).
 */
export function visitTaskSpec(limit: TLimit, contactId: string | null): ProcessTaskSpec {
  return contactId
    ? { step: RELOCATED_VISIT_STEP, level: 'CONTACT', assigneeId: contactId, limit }
    : { step: RELOCATED_VISIT_STEP, level: 'VILLAGE', limit };
}

/** Title (no personal data): `易地搬迁户后续扶持：幸福家园安置点 YD-…`. */
export function relocatedHouseholdTitle(settlementName: string, processId: string): string {
  return `易地搬迁户后续扶持：${settlementName} ${processId}`;
}
