/**
 * API bearer tokens. A token is shown to its owner once; the database keeps only its SHA-256
 * hash, so a leaked database does not leak usable tokens.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { AppError } from '../http/app-error';

/** Every token starts with this, so secret scanners and people can recognise one. */
export const TOKEN_PREFIX = 'bf_';

/** A new random token: `bf_` + 32 random bytes in base64url (43 characters). */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 of the token, hex: what the database stores and looks tokens up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Issues a token for an active official and returns it in plain text — the only time it exists
 * outside the caller's hands.
 * @param label - what the token is for (shown in listings), e.g. `"demo-admin"` or `"cli"`
 * @throws AppError NOT_FOUND when the official does not exist or is deactivated
 */
export async function issueToken(prisma: PrismaClient, officialId: string, label?: string): Promise<string> {
  const official = await prisma.official.findUnique({ where: { id: officialId }, select: { active: true } });
  if (!official || !official.active) {
    throw new AppError('NOT_FOUND', `officialId: no active official ${officialId}`, { field: 'officialId' });
  }
  const token = generateToken();
  await prisma.apiToken.create({
    data: { id: `tok_${randomUUID()}`, officialId, tokenHash: hashToken(token), label: label ?? null },
  });
  return token;
}

/**
 * Revokes tokens: one given in plain text, or all live tokens of an official.
 * @returns how many tokens were revoked
 */
export async function revokeTokens(prisma: PrismaClient, which: { token: string } | { officialId: string }): Promise<number> {
  const where = 'token' in which ? { tokenHash: hashToken(which.token) } : { officialId: which.officialId };
  const { count } = await prisma.apiToken.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: new Date() } });
  return count;
}
