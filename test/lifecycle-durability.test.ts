/**
 * Durability: the real six-month timer, a worker killed mid-case, replay, continue-as-new.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import { DEFAULT_POLICY, compressedPolicy } from '../workflows/policy';
import type { Harness } from './support/harness';
import { eventually, startHarness } from './support/harness';
import {
  actions, approve, createCase, decide, driveElimination, driveToMonitored, implementMeasure, openTaskOf, waitForCase, untilEliminationStarts,
} from './support/driver';

const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.stop();
});
async function harness(opts: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const h = await startHarness(opts);
  harnesses.push(h);
  return h;
}

const DAY = 86_400;

describe('durable timers and durability', () => {
  it('the production policy schedules the real six-month review timer (read from the workflow history)', async () => {
    // Production policy in every rule; only the 5-day village notice is shortened so the case
    // reaches county approval during the test.
    const policy = { ...DEFAULT_POLICY, steps: { ...DEFAULT_POLICY.steps, PUBLIC_NOTICE: { unit: 'SECONDS' as const, amount: 1 } } };
    const h = await harness({ policy });
    const caseId = await createCase(h);
    await driveToMonitored(h, caseId);
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const history = await h.client.workflow.getHandle(row.workflowId).fetchHistory();
    const timers = (history.events ?? [])
      .filter((e) => e.timerStartedEventAttributes)
      .map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds));
    const sixMonths = timers.filter((s) => s >= 180 * DAY && s <= 185 * DAY);
    expect(sixMonths, `timers (days): ${timers.map((s) => (s / DAY).toFixed(1)).join(', ')}`).toHaveLength(1);
    // The timer is named in the history (and so in the Temporal Web UI): the elimination review.
    const review = (history.events ?? []).find((e) => { const s = Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0); return s >= 180 * DAY && s <= 185 * DAY; })!;
    expect(defaultPayloadConverter.fromPayload(review.userMetadata!.summary!)).toMatch(/^REVIEW · 风险消除评估/);
    // The monthly contact timer and the 15-day SLA timer are there too.
    expect(timers.some((s) => s >= 28 * DAY && s <= 31 * DAY)).toBe(true);
    expect(timers.some((s) => s >= 14 * DAY && s <= 16 * DAY)).toBe(true);
    expect(row.nextReviewAt!.getTime() - row.approvedAt!.getTime()).toBeGreaterThanOrEqual(180 * DAY * 1000);
  });

  it('in the Temporal Web UI a case reads as its number and process, and is found by its case number', async () => {
    const h = harnesses[0] ?? (await harness({ policy: compressedPolicy({ notice: 1 }) }));
    const caseId = await createCase(h);
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    const handle = h.client.workflow.getHandle(row.workflowId);
    expect(await (await handle.describe()).staticSummary()).toBe(`监测帮扶案件 household case ${caseId}`);
    const found = await eventually(async () => {
      for await (const w of h.client.workflow.list({ query: `BangfuCaseNo = "${caseId}"` })) return w.workflowId;
      return null;
    }, 'the case by its number in visibility');
    expect(found).toBe(row.workflowId);
  });

  it('a worker killed (SIGKILL) mid-case and restarted finishes the case with no duplicate rows', async () => {
    const h = await harness({ policy: compressedPolicy({ notice: 2, elimination: 2 }), startWorker: false });
    const spawnWorker = (): Promise<ChildProcess> => workerProcess(h);
    let child = await spawnWorker();
    const caseId = await createCase(h);
    await approve(h, caseId, 'VERIFICATION');
    await approve(h, caseId, 'VILLAGE_REVIEW');
    child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 3000)); // the notice timer fires while no worker runs
    child = await spawnWorker();
    try {
      await approve(h, caseId, 'TOWNSHIP_REVIEW');
      await approve(h, caseId, 'COUNTY_APPROVAL');
      await waitForCase(h, caseId, 'MONITORED');
      await implementMeasure(h, caseId);
      await untilEliminationStarts(h, caseId);
      child.kill('SIGKILL');
      child = await spawnWorker();
      await driveElimination(h, caseId);
    } finally {
      child.kill('SIGKILL');
    }
    const tasks = await h.prisma.task.groupBy({ by: ['step'], where: { caseId }, _count: true });
    for (const t of tasks) expect(t._count, t.step).toBe(1);
    expect(tasks).toHaveLength(8);
    const all = await actions(h, caseId);
    expect(all.filter((a) => a === 'NOTICE_STARTED')).toHaveLength(2);
    expect(all.filter((a) => a === 'NOTICE_ENDED')).toHaveLength(2);
    expect(all.filter((a) => a === 'APPROVED_ELIMINATED')).toHaveLength(1);
    expect(await h.prisma.measure.count({ where: { caseId } })).toBe(1);
    const newTask = await h.prisma.notification.count({ where: { caseId, kind: 'NEW_TASK' } });
    expect(newTask).toBe(8);
  });

  it('a task the read model shows open is decidable at once after the worker died between committing it and recording the commit', async () => {
    const h = await harness({ policy: compressedPolicy({ notice: 1, elimination: 3600 }), startWorker: false });
    let child = await workerProcess(h, { DIE_AFTER_OPENING: 'TOWNSHIP_REVIEW' });
    const died = new Promise((r) => child.once('exit', r));
    try {
      const caseId = await createCase(h);
      await approve(h, caseId, 'VERIFICATION');
      await approve(h, caseId, 'VILLAGE_REVIEW');
      await died; // the notice ended, the township task was stored, the worker died before recording it
      await openTaskOf(h, caseId, 'TOWNSHIP_REVIEW');
      const ready = workerProcess(h);
      const decided = decide(h, caseId, 'TOWNSHIP_REVIEW', 'APPROVE'); // sent while the new worker starts
      child = await ready;
      const res = await decided;
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.step).toBe('COUNTY_APPROVAL');
      const tasks = await h.prisma.task.groupBy({ by: ['step'], where: { caseId }, _count: true });
      for (const t of tasks) expect(t._count, t.step).toBe(1);
      expect((await actions(h, caseId)).filter((a) => a === 'NOTICE_ENDED')).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('continue-as-new carries the state across runs', async () => {
    // Elimination waits an hour so the case stays MONITORED while contacts pile up.
    const h = await harness({ policy: compressedPolicy({ notice: 1, elimination: 3600 }), maxHistoryEvents: 250 });
    const caseId = await createCase(h);
    const workflowId = (await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).workflowId;
    const firstRun = (await h.client.workflow.getHandle(workflowId).describe()).runId;
    await driveToMonitored(h, caseId);
    const measureId = await implementMeasure(h, caseId);
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect((await h.state(caseId)).continuedAsNew).toBe(0);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    let contacts = 0;
    while ((await h.state(caseId)).continuedAsNew === 0 && contacts < 60) {
      const res = await h.api('POST', `/api/cases/${caseId}/contacts`, { as: row.contactId!, body: { contactedOn: today } });
      expect(res.status).toBe(201);
      contacts += 1;
    }
    const after = await eventually(async () => {
      const d = await h.client.workflow.getHandle(row.workflowId).describe();
      return d.runId !== firstRun ? d : null;
    }, 'a new run');
    expect(after.status.name).toBe('RUNNING');
    expect(after.historyLength).toBeLessThan(250);
    expect(contacts).toBeGreaterThan(0);
    const st = await h.state(caseId);
    expect(st.continuedAsNew).toBeGreaterThanOrEqual(1);
    expect(st.contactCount).toBe(contacts);
    expect(st.status).toBe('MONITORED');
    expect(st.measures.find((m) => m.measureId === measureId)?.status).toBe('IMPLEMENTED');
    expect(st.approvedAt).not.toBeNull();
    const more = await h.api('POST', `/api/cases/${caseId}/contacts`, { as: row.contactId!, body: { contactedOn: today } });
    expect(more.status).toBe(201);
    expect((await h.state(caseId)).contactCount).toBe(contacts + 1);
    expect(await h.prisma.contact.count({ where: { caseId } })).toBe(contacts + 1);
  });

  it('recorded histories replay without non-determinism', async () => {
    const h = harnesses[0] ?? (await harness({ policy: compressedPolicy({ notice: 1 }) }));
    const cases = await h.prisma.case.findMany({ where: { workflowId: { startsWith: 'household-' } }, orderBy: { openedAt: 'desc' }, take: 8, select: { workflowId: true } });
    const histories = [];
    for (const c of cases) {
      const handle = h.client.workflow.getHandle(c.workflowId);
      histories.push({ workflowId: c.workflowId, history: await handle.fetchHistory() });
    }
    expect(histories.length).toBeGreaterThan(0);
    const code = fs.readFileSync(inject('workflowBundlePath'), 'utf8');
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: { code } }, histories)) {
      expect(result.error, `${result.workflowId}: ${String(result.error)}`).toBeUndefined();
      replayed += 1;
    }
    expect(replayed).toBe(histories.length);
  });
});

/** A worker in a child process (test/support/worker-process.ts), resolved once it polls. */
async function workerProcess(h: Harness, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
    env: {
      ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), DATABASE_URL: inject('databaseUrl'),
      TASK_QUEUE: h.taskQueue, BUNDLE_PATH: inject('workflowBundlePath'), ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('worker ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
  return child;
}
