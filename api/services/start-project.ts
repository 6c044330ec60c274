/**
 * 项目申报 — starts a fund project's workflow from a proposal (API) or an imported library row.
 * One workflow per project reference: the same reference again starts nothing new and reports the
 * existing project (`started: false`), so a repeated import is idempotent.
 */
import type { Client } from '@temporalio/client';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { hasRegionAccess, regionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { TPolicy } from '../../workflows/policy';
import { awaitProcessStartUpdate, processWorkflowId } from '../../workflows/process-contracts';
import type { ProjectInput, ProjectProposal } from '../../workflows/project/contracts';
import { PROJECT_KIND, PROJECT_WORKFLOW, fileProjectObjectionUpdate, projectProcessId } from '../../workflows/project/contracts';
import { loadProcessRow, sendProcessUpdate } from './process-actions';
import { actorOf } from './case-actions';
import { projectPolicy } from '../../workflows/project/policy';
import type { projectWorkflow } from '../../workflows/project/project-workflow';
import type { ServiceContext } from './context';

/** Where and how to start it. */
export interface StartProjectOptions {
  client: Client;
  taskQueue: string;
  policy: TPolicy;
}

/** What a start says besides the proposal. */
export interface StartProjectRequest {
  proposal: ProjectProposal;
  villageCode: string;
  proposedById?: string;
  enterAt?: ProjectInput['enterAt'];
  imported?: ProjectInput['imported'];
}

/** Starts the project workflow and returns once its process row exists (or reports it already started). */
export async function startProject(ctx: ServiceContext, o: StartProjectOptions, r: StartProjectRequest): Promise<{ processId: string; started: boolean }> {
  const region = await regionChain(ctx.prisma, r.villageCode);
  const township = await ctx.prisma.region.findUnique({ where: { code: region.townshipCode }, select: { name: true } });
  const processId = projectProcessId(r.proposal.reference);
  const input: ProjectInput = {
    processId, proposal: r.proposal, region, townshipName: township?.name ?? region.townshipCode,
    ...(r.proposedById ? { proposedById: r.proposedById } : {}),
    policy: projectPolicy(o.policy), limits: { reminderLead: o.policy.reminderLead, escalationRepeat: o.policy.escalationRepeat },
    ...(r.enterAt ? { enterAt: r.enterAt } : {}), ...(r.imported ? { imported: r.imported } : {}),
  };
  try {
    await o.client.workflow.executeUpdateWithStart(awaitProcessStartUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof projectWorkflow>(PROJECT_WORKFLOW, {
        workflowId: processWorkflowId(processId), taskQueue: o.taskQueue, args: [input],
        // One project per reference, ever.
        workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `衔接资金项目 ${r.proposal.reference}`,
      }),
    });
    return { processId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { processId, started: false };
    throw err;
  }
}

/** 项目申报 by an official of the village's chain (403 naming `villageCode` otherwise). */
export async function proposeProject(
  ctx: ServiceContext, official: AuthOfficial, body: { villageCode: string } & ProjectProposal,
  imported?: ProjectInput['imported'],
): Promise<{ processId: string; started: boolean }> {
  const { villageCode, ...proposal } = body;
  const chain = await regionChain(ctx.prisma, villageCode);
  if (!hasRegionAccess(official, chain)) throw new AppError('FORBIDDEN', `villageCode: ${villageCode} is outside your region`, { field: 'villageCode' });
  return startProject(ctx, { client: ctx.temporal, taskQueue: ctx.taskQueue, policy: ctx.policy }, {
    proposal, villageCode, proposedById: official.id, ...(imported ? { enterAt: 'IMPLEMENTATION' as const, imported } : {}),
  });
}

/** 公示异议 — files an objection to a project during its notice; refused outside a notice (409) or without a text (400). */
export async function fileObjection(ctx: ServiceContext, official: AuthOfficial, processId: string, text: string): Promise<void> {
  const p = await loadProcessRow(ctx, official, processId);
  if (p.kind !== PROJECT_KIND) throw new AppError('NOT_FOUND', `project ${processId} not found`, { field: 'id' });
  await sendProcessUpdate(ctx, official, p, fileProjectObjectionUpdate, { text, actor: actorOf(official) });
}
