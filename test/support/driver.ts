/**
 * Drives cases through the HTTP API as the assigned officials would.
 */
import { expect } from 'vitest';
import type { Task } from '@prisma/client';
import type { Harness } from './harness';
import { DEMO, eventually, leadBody } from './harness';

/** Creates a case through the API as the village official; returns its id. */
export async function createCase(h: Harness, overrides: Record<string, any> = {}): Promise<string> {
  const village = await h.officialOf('VILLAGE', overrides.household?.villageCode ?? DEMO.villageA1);
  const res = await h.api('POST', '/api/cases', { as: village, body: leadBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.case.id as string;
}

/** Waits for the open task of a step. */
export async function openTaskOf(h: Harness, caseId: string, step: string): Promise<Task> {
  return eventually(() => h.prisma.task.findFirst({ where: { caseId, step, status: 'OPEN' } }), `open ${step} task of ${caseId}`);
}

/**
 * Decides the open task of `step` as its assignee as soon as the read model shows it open: the
 * row and the workflow's state change in the same commit, so a task shown open is decidable.
 */
export async function decide(h: Harness, caseId: string, step: string, action: string, extra: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
  const task = await openTaskOf(h, caseId, step);
  const defaults: Record<string, unknown> =
    step === 'VERIFICATION' && action === 'APPROVE'
      ? { consentSigned: true }
      : step === 'ELIM_ASSESSMENT' && action === 'APPROVE'
        ? { route: 'ASSISTED', criteria: { incomeAboveLine: true, basicNeedsAssured: true, rigidSpendingResolved: true, noNewRisk: true } }
        : action !== 'APPROVE' && action !== 'DISMISS'
          ? { reason: `${action.toLowerCase()} in test` }
          : {};
  return h.api('POST', `/api/tasks/${task.id}/decision`, { as: task.assigneeId!, body: { action, ...defaults, ...extra } });
}

/** Approves `step`, expecting success. */
export async function approve(h: Harness, caseId: string, step: string): Promise<void> {
  const res = await decide(h, caseId, step, 'APPROVE');
  expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(200);
}

/** Waits until the case row has the status (and step, if given). */
export async function waitForCase(h: Harness, caseId: string, status: string, step?: string | null): Promise<void> {
  await eventually(async () => {
    const c = await h.prisma.case.findUnique({ where: { id: caseId } });
    return c?.status === status && (step === undefined || c.step === step);
  }, `case ${caseId} to be ${status}${step ? `/${step}` : ''}`);
}

/** Approves the steps in order (notices between them run on their own timers). */
async function approveInOrder(h: Harness, caseId: string, steps: string[]): Promise<void> {
  for (const step of steps) await approve(h, caseId, step);
}

/** Lead → county approval (the notice must be short in the harness policy). */
export async function driveToMonitored(h: Harness, caseId: string): Promise<void> {
  await approveInOrder(h, caseId, ['VERIFICATION', 'VILLAGE_REVIEW', 'TOWNSHIP_REVIEW', 'COUNTY_APPROVAL']);
  await waitForCase(h, caseId, 'MONITORED');
}

/** Records a measure and marks it implemented today, as the assistance contact. */
export async function implementMeasure(h: Harness, caseId: string): Promise<string> {
  const c = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
  const as = c.contactId ?? (await h.officialOf('VILLAGE', c.villageCode));
  const created = await h.api('POST', `/api/cases/${caseId}/measures`, { as, body: { type: 'EMPLOYMENT', description: '公益岗位安置' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const done = await h.api('PATCH', `/api/cases/${caseId}/measures/${created.body.id}`, { as, body: { status: 'IMPLEMENTED', implementedOn: today } });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return created.body.id as string;
}

/**
 * Waits for the elimination procedure to open: by the review timer, or — when that timer fired
 * before the measure was implemented (a loaded machine) and scheduled the next review — by the
 * village's request (风险消除申请), which the same rules allow.
 */
export async function untilEliminationStarts(h: Harness, caseId: string): Promise<void> {
  const village = await h.officialOf('VILLAGE', (await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).villageCode);
  await eventually(async () => {
    const c = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    if (c.status === 'ELIMINATING' && c.step === 'ELIM_ASSESSMENT') return true;
    if (c.status === 'MONITORED' && (await actions(h, caseId)).includes('REVIEW_NOT_ELIGIBLE')) {
      await h.api('POST', `/api/cases/${caseId}/elimination-review`, { as: village, body: {} });
    }
    return false;
  }, `case ${caseId} to start its elimination procedure`);
}

/** Elimination procedure from the assessment to county approval. */
export async function driveElimination(h: Harness, caseId: string): Promise<void> {
  await approveInOrder(h, caseId, ['ELIM_ASSESSMENT', 'ELIM_VILLAGE_REVIEW', 'ELIM_TOWNSHIP_REVIEW', 'ELIM_COUNTY_APPROVAL']);
  await waitForCase(h, caseId, 'ELIMINATED');
  // The workflow stays open through the rollback window (风险消除回退期), then completes.
  expect((await h.state(caseId)).status).toBe('ELIMINATED');
}

/** Audit actions of a case, in order. */
export async function actions(h: Harness, caseId: string): Promise<string[]> {
  const rows = await h.prisma.auditEvent.findMany({ where: { caseId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return rows.map((r) => r.action);
}
