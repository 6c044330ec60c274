/**
 * 审批链 — a multi-level approval chain: each step is decided by approve, reject (with a reason,
 * ends the procedure) or return (with a reason, back to the previous step a person decides).
 * Pure data and rules: the household case's identification and elimination procedures are two
 * chains; a fund project or a loan declares its own.
 */
import type { Refusal } from '../refusals';

/** Decision actions on an approval step. */
export type ChainAction = 'APPROVE' | 'REJECT' | 'RETURN';

/** A chain: the step after each approval (or the chain's end), and where a return goes. */
export interface ApprovalChain<S extends string, End extends string> {
  /** The step after an approval; a value of `End` completes the chain. */
  next: Record<S, S | End>;
  /** The previous step a person decides; steps without one cannot be returned. */
  returnTo: Partial<Record<S, S>>;
  /** Steps that are timers (notices), not decisions. */
  automatic: readonly S[];
}

/** What a decision does to the chain. */
export type ChainOutcome<S extends string, End extends string> =
  | { kind: 'ADVANCED'; to: S }
  | { kind: 'COMPLETED'; end: End }
  | { kind: 'REJECTED' }
  | { kind: 'RETURNED'; to: S };

/** Why a decision is not allowed on this step, or null. */
export function chainRefusal<S extends string, End extends string>(
  chain: ApprovalChain<S, End>, step: S, action: ChainAction, reason: string | undefined,
): Refusal | null {
  if ((chain.automatic as readonly string[]).includes(step)) return { code: 'ACTION_NOT_ALLOWED', message: `step ${step} is automatic`, field: 'action' };
  if ((action === 'REJECT' || action === 'RETURN') && (!reason || reason.trim().length === 0)) {
    return { code: 'REASON_REQUIRED', message: `reason: required to ${action === 'REJECT' ? 'reject' : 'return the case'}`, field: 'reason' };
  }
  if (action === 'RETURN' && !chain.returnTo[step]) {
    return { code: 'ACTION_NOT_ALLOWED', message: `step ${step} has no previous step to return to`, field: 'action' };
  }
  return null;
}

/** Applies a decision to the chain (assumes {@link chainRefusal} returned null). */
export function decideOnChain<S extends string, End extends string>(chain: ApprovalChain<S, End>, step: S, action: ChainAction): ChainOutcome<S, End> {
  if (action === 'REJECT') return { kind: 'REJECTED' };
  if (action === 'RETURN') return { kind: 'RETURNED', to: chain.returnTo[step] as S };
  const next = chain.next[step];
  return (Object.keys(chain.next) as string[]).includes(next) ? { kind: 'ADVANCED', to: next as S } : { kind: 'COMPLETED', end: next as End };
}

/** Whether a step is automatic (a notice timer). */
export function isAutomatic<S extends string, End extends string>(chain: ApprovalChain<S, End>, step: string | null): step is S {
  return step !== null && (chain.automatic as readonly string[]).includes(step);
}
