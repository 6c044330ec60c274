/**
 * 密钥轮换 — re-seals personal data under the current key: every value sealed with an older key, and
 * every value still in clear (written before sealing existed), is opened and sealed again. Values
 * already under the current key are left alone, so a second run changes nothing. Each row is
 * updated only if it still holds what was read, so a concurrent write is never overwritten.
 */
import type { PrismaClient } from '@prisma/client';
import type { PersonalDataCipher } from '../../runtime/personal-data';
import { SEALED } from '../../runtime/personal-data';

/** What a re-seal did. */
export interface ResealReport {
  /** Key id values are now sealed with. */
  keyId: string;
  /** Values re-sealed, by the key they had (`clear` = not sealed before). */
  resealed: Record<string, number>;
  /** Values already under the current key. */
  current: number;
  /** Rows skipped because they changed while being re-sealed (run again). */
  raced: number;
}

const BATCH = 500;

/** Re-seals every sealed column (Household, Case, Lead, ProgrammePersonalData) under `cipher.keyId`. */
export async function resealPersonalData(prisma: PrismaClient, cipher: PersonalDataCipher): Promise<ResealReport> {
  const report: ResealReport = { keyId: cipher.keyId, resealed: {}, current: 0, raced: 0 };
  const count = (stored: string | null): boolean => {
    if (stored === null) return false;
    const kid = cipher.keyIdOf(stored);
    if (kid === cipher.keyId) {
      report.current += 1;
      return false;
    }
    report.resealed[kid ?? 'clear'] = (report.resealed[kid ?? 'clear'] ?? 0) + 1;
    return true;
  };
  const again = (stored: string | null, context: string): string | null => (stored === null ? null : cipher.seal(cipher.open(stored, context), context));

  for (let cursor: string | undefined; ; ) {
    const rows = await prisma.household.findMany({
      take: BATCH, orderBy: { id: 'asc' }, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: { id: true, idNumberSealed: true, phoneSealed: true, addressSealed: true },
    });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1].id;
    for (const r of rows) {
      const stale = [count(r.idNumberSealed), count(r.phoneSealed), count(r.addressSealed)];
      if (!stale.includes(true)) continue;
      const { count: n } = await prisma.household.updateMany({
        where: { id: r.id, idNumberSealed: r.idNumberSealed, phoneSealed: r.phoneSealed, addressSealed: r.addressSealed },
        data: {
          idNumberSealed: again(r.idNumberSealed, SEALED.idNumber(r.id)) as string,
          phoneSealed: again(r.phoneSealed, SEALED.phone(r.id)),
          addressSealed: again(r.addressSealed, SEALED.address(r.id)),
        },
      });
      if (n === 0) report.raced += 1;
    }
  }
  // Health details: on cases, and on leads until their case copies them (both sealed for the case id).
  type Sealed = { id: string; healthDetailsSealed: string | null };
  const tables: { find: (cursor?: string) => Promise<Sealed[]>; update: (r: Sealed, value: string | null) => Promise<{ count: number }> }[] = [
    {
      find: (cursor) => prisma.case.findMany({ take: BATCH, orderBy: { id: 'asc' }, where: { healthDetailsSealed: { not: null } }, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}), select: { id: true, healthDetailsSealed: true } }),
      update: (r, value) => prisma.case.updateMany({ where: { id: r.id, healthDetailsSealed: r.healthDetailsSealed }, data: { healthDetailsSealed: value } }),
    },
    {
      find: (cursor) => prisma.lead.findMany({ take: BATCH, orderBy: { id: 'asc' }, where: { healthDetailsSealed: { not: null } }, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}), select: { id: true, healthDetailsSealed: true } }),
      update: (r, value) => prisma.lead.updateMany({ where: { id: r.id, healthDetailsSealed: r.healthDetailsSealed }, data: { healthDetailsSealed: value } }),
    },
  ];
  for (const table of tables) {
    for (let cursor: string | undefined; ; ) {
      const rows = await table.find(cursor);
      if (rows.length === 0) break;
      cursor = rows[rows.length - 1].id;
      for (const r of rows) {
        if (!count(r.healthDetailsSealed)) continue;
        const { count: n } = await table.update(r, again(r.healthDetailsSealed, SEALED.healthDetails(r.id)));
        if (n === 0) report.raced += 1;
      }
    }
  }
  // Programme applications (小额信贷 bank account, 公益岗位 applicant's ID number), sealed for their process.
  for (let cursor: string | undefined; ; ) {
    const rows = await prisma.programmePersonalData.findMany({
      take: BATCH, orderBy: { processId: 'asc' }, ...(cursor ? { cursor: { processId: cursor }, skip: 1 } : {}),
      select: { processId: true, bankAccountSealed: true, idNumberSealed: true },
    });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1].processId;
    for (const r of rows) {
      const stale = [count(r.bankAccountSealed), count(r.idNumberSealed)];
      if (!stale.includes(true)) continue;
      const { count: n } = await prisma.programmePersonalData.updateMany({
        where: { processId: r.processId, bankAccountSealed: r.bankAccountSealed, idNumberSealed: r.idNumberSealed },
        data: {
          bankAccountSealed: again(r.bankAccountSealed, SEALED.bankAccount(r.processId)),
          idNumberSealed: again(r.idNumberSealed, SEALED.programmeIdNumber(r.processId)),
        },
      });
      if (n === 0) report.raced += 1;
    }
  }
  return report;
}
