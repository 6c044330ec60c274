/**
 * Starts a case from a lead (线索). The lead is stored first (one row per lead, unique by its
 * reference), then the household's workflow starts; the workflow's first activity creates the
 * case row from it — the API writes no case or task row. One open case per household holds
 * because the workflow ID is derived from the household: of two leads arriving at once, Temporal
 * starts one and the other is answered with the case that started.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../auth/authenticate';
import { assertRegionAccess, hasRegionAccess, regionChain } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { recordWorkflowStart } from '../http/metrics';
import type { TCreateCaseRequest } from '../routes/cases/create-case.types';
import type { CaseInput } from '../../workflows/contracts';
import { CASE_WORKFLOW, awaitIntakeUpdate, caseStaticSummary, caseWorkflowId, endRollbackWindowUpdate } from '../../workflows/contracts';
import type { householdCaseWorkflow } from '../../workflows/case/case-workflow';
import { caseSearchAttributes } from '../../workflows/case/search-attributes';
import type { ServiceContext } from './context';
import { cipherOf } from './context';
import { SEALED } from '../../runtime/personal-data';
import { getCase } from './get-case';
import { latestCaseOf, leadKeyExists } from './hot-reads';
import { householdIdFromKey, householdKey, newCaseId } from './ids';
import type { TCaseDetail } from '../routes/cases/case.types';

const OPEN_STATUSES = ['IDENTIFYING', 'MONITORED', 'ELIMINATING'];

/** Outcome of a lead. */
export type StartCaseOutcome = { outcome: 'STARTED' | 'ALREADY_RECEIVED'; caseId: string };

type Lead = { id: string; householdId: string; villageCode: string };

/** The "household already has an open case" refusal, naming the case only to an official who may see it. */
async function alreadyOpen(ctx: ServiceContext, official: AuthOfficial, caseId: string | null): Promise<never> {
  const row = caseId ? await ctx.prisma.case.findUnique({ where: { id: caseId }, select: { id: true, villageCode: true, townshipCode: true, countyCode: true } }) : null;
  if (!row || !hasRegionAccess(official, row)) throw new AppError('CASE_ALREADY_OPEN', 'household already has an open case', { field: 'household.idNumber' });
  throw new AppError('CASE_ALREADY_OPEN', `household already has an open case ${row.id}`, { field: 'household.idNumber', details: { caseId: row.id } });
}

/** The case id of the household's running workflow (from its case-number search attribute). */
async function runningCaseId(ctx: ServiceContext, workflowId: string): Promise<string | null> {
  try {
    const d = await ctx.temporal.workflow.getHandle(workflowId).describe();
    const v = d.searchAttributes?.BangfuCaseNo;
    return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
  } catch {
    return null;
  }
}

/** Starts the workflow of a stored lead; true when it started, false when the household's workflow runs already. */
async function startWorkflow(
  ctx: ServiceContext, official: AuthOfficial, lead: Lead, req: TCreateCaseRequest, chain: { villageCode: string; townshipCode: string; countyCode: string },
  latest?: { id: string; status: string } | null,
): Promise<boolean> {
  const previous = latest !== undefined ? latest : await latestCase(ctx, lead.householdId);
  const input: CaseInput = {
    caseId: lead.id, householdId: lead.householdId, villageCode: chain.villageCode, townshipCode: chain.townshipCode, countyCode: chain.countyCode,
    category: req.category, riskTypes: req.riskTypes, channel: req.channel, noLabour: req.household.noLabour, contactId: req.contactId,
    openedBy: official.id, openedAt: new Date().toISOString(),
    previousCaseId: previous?.status === 'ELIMINATED' && previous.id !== lead.id ? previous.id : undefined, policy: ctx.policy,
    maxHistoryEvents: ctx.maxHistoryEvents,
  };
  const startedAt = Date.now();
  // Update-with-start: one round trip starts the workflow and answers once its first commit (the
  // case row and the verification task) has landed — the caller reads its own write.
  const start = () => ctx.temporal.workflow.executeUpdateWithStart(awaitIntakeUpdate, {
    startWorkflowOperation: new WithStartWorkflowOperation<typeof householdCaseWorkflow>(CASE_WORKFLOW, {
      workflowId: caseWorkflowId(lead.householdId), taskQueue: ctx.taskQueue, args: [input],
      workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: caseStaticSummary(lead.id),
      searchAttributes: caseSearchAttributes(input, { status: 'IDENTIFYING', step: 'VERIFICATION', slaBreached: false, openTasks: [] }, Date.now()),
    }),
  });
  try {
    await start();
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // An eliminated case waiting out its rollback window gives way to the household's new case (风险再标注).
    if (previous?.status !== 'ELIMINATED' || previous.id === lead.id) return false;
    try {
      await ctx.temporal.workflow.getHandle(caseWorkflowId(lead.householdId)).executeUpdate(endRollbackWindowUpdate, { args: [{ newCaseId: lead.id }] });
      await ctx.temporal.workflow.getHandle(caseWorkflowId(lead.householdId)).result();
      await start();
    } catch {
      return false;
    }
  }
  recordWorkflowStart(startedAt);
  return true;
}

