/**
 * Starts a case from a lead (线索): household upserted by its key, one open identification per
 * household (the workflow ID is derived from the household, so Temporal refuses a second), and
 * the same lead reference never makes a second case.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { assertRegionAccess, hasRegionAccess, regionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { recordWorkflowStart } from '../http/metrics';
import type { TCreateCaseRequest } from '../routes/cases/create-case.types';
import type { CaseInput } from '../../workflows/contracts';
import { CASE_WORKFLOW, caseWorkflowId } from '../../workflows/contracts';
import type { householdCaseWorkflow } from '../../workflows/case-workflow';
import type { ServiceContext } from './context';
import { cipherOf } from './context';
import { SEALED } from '../../runtime/personal-data';
import { getCase } from './get-case';
import { householdIdFromKey, householdKey, newCaseId } from './ids';
import type { TCaseDetail } from '../routes/cases/case.types';

const OPEN_STATUSES = ['IDENTIFYING', 'MONITORED', 'ELIMINATING'];

/** Outcome of a lead. */
export type StartCaseOutcome = { outcome: 'STARTED' | 'ALREADY_RECEIVED'; caseId: string };

/** Starts the case workflow for a lead; returns the case id and whether it was new. */
export async function startCaseFromLead(ctx: ServiceContext, official: AuthOfficial, lead: TCreateCaseRequest): Promise<StartCaseOutcome> {
  const chain = await regionChain(ctx.prisma, lead.household.villageCode);
  assertRegionAccess(official, chain);
  const leadKey = lead.leadRef ? `${lead.channel}:${lead.leadRef}` : null;
  const key = householdKey(ctx.secret, lead.household.idNumber);
  const householdId = householdIdFromKey(key);
  if (leadKey) {
    const existing = await ctx.prisma.case.findUnique({ where: { leadKey }, select: { id: true, householdId: true } });
    if (existing?.householdId === householdId) return { outcome: 'ALREADY_RECEIVED', caseId: existing.id };
    if (existing) throw new AppError('CONFLICT', 'leadRef: this reference was already used for another household', { field: 'leadRef' });
  }
  // Refuse before writing anything: a refused lead changes nothing already stored.
  const open = await ctx.prisma.case.findFirst({
    where: { householdId, status: { in: OPEN_STATUSES } },
    select: { id: true, villageCode: true, townshipCode: true, countyCode: true },
  });
  if (open) {
    // Name the open case only to an official who may see it.
    if (!hasRegionAccess(official, open)) throw new AppError('CASE_ALREADY_OPEN', 'household already has an open case', { field: 'household.idNumber' });
    throw new AppError('CASE_ALREADY_OPEN', `household already has an open case ${open.id}`, { field: 'household.idNumber', details: { caseId: open.id } });
  }
  const h = lead.household;
  const pd = cipherOf(ctx);
  await ctx.prisma.household.upsert({
    where: { idKey: key },
    create: {
      id: householdId, idKey: key, headName: h.headName, idNumberSealed: pd.seal(h.idNumber.toUpperCase(), SEALED.idNumber(householdId)),
      phoneSealed: pd.sealOptional(h.phone, SEALED.phone(householdId)) ?? null,
      villageCode: h.villageCode, addressSealed: pd.sealOptional(h.address, SEALED.address(householdId)) ?? null, memberCount: h.memberCount, noLabour: h.noLabour,
    },
    update: {
      headName: h.headName, phoneSealed: pd.sealOptional(h.phone, SEALED.phone(householdId)) ?? undefined, villageCode: h.villageCode,
      addressSealed: pd.sealOptional(h.address, SEALED.address(householdId)) ?? undefined, memberCount: h.memberCount, noLabour: h.noLabour,
    },
  });
  const previous = await ctx.prisma.case.findFirst({ where: { householdId }, orderBy: { openedAt: 'desc' }, select: { id: true, status: true } });
  const caseId = newCaseId();
  const now = new Date();
  const input: CaseInput = {
    caseId, householdId, villageCode: chain.villageCode, townshipCode: chain.townshipCode, countyCode: chain.countyCode,
    category: lead.category, riskTypes: lead.riskTypes, channel: lead.channel, noLabour: h.noLabour,
    contactId: lead.contactId, openedBy: official.id, openedAt: now.toISOString(),
    previousCaseId: previous?.status === 'ELIMINATED' ? previous.id : undefined, policy: ctx.policy,
    maxHistoryEvents: ctx.maxHistoryEvents,
  };
  const workflowId = caseWorkflowId(householdId);
  const startedAt = Date.now();
  try {
    await ctx.temporal.workflow.start<typeof householdCaseWorkflow>(CASE_WORKFLOW, {
      workflowId, taskQueue: ctx.taskQueue, args: [input],
      workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    recordWorkflowStart(startedAt);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new AppError('CASE_ALREADY_OPEN', 'household already has an open case', { field: 'household.idNumber' });
    }
    throw err;
  }
  // The workflow's first activity creates the row too; whichever comes first wins, the other fills in.
  const details = {
    leadKey, healthDetailsSealed: pd.sealOptional(lead.healthDetails, SEALED.healthDetails(caseId)) ?? null, incomePerCapita: lead.incomePerCapita ?? null, summary: lead.summary ?? null,
  };
  const writeRow = (d: typeof details) =>
    ctx.prisma.case.upsert({
      where: { id: caseId },
      update: d,
      create: {
        id: caseId, caseNo: caseId, householdId, workflowId, channel: lead.channel, category: lead.category, riskTypes: lead.riskTypes,
        status: 'IDENTIFYING', step: 'VERIFICATION', villageCode: chain.villageCode, townshipCode: chain.townshipCode,
        countyCode: chain.countyCode, contactId: lead.contactId ?? null, policyVersion: ctx.policy.version,
        policy: ctx.policy as object, openedAt: now, previousCaseId: input.previousCaseId ?? null, ...d,
      },
    });
  try {
    await writeRow(details);
  } catch (err) {
    // Another household's lead with the same reference won the race for it: this case has started
    // and stays; it is recorded without the reference rather than failing the request.
    if ((err as { code?: string }).code !== 'P2002') throw err;
    await writeRow({ ...details, leadKey: null });
  }
  return { outcome: 'STARTED', caseId };
}

/** Route-level wrapper returning the case detail. */
export async function createCase(ctx: ServiceContext, official: AuthOfficial, lead: TCreateCaseRequest): Promise<{ outcome: StartCaseOutcome['outcome']; case: TCaseDetail }> {
  const r = await startCaseFromLead(ctx, official, lead);
  return { outcome: r.outcome, case: await getCase(ctx, official, r.caseId) };
}
