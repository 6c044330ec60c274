/**
 * 入户排查 — a grid worker records a household's visit result in a campaign. A risk found starts a
 * lead into identification (channel CADRE_SCREENING, lead reference `<campaign>:<household>`, so
 * a repeat never makes a second case) for the roster household itself, then the visit is sent to
 * the campaign's workflow, whose validator decides whether this official may record it.
 */
import type { CampaignVisit, Process } from '@prisma/client';
import type { AuthOfficial } from '../../auth/authenticate';
import { hasRegionAccess } from '../../auth/authenticate';
import { AppError } from '../../http/app-error';
import { SEALED } from '../../../runtime/personal-data';
import type { Category, RiskType } from '../../../workflows/contracts';
import type { RecordVisitResult, VisitResult } from '../../../workflows/campaign/contracts';
import { CAMPAIGN_KIND, recordVisitUpdate } from '../../../workflows/campaign/contracts';
import { actorOf } from '../case-actions';
import { assertWorksGrid } from './read-campaign';
import type { ServiceContext } from '../context';
import { cipherOf } from '../context';
import { latestCaseOf } from '../hot-reads';
import { sendProcessUpdate } from '../process-actions';
import { startCaseFromLead } from '../start-case';

/** A visit as the grid worker records it. */
export interface RecordVisitRequest {
  householdId: string;
  result: VisitResult;
  note?: string;
  /** With RISK_FOUND: the lead's category and risk types (the identification form, pre-filled from the roster). */
  lead?: { category: Category; riskTypes: RiskType[]; summary?: string; incomePerCapita?: number };
}

const OPEN = ['IDENTIFYING', 'MONITORED', 'ELIMINATING'];

/** The campaign and the household's ledger row, for an official of the household's village (or above). */
export async function campaignHousehold(ctx: ServiceContext, official: AuthOfficial, campaignId: string, householdId: string): Promise<{ process: Process; visit: CampaignVisit }> {
  const process = await ctx.prisma.process.findUnique({ where: { id: campaignId } });
  if (!process || process.kind !== CAMPAIGN_KIND) throw new AppError('NOT_FOUND', `campaign ${campaignId} not found`, { field: 'id' });
  const visit = await ctx.prisma.campaignVisit.findUnique({ where: { campaignId_householdId: { campaignId, householdId } } });
  if (!visit) throw new AppError('NOT_FOUND', `householdId: ${householdId} is not in the ledger of campaign ${campaignId}`, { field: 'householdId' });
  if (official.role === 'GRID') {
    // A grid worker (网格员) is outside every case scope; their own grids are their whole region.
    await assertWorksGrid(ctx, official, visit.gridId);
  } else if (!hasRegionAccess(official, { villageCode: visit.villageCode, townshipCode: visit.townshipCode, countyCode: process.countyCode })) {
    throw new AppError('FORBIDDEN', `household ${householdId} is outside your region (${official.regionCode})`);
  }
  return { process, visit };
}

/** Records a visit; returns the grid's and village's progress and the case a risk found started. */
export async function recordVisit(ctx: ServiceContext, official: AuthOfficial, campaignId: string, req: RecordVisitRequest): Promise<RecordVisitResult & { caseId: string | null }> {
  const { process, visit } = await campaignHousehold(ctx, official, campaignId, req.householdId);
  // Before a lead is started: only the grid's worker (or a stand-in) records its visits (the workflow checks again).
  const gridTasks = (process.data as { gridTasks?: Record<string, string> } | null)?.gridTasks ?? {};
  const taskId = Object.entries(gridTasks).find(([, g]) => g === visit.gridId)?.[0];
  const task = taskId ? await ctx.prisma.task.findUnique({ where: { id: taskId }, select: { status: true, allowedIds: true } }) : null;
  if (task?.status === 'OPEN' && !task.allowedIds.includes(official.id)) {
    throw new AppError('FORBIDDEN', `household ${visit.householdId} is in another grid worker's grid`, { details: { refusal: 'NOT_ASSIGNEE' } });
  }
  let caseId: string | undefined;
  if (req.result === 'RISK_FOUND') {
    if (!req.lead) throw new AppError('INVALID_INPUT', 'lead: a risk found starts an identification: give its category and risk types', { field: 'lead' });
    const h = await ctx.prisma.household.findUniqueOrThrow({ where: { id: visit.householdId } });
    const pd = cipherOf(ctx);
    // A grid worker's lead is the village's (渠道 CADRE_SCREENING): it is started as the village would, opened by the grid worker.
    const r = await startCaseFromLead(ctx, official.role === 'GRID' ? { ...official, role: 'VILLAGE' } : official, {
      household: {
        headName: h.headName, idNumber: pd.open(h.idNumberSealed, SEALED.idNumber(h.id)), villageCode: h.villageCode, memberCount: h.memberCount, noLabour: h.noLabour,
      },
      category: req.lead.category, riskTypes: req.lead.riskTypes, channel: 'CADRE_SCREENING', leadRef: `${campaignId}:${h.id}`,
      summary: req.lead.summary ?? `集中排查发现风险（${process.title}）`, ...(req.lead.incomePerCapita !== undefined ? { incomePerCapita: req.lead.incomePerCapita } : {}),
    });
    caseId = r.caseId;
  } else if (req.result === 'ALREADY_MONITORED') {
    const latest = await latestCaseOf(ctx.prisma, visit.householdId);
    if (!latest || !OPEN.includes(latest.status)) throw new AppError('POLICY_REFUSED', 'result: the household has no open case; it is not already monitored', { field: 'result' });
  }
  const r = await sendProcessUpdate(ctx, official, process, recordVisitUpdate, {
    householdId: visit.householdId, gridId: visit.gridId, result: req.result, ...(caseId ? { caseId } : {}), ...(req.note ? { note: req.note } : {}), actor: actorOf(official),
  }, { level: 'VILLAGE', regionCode: visit.villageCode, allowedIds: official.role === 'GRID' ? [official.id] : [] });
  return { ...r, caseId: caseId ?? null };
}
