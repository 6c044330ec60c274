/**
 * Drives 小额信贷 loans through the HTTP API as the assigned officials would (shared by the
 * microcredit test and the history capture).
 */
import { expect } from 'vitest';
import type { Task } from '@prisma/client';
import type { TPolicy } from '../../workflows/policy';
import { compressedPolicy } from '../../workflows/policy';
import type { Harness } from './harness';
import { DEMO, eventually } from './harness';

/** A compressed policy: a "month" of a term is a second; reminders 10 s and 5 s before the due time; grades 5, 10, 15 s after it. */
export function microcreditTestPolicy(): TPolicy {
  return {
    ...compressedPolicy({ notice: 1 }),
    microcredit: {
      maxAmount: 50_000, maxTermMonths: 36, interestSubsidyShare: 0.5, refusedUses: ['ENTERPRISE_USE', 'CONSUMPTION', 'BUILDING', 'NOT_USED'],
      termUnit: 'SECONDS',
      repaymentReminders: [{ unit: 'SECONDS', amount: 10 }, { unit: 'SECONDS', amount: 5 }],
      overdueGrades: [{ unit: 'SECONDS', amount: 5 }, { unit: 'SECONDS', amount: 10 }, { unit: 'SECONDS', amount: 15 }],
    },
  };
}

/** A bank account for tests (never to be found outside its sealed column). */
export const TEST_ACCOUNT = '6228480012345678901';

/** Today in Beijing (YYYY-MM-DD). */
export const todayBeijing = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Applies for a loan as the village; returns the process id. */
export async function applyForLoan(h: Harness, caseId: string, body: Record<string, unknown> = {}): Promise<string> {
  const village = await h.officialOf('VILLAGE', DEMO.villageA1);
  const res = await h.api('POST', '/api/microcredit/loans', { as: village, body: { caseId, amount: 30_000, termMonths: 14, purpose: 'BREEDING', purposeNote: '养牛', bankAccount: TEST_ACCOUNT, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.process).toMatchObject({ kind: 'MICROCREDIT', status: 'APPLIED', step: 'VILLAGE_CHECK' });
  return res.body.process.id as string;
}

/** The open task of a step of a process (the first one not in `seen`, which it joins). */
export async function openProcessTask(h: Harness, processId: string, step: string, seen: Set<string> = new Set()): Promise<Task> {
  const t = await eventually(async () => (await h.prisma.task.findMany({ where: { processId, step, status: 'OPEN' }, orderBy: { openedAt: 'asc' } })).find((x) => !seen.has(x.id)), `open ${step} of ${processId}`, 40_000);
  seen.add(t.id);
  return t;
}

/** Decides a process task through the API as its assignee, expecting success. */
export async function decideProcessTask(h: Harness, t: Task, action: string, data: Record<string, unknown> = {}): Promise<any> {
  const reason = action === 'REJECT' || action === 'RETURN' ? { reason: `${action.toLowerCase()} in test` } : {};
  const res = await h.api('POST', `/api/tasks/${t.id}/decision`, { as: t.assigneeId!, body: { action, data, ...reason } });
  expect(res.status, `${t.step}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Township check, then the bank's disbursement (the village check decided before). */
export async function townshipAndBank(h: Harness, processId: string, termMonths: number, amount = 30_000): Promise<void> {
  await decideProcessTask(h, await openProcessTask(h, processId, 'TOWNSHIP_CHECK'), 'APPROVE');
  const bank = await openProcessTask(h, processId, 'BANK_DECISION');
  expect(bank.level).toBe('COUNTY');
  await decideProcessTask(h, bank, 'DONE', { approved: true, amount, termMonths, annualRatePct: 3.45, disbursedOn: todayBeijing() });
}
