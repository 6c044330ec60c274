/**
 * Reads processes beyond the household case (流程) from the read model, scoped to the official's
 * region, with the workflow's own snapshot where it can be asked.
 */
import type { Prisma, Process } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import type { TProcessDetail } from '../routes/processes/processes.types';
import type { ProcessSnapshot } from '../../workflows/process-contracts';
import { processSnapshotQuery } from '../../workflows/process-contracts';
import type { ServiceContext } from './context';
import { toTask } from './get-case';
import { loadProcessRow, processScopeWhere } from './process-actions';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A process as listed. */
export function toProcessSummary(p: Process) {
  return {
    id: p.id, kind: p.kind, title: p.title, status: p.status, step: p.step, villageCode: p.villageCode, townshipCode: p.townshipCode,
    countyCode: p.countyCode, createdAt: p.createdAt.toISOString(), closedAt: iso(p.closedAt),
  };
}

/** The workflow's snapshot, or null when it cannot be asked (ended past retention, Temporal down). */
export async function processSnapshot(ctx: ServiceContext, p: Pick<Process, 'workflowId'>): Promise<ProcessSnapshot | null> {
  try {
    return await ctx.temporal.workflow.getHandle(p.workflowId).query(processSnapshotQuery);
  } catch {
    return null;
  }
}

/** One process with its open tasks and snapshot; 404 / 403 outside the official's region. */
export async function getProcess(ctx: ServiceContext, official: AuthOfficial, processId: string): Promise<TProcessDetail> {
  const p = await loadProcessRow(ctx, official, processId);
  const [tasks, snapshot] = await Promise.all([
    ctx.prisma.task.findMany({ where: { processId: p.id, status: 'OPEN' }, orderBy: [{ openedAt: 'asc' }, { id: 'asc' }] }),
    processSnapshot(ctx, p),
  ]);
  return {
    ...toProcessSummary(p), workflowId: p.workflowId, householdId: p.householdId, caseId: p.caseId, data: (p.data ?? {}) as Record<string, unknown>,
    updatedAt: p.updatedAt.toISOString(), openTasks: tasks.map((t) => toTask(t)), snapshot,
  };
}

/** Filters of the process list. */
export interface ProcessFilter {
  kind?: string;
  status?: string;
  open?: boolean;
}

/** Processes the official may see, newest first, paged. */
export async function listProcesses(ctx: ServiceContext, official: AuthOfficial, f: ProcessFilter, page: { page: number; pageSize: number }): Promise<{ items: Process[]; total: number }> {
  const where: Prisma.ProcessWhereInput = {
    AND: [processScopeWhere(official), f.kind ? { kind: f.kind } : {}, f.status ? { status: f.status } : {}, f.open === undefined ? {} : { closedAt: f.open ? null : { not: null } }],
  };
  const [total, items] = await Promise.all([
    ctx.prisma.process.count({ where }),
    ctx.prisma.process.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip: (page.page - 1) * page.pageSize, take: page.pageSize }),
  ]);
  return { items, total };
}
