/**
 * Contracts of the 公益岗位 (public-welfare job) process, shared by `api/`, `worker/` and
 * `workflows/`. Nothing here pulls in Prisma, the Temporal client, zod or Node built-ins.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../contracts';
import type { TLimit } from '../policy';
import type { TWelfareJobPolicy } from '../policy-schema';
import type { ProcessTaskLimits, ProcessUpdateResult } from '../process-contracts';
import type { ProcessCoreState } from '../process/state';

/** Process kind of a public-welfare job. */
export const WELFARE_JOB_KIND = 'PUBLIC_WELFARE_JOB';
/** Workflow type of a public-welfare job. */
export const WELFARE_JOB_WORKFLOW = 'welfareJobWorkflow';

/** The steps people act on. */
export const WELFARE_JOB_STEPS = {
  /** 村级评议 — the village reviews the application. */
  VILLAGE_REVIEW: 'VILLAGE_REVIEW',
  /** 乡镇审批 — the township approves (or rejects, or returns to the village). */
  TOWNSHIP_APPROVAL: 'TOWNSHIP_APPROVAL',
  /** 签订协议 — after the notice the township records the agreement (start date, term ≤ 1 year). */
  AGREEMENT: 'AGREEMENT',
  /** 考勤与工资发放确认 — each month the village confirms attendance and the wage paid. */
  WAGE_CONFIRMATION: 'WAGE_CONFIRMATION',
  /** 欠薪处理 — an unpaid month goes to the township to settle. */
  WAGE_ARREARS: 'WAGE_ARREARS',
  /** 期满续聘或退出 — at the end of the term the township records renewal or exit. */
  END_OF_TERM: 'END_OF_TERM',
  /** 公示异议核查 — an objection filed during the notice: dismiss (APPROVE, the notice completes) or uphold (REJECT, the application is rejected). */
  INVESTIGATION: 'INVESTIGATION',
} as const;
export type WelfareJobStep = (typeof WELFARE_JOB_STEPS)[keyof typeof WELFARE_JOB_STEPS];

/**
 * Statuses: APPLIED → NOTICE → AGREEMENT → IN_POST; ends EXITED or REJECTED. A renewal stays IN_POST
 * (the next term's agreement, then its months); RENEWAL_REQUESTED only ends jobs started before that.
 */
export const WELFARE_JOB_STATUSES = ['APPLIED', 'NOTICE', 'AGREEMENT', 'IN_POST', 'EXITED', 'RENEWAL_REQUESTED', 'REJECTED'] as const;

/** The application (no personal data: the person's ID number is sealed in the API's table). */
export interface WelfareJobApplication {
  /** The post, e.g. 护林员, 保洁员. */
  post: string;
  /** Yuan per month. */
  monthlyWage: number;
  /** Months asked for (≤ the policy's maximum, 12). */
  termMonths: number;
  /** Which member holds it (a relation, e.g. 户主, 配偶); no name. */
  member?: string;
}

/** Input of the welfare-job workflow, pinned at its start. */
export interface WelfareJobInput {
  processId: string;
  householdId: string;
  caseId?: string;
  region: { villageCode: string; townshipCode: string; countyCode: string };
  villageName: string;
  application: WelfareJobApplication;
  appliedById: string;
  stepLimits: Record<WelfareJobStep, TLimit>;
  limits: ProcessTaskLimits;
  policy: TWelfareJobPolicy;
  policyVersion?: string;
  /** 存量岗位导入 — a post held before Bangfu: it enters in post from its agreement. */
  imported?: ImportedPost;
  /** 续聘 — the next term's run (continue-as-new): the job's state and the term it starts. */
  carried?: { core: ProcessCoreState; term: number };
}

/** An existing post: its agreement and the months already confirmed elsewhere (the monthly confirmations go on from the next one). */
export interface ImportedPost {
  /** YYYY-MM-DD */
  startOn: string;
  termMonths: number;
  /** @default 0 */
  monthsConfirmed?: number;
}

/** Arguments of {@link exitWelfareJobUpdate}. */
export interface WelfareJobExitArgs {
  /** Why the holder leaves (辞职, 不再符合条件 …); no personal data. */
  reason: string;
  actor: Actor;
}

/**
 * 提前退出 — during the term the village (or township) records an exit with a reason: the job ends
 * EXITED, its open tasks are cancelled and the PUBLIC_WELFARE_JOB measure is ended on the case.
 */
export const exitWelfareJobUpdate = defineUpdate<ProcessUpdateResult, [WelfareJobExitArgs]>('exitWelfareJob');

/** Arguments of {@link fileWelfareJobObjectionUpdate}. */
export interface WelfareJobObjectionArgs {
  /** The objection (no personal data). */
  text: string;
  actor: Actor;
}

/** 公示异议 — an objection during the job's notice: a township investigation opens; the notice cannot end until it is settled. */
export const fileWelfareJobObjectionUpdate = defineUpdate<ProcessUpdateResult, [WelfareJobObjectionArgs]>('fileWelfareJobObjection');

/** Patch: a month's wait ends early when the job has ended (提前退出, added after release 0.3.0). */
export const EARLY_EXIT_PATCH = 'welfare-job-early-exit';

/** Patch: RENEW at the end of the term starts the next term (continue-as-new) instead of ending RENEWAL_REQUESTED. */
export const RENEWAL_PATCH = 'welfare-job-renewal-next-term';

/** What the welfare-job workflow returns. */
export interface WelfareJobResult {
  processId: string;
  status: string;
  measureRecorded: boolean;
  monthsConfirmed: number;
  monthsLate: number;
}
