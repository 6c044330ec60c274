/**
 * Process configuration, read from the environment and validated with zod. A wrong value
 * stops the process with a message naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseDataKeys } from './personal-data';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every environment variable Bangfu reads (documented in the README's table). */
export const ZEnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
      .optional(),
  ),
  BANGFU_DATA_DIR: optionalString,
  TEMPORAL_ADDRESS: optionalString.pipe(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').optional()),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('bangfu-cases'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: boolish,
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_UI_URL: optionalString,
  BANGFU_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Keys sealing personal data at rest, `id:key,…` (32-byte keys, hex or base64): the first seals, all open. Default: derived from the secret. */
  BANGFU_DATA_KEYS: optionalString.pipe(
    z
      .string()
      .superRefine((v, ctx) => {
        try {
          parseDataKeys(v);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      })
      .optional(),
  ),
  BANGFU_POLICY_FILE: optionalString,
  BANGFU_CALENDAR_FILE: optionalString,
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).default(500),
  /** Port of the worker's `GET /metrics` (prom-client and the Temporal SDK's own metrics); unset = no endpoint. */
  WORKER_METRICS_PORT: optionalString.pipe(z.coerce.number<string>().int().min(0).max(65535).optional()),
  SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional()),
  MAIL_FROM: z.string().default('Bangfu 帮扶 <bangfu@localhost>'),
  /** PEM file of a private CA for the SMTP server's certificate. */
  SMTP_TLS_CA_PATH: optionalString,
  /** Accept any SMTP server certificate (test relays only). */
  SMTP_TLS_INSECURE: boolish,
  /** Port of the local mail catcher `npm start` runs when SMTP_URL is unset. */
  MAIL_CATCHER_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  /** Seconds between outbox scans of the mail dispatcher. */
  MAIL_POLL_SECONDS: z.coerce.number().positive().default(2),
  /** Task-link signing keys, comma-separated: the first signs, all verify (rotation). Default: derived from BANGFU_SECRET. */
  TASK_LINK_KEYS: optionalString.pipe(
    z
      .string()
      .refine((v) => v.split(',').every((k) => k.trim().length >= 16), 'each key must be at least 16 characters')
      .optional(),
  ),
  /** Days a task link stays valid after the task's due time (or after it was mailed, if later). */
  TASK_LINK_GRACE_DAYS: z.coerce.number().positive().default(7),
  /** Days an assistance contact's link (record a contact or measure) stays valid. */
  TASK_LINK_CONTACT_DAYS: z.coerce.number().positive().default(30),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** Validated configuration. */
export type Config = z.infer<typeof ZEnvSchema> & { dataDir: string };

/** Thrown when the environment is invalid; the message names each offending variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration.
 * @param env - defaults to `process.env`
 * @param require - variables that this entry point cannot run without
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, require: (keyof z.infer<typeof ZEnvSchema>)[] = []): Config {
  const parsed = ZEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const missing = require.filter((k) => parsed.data[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(`Missing configuration: ${missing.map((k) => `${k} must be set`).join('; ')}`);
  }
  const cfg = parsed.data;
  if ((cfg.TEMPORAL_TLS_CERT_PATH === undefined) !== (cfg.TEMPORAL_TLS_KEY_PATH === undefined)) {
    throw new ConfigError('Invalid configuration:\n  TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  return { ...cfg, dataDir: path.resolve(cfg.BANGFU_DATA_DIR ?? '.data') };
}

/** Runs `fn`, printing a {@link ConfigError} plainly and exiting 1 instead of a stack trace. */
export async function runMain(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`[${name}] ${err.message}`);
      process.exit(1);
    }
    console.error(`[${name}] failed:`, err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
