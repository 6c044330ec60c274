/**
 * 帮扶手册 — the household's assistance handbook, always current from the read model: family
 * situation, the assistance contact (帮扶责任人) and since when, with every earlier contact and
 * the date it changed ({@link contactHistoryOf}), measures with dates and results,
 * the contact log, income notes, the case's history, and room for the household's confirmation.
 * Personal data as on the case page: name, ID number and phone masked; no address, no health
 * details.
 */
import type { AuthOfficial } from '../auth/authenticate';
import type { TCaseDetail } from '../routes/cases/case.types';
import type { ContactPeriod } from './contact-history';
import { contactHistoryOf } from './contact-history';
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
  /** Every contact the household had, in order, the current one last (帮扶责任人变更记录). */
  contactHistory: (ContactPeriod & { name: string })[];
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
  const periods = contactHistoryOf(events, c.contactId ?? null, c.approvedAt ?? null);
  const ids = new Set<string>([...c.contacts.map((x) => x.officialId), ...(c.contactId ? [c.contactId] : []), ...periods.map((p) => p.officialId)]);
  const officials = await ctx.prisma.official.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
  const officialNames = Object.fromEntries(officials.map((o) => [o.id, o.name]));
  const name = new Map(regions.map((r) => [r.code, r.name]));
  const current = periods.at(-1);
  return {
    case: c, villageName: name.get(c.villageCode) ?? c.villageCode, townshipName: name.get(c.townshipCode) ?? c.townshipCode, countyName: name.get(c.countyCode) ?? c.countyCode,
    contact: c.contactId ? { name: officialNames[c.contactId] ?? c.contactId, since: current?.officialId === c.contactId ? current.since : (c.approvedAt ?? null) } : null,
    contactHistory: periods.map((p) => ({ ...p, name: officialNames[p.officialId] ?? p.officialId })),
    officialNames,
    history: events.map((e) => ({ at: e.at.toISOString(), action: e.action, step: e.step, comment: e.comment })),
  };
}
