/**
 * What the workflow bundle may hold: every module in it is evaluated again for each workflow a
 * worker loads (one V8 context, fresh module state per workflow), so heavy libraries stay out.
 */
import fs from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

describe('workflow bundle', () => {
  it('carries no zod: validation schemas live outside workflow code (rebuilding them per workflow cost the worker CPU on every case)', () => {
    const code = fs.readFileSync(inject('workflowBundlePath'), 'utf8');
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).toContain('householdCaseWorkflow');
    expect(code.match(/node_modules\/zod\//g) ?? []).toEqual([]);
  });
});
