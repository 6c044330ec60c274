/**
 * Contracts of the fund project (衔接资金项目) and its workflow: the kind, the steps, the input
 * pinned at the start. Shared by `api/`, `worker/` and `workflows/`; no Prisma, client or Node built-ins.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../contracts';
import type { TLimit } from '../policy';
import type { ProcessTaskLimits, ProcessUpdateResult } from '../process-contracts';
import type { PacePoint, ProjectType } from './rules';
import type { AssetPolicy } from '../asset/contracts';

/** Process kind of a fund project. */
export const PROJECT_KIND = 'FUND_PROJECT';
/** Workflow type of a fund project. */
export const PROJECT_WORKFLOW = 'projectWorkflow';

/** The steps of a fund project people decide, in order (DESIGN §5.2). */
export const PROJECT_STEPS = {
  /** 乡镇审核 — the six checks (真实性、必要性、可行性、投资概算、联农带农、绩效目标). */
  TOWNSHIP_REVIEW: 'TOWNSHIP_REVIEW',
  /** 村级修改 — the village revises a returned proposal. */
  REVISE_PROPOSAL: 'REVISE_PROPOSAL',
  /** 县级论证 — county appraisal. */
  COUNTY_APPRAISAL: 'COUNTY_APPRAISAL',
  /** 县级审定 — county decision; the project enters the annual plan. */
  COUNTY_DECISION: 'COUNTY_DECISION',
  /** 批复 — approval of the project in the plan. */
  APPROVAL: 'APPROVAL',
  /** 开工 — the township reports the start of works (by the deadline). */
  START_WORKS: 'START_WORKS',
  /** 月度进度 — monthly progress report (physical % and funds paid). */
  PROGRESS_REPORT: 'PROGRESS_REPORT',
  /** 序时进度滞后整改 — the township explains and acts on a report behind the pace (escalated to the county when overdue). */
  PACE_RECOVERY: 'PACE_RECOVERY',
  /** 验收 — county acceptance with the acceptance record. */
  ACCEPTANCE: 'ACCEPTANCE',
  /** 资产登记 — the assets the project produced. */
  ASSET_REGISTRATION: 'ASSET_REGISTRATION',
  /** 资产移交（移出方）— the township hands the asset over. */
  HANDOVER_OUT: 'HANDOVER_OUT',
  /** 资产移交（接收方）— the owner (village collective) confirms receipt. */
  HANDOVER_IN: 'HANDOVER_IN',
  /** 异议核查 — an objection filed during a notice: dismiss (APPROVE), uphold and return (RETURN), uphold and reject (REJECT). */
  INVESTIGATION: 'INVESTIGATION',
} as const;

/**
 * Patch of the project workflow: after 资产登记 every registered asset starts its own workflow at
 * registration (确权 by its owner, then the two-sided handover) and the project ends once each one
 * reported its handover; before it, the project ran one handover itself and started one asset.
 */
export const PROJECT_ASSETS_PATCH = 'project-assets-confirmed-by-owners';

/** Arguments of {@link fileProjectObjectionUpdate}. */
export interface ProjectObjectionArgs {
  text: string;
  actor: Actor;
}

/** 公示异议 — an objection to a project during its village notice or county announcement; the notice cannot end until it is investigated. */
export const fileProjectObjectionUpdate = defineUpdate<ProcessUpdateResult, [ProjectObjectionArgs]>('fileProjectObjection');

/** Steps that run on a timer, not a person (公示、公告). */
export const PROJECT_NOTICES = { VILLAGE_NOTICE: 'VILLAGE_NOTICE', COUNTY_ANNOUNCEMENT: 'COUNTY_ANNOUNCEMENT', ACCEPTANCE_NOTICE: 'ACCEPTANCE_NOTICE' } as const;

/** Statuses of a fund project. */
export const PROJECT_STATUSES = [
  'PROPOSED', 'IN_NOTICE', 'IN_REVIEW', 'RETURNED', 'IN_ANNOUNCEMENT', 'IN_PLAN', 'APPROVED', 'NOT_STARTED_FLAGGED', 'IN_PROGRESS',
  'COMPLETED', 'ACCEPTED', 'HANDING_OVER', 'HANDED_OVER', 'REJECTED',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** What a proposal says (项目库入库信息); money in fen. No personal data. */
export interface ProjectProposal {
  /** The county's own reference (项目编号), unique; the process id derives from it. */
  reference: string;
  name: string;
  type: ProjectType;
  /** Where: a village (or a township). */
  location: string;
  budgetFen: number;
  /** 资金来源, e.g. 中央衔接资金. */
  fundingSource: string;
  /** Households or people benefiting. */
  beneficiaries: number;
  /** 联农带农 — how farmers benefit. */
  farmerLinkage: string;
  /** 绩效目标. */
  performanceTargets: string;
  /** Plan year. */
  year: number;
}

/** Policy of fund projects, pinned per project. */
export interface ProjectPolicy {
  /** Limits of the steps people decide, by step. */
  steps: Record<string, TLimit>;
  /** 村级公示. */
  villageNotice: TLimit;
  /** 县级公告 (≥ 10 days). */
  countyAnnouncement: TLimit;
  /** 验收公告. */
  acceptanceNotice: TLimit;
  /** From approval to the start of works (开工期限); past it the project is flagged for fund recall. */
  startWithin: TLimit;
  /** Between monthly progress reports. */
  reportEvery: TLimit;
  paceCurve: PacePoint[];
  /** Reports in a row behind the pace that open a 约谈. */
  behindMonthsForInterview: number;
  /** The 约谈's limit. */
  interviewLimit: TLimit;
  /** The policy of the asset the project hands over, by asset kind (GENERAL for any kind not listed). */
  assetPolicies: Record<string, AssetPolicy>;
  version: string;
}

/** Input of the project workflow. */
export interface ProjectInput {
  processId: string;
  proposal: ProjectProposal;
  region: { villageCode?: string | null; townshipCode?: string | null; countyCode: string };
  /** Names of the region's township (for an 约谈's subject). */
  townshipName: string;
  proposedById?: string;
  policy: ProjectPolicy;
  limits: ProcessTaskLimits;
  /** An imported project enters at this stage, its history before it recorded elsewhere. @default 'PROPOSAL' */
  enterAt?: 'PROPOSAL' | 'IMPLEMENTATION';
  /** Facts of an imported project in implementation. */
  imported?: { startedOn: string | null; paidFen: number; physicalPct: number };
}

/** What the project workflow returns. */
export interface ProjectResult {
  processId: string;
  status: ProjectStatus;
}

/** Process id of a project from its reference (so one reference is one project). */
export function projectProcessId(reference: string): string {
  return `XM-${reference}`;
}
