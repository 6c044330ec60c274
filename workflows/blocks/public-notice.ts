/**
 * 公示 — a public notice with objections (异议): the notice runs for the policy's period; each
 * objection filed during it opens an investigation task; a dismissal lets the notice run on, an
 * upheld objection returns or rejects; the notice ends only when its period is over and no
 * objection is open. Pure.
 */

/** The state of the current notice. */
export interface NoticeState {
  /** When the period ends (ISO), once started. */
  endsAt: string | null;
  /** Investigation task id → the objection it examines. */
  investigations: Record<string, string>;
}

/** A notice not yet started. */
export function emptyNotice(): NoticeState {
  return { endsAt: null, investigations: {} };
}

/** Files an objection: its investigation task examines it; the notice cannot end meanwhile. */
export function fileObjection(n: NoticeState, objectionId: string, investigationTaskId: string): NoticeState {
  return { ...n, investigations: { ...n.investigations, [investigationTaskId]: objectionId } };
}

/** Settles an investigation (dismissed: the notice runs on). */
export function settleInvestigation(n: NoticeState, taskId: string): NoticeState {
  const investigations = { ...n.investigations };
  delete investigations[taskId];
  return { ...n, investigations };
}

/** Objections under investigation. */
export function openObjections(n: NoticeState): number {
  return Object.keys(n.investigations).length;
}

/** Whether the notice ends now: its period is over and no objection is open. */
export function noticeMayEnd(n: NoticeState, now: number): boolean {
  return n.endsAt !== null && now >= Date.parse(n.endsAt) && openObjections(n) === 0;
}
