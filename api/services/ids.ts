/**
 * Identifiers: readable case numbers, random ids, and the household key (an HMAC of the
 * head's ID number, so the key reveals nothing and cannot be reversed by enumeration).
 */
import { createHmac, randomBytes } from 'node:crypto';

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function randomCode(n: number): string {
  const bytes = randomBytes(n);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** A case id like `BF20261129-7KQ2MX` (date in Beijing time). */
export function newCaseId(now = new Date()): string {
  const d = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
  return `BF${d}-${randomCode(6)}`;
}

/** A random id with a prefix, e.g. `m-…` for measures. */
export function newId(prefix: string): string {
  return `${prefix}-${randomCode(10)}`;
}

/** Household key from the head's ID number (normalised: trimmed, upper-case X). */
export function householdKey(secret: string, idNumber: string): string {
  return createHmac('sha256', secret).update(idNumber.trim().toUpperCase()).digest('hex');
}

/** Stable household id derived from its key (no personal data). */
export function householdIdFromKey(key: string): string {
  return `hh-${key.slice(0, 20)}`;
}

/** A process id like `YT20261129-7KQ2MX` (约谈 interviews use `YT`; date in Beijing time). */
export function newProcessId(prefix: string, now = new Date()): string {
  return newCaseId(now).replace(/^BF/, prefix);
}
