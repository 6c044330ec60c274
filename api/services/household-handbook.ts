/**
 * 帮扶手册 — the household's assistance handbook, always current from the read model: family
 * situation, the assistance contact (帮扶责任人) and since when, measures with dates and results,
 * the contact log, income notes, the case's history, and room for the household's confirmation.
 * Personal data as on the case page: name, ID number and phone masked; no address, no health
 * details.
 */
import type { AuthOfficial } from '../auth/authenticate';
import type { TCaseDetail } from '../routes/cases/case.types';
import type { ServiceContext } from './context';
import { getCase } from './get-case';

/** The handbook of a case. */
export interface Handbook {
  case: TCaseDetail;
  villageName: string;
  townshipName: string;
  countyName: string;
  /** The assistance contact: name, and since when (the first event naming them, else county approval). */
  contact: { name: string; since: string | null } | null;
  /** Names of the officials who recorded contacts. */
  officialNames: Record<string, string>;
  history: { at: string; action: string; step: string | null; comment: string | null }[];
}

/** Builds the handbook of a case the official may see (404 / 403 as the case page). */
export async function householdHandbook(ctx: ServiceContext, official: AuthOfficial, caseId: string): Promise<Handbook> {
  const c = await getCase(ctx, official, caseId);
  const [regions, events] = await Promise.all([
    ctx.prisma.region.findMany({ where: { code: { in: [c.villageCode, c.townshipCode, c.countyCode] } }, select: { code: true, name: true } }),
    ctx.prisma.auditEvent.findMany({ where: { caseId }, orderBy: [{ at: 'asc' }, { id: 'asc' }], select: { at: true, action: true, step: true, comment: true, data: true } }),
  ]);
  const ids = new Set<string>([...c.contacts.map((x) => x.officialId), ...(c.contactId ? [c.contactId] : [])]);
  const officials = await ctx.prisma.official.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
  const officialNames = Object.fromEntries(officials.map((o) => [o.id, o.name]));
  const name = new Map(regions.map((r) => [r.code, r.name]));
  const namedContact = c.contactId ? events.find((e) => JSON.stringify(e.data ?? {}).includes(c.contactId as string)) : undefined;
  return {
    case: c, villageName: name.get(c.villageCode) ?? c.villageCode, townshipName: name.get(c.townshipCode) ?? c.townshipCode, countyName: name.get(c.countyCode) ?? c.countyCode,
    contact: c.contactId ? { name: officialNames[c.contactId] ?? c.contactId, since: namedContact?.at.toISOString() ?? c.approvedAt ?? null } : null,
    officialNames,
    history: events.map((e) => ({ at: e.at.toISOString(), action: e.action, step: e.step, comment: e.comment })),
  };
}
