/**
 * Reads a case from the read model, scoped to the official's region.
 */
import type { Case, Contact, Household, Measure, Objection, Task } from '@prisma/client';
import type { AuthOfficial } from '../auth/authenticate';
import { assertRegionAccess } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { TCaseDetail, TCaseSummary, TTask } from '../routes/cases/case.types';
import type { ServiceContext } from './context';
import { cipherOf } from './context';
import { SEALED } from '../../runtime/personal-data';
import { maskIdNumber, maskName, maskPhone } from './mask';
import { formatDue } from '../../core/due-time';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
/** A due time's display text in both languages. */
function dueText(d: Date): { 'zh-CN': string; en: string };
function dueText(d: Date | null): { 'zh-CN': string; en: string } | null;
function dueText(d: Date | null): { 'zh-CN': string; en: string } | null {
  return d ? { 'zh-CN': formatDue(d, 'zh-CN'), en: formatDue(d, 'en') } : null;
}

export function toTask(t: Task, now = new Date()): TTask {
  return {
    id: t.id, caseId: t.caseId, processId: t.processId, step: t.step, level: t.level, regionCode: t.regionCode, assigneeId: t.assigneeId,
    status: t.status, openedAt: t.openedAt.toISOString(), dueAt: t.dueAt.toISOString(),
    dueText: dueText(t.dueAt),
    overdue: t.status === 'OPEN' && t.dueAt <= now, escalations: t.escalations, outcome: t.outcome,
    decidedById: t.decidedById, comment: t.comment,
  };
}

/** Columns of a case that {@link toCaseSummary} reads. */
export type CaseSummaryRow = Pick<Case, 'id' | 'householdId' | 'status' | 'step' | 'category' | 'riskTypes' | 'channel' | 'villageCode' | 'townshipCode'
  | 'countyCode' | 'openedAt' | 'slaDueAt' | 'slaBreached' | 'approvedAt' | 'nextReviewAt' | 'eliminatedAt' | 'previousCaseId'>
  & { household: Pick<Household, 'headName'>; tasks?: Pick<Task, 'status' | 'dueAt'>[] };

export function toCaseSummary(c: CaseSummaryRow, now = new Date()): TCaseSummary {
  return {
    id: c.id, householdId: c.householdId, headName: maskName(c.household.headName), status: c.status, step: c.step,
    category: c.category as TCaseSummary['category'], riskTypes: c.riskTypes as TCaseSummary['riskTypes'],
    channel: c.channel as TCaseSummary['channel'], villageCode: c.villageCode, townshipCode: c.townshipCode,
    countyCode: c.countyCode, openedAt: c.openedAt.toISOString(), slaDueAt: iso(c.slaDueAt), slaDueText: dueText(c.slaDueAt), slaBreached: c.slaBreached,
    approvedAt: iso(c.approvedAt), nextReviewAt: iso(c.nextReviewAt), eliminatedAt: iso(c.eliminatedAt),
    overdue: (c.tasks ?? []).some((t) => t.status === 'OPEN' && t.dueAt <= now), previousCaseId: c.previousCaseId,
  };
}

type FullCase = Case & { household: Household; tasks: Task[]; measures: Measure[]; contacts: Contact[]; objections: Objection[] };

export function toCaseDetail(ctx: ServiceContext, c: FullCase): TCaseDetail {
  const now = new Date();
  const pd = cipherOf(ctx);
  const tasks = c.tasks.map((t) => toTask(t, now));
  return {
    ...toCaseSummary(c, now),
    household: {
      idNumberMasked: maskIdNumber(pd.open(c.household.idNumberSealed, SEALED.idNumber(c.householdId))),
      phoneMasked: c.household.phoneSealed ? maskPhone(pd.open(c.household.phoneSealed, SEALED.phone(c.householdId))) : null,
      memberCount: c.household.memberCount, noLabour: c.household.noLabour,
      address: pd.openOptional(c.household.addressSealed, SEALED.address(c.householdId)),
    },
    summary: c.summary, incomePerCapita: c.incomePerCapita, contactId: c.contactId, policyVersion: c.policyVersion,
    planDueAt: iso(c.planDueAt), planDueText: dueText(c.planDueAt), annualCheck: c.annualCheck, eliminationRoute: c.eliminationRoute, closeReason: c.closeReason,
    lastContactAt: iso(c.lastContactAt), workflowId: c.workflowId,
    temporalUiUrl: ctx.temporalUiUrl ? `${ctx.temporalUiUrl}/namespaces/${ctx.namespace}/workflows/${encodeURIComponent(c.workflowId)}` : null,
    openTasks: tasks.filter((t) => t.status === 'OPEN'),
    tasks,
    measures: c.measures.map((m) => ({
      id: m.id, type: m.type as TCaseDetail['measures'][number]['type'], description: m.description, memberName: m.memberName,
      status: m.status as 'PLANNED' | 'IMPLEMENTED' | 'CANCELLED', implementedOn: iso(m.implementedOn), endedOn: iso(m.endedOn),
    })),
    contacts: c.contacts.map((x) => ({ id: x.id, officialId: x.officialId, contactedOn: x.contactedOn.toISOString(), method: x.method, note: x.note })),
    objections: c.objections.map((o) => ({ id: o.id, step: o.step, text: o.text, filedAt: o.filedAt.toISOString(), outcome: o.outcome })),
  };
}

/** Loads a case row or throws 404; then checks the official's region (403). */
export async function loadCaseRow(ctx: ServiceContext, official: AuthOfficial, caseId: string): Promise<Case> {
  const c = await ctx.prisma.case.findUnique({ where: { id: caseId } });
  if (!c) throw new AppError('NOT_FOUND', `case ${caseId} not found`, { field: 'id' });
  assertRegionAccess(official, c);
  return c;
}

/** The full case detail (one query; 404, then 403 outside the official's region). */
export async function getCase(ctx: ServiceContext, official: AuthOfficial, caseId: string): Promise<TCaseDetail> {
  const c = await ctx.prisma.case.findUnique({
    where: { id: caseId },
    include: {
      household: true, tasks: { orderBy: { openedAt: 'asc' } }, measures: { orderBy: { createdAt: 'asc' } },
      contacts: { orderBy: { contactedOn: 'asc' } }, objections: { orderBy: { filedAt: 'asc' } },
    },
  });
  if (!c) throw new AppError('NOT_FOUND', `case ${caseId} not found`, { field: 'id' });
  assertRegionAccess(official, c);
  return toCaseDetail(ctx, c);
}
