/**
 * The server secret (household keys, task-link signatures). Many machines: BANGFU_SECRET must
 * be set and shared. One machine: generated once and kept under the data directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from './config';
import { ConfigError } from './config';

/** Returns BANGFU_SECRET, or (when `allowGenerated`) a secret kept in `<dataDir>/secret`. */
export function resolveSecret(cfg: Config, allowGenerated: boolean): string {
  if (cfg.BANGFU_SECRET) return cfg.BANGFU_SECRET;
  if (!allowGenerated) throw new ConfigError('Missing configuration: BANGFU_SECRET must be set (at least 16 characters, the same on every API process)');
  const file = path.join(cfg.dataDir, 'secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cfg.dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
