/**
 * 公益岗位申请 — a person of a monitored or lifted household applies for a public-welfare post
 * through the village. Age (from the ID number) and one post per person (一人一岗, on an HMAC of
 * the ID number) are checked; the ID number is sealed at rest in ProgrammePersonalData and goes
 * nowhere else. One workflow per process id.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { regionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { SEALED } from '../../runtime/personal-data';
import { awaitProcessStartUpdate, processWorkflowId } from '../../workflows/process-contracts';
import type { ImportedPost, WelfareJobApplication } from '../../workflows/welfare-job/contracts';
import { WELFARE_JOB_KIND, WELFARE_JOB_WORKFLOW } from '../../workflows/welfare-job/contracts';
import type { welfareJobWorkflow } from '../../workflows/welfare-job/welfare-job-workflow';
import { welfareJobInput, welfareJobPolicyOf } from '../../workflows/welfare-job/input';
import type { ServiceContext } from './context';
import { cipherOf } from './context';
import { loadCaseRow } from './get-case';
import { householdKey, newProcessId } from './ids';
import { assertQuotaAllows } from './welfare-job-quota';

/** Statuses of a case whose household may hold a post: monitored, in elimination review, or eliminated (lifted, still supported). */
const ELIGIBLE_STATUSES = ['MONITORED', 'ELIMINATING', 'ELIMINATED'];

/** What the applying official sends. */
export interface ApplyWelfareJobOptions extends WelfareJobApplication {
  caseId: string;
  /** The person's resident ID number (valid, upper-case); sealed at rest, never echoed. */
  idNumber: string;
  processId?: string;
  /** 存量岗位导入 — a post held before Bangfu enters in post (see import-programmes.ts). */
  imported?: ImportedPost;
}

/** Age in whole years on `today` of a person born on the ID number's birth date. */
export function ageOf(idNumber: string, today: Date): number {
  const y = Number(idNumber.slice(6, 10));
  const m = Number(idNumber.slice(10, 12));
  const d = Number(idNumber.slice(12, 14));
  const bj = new Date(today.getTime() + 8 * 3_600_000);
  const had = bj.getUTCMonth() + 1 > m || (bj.getUTCMonth() + 1 === m && bj.getUTCDate() >= d);
  return bj.getUTCFullYear() - y - (had ? 0 : 1);
}

/** Applies for the post and returns once its process row (and the village's task) exists. */
export async function applyForWelfareJob(ctx: ServiceContext, official: AuthOfficial, o: ApplyWelfareJobOptions): Promise<{ processId: string; started: boolean }> {
  const kase = await loadCaseRow(ctx, official, o.caseId);
  if (!ELIGIBLE_STATUSES.includes(kase.status)) {
    throw new AppError('POLICY_REFUSED', `caseId: a public-welfare job is for a monitored or lifted household; case ${kase.id} is ${kase.status}`, { field: 'caseId' });
  }
  const p = welfareJobPolicyOf(ctx.policy);
  const age = ageOf(o.idNumber, new Date());
  if (age < p.minAge || age > p.maxAge) throw new AppError('POLICY_REFUSED', `idNumber: the holder must be ${p.minAge}–${p.maxAge} years old`, { field: 'idNumber', details: { refusal: 'AGE' } });
  if (o.termMonths > p.maxTermMonths) throw new AppError('POLICY_REFUSED', `termMonths: at most ${p.maxTermMonths} months`, { field: 'termMonths' });
  const processId = o.processId ?? newProcessId('GY');
  const personKey = householdKey(ctx.secret, o.idNumber);
  const region = await regionChain(ctx.prisma, kase.villageCode);
  const village = await ctx.prisma.region.findUniqueOrThrow({ where: { code: region.villageCode }, select: { name: true } });
  // 一人一岗 holds under concurrent applications: the check and the application's row are one
  // transaction serialized per person (an advisory lock on the person's key), and an application
  // whose process row is not written yet (its start in flight, up to 10 minutes) counts as held.
  // 公益岗位指标: the township's quota for the year (when set) must be announced and not yet taken;
  // its lock is taken before the person's, always in that order. Imported posts are not checked.
  await ctx.prisma.$transaction(async (tx) => {
    if (!o.imported) await assertQuotaAllows(tx, region.townshipCode, processId, new Date());
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`welfare-job:${personKey}`}, 0))`;
    const held = await tx.$queryRaw<{ processId: string }[]>`
      SELECT d."processId" FROM "ProgrammePersonalData" d LEFT JOIN "Process" p ON p.id = d."processId"
      WHERE d."personKey" = ${personKey} AND d.kind = ${WELFARE_JOB_KIND} AND d."processId" <> ${processId}
        AND (p."closedAt" IS NULL AND p.id IS NOT NULL OR p.id IS NULL AND d."createdAt" > ${new Date(Date.now() - 10 * 60_000)})
      LIMIT 1`;
    if (held.length > 0) throw new AppError('POLICY_REFUSED', 'idNumber: this person already holds or applies for a public-welfare post (one post per person)', { field: 'idNumber', details: { refusal: 'ONE_POST_PER_PERSON' } });
    const existing = await tx.programmePersonalData.findUnique({ where: { processId }, select: { householdId: true } });
    if (existing && existing.householdId !== kase.householdId) throw new AppError('CONFLICT', 'processId: already used for another household', { field: 'processId' });
    await tx.programmePersonalData.upsert({
      where: { processId },
      create: { processId, kind: WELFARE_JOB_KIND, householdId: kase.householdId, personKey, idNumberSealed: cipherOf(ctx).seal(o.idNumber, SEALED.programmeIdNumber(processId)) },
      update: {},
    });
  });
  const input = welfareJobInput({
    processId, householdId: kase.householdId, caseId: kase.id, region, villageName: village.name, appliedById: official.id,
    application: { post: o.post, monthlyWage: o.monthlyWage, termMonths: o.termMonths, ...(o.member ? { member: o.member } : {}) },
    ...(o.imported ? { imported: o.imported } : {}),
  }, ctx.policy);
  try {
    await ctx.temporal.workflow.executeUpdateWithStart(awaitProcessStartUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof welfareJobWorkflow>(WELFARE_JOB_WORKFLOW, {
        workflowId: processWorkflowId(processId), taskQueue: ctx.taskQueue, args: [input],
        workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `公益岗位 public-welfare job ${processId}`,
      }),
    });
    return { processId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { processId, started: false };
    throw err;
  }
}
