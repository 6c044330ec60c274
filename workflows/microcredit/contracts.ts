/**
 * Contracts of the 小额信贷 (microcredit) process, shared by `api/`, `worker/` and `workflows/`:
 * its kind, steps, statuses, input and result. Nothing here pulls in Prisma, the Temporal client,
 * zod or Node built-ins.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { Actor, Level } from '../contracts';
import type { TLimit } from '../policy';
import type { TMicrocreditPolicy } from '../policy-schema';
import type { ProcessTaskLimits, ProcessUpdateResult } from '../process-contracts';
import type { ProcessCoreState } from '../process/state';

/** Process kind of a microcredit loan. */
export const MICROCREDIT_KIND = 'MICROCREDIT';
/** Workflow type of a microcredit loan. */
export const MICROCREDIT_WORKFLOW = 'microcreditWorkflow';

/** The steps people act on, in order. */
export const MICROCREDIT_STEPS = {
  /** 村级审核 — eligibility, amount, term and purpose checked by the village. */
  VILLAGE_CHECK: 'VILLAGE_CHECK',
  /** 乡镇审核 — the township checks again (approve, reject, or return to the village). */
  TOWNSHIP_CHECK: 'TOWNSHIP_CHECK',
  /** 银行审批放款 — the county finance official records the bank's decision and the disbursement. */
  BANK_DECISION: 'BANK_DECISION',
  /** 资金使用核查 — the village checks within 30 days what the money is used for. */
  USE_CHECK: 'USE_CHECK',
  /** 还款提醒 — the village reminds the household before the due date (30 and 7 days before by default). */
  REPAYMENT_REMINDER: 'REPAYMENT_REMINDER',
  /** 到期还款确认 — the county finance official records whether the loan was repaid at its due date. */
  REPAYMENT_CHECK: 'REPAYMENT_CHECK',
  /** 逾期跟进 — a follow-up at each overdue grade (village, then township, then county). */
  OVERDUE_FOLLOW_UP: 'OVERDUE_FOLLOW_UP',
  /** 展期审批 — the county approves (or rejects) an extension of the due date. */
  EXTENSION_APPROVAL: 'EXTENSION_APPROVAL',
} as const;
export type MicrocreditStep = (typeof MICROCREDIT_STEPS)[keyof typeof MICROCREDIT_STEPS];

/** What a loan is for (贷款用途) at application. */
export const LOAN_PURPOSES = ['PLANTING', 'BREEDING', 'PROCESSING', 'SERVICES', 'OTHER_PRODUCTION'] as const;
export type LoanPurpose = (typeof LOAN_PURPOSES)[number];

/** What the use check finds the money used for; the policy's `refusedUses` fail the check. */
export const LOAN_USES = ['PRODUCTION', 'ENTERPRISE_USE', 'CONSUMPTION', 'BUILDING', 'NOT_USED'] as const;
export type LoanUse = (typeof LOAN_USES)[number];

/**
 * Statuses: APPLIED (checks running) → DISBURSED → DUE → OVERDUE_1_30 → OVERDUE_31_90 →
 * OVERDUE_90_PLUS; ends REPAID, REJECTED, BANK_DECLINED or RISK_COMPENSATION (handed to the
 * risk-compensation fund, 风险补偿金).
 */
export const MICROCREDIT_STATUSES = [
  'APPLIED', 'DISBURSED', 'DUE', 'OVERDUE_1_30', 'OVERDUE_31_90', 'OVERDUE_90_PLUS', 'REPAID', 'REJECTED', 'BANK_DECLINED', 'RISK_COMPENSATION',
] as const;
export type MicrocreditStatus = (typeof MICROCREDIT_STATUSES)[number];

/** Status of each overdue grade (1–30, 31–90, > 90 days). */
export const OVERDUE_GRADE_STATUS: readonly MicrocreditStatus[] = ['OVERDUE_1_30', 'OVERDUE_31_90', 'OVERDUE_90_PLUS'];
/** Who follows up each overdue grade. */
export const OVERDUE_GRADE_LEVEL: readonly Level[] = ['VILLAGE', 'TOWNSHIP', 'COUNTY'];

/** The application as the household made it through the village (no personal data: the bank account is sealed in the API's table). */
export interface LoanApplication {
  /** Yuan. */
  amount: number;
  termMonths: number;
  purpose: LoanPurpose;
  /** A line on the purpose (e.g. "养牛 5 头"); no personal data. */
  purposeNote?: string;
}

/** What the bank lent: amount (yuan), term (months), annual rate (%), the date lent (YYYY-MM-DD). */
export interface LoanDisbursement {
  amount: number;
  termMonths: number;
  annualRatePct: number;
  disbursedOn: string;
}

/** Input of the microcredit workflow, pinned at its start. */
export interface MicrocreditInput {
  processId: string;
  householdId: string;
  /** The household's case when it had one at application (the measure goes to its open case at disbursement). */
  caseId?: string;
  region: { villageCode: string; townshipCode: string; countyCode: string };
  /** The village's name, for titles and mails. */
  villageName: string;
  application: LoanApplication;
  appliedById: string;
  /** Limits of each step (pinned from the policy). */
  stepLimits: Record<MicrocreditStep, TLimit>;
  limits: ProcessTaskLimits;
  policy: TMicrocreditPolicy;
  policyVersion?: string;
  /** 存量贷款导入 — a loan lent before Bangfu: it enters disbursed, its checks and use check done elsewhere. */
  imported?: LoanDisbursement;
  /** State carried over by continue-as-new (a long loan with many reminders and follow-ups). */
  carried?: { core: ProcessCoreState };
  /** Continue-as-new threshold (history events). @default 4000 */
  maxHistoryEvents?: number;
}

/** What the microcredit workflow returns. */
export interface MicrocreditResult {
  processId: string;
  status: string;
  measureRecorded: boolean;
}

/** Arguments of {@link requestLoanExtensionUpdate}. */
export interface LoanExtensionArgs {
  /** Months to add to the term. */
  months: number;
  reason: string;
  actor: Actor;
}

/** 展期/续贷申请 — asks for an extension of a disbursed loan's due date; the county approves it as a task. */
export const requestLoanExtensionUpdate = defineUpdate<ProcessUpdateResult, [LoanExtensionArgs]>('requestLoanExtension');

export type { CaseMeasureArgs, CaseMeasureOutcome, ProgrammeActivities } from '../programme-contracts';