/** The household's latest case. */
function latestCase(ctx: ServiceContext, householdId: string): Promise<{ id: string; status: string } | null> {
  return latestCaseOf(ctx.prisma, householdId);
}

/** Waits until the workflow's first activity has written the case row (read-your-writes for the caller). */
async function waitForCaseRow(ctx: ServiceContext, caseId: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // The first commit usually lands within tens of milliseconds: poll often, but not for long.
  for (let wait = 15; Date.now() < deadline; wait = Math.min(wait + 10, 100)) {
    await new Promise((r) => setTimeout(r, wait));
    if (await ctx.prisma.case.findUnique({ where: { id: caseId }, select: { id: true } })) return;
  }
  throw new AppError('UNAVAILABLE', 'the case was accepted but its workflow has not started yet; send the lead again to find it', { details: { caseId } });
}

/** Stores the lead, starts its case workflow, and returns the case id and whether it was new. */
export async function startCaseFromLead(ctx: ServiceContext, official: AuthOfficial, req: TCreateCaseRequest): Promise<StartCaseOutcome> {
  const chain = await regionChain(ctx.prisma, req.household.villageCode);
  assertRegionAccess(official, chain);
  const leadKey = req.leadRef ? `${req.channel}:${req.leadRef}` : null;
  const key = householdKey(ctx.secret, req.household.idNumber);
  const householdId = householdIdFromKey(key);

  /** The same lead again: its case (started now if a crash stopped it before). */
  const resent = async (lead: Lead): Promise<StartCaseOutcome> => {
    if (lead.householdId !== householdId) throw new AppError('CONFLICT', 'leadRef: this reference was already used for another household', { field: 'leadRef' });
    if (!(await ctx.prisma.case.findUnique({ where: { id: lead.id }, select: { id: true } }))) {
      const started = await startWorkflow(ctx, official, lead, req, chain);
      if (!started && (await runningCaseId(ctx, caseWorkflowId(householdId))) !== lead.id) return alreadyOpen(ctx, official, await runningCaseId(ctx, caseWorkflowId(householdId)));
      if (!started) await waitForCaseRow(ctx, lead.id);
    }
    return { outcome: 'ALREADY_RECEIVED', caseId: lead.id };
  };
  if (leadKey) {
    // Most leads are new: a cheap existence check first, the whole row only for a resent one.
    const existing = (await leadKeyExists(ctx.prisma, leadKey)) ? await ctx.prisma.lead.findUnique({ where: { leadKey } }) : null;
    if (existing) return resent(existing);
  }
  // Refuse before writing anything: a refused lead changes nothing already stored.
  const latest = await latestCase(ctx, householdId);
  if (latest && OPEN_STATUSES.includes(latest.status)) return alreadyOpen(ctx, official, latest.id);

  const h = req.household;
  const pd = cipherOf(ctx);
  const upsertHousehold = () => ctx.prisma.household.upsert({
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
  // Two leads of a new household at once both try to create it: the loser updates the winner's row.
  await upsertHousehold().catch((err: { code?: string }) => (err.code === 'P2002' ? upsertHousehold() : Promise.reject(err)));
  const caseId = newCaseId();
  let lead: Lead;
  try {
    lead = await ctx.prisma.lead.create({
      data: {
        id: caseId, leadKey, householdId, channel: req.channel, category: req.category, riskTypes: req.riskTypes,
        // Sealed for the case id: the case's first activity copies it as it is.
        healthDetailsSealed: pd.sealOptional(req.healthDetails, SEALED.healthDetails(caseId)) ?? null, incomePerCapita: req.incomePerCapita ?? null, summary: req.summary ?? null,
        contactId: req.contactId ?? null, villageCode: h.villageCode, openedById: official.id, taskQueue: ctx.taskQueue,
      },
    });
  } catch (err) {
    // The same lead sent twice at once: the first one stored wins, the other finds it.
    if ((err as { code?: string }).code !== 'P2002' || !leadKey) throw err;
    return resent(await ctx.prisma.lead.findUniqueOrThrow({ where: { leadKey } }));
  }
  if (!(await startWorkflow(ctx, official, lead, req, chain, latest))) {
    // Another lead of the household started its case first: this lead is not kept.
    await ctx.prisma.lead.delete({ where: { id: caseId } }).catch(() => undefined);
    const winner = await runningCaseId(ctx, caseWorkflowId(householdId));
    if (winner) await waitForCaseRow(ctx, winner).catch(() => undefined);
    return alreadyOpen(ctx, official, winner);
  }
  return { outcome: 'STARTED', caseId };
}

/** Route-level wrapper returning the case detail. */
export async function createCase(ctx: ServiceContext, official: AuthOfficial, lead: TCreateCaseRequest): Promise<{ outcome: StartCaseOutcome['outcome']; case: TCaseDetail }> {
  const r = await startCaseFromLead(ctx, official, lead);
  return { outcome: r.outcome, case: await getCase(ctx, official, r.caseId) };
}
