/**
 * The key a policy (政策参数) is stored under: the SHA-256 of its JSON with keys in sorted order,
 * so the same policy has one key whatever order its fields were written in.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The policy's key: `sha256-` and the first 32 hex digits of the hash of its canonical JSON. */
export function policyHash(policy: unknown): string {
  return `sha256-${createHash('sha256').update(canonicalJson(policy)).digest('hex').slice(0, 32)}`;
}
