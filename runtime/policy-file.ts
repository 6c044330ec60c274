/**
 * Loads the deployment's policy: the defaults of DESIGN §1, overridden by the JSON file named
 * in BANGFU_POLICY_FILE. A bad file stops start-up with the offending field named.
 */
import fs from 'node:fs';
import { ZodError } from 'zod';
import { DEFAULT_POLICY } from '../workflows/policy';
import { parsePolicy } from '../workflows/policy-schema';
import type { TPolicy } from '../workflows/policy';
import { ConfigError } from './config';

/** Reads and validates the policy file, or returns the defaults when none is named. */
export function loadPolicy(file: string | undefined): TPolicy {
  if (!file) return DEFAULT_POLICY;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  BANGFU_POLICY_FILE: cannot read ${file} as JSON (${(err as Error).message})`);
  }
  try {
    return parsePolicy(raw);
  } catch (err) {
    if (err instanceof ZodError) {
      const lines = err.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new ConfigError(`Invalid policy file ${file}:\n${lines.join('\n')}`);
    }
    throw err;
  }
}
