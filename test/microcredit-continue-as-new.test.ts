/**
 * A long loan (many reminders and follow-ups) continues as new between its milestones, carrying
 * its state: the next run keeps the loan, schedule, open tasks and the extension Update, and the
 * loan ends as it would have in one run. Real worker, Temporal and PostgreSQL with a compressed
 * policy (a loan "month" is a second) and a small history threshold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './support/harness';
import { DEMO, eventually, startHarness } from './support/harness';
import { createCase, driveToMonitored } from './support/driver';
import { applyForLoan, decideProcessTask, microcreditTestPolicy, openProcessTask, todayBeijing, townshipAndBank } from './support/microcredit-driver';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ policy: microcreditTestPolicy(), maxHistoryEvents: 40 });
});
afterAll(async () => {
  await h?.stop();
});

describe('小额信贷 continue-as-new', () => {
  it('a loan continues as new between its milestones carrying its state, takes its extension and repayment on the new run, and ends REPAID', async () => {
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const processId = await applyForLoan(h, caseId, { termMonths: 14 });
    await decideProcessTask(h, await openProcessTask(h, processId, 'VILLAGE_CHECK'), 'APPROVE');
    await townshipAndBank(h, processId, 14);
    const row = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    const handle = h.client.workflow.getHandle(row.workflowId);
    const firstRun = (await handle.describe()).runId;
    await decideProcessTask(h, await openProcessTask(h, processId, 'USE_CHECK'), 'DONE', { use: 'PRODUCTION' });

    // The first reminder fires on the first run; the history is past the threshold, so the loan continues as new.
    const seen = new Set<string>();
    await decideProcessTask(h, await openProcessTask(h, processId, 'REPAYMENT_REMINDER', seen), 'DONE');
    await eventually(async () => ((await handle.describe()).runId !== firstRun ? true : null), 'the loan continued as new', 40_000);
    const carried = await h.prisma.process.findUniqueOrThrow({ where: { id: processId } });
    expect(carried.data).toMatchObject({ loan: { amount: 30_000, termMonths: 14 }, measure: { recorded: true, caseId } });

    // The new run takes the extension Update and keeps the schedule.
    const village = await h.officialOf('VILLAGE', DEMO.villageA1);
    const asked = await h.api('POST', `/api/microcredit/loans/${processId}/extension`, { as: village, body: { months: 2, reason: '养殖周期延长' } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    await decideProcessTask(h, await openProcessTask(h, processId, 'EXTENSION_APPROVAL'), 'APPROVE');
    const check = await openProcessTask(h, processId, 'REPAYMENT_CHECK');
    await decideProcessTask(h, check, 'DONE', { repaid: true, repaidOn: todayBeijing() });
    expect(await handle.result()).toEqual({ processId, status: 'REPAID', measureRecorded: true });

    const actions = (await h.prisma.auditEvent.findMany({ where: { processId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] })).map((e) => e.action);
    expect(actions.filter((a) => a === 'PROCESS_STARTED')).toHaveLength(1);
    for (const a of ['LOAN_DISBURSED', 'LOAN_USE_CONFIRMED', 'REPAYMENT_REMINDER_DUE', 'LOAN_EXTENDED', 'LOAN_DUE', 'LOAN_REPAID']) expect(actions, a).toContain(a);
    // One process row, no duplicated tasks: every task is closed once.
    expect(await h.prisma.task.count({ where: { processId, status: 'OPEN' } })).toBe(0);
  });
});
