/**
 * 帮扶责任人变更记录 — who was a household's assistance contact and from when, read from the case's
 * audit events: the first contact from the first event naming them (else the county's approval),
 * then one entry per CONTACT_REASSIGNED (its `from` → `to`, the date and the reason). Pure.
 */

/** An audit event as the history reads it. */
export interface ContactEvent {
  at: Date;
  action: string;
  comment: string | null;
  data: unknown;
}

/** One contact of the household, from `since` until the next one's start (null: current). */
export interface ContactPeriod {
  officialId: string;
  since: string | null;
  until: string | null;
  /** Why the contact changed to this one (the reassignment's reason); null for the first. */
  reason: string | null;
}

/** The contacts of a case in order, the current one last; empty when none was ever named. */
export function contactHistoryOf(events: readonly ContactEvent[], currentContactId: string | null, approvedAt: string | null): ContactPeriod[] {
  const changes = events.filter((e) => e.action === 'CONTACT_REASSIGNED')
    .map((e) => ({ at: e.at.toISOString(), reason: e.comment, ...((e.data ?? {}) as { from?: string; to?: string }) }))
    .filter((c): c is { at: string; reason: string | null; from: string; to: string } => typeof c.from === 'string' && typeof c.to === 'string');
  const first = changes[0]?.from ?? currentContactId;
  if (!first) return [];
  const named = events.find((e) => e.action !== 'CONTACT_REASSIGNED' && JSON.stringify(e.data ?? {}).includes(first));
  const out: ContactPeriod[] = [{ officialId: first, since: named?.at.toISOString() ?? approvedAt, until: null, reason: null }];
  for (const c of changes) {
    out[out.length - 1].until = c.at;
    out.push({ officialId: c.to, since: c.at, until: null, reason: c.reason });
  }
  return out;
}
