/**
 * Contracts of the 集中排查 (screening campaign) process: its kind, steps, visit results, the
 * Update a grid worker's visit is recorded with, and the workflow's input. Shared by `api/`,
 * `activities/` and `workflows/`; nothing here pulls in Prisma, the Temporal client or zod.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../contracts';
import type { TLimit } from '../policy';
import type { ProcessTaskLimits } from '../process-contracts';
import type { ProcessCoreState } from '../process/state';
import type { CampaignState } from './rules';

/** Process kind of a 集中排查 campaign. */
export const CAMPAIGN_KIND = 'SCREENING_CAMPAIGN';
/** Workflow type of a campaign. */
export const CAMPAIGN_WORKFLOW = 'screeningCampaignWorkflow';

/** The steps people act on, in order. */
export const CAMPAIGN_STEPS = {
  /** 网格排查 — the grid worker visits every household of the grid and submits the grid. */
  GRID: 'GRID_SCREENING',
  /** 村级会议与台账 — the village records its meeting and closes its ledger. */
  LEDGER: 'VILLAGE_LEDGER',
  /** 乡镇审核 — the township reviews coverage and checks a random sample of households. */
  REVIEW: 'TOWNSHIP_REVIEW',
  /** 县级汇总 — the county reads the summary and closes the campaign. */
  SUMMARY: 'COUNTY_SUMMARY',
} as const;

/** A household's visit result (入户排查结果). NOT_HOME is provisional: the household must be revisited. */
export const VISIT_RESULTS = ['NO_RISK', 'RISK_FOUND', 'ALREADY_MONITORED', 'NOT_HOME'] as const;
export type VisitResult = (typeof VISIT_RESULTS)[number];
/** Results that settle a household for the ledger. */
export const FINAL_RESULTS: readonly VisitResult[] = ['NO_RISK', 'RISK_FOUND', 'ALREADY_MONITORED'];

/** Roster categories (农户类别). LIFTED = 脱贫户. */
export const ROSTER_CATEGORIES = ['LIFTED', 'ORDINARY', 'DIBAO', 'TEKUN'] as const;
export type RosterCategory = (typeof ROSTER_CATEGORIES)[number];

/** A grid of the campaign with its worker, pinned at the launch. */
export interface CampaignGrid {
  gridId: string;
  name: string;
  villageCode: string;
  townshipCode: string;
  workerId: string;
}

/** Input of the campaign workflow: everything pinned at the launch. */
export interface CampaignInput {
  processId: string;
  name: string;
  countyCode: string;
  /** 截止日期 (YYYY-MM-DD, Beijing). */
  deadline: string;
  grids: CampaignGrid[];
  villages: { code: string; name: string; townshipCode: string }[];
  townships: { code: string; name: string }[];
  limits: ProcessTaskLimits;
  /** Limits of each step (grids and villages: until the deadline unless the policy sets them). */
  stepLimits: Record<(typeof CAMPAIGN_STEPS)[keyof typeof CAMPAIGN_STEPS], TLimit>;
  /** Households a township draws for its check visit (抽查), from the policy. */
  sampleSize: number;
  launchedBy: string;
  policyVersion?: string;
  /** Continue-as-new threshold (history events). */
  maxHistoryEvents?: number;
  /** State carried over by continue-as-new: the process core's and the campaign's (see ./rules.ts). */
  carried?: { core: ProcessCoreState; campaign: CampaignState };
}

/** Arguments of {@link recordVisitUpdate}. */
export interface RecordVisitArgs {
  householdId: string;
  gridId: string;
  result: VisitResult;
  /** The case a risk found started (required with RISK_FOUND). */
  caseId?: string;
  /** A short note, no personal data. */
  note?: string;
  actor: Actor;
}

/** What a recorded visit answers: the grid's and the village's progress. */
export interface RecordVisitResult {
  gridId: string;
  grid: { total: number; settled: number };
  village: { total: number; settled: number };
}

/** 入户排查 — a grid worker records a household's visit result. */
export const recordVisitUpdate = defineUpdate<RecordVisitResult, [RecordVisitArgs]>('recordVisit');

/** Workflow ID of a campaign. */
export function campaignWorkflowId(processId: string): string {
  return `process-${processId}`;
}
