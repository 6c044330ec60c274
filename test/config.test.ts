/**
 * Configuration and policy are validated before anything starts; a wrong value names itself.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../runtime/config';
import { loadPolicy } from '../runtime/policy-file';
import { DEFAULT_POLICY } from '../workflows/policy';

function tmpFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-cfg-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('configuration', () => {
  it('a wrong PORT stops start-up with a message naming PORT', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('a malformed TEMPORAL_ADDRESS or DATABASE_URL is named', () => {
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'temporal.example' })).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('mTLS needs both the certificate and the key', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/x.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
  });

  it('the production worker refuses to start without TEMPORAL_ADDRESS and DATABASE_URL, naming them', () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'worker/main.ts'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('TEMPORAL_ADDRESS must be set');
    expect(r.stderr).toContain('DATABASE_URL must be set');
  });

  it('the production API refuses to start without BANGFU_SECRET', () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: 'postgresql://x@127.0.0.1:1/x' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'api/main.ts'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('BANGFU_SECRET must be set');
  });
});

describe('policy file', () => {
  it('the defaults are used when no policy file is named', () => {
    expect(loadPolicy(undefined)).toEqual(DEFAULT_POLICY);
  });

  it('a policy file overrides single fields and keeps the other defaults', () => {
    const file = tmpFile('policy.json', JSON.stringify({ version: 'henan-2023', eliminationClock: 'FIRST_MEASURE', steps: { VERIFICATION: { unit: 'WORKING_DAYS', amount: 3 } } }));
    const p = loadPolicy(file);
    expect(p.version).toBe('henan-2023');
    expect(p.eliminationClock).toBe('FIRST_MEASURE');
    expect(p.steps.VERIFICATION.amount).toBe(3);
    expect(p.steps.VILLAGE_REVIEW).toEqual(DEFAULT_POLICY.steps.VILLAGE_REVIEW);
  });

  it('a bad policy file stops start-up with the offending field named', () => {
    const file = tmpFile('policy.json', JSON.stringify({ steps: { TOWNSHIP_REVIEW: { unit: 'WEEKS', amount: 2 } } }));
    expect(() => loadPolicy(file)).toThrow(ConfigError);
    expect(() => loadPolicy(file)).toThrow(/steps\.TOWNSHIP_REVIEW\.unit/);
    const notJson = tmpFile('policy.json', '{ nope');
    expect(() => loadPolicy(notJson)).toThrow(/BANGFU_POLICY_FILE/);
  });
});
