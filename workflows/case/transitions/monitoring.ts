/**
 * 帮扶与监测 — assistance and monitoring: county approval starts it (plan, contact, review and
 * annual-check deadlines); measures and contacts are recorded; the clock reminds a missed contact
 * (then escalates to the township), an overdue plan, and flags the annual check.
 */
import type { RecordContactArgs, RecordMeasureArgs, UpdateMeasureArgs } from '../../contracts';
import type { NotificationSpec } from '../../../activities/types';
import { Draft } from '../draft';
import type { CaseFacts, Transition } from '../draft';
import type { CaseState } from '../state';

/** County approval: the household is monitored (纳入监测) and the monitoring deadlines start. */
export function becomeMonitored(d: Draft): void {
  const s = d.s;
  s.approvedAt = d.iso();
  if (s.slaDueAt && d.now > Date.parse(s.slaDueAt)) s.slaBreached = true;
  d.setStep('MONITORED', null);
  d.deadline('planDueAt', d.now, d.policy.planDue);
  d.deadline('nextReviewAt', d.now, d.policy.eliminationAfter);
  d.deadline('annualCheckAt', d.now, d.policy.annualCheckAfter);
  d.deadline('nextContactDueAt', d.now, d.policy.contactEvery);
  if (!s.contactId) d.fx.assignContact = true;
  d.event({
    action: 'COUNTY_APPROVED_MONITORING_STARTED',
    notifications: [{ kind: 'CASE_ASSIGNED_TO_CONTACT', to: { caseContact: true } }],
    data: { slaBreached: s.slaBreached },
  });
}

export function recordMeasure(state: CaseState, facts: CaseFacts, now: number, a: RecordMeasureArgs): Transition {
  const d = new Draft(state, facts, now);
  d.s.measures.push({ measureId: a.measureId, type: a.type, status: 'PLANNED', ...(a.memberName ? { memberName: a.memberName } : {}) });
  d.event({
    action: 'MEASURE_RECORDED', actorId: a.actor.id,
    measure: { id: a.measureId, type: a.type, description: a.description, memberName: a.memberName, status: 'PLANNED', createdById: a.actor.id },
  });
  return d.done();
}

export function updateMeasure(state: CaseState, facts: CaseFacts, now: number, a: UpdateMeasureArgs): Transition {
  const d = new Draft(state, facts, now);
  const m = d.s.measures.find((x) => x.measureId === a.measureId);
  if (m) {
    m.status = a.status;
    if (a.implementedOn) m.implementedOn = new Date(Date.parse(a.implementedOn)).toISOString();
  }
  d.event({
    action: a.status === 'IMPLEMENTED' ? 'MEASURE_IMPLEMENTED' : 'MEASURE_CANCELLED', actorId: a.actor.id,
    measure: { id: a.measureId, status: a.status, implementedOn: a.implementedOn },
  });
  return d.done();
}

export function recordContact(state: CaseState, facts: CaseFacts, now: number, a: RecordContactArgs): Transition {
  const d = new Draft(state, facts, now);
  d.s.lastContactAt = new Date(Date.parse(a.contactedOn)).toISOString();
  d.s.contactCount += 1;
  d.s.missedContactPeriods = 0;
  d.deadline('nextContactDueAt', Math.max(now, Date.parse(a.contactedOn)), facts.policy.contactEvery);
  d.event({
    action: 'CONTACT_RECORDED', actorId: a.actor.id, comment: a.note,
    contact: { id: a.contactRecordId, officialId: a.actor.id, contactedOn: a.contactedOn, method: a.method, note: a.note },
  });
  return d.done();
}

/** What the clock makes due while monitored: a missed contact, an overdue plan, the annual check. */
export function monitoringClock(d: Draft): void {
  const s = d.s;
  const p = d.policy;
  if (s.nextContactDueAt && d.now >= Date.parse(s.nextContactDueAt)) {
    s.missedContactPeriods += 1;
    const escalate = s.missedContactPeriods >= p.contactEscalateAfterMissed;
    const notifications: NotificationSpec[] = [];
    const data = { missed: s.missedContactPeriods };
    if (s.contactId) notifications.push({ kind: 'CONTACT_REMINDER', to: { officialId: s.contactId }, data });
    if (escalate || !s.contactId) notifications.push({ kind: 'CONTACT_ESCALATION', to: { role: 'TOWNSHIP', regionCode: d.facts.townshipCode }, data });
    d.deadline('nextContactDueAt', Date.parse(s.nextContactDueAt), p.contactEvery);
    s.nextContactDueAt = null;
    d.event({ action: escalate ? 'CONTACT_MISSED_ESCALATED' : 'CONTACT_MISSED', notifications, data });
  }
  if (s.planDueAt && !s.planReminded && d.now >= Date.parse(s.planDueAt)) {
    s.planReminded = true;
    if (!s.measures.some((m) => m.status !== 'CANCELLED')) {
      d.event({
        action: 'PLAN_OVERDUE',
        notifications: [
          ...(s.contactId ? [{ kind: 'PLAN_DUE', to: { officialId: s.contactId } } as NotificationSpec] : []),
          { kind: 'PLAN_DUE', to: { role: 'TOWNSHIP', regionCode: d.facts.townshipCode } },
        ],
      });
    }
  }
  if (s.annualCheckAt && !s.annualCheckFlagged && d.now >= Date.parse(s.annualCheckAt)) {
    s.annualCheckFlagged = true;
    d.event({ action: 'ANNUAL_CHECK_FLAGGED' });
  }
}
