/**
 * Intake decoupled from workflow starts (issue 10 §1): an import is stored at once and its cases
 * start in the background; killing the API halfway — while the file is uploading, then while the
 * cases start — loses no lead and starts none twice; progress is visible per import.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeResidentId } from '../core/resident-id';
import { adminLogin } from './support/admin';
import type { Harness } from './support/harness';
import { DEMO, TEST_SECRET, eventually, leadBody, startHarness } from './support/harness';
import { createApp } from '../api/app';
import { startIntakeDispatcher } from '../api/services/intake-dispatcher';
import { caseWorkflowId } from '../workflows/contracts';

/** Rows of the kill-halfway import (the figure is 10,000: INTAKE_TEST_ROWS=10000). */
const ROWS = Number(process.env.INTAKE_TEST_ROWS ?? 2000);
/** Waits grow with the rows: the worker starts every case's workflow on two cores. */
const WAIT_MS = Math.max(300_000, ROWS * 120);

let h: Harness;
let admin: string;
const run = String(Date.now() % 100000).padStart(5, '0');
/** A base day for this run's birth dates, so runs sharing a database use other ID numbers. */
const baseDay = Number(run) % 2000;

/** A valid resident ID number unique to this run and `i` (one birth date per 500 rows). */
function idOf(i: number, block: number): string {
  const birth = new Date(Date.UTC(1945, 0, 1) + (baseDay * 4 + block * 40 + Math.floor(i / 500)) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  return makeResidentId('410599', birth, String(300 + (i % 500)).padStart(3, '0'));
}

function csvOf(prefix: string, n: number, block: number, bad: number[] = []): string {
  const lines = ['leadRef,headName,idNumber,villageCode,category,riskTypes,phone'];
  for (let i = 0; i < n; i++) {
    lines.push(`${prefix}-${i},户主${i},${bad.includes(i) ? 'not-an-id' : idOf(i, block)},${i % 2 ? DEMO.villageA1 : DEMO.villageB1},MARGINAL,因病,1390000${String(i).padStart(4, '0')}`);
  }
  return `${lines.join('\n')}\n`;
}

interface Counts { received: number; started: number; known: number; refused: number; pending: number }

async function countsOf(importId: string): Promise<Counts> {
  const r = await h.api<Counts>('GET', `/api/imports/${importId}`, { as: admin });
  expect(r.status).toBe(200);
  return r.body;
}

/** A child API process with its intake dispatcher (test/support/api-process.ts). */
async function apiProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/api-process.ts'], {
    env: {
      ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), DATABASE_URL: inject('databaseUrl'),
      TASK_QUEUE: h.taskQueue, BANGFU_SECRET: TEST_SECRET, POLICY_JSON: JSON.stringify(h.policy), INTAKE_LEASE_MS: '1500',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /api ready (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`api process exited ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  return exited;
}

/** Rows of this import in the table, by status. */
async function rowsByStatus(importId: string): Promise<Record<string, number>> {
  const g = await h.prisma.importRow.groupBy({ by: ['status'], where: { importId }, _count: true });
  return Object.fromEntries(g.map((x) => [x.status, x._count]));
}

beforeAll(async () => {
  // No dispatcher in the test process: the child API processes start the cases (and get killed).
  h = await startHarness({ intake: false });
  admin = await h.officialOf('ADMIN', DEMO.county);
});
afterAll(async () => {
  await h?.stop();
});

describe('an import survives the API being killed halfway', () => {
  it(`killed while ${ROWS} rows upload and again while their cases start, every lead gets exactly one case`, async () => {
    const csv = csvOf(`KILL-${run}`, ROWS, 0);
    const token = await h.token(admin);
    let api = await apiProcess();
    try {
      // 1. The upload trickles in; the process dies once the first chunk is stored.
      const bytes = Buffer.from(csv);
      const step = Math.ceil(bytes.length / 40);
      let importId: string | null = null;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const at = (body as unknown as { at?: number }).at ?? 0;
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.subarray(at, at + step));
          (body as unknown as { at?: number }).at = at + step;
          await new Promise((r) => setTimeout(r, 100));
        },
      });
      const upload = fetch(`${api.url}/api/imports?fileName=kill.csv`, {
        method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body, duplex: 'half',
      } as RequestInit).then((r) => r.text()).catch(() => 'cut');
      const firstChunk = await eventually(async () => {
        const r = await h.prisma.importRow.findFirst({ where: { leadRef: `KILL-${run}-0` } });
        return r ? await h.prisma.importRow.count({ where: { importId: r.importId } }).then((n) => (n > 0 ? r.importId : null)) : null;
      }, 'the first chunk stored');
      importId = firstChunk;
      await kill(api.child);
      expect(await upload).not.toContain('"type":"summary"');
      const storedBeforeKill = await h.prisma.importRow.count({ where: { importId } });
      expect(storedBeforeKill).toBeGreaterThan(0);
      expect(storedBeforeKill).toBeLessThan(ROWS);

      // 2. The sender sends the file again to the same import; the process dies again halfway through the starts.
      api = await apiProcess();
      const again = await fetch(`${api.url}/api/imports?importId=${importId}`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: csv });
      const lines = (await again.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; outcome?: string; summary?: Record<string, number> });
      const summary = lines.at(-1)!.summary!;
      expect(summary.ACCEPTED + summary.ALREADY_RECEIVED).toBe(ROWS);
      expect(summary.ALREADY_RECEIVED).toBe(storedBeforeKill);
      await eventually(async () => ((await rowsByStatus(importId)).STARTED ?? 0) >= ROWS / 3, 'a third of the cases started', WAIT_MS / 2);
      await kill(api.child);
      const halfway = await rowsByStatus(importId);
      expect(halfway.PENDING ?? 0, JSON.stringify(halfway)).toBeGreaterThan(0);

      // 3. After a restart every lead gets its case: none lost, none started twice.
      api = await apiProcess();
      await eventually(async () => (await countsOf(importId)).pending === 0, 'no lead pending', WAIT_MS);
      const counts = await countsOf(importId);
      expect(counts).toMatchObject({ received: ROWS, started: ROWS, known: 0, refused: 0, pending: 0 });
      const leadIds = (await h.prisma.importRow.findMany({ where: { importId }, select: { leadId: true } })).map((r) => r.leadId!);
      expect(new Set(leadIds).size).toBe(ROWS);
      await eventually(async () => (await h.prisma.case.count({ where: { id: { in: leadIds } } })) === ROWS, 'a case row per lead', WAIT_MS);
      // One workflow execution per lead on this queue: a second start of a lead would be a second run.
      await eventually(async () => (await h.client.workflow.count(`TaskQueue = "${h.taskQueue}"`)).count === ROWS, 'one workflow per lead', WAIT_MS / 5);
      const perHousehold = await h.prisma.case.groupBy({ by: ['householdId'], where: { id: { in: leadIds } }, _count: true });
      expect(perHousehold.every((g) => g._count === 1)).toBe(true);
    } finally {
      await kill(api.child).catch(() => undefined);
    }
  }, 2 * WAIT_MS + 300_000);
});

describe('import progress', () => {
  it('GET /api/imports/:id counts received, started, refused and pending rows; stored personal data is sealed; the admin page lists imports and links to the refused rows', async () => {
    const api = await apiProcess();
    try {
      const token = await h.token(admin);
      const csv = csvOf(`PROG-${run}`, 5, 1, [3]);
      const res = await fetch(`${api.url}/api/imports?fileName=progress.csv`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: csv });
      const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; importId?: string });
      const importId = lines.at(-1)!.importId!;
      await eventually(async () => (await countsOf(importId)).pending === 0, 'all started');
      expect(await countsOf(importId)).toMatchObject({ received: 5, started: 4, known: 0, refused: 1, pending: 0 });

      // Personal data of the stored leads is sealed at rest, as a single lead's is.
      const stored = await h.prisma.importRow.findFirstOrThrow({ where: { importId, row: 1 } });
      const household = await h.prisma.household.findUniqueOrThrow({ where: { id: stored.householdId! } });
      expect(household.idNumberSealed).toMatch(/^pd1\./);
      expect(household.phoneSealed).toMatch(/^pd1\./);
      const plainId = idOf(0, 1);
      expect(JSON.stringify([household, stored, await h.prisma.lead.findUnique({ where: { id: stored.leadId! } })])).not.toContain(plainId);

      const page = await adminLogin(h, admin);
      const list = await page.get('/admin/imports');
      expect(list.status).toBe(200);
      const row = new RegExp(`data-import-id="${importId}"[\\s\\S]*?</tr>`).exec(list.text)?.[0] ?? '';
      expect(row).toContain('progress.csv');
      expect(row).toMatch(/data-count="received">5</);
      expect(row).toMatch(/data-count="started">4</);
      expect(row).toMatch(/data-count="pending">0</);
      expect(row).toContain(`href="/admin/imports/${importId}"`);
      const refused = await page.get(`/admin/imports/${importId}`);
      expect(refused.text).toContain(`data-row="4"`);
      expect(refused.text).toContain(`PROG-${run}-3`);
      expect(refused.text).not.toContain('not-an-id');

      // Another official's import is not theirs to read.
      const township = await h.officialOf('TOWNSHIP', DEMO.townshipA);
      expect((await h.api('GET', `/api/imports/${importId}`, { as: township })).status).toBe(404);
    } finally {
      await kill(api.child);
    }
  }, 120_000);
});

describe('a lead whose start was cut off', () => {
  it('a lead taken by POST /api/cases while Temporal did not answer gets its case from the intake dispatcher, without being sent again', async () => {
    // An API whose Temporal is unreachable: the lead is stored, its start fails, the caller gets 503.
    const temporalDown = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 1000 }), namespace: 'default' });
    const server = createApp({ prisma: h.prisma, temporal: temporalDown, taskQueue: h.taskQueue, policy: h.policy, secret: TEST_SECRET, namespace: 'default' }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const body = leadBody({ leadRef: `CUT-${run}` });
    let caseId: string;
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/cases`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await h.token(await h.officialOf('VILLAGE', DEMO.villageA1))}` }, body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(503);
      expect(await res.text()).not.toContain(body.household.idNumber);
      const lead = await h.prisma.lead.findUniqueOrThrow({ where: { leadKey: `${body.channel}:CUT-${run}` } });
      caseId = lead.id;
      expect(lead.taskQueue).toBe(h.taskQueue);
      expect(await h.prisma.case.findUnique({ where: { id: caseId } })).toBeNull();
    } finally {
      await new Promise((r) => server.close(r));
      await temporalDown.connection.close().catch(() => undefined);
    }
    // The queue's dispatcher (as in every API process) finds the lead once it is older than any start takes.
    const dispatcher = startIntakeDispatcher({ prisma: h.prisma, temporal: h.client, taskQueue: h.taskQueue, policy: h.policy, secret: TEST_SECRET, namespace: 'default' },
      { pollMs: 200, orphanAfterMs: 1000, orphanSweepMs: 300, log: () => undefined });
    try {
      const row = await eventually(() => h.prisma.case.findUnique({ where: { id: caseId } }), 'the case of the cut-off lead', 60_000);
      expect(row.status).toBe('IDENTIFYING');
      const householdWorkflow = await h.client.workflow.getHandle(caseWorkflowId(row.householdId)).describe();
      expect(householdWorkflow.status.name).toBe('RUNNING');
      // Sweeps go on: the lead is never started twice (one run of the household's workflow).
      await new Promise((r) => setTimeout(r, 1500));
      expect((await h.client.workflow.count(`WorkflowId = "${caseWorkflowId(row.householdId)}"`)).count).toBe(1);
    } finally {
      await dispatcher.stop();
    }
  }, 120_000);
});
