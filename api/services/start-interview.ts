/**
 * Starts a 约谈 (interview) by client: from the API, a script, or the services of reports and
 * fund projects (a workflow starts it as a child with `startInterviewChild` instead). One workflow
 * per process id: starting the same id again starts nothing new and reports the existing one.
 */
import type { Client } from '@temporalio/client';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { hasRegionAccess, regionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { TPolicy } from '../../workflows/policy';
import type { InterviewSubject } from '../../workflows/process-contracts';
import { INTERVIEW_WORKFLOW, awaitProcessStartUpdate, processWorkflowId } from '../../workflows/process-contracts';
import type { interviewWorkflow } from '../../workflows/interview/interview-workflow';
import type { InterviewRequest } from '../../workflows/interview/input';
import { interviewInput, supervisorLevel } from '../../workflows/interview/input';
import type { ServiceContext } from './context';
import { newProcessId } from './ids';

/** Where to start it. */
export interface StartInterviewOptions {
  client: Client;
  taskQueue: string;
  /** The policy the interview's limits are pinned from. */
  policy: TPolicy;
}

/**
 * Starts the interview and returns once its process row (and the supervisor's task) exists, or
 * reports the interview already started under this process id (`started: false`).
 */
export async function startInterview(o: StartInterviewOptions, request: InterviewRequest): Promise<{ processId: string; workflowId: string; started: boolean }> {
  const workflowId = processWorkflowId(request.processId);
  try {
    await o.client.workflow.executeUpdateWithStart(awaitProcessStartUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof interviewWorkflow>(INTERVIEW_WORKFLOW, {
        workflowId, taskQueue: o.taskQueue, args: [interviewInput(request, o.policy)],
        // A finished interview is never started again under its id.
        workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `约谈 interview ${request.processId}`,
      }),
    });
    return { processId: request.processId, workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { processId: request.processId, workflowId, started: false };
    throw err;
  }
}

const RANK: Record<string, number> = { VILLAGE: 1, TOWNSHIP: 2, COUNTY: 3, ADMIN: 4 };

/** The unit and its region chain, from the region table; 404 naming `subjectCode`. */
async function subjectOf(ctx: ServiceContext, code: string): Promise<{ subject: InterviewSubject; region: InterviewRequest['region'] }> {
  const r = await ctx.prisma.region.findUnique({ where: { code }, select: { code: true, name: true, level: true, parentCode: true } });
  if (!r || !['VILLAGE', 'TOWNSHIP', 'COUNTY'].includes(r.level)) {
    throw new AppError('NOT_FOUND', `subjectCode: ${code} is not a known village, township or county`, { field: 'subjectCode' });
  }
  const subject: InterviewSubject = { level: r.level as InterviewSubject['level'], code: r.code, name: r.name };
  if (r.level === 'VILLAGE') return { subject, region: await regionChain(ctx.prisma, r.code) };
  if (r.level === 'TOWNSHIP') return { subject, region: { townshipCode: r.code, countyCode: r.parentCode ?? r.code } };
  return { subject, region: { countyCode: r.code } };
}

/**
 * 发起约谈 — an official above a unit asks for its interview. The supervisor, when named, must be an
 * active official of the level above the unit in its region (422 naming `supervisorId`).
 */
export async function requestInterview(
  ctx: ServiceContext, official: AuthOfficial, body: { subjectCode: string; reason: string; supervisorId?: string; processId?: string },
): Promise<{ processId: string; started: boolean }> {
  const { subject, region } = await subjectOf(ctx, body.subjectCode);
  const chain = { villageCode: region.villageCode ?? '', townshipCode: region.townshipCode ?? '', countyCode: region.countyCode };
  if (!hasRegionAccess(official, chain) || (official.role !== 'ADMIN' && (RANK[official.role] ?? 0) <= RANK[subject.level])) {
    throw new AppError('FORBIDDEN', `subjectCode: only a level above ${subject.name} asks for its interview`, { field: 'subjectCode' });
  }
  if (body.supervisorId) {
    const level = supervisorLevel(subject.level);
    const regionCode = level === 'TOWNSHIP' ? region.townshipCode : region.countyCode;
    const s = await ctx.prisma.official.findUnique({ where: { id: body.supervisorId }, select: { role: true, regionCode: true, active: true } });
    if (!s || !s.active || s.role !== level || s.regionCode !== regionCode) {
      throw new AppError('POLICY_REFUSED', `supervisorId: not an active ${level} official of ${regionCode}`, { field: 'supervisorId' });
    }
  }
  const processId = body.processId ?? newProcessId('YT');
  const r = await startInterview({ client: ctx.temporal, taskQueue: ctx.taskQueue, policy: ctx.policy }, {
    processId, subject, region, reason: body.reason, ...(body.supervisorId ? { supervisorId: body.supervisorId } : {}), requestedBy: { officialId: official.id },
  });
  return { processId: r.processId, started: r.started };
}
