/**
 * Contracts of the screening campaign's activity (集中排查): what its commit returns besides the
 * process core's result. Type-only for workflows.
 */
import type { ProcessCommitArgs, ProcessCommitResult } from '../process/types';

/** Counts after a commit: the grids and villages it touched (all of them at the launch). */
export interface CampaignCommitCounts {
  grids: Record<string, { total: number; settled: number }>;
  villages: Record<string, { total: number; settled: number; nonLiftedSettled: number }>;
}

/** What a campaign commit returns. */
export interface CampaignCommitResult extends ProcessCommitResult {
  counts: CampaignCommitCounts;
  /** Households drawn for a township's check visit, by township code. */
  sampled: Record<string, number>;
}

/** The campaign's activity. */
export interface CampaignActivities {
  /**
   * Applies one transition of a campaign atomically: the process core (audit, tasks, outbox) and
   * the campaign's own rows the transition's events name — the ledger rows at the launch, a visit
   * result, a village's meeting and ledger close, a township's sample, the county summary. A retry
   * changes nothing and reports the same counts.
   */
  commitCampaignTransition(args: ProcessCommitArgs): Promise<CampaignCommitResult>;
}
