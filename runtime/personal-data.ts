/**
 * 个人信息加密存储 — personal data (resident ID number, phone, address, health details) sealed at
 * rest with AES-256-GCM before it reaches PostgreSQL.
 *
 * A sealed value is one text column: `pd1.<keyId>.<iv>.<ciphertext+tag>` (base64url parts), so each
 * value names the key it was sealed with and keys can rotate: the first key seals, every key
 * opens, and `npm run setup -- rotate-key` re-seals what an older key (or none) sealed. The
 * additional authenticated data binds a value to its row and column, so a sealed value copied
 * onto another row does not open. Look-ups never decrypt: households are found by the keyed hash
 * of the ID number (`Household.idKey`).
 *
 * Keys come from `BANGFU_DATA_KEYS` (`id:key,…`, each key 32 bytes as base64 or 64 hex digits),
 * or else are derived from the server secret (`BANGFU_SECRET` or the data directory's secret) with
 * HKDF; the derived key stays available for opening after explicit keys are configured, so moving
 * from the derived key to an explicit one is a rotation like any other.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'pd1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A data key and its id. */
export interface DataKey {
  id: string;
  key: Buffer;
}

/** Thrown when a value cannot be opened (unknown key, tampered or moved value); never carries the value. */
export class PersonalDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PersonalDataError';
  }
}

/** Seals and opens personal data. */
export interface PersonalDataCipher {
  /** Id of the key new values are sealed with. */
  readonly keyId: string;
  /**
   * Seals `plain` for one column of one row.
   * @param context - the row and column it is stored in, e.g. `Household.phone:hh-…`
   */
  seal(plain: string, context: string): string;
  /** `seal` that passes null and undefined through. */
  sealOptional(plain: string | null | undefined, context: string): string | null | undefined;
  /** Opens a sealed value; a value stored before sealing existed (no `pd1.` prefix) is returned as is. */
  open(stored: string, context: string): string;
  /** `open` that passes null through. */
  openOptional(stored: string | null, context: string): string | null;
  /** The key id a stored value was sealed with, or null when it is not sealed. */
  keyIdOf(stored: string): string | null;
}

/** The key derived from the server secret; its id is a fingerprint, so another secret gives another id. */
export function keyFromSecret(secret: string): DataKey {
  const key = Buffer.from(hkdfSync('sha256', secret, 'bangfu', 'personal-data-v1', 32));
  return { id: `s${createHash('sha256').update(key).digest('hex').slice(0, 10)}`, key };
}

/**
 * Parses `BANGFU_DATA_KEYS`: `id:key[,id:key…]`, each key 32 bytes as 64 hex digits or base64.
 * @throws Error naming the entry that is wrong (never echoing a key)
 */
export function parseDataKeys(spec: string): DataKey[] {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const sep = entry.indexOf(':');
      const id = sep > 0 ? entry.slice(0, sep) : '';
      const material = sep > 0 ? entry.slice(sep + 1) : '';
      if (!KEY_ID.test(id)) throw new Error(`entry ${i + 1}: expected id:key with an id of 1–32 letters, digits, "_" or "-"`);
      const key = /^[0-9a-fA-F]{64}$/.test(material) ? Buffer.from(material, 'hex') : Buffer.from(material, 'base64');
      if (key.length !== 32) throw new Error(`entry ${i + 1} (${id}): the key must be 32 bytes (64 hex digits or 44 base64 characters)`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error('no key given');
  const ids = new Set<string>();
  for (const k of keys) {
    if (ids.has(k.id)) throw new Error(`key id ${k.id} appears twice`);
    ids.add(k.id);
  }
  return keys;
}

/**
 * Builds the cipher: the first of `keys` (else the secret's key) seals; all of them and the secret's
 * key open.
 */
export function personalDataCipher(opts: { keys?: DataKey[]; secret?: string }): PersonalDataCipher {
  const ring = [...(opts.keys ?? [])];
  if (opts.secret) {
    const derived = keyFromSecret(opts.secret);
    if (!ring.some((k) => k.id === derived.id)) ring.push(derived);
  }
  if (ring.length === 0) throw new Error('personal data: no key (set BANGFU_DATA_KEYS or BANGFU_SECRET)');
  const current = ring[0];
  const byId = new Map(ring.map((k) => [k.id, k.key]));

  const keyIdOf = (stored: string): string | null => {
    if (!stored.startsWith(`${VERSION}.`)) return null;
    return stored.split('.')[1] ?? null;
  };
  const seal = (plain: string, context: string): string => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${current.id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  };
  const open = (stored: string, context: string): string => {
    const kid = keyIdOf(stored);
    if (kid === null) return stored;
    const parts = stored.split('.');
    const key = byId.get(kid);
    if (!key) throw new PersonalDataError(`${context.split(':')[0]}: sealed with key ${kid}, which this process does not have (BANGFU_DATA_KEYS)`);
    if (parts.length !== 4) throw new PersonalDataError(`${context.split(':')[0]}: malformed sealed value`);
    const iv = Buffer.from(parts[2], 'base64url');
    const body = Buffer.from(parts[3], 'base64url');
    if (iv.length !== 12 || body.length < 16) throw new PersonalDataError(`${context.split(':')[0]}: malformed sealed value`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new PersonalDataError(`${context.split(':')[0]}: sealed value does not open (altered, or moved from another row)`);
    }
  };
  return {
    keyId: current.id,
    seal,
    sealOptional: (plain, context) => (plain === null || plain === undefined ? plain : seal(plain, context)),
    open,
    openOptional: (stored, context) => (stored === null ? null : open(stored, context)),
    keyIdOf,
  };
}

/** Column contexts (additional authenticated data) of the sealed columns. */
export const SEALED = {
  idNumber: (householdId: string) => `Household.idNumber:${householdId}`,
  phone: (householdId: string) => `Household.phone:${householdId}`,
  address: (householdId: string) => `Household.address:${householdId}`,
  healthDetails: (caseId: string) => `Case.healthDetails:${caseId}`,
  /** A programme application's bank account (小额信贷 …). */
  bankAccount: (processId: string) => `ProgrammePersonalData.bankAccount:${processId}`,
  /** A programme applicant's ID number (公益岗位 …). */
  programmeIdNumber: (processId: string) => `ProgrammePersonalData.idNumber:${processId}`,
} as const;

/** The cipher of a process: `BANGFU_DATA_KEYS` when set, with the secret's key for opening older values. */
export function personalDataFromConfig(cfg: { BANGFU_DATA_KEYS?: string }, secret: string | undefined): PersonalDataCipher {
  return personalDataCipher({ keys: cfg.BANGFU_DATA_KEYS ? parseDataKeys(cfg.BANGFU_DATA_KEYS) : undefined, secret });
}
