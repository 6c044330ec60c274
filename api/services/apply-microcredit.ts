/**
 * 小额信贷申请 — a village (or above) applies for a microcredit loan for a monitored or lifted
 * household: the policy's maximums are checked, the bank account is sealed at rest in
 * ProgrammePersonalData (never in the workflow, the process data, logs or mails), and the loan's
 * workflow starts. One workflow per process id: the same id again starts nothing new.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { regionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { SEALED } from '../../runtime/personal-data';
import { awaitProcessStartUpdate, processWorkflowId } from '../../workflows/process-contracts';
import type { LoanApplication, LoanDisbursement } from '../../workflows/microcredit/contracts';
import { MICROCREDIT_WORKFLOW } from '../../workflows/microcredit/contracts';
import type { microcreditWorkflow } from '../../workflows/microcredit/microcredit-workflow';
import { microcreditInput, microcreditPolicyOf } from '../../workflows/microcredit/input';
import { applicationRefusal } from '../../workflows/microcredit/rules';
import type { ServiceContext } from './context';
import { cipherOf } from './context';
import { loadCaseRow } from './get-case';
import { newProcessId } from './ids';

/** Statuses of a case whose household may borrow: monitored, in elimination review, or eliminated (lifted, still supported). */
const BORROWING_STATUSES = ['MONITORED', 'ELIMINATING', 'ELIMINATED'];

/** What the applying official sends (the route's zod schema checks the shape). */
export interface ApplyMicrocreditOptions extends LoanApplication {
  caseId: string;
  /** The household's bank account; sealed at rest, never echoed. */
  bankAccount: string;
  processId?: string;
  /** 存量贷款导入 — a loan lent before Bangfu enters disbursed (see import-programmes.ts). */
  imported?: LoanDisbursement;
}

/** Applies for the loan and returns once its process row (and the village's task) exists. */
export async function applyForMicrocredit(ctx: ServiceContext, official: AuthOfficial, o: ApplyMicrocreditOptions): Promise<{ processId: string; started: boolean }> {
  const kase = await loadCaseRow(ctx, official, o.caseId);
  if (!BORROWING_STATUSES.includes(kase.status)) {
    throw new AppError('POLICY_REFUSED', `caseId: a loan is for a monitored or lifted household; case ${kase.id} is ${kase.status}`, { field: 'caseId' });
  }
  const refusal = applicationRefusal(o, microcreditPolicyOf(ctx.policy));
  if (refusal) throw new AppError('POLICY_REFUSED', refusal.message, { field: refusal.field, details: { refusal: refusal.code } });
  const region = await regionChain(ctx.prisma, kase.villageCode);
  const village = await ctx.prisma.region.findUniqueOrThrow({ where: { code: region.villageCode }, select: { name: true } });
  const processId = o.processId ?? newProcessId('MC');
  const existing = await ctx.prisma.process.findUnique({ where: { id: processId }, select: { householdId: true } });
  if (existing && existing.householdId !== kase.householdId) throw new AppError('CONFLICT', 'processId: already used for another household', { field: 'processId' });
  const sealed = cipherOf(ctx).seal(o.bankAccount, SEALED.bankAccount(processId));
  await ctx.prisma.programmePersonalData.upsert({
    where: { processId },
    create: { processId, kind: 'MICROCREDIT', householdId: kase.householdId, bankAccountSealed: sealed },
    update: {},
  });
  const input = microcreditInput({
    processId, householdId: kase.householdId, caseId: kase.id, region, villageName: village.name, appliedById: official.id,
    application: { amount: o.amount, termMonths: o.termMonths, purpose: o.purpose, ...(o.purposeNote ? { purposeNote: o.purposeNote } : {}) },
    ...(o.imported ? { imported: o.imported } : {}),
  }, ctx.policy);
  if (ctx.maxHistoryEvents) input.maxHistoryEvents = ctx.maxHistoryEvents;
  try {
    await ctx.temporal.workflow.executeUpdateWithStart(awaitProcessStartUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof microcreditWorkflow>(MICROCREDIT_WORKFLOW, {
        workflowId: processWorkflowId(processId), taskQueue: ctx.taskQueue, args: [input],
        workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `小额信贷 microcredit ${processId}`,
      }),
    });
    return { processId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { processId, started: false };
    throw err;
  }
}
