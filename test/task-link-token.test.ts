/**
 * Task-link tokens: HMAC-signed claims, key rotation (the first key signs, all verify), only the
 * canonical encoding, and a CSRF token bound to the link.
 */
import { describe, expect, it } from 'vitest';
import type { LinkClaims } from '../api/links/link-token';
import { checkCsrf, csrfToken, hashLinkToken, signLink, taskLinkOptions, verifyLink } from '../api/links/link-token';

const claims: LinkClaims = { v: 1, l: 'lk-1', p: 'DECIDE', c: 'BF20261201-ABCDEF', t: 'BF20261201-ABCDEF-t3', o: 'off-vil-dongfeng', e: 2_000_000_000 };
const OLD = 'old-key-0123456789abcdef';
const NEW = 'new-key-0123456789abcdef';

describe('task-link tokens', () => {
  it('a token names its task, official and expiry, and verifies under the key that signed it', () => {
    expect(verifyLink([OLD], signLink([OLD], claims))).toEqual(claims);
  });

  it('after a rotation the new key signs and tokens signed with the old key still verify', () => {
    const before = signLink([OLD], claims);
    const rotated = [NEW, OLD];
    expect(verifyLink(rotated, before)).toEqual(claims);
    const after = signLink(rotated, claims);
    expect(verifyLink([NEW], after)).toEqual(claims);
    expect(verifyLink([OLD], after)).toBeNull();
    // Once the old key is dropped, its tokens stop working.
    expect(verifyLink([NEW], before)).toBeNull();
  });

  it('an altered payload or signature, or another encoding of the same signature, is refused', () => {
    const token = signLink([OLD], claims);
    const [payload, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, o: 'off-cty' })).toString('base64url');
    expect(verifyLink([OLD], `${forged}.${sig}`)).toBeNull();
    expect(verifyLink([OLD], `${payload}.${sig.slice(0, 20)}${sig[20] === 'A' ? 'B' : 'A'}${sig.slice(21)}`)).toBeNull();
    const last = sig[sig.length - 1];
    const sibling = 'AEIMQUYcgkosw048'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : null;
    if (sibling) expect(verifyLink([OLD], `${payload}.${sig.slice(0, -1)}${sibling}`)).toBeNull();
  });

  it('the CSRF token belongs to one link and survives a key rotation', () => {
    const h1 = hashLinkToken('a');
    const h2 = hashLinkToken('b');
    expect(checkCsrf([OLD], h1, csrfToken([OLD], h1))).toBe(true);
    expect(checkCsrf([OLD], h2, csrfToken([OLD], h1))).toBe(false);
    expect(checkCsrf([NEW, OLD], h1, csrfToken([OLD], h1))).toBe(true);
    expect(checkCsrf([OLD], h1, undefined)).toBe(false);
  });

  it('without TASK_LINK_KEYS the key derives from the server secret', () => {
    const a = taskLinkOptions({ secret: 'secret-one-0123456789' });
    const b = taskLinkOptions({ secret: 'secret-one-0123456789', keys: `${NEW}, ${OLD}` });
    expect(a.keys).toHaveLength(1);
    expect(a.keys[0]).not.toContain('secret-one');
    expect(b.keys).toEqual([NEW, OLD]);
    expect(a.graceMs).toBe(7 * 86_400_000);
  });
});
