/**
 * Running workflows are sacred: every checked-in history (test/histories/<release>/) replays
 * against today's workflow code, and a change to the command sequence fails that replay unless
 * it is behind patched().
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { historyFromFile } from './support/history-files';

const HISTORIES = path.join(import.meta.dirname, 'histories');
const ROOT = path.resolve(import.meta.dirname, '..');

function checkedIn(): { workflowId: string; history: ReturnType<typeof historyFromFile> }[] {
  return fs.readdirSync(HISTORIES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(HISTORIES, d.name)).filter((f) => f.endsWith('.json')).map((f) => path.join(d.name, f)))
    .map((f) => ({ workflowId: f, history: historyFromFile(fs.readFileSync(path.join(HISTORIES, f), 'utf8')) }));
}

/** The workflow type a history started. */
function workflowTypeOf(history: ReturnType<typeof historyFromFile>): string | null | undefined {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
}

async function replay(code: string, histories: ReturnType<typeof checkedIn>): Promise<{ workflowId: string; error?: unknown }[]> {
  const results: { workflowId: string; error?: unknown }[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: { code } }, histories)) results.push({ workflowId: r.workflowId, error: r.error });
  return results;
}

/** Bundles a copy of workflows/ with one edit to the case workflow (an upgrade under test). */
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
});
async function bundleWithChange(edit: (source: string) => string): Promise<string> {
  const dir = path.join(ROOT, 'test', `.versioning-${randomUUID()}`);
  copies.push(dir);
  fs.cpSync(path.join(ROOT, 'workflows'), path.join(dir, 'workflows'), { recursive: true });
  const file = path.join(dir, 'workflows', 'case', 'case-workflow.ts');
  const before = fs.readFileSync(file, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  fs.writeFileSync(file, after);
  const bundle = await bundleWorkflowCode({ workflowsPath: path.join(dir, 'workflows', 'index.ts'), logger: new DefaultLogger('WARN') });
  return bundle.code;
}

/** The change under test: a new activity before the timers the loop starts (a new command in the sequence). */
const NEW_ACTIVITY = `const { probeBeforeTimers } = proxyActivities<{ probeBeforeTimers(): Promise<void> }>({ startToCloseTimeout: '10 seconds' });\n`;
function insertBeforeTimers(source: string, call: string): string {
  return source
    .replace("import {\n  ActivityFailure,", "import {\n  patched, proxyActivities, ActivityFailure,")
    .replace('/** The household case workflow.', `${NEW_ACTIVITY}\n/** The household case workflow.`)
    .replace('      timers.sync(wantedTimers(state), Date.now());', `      ${call}\n      timers.sync(wantedTimers(state), Date.now());`);
}

describe('workflow versioning', () => {
  it('every checked-in history of every release replays against the current workflow code', async () => {
    const histories = checkedIn();
    expect(histories.length).toBeGreaterThanOrEqual(8);
    const results = await replay(fs.readFileSync(inject('workflowBundlePath'), 'utf8'), histories);
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
    expect(results).toHaveLength(histories.length);
  });

  it('a new activity before an existing timer fails the replay of running cases, and the same change behind patched() replays', async () => {
    // The change is to the case workflow: every case history must fail without patched(); the
    // histories of other processes (约谈, …) replay either way.
    const histories = checkedIn().filter((h) => workflowTypeOf(h.history) === 'householdCaseWorkflow');
    expect(histories.length).toBeGreaterThanOrEqual(8);
    const unpatched = await replay(await bundleWithChange((s) => insertBeforeTimers(s, 'await probeBeforeTimers();')), histories);
    const failed = unpatched.filter((r) => r.error);
    expect(failed.length).toBe(histories.length);
    expect(String(failed[0].error)).toMatch(/nondetermin/i);
    const guarded = await replay(await bundleWithChange((s) => insertBeforeTimers(s, "if (patched('probe-before-timers')) await probeBeforeTimers();")), histories);
    expect(guarded.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
  });
});
