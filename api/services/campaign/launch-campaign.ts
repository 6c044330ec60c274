/**
 * 发起集中排查 — the county launches a screening campaign for its villages (all villages with a
 * roster, or the ones named): every grid of those villages must have its grid worker, and no
 * village's roster may list lifted households (脱贫户) only; the task
 * limits of grids and villages run to the deadline (unless the policy sets them); the sample size
 * of the township check comes from the policy. One workflow per campaign id: a repeat starts
 * nothing new.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AuthOfficial } from '../../auth/authenticate';
import { regionChain } from '../../auth/authenticate';
import { AppError } from '../../http/app-error';
import type { TLimit } from '../../../workflows/policy';
import { processStepLimit } from '../../../workflows/policy';
import { awaitProcessStartUpdate } from '../../../workflows/process-contracts';
import type { CampaignInput } from '../../../workflows/campaign/contracts';
import { CAMPAIGN_KIND, CAMPAIGN_STEPS, CAMPAIGN_WORKFLOW, campaignWorkflowId } from '../../../workflows/campaign/contracts';
import type { screeningCampaignWorkflow } from '../../../workflows/campaign/campaign-workflow';
import type { ServiceContext } from '../context';
import { newProcessId } from '../ids';

/** What the county asks for. */
export interface LaunchCampaignRequest {
  name: string;
  /** YYYY-MM-DD (Beijing). */
  deadline: string;
  /** @default every village of the county that has a roster */
  villageCodes?: string[];
  processId?: string;
}

const DAY = 86_400_000;
const beijingToday = (now: number): string => new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);

/** Calendar days from today (Beijing) to the deadline; the limit ends with the deadline day. */
export function untilDeadline(deadline: string, now: number): TLimit {
  const days = Math.round((Date.parse(`${deadline}T00:00:00Z`) - Date.parse(`${beijingToday(now)}T00:00:00Z`)) / DAY);
  return { unit: 'CALENDAR_DAYS', amount: days };
}

/** Launches a campaign; returns its id and whether it was started now. */
export async function launchCampaign(ctx: ServiceContext, official: AuthOfficial, req: LaunchCampaignRequest, now = Date.now()): Promise<{ processId: string; started: boolean }> {
  if (official.role !== 'COUNTY' && official.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'only the county launches a screening campaign');
  const countyCode = official.regionCode;
  if (Number.isNaN(Date.parse(`${req.deadline}T00:00:00+08:00`)) || req.deadline < beijingToday(now)) {
    throw new AppError('POLICY_REFUSED', 'deadline: a date from today on', { field: 'deadline' });
  }
  const rostered = await ctx.prisma.rosterEntry.groupBy({ by: ['villageCode'], where: req.villageCodes ? { villageCode: { in: req.villageCodes } } : {}, _count: true });
  const withRoster = new Set(rostered.map((r) => r.villageCode));
  const codes = req.villageCodes ?? [...withRoster].sort();
  const villages: CampaignInput['villages'] = [];
  for (const code of codes) {
    const chain = await regionChain(ctx.prisma, code).catch(() => null);
    if (!chain || chain.countyCode !== countyCode) throw new AppError('POLICY_REFUSED', `villageCodes: ${code} is not a village of county ${countyCode}`, { field: 'villageCodes' });
    if (!withRoster.has(code)) throw new AppError('POLICY_REFUSED', `villageCodes: village ${code} has no roster; load it first (npm run setup -- roster)`, { field: 'villageCodes' });
    const r = await ctx.prisma.region.findUniqueOrThrow({ where: { code }, select: { name: true } });
    villages.push({ code, name: r.name, townshipCode: chain.townshipCode });
  }
  if (villages.length === 0) throw new AppError('POLICY_REFUSED', `villageCodes: no village of county ${countyCode} has a roster`, { field: 'villageCodes' });
  // Screening lifted households only (只排查脱贫户) is the seed's complaint: a roster of lifted households only is not the village's roster.
  const withOthers = new Set((await ctx.prisma.rosterEntry.groupBy({ by: ['villageCode'], where: { villageCode: { in: villages.map((v) => v.code) }, category: { not: 'LIFTED' } } })).map((r) => r.villageCode));
  const liftedOnly = villages.filter((v) => !withOthers.has(v.code));
  if (liftedOnly.length > 0) {
    throw new AppError('POLICY_REFUSED', `villageCodes: the roster of ${liftedOnly.map((v) => `${v.name} (${v.code})`).join(', ')} lists lifted households (脱贫户) only; every household of the village is screened: load the whole roster (npm run setup -- roster)`, { field: 'villageCodes' });
  }
  const gridRows = await ctx.prisma.grid.findMany({ where: { villageCode: { in: villages.map((v) => v.code) } }, orderBy: [{ villageCode: 'asc' }, { name: 'asc' }] });
  const used = new Set((await ctx.prisma.rosterEntry.groupBy({ by: ['gridId'], where: { villageCode: { in: villages.map((v) => v.code) } } })).map((g) => g.gridId));
  const grids: CampaignInput['grids'] = [];
  for (const g of gridRows.filter((x) => used.has(x.id))) {
    if (!g.workerId) throw new AppError('POLICY_REFUSED', `villageCodes: grid ${g.name} of village ${g.villageCode} has no grid worker (网格员)`, { field: 'villageCodes' });
    grids.push({ gridId: g.id, name: g.name, villageCode: g.villageCode, townshipCode: villages.find((v) => v.code === g.villageCode)!.townshipCode, workerId: g.workerId });
  }
  const townshipCodes = [...new Set(villages.map((v) => v.townshipCode))];
  const townships = await Promise.all(townshipCodes.map(async (code) => ({ code, name: (await ctx.prisma.region.findUnique({ where: { code }, select: { name: true } }))?.name ?? code })));

  const policy = ctx.policy;
  const configured = policy.processSteps?.[CAMPAIGN_KIND] ?? {};
  const toDeadline = untilDeadline(req.deadline, now);
  const processId = req.processId ?? newProcessId('PC', new Date(now));
  const input: CampaignInput = {
    processId, name: req.name, countyCode, deadline: req.deadline, grids, villages, townships,
    limits: { reminderLead: policy.reminderLead, escalationRepeat: policy.escalationRepeat },
    stepLimits: {
      [CAMPAIGN_STEPS.GRID]: configured[CAMPAIGN_STEPS.GRID] ?? toDeadline,
      [CAMPAIGN_STEPS.LEDGER]: configured[CAMPAIGN_STEPS.LEDGER] ?? toDeadline,
      [CAMPAIGN_STEPS.REVIEW]: processStepLimit(policy, CAMPAIGN_KIND, CAMPAIGN_STEPS.REVIEW),
      [CAMPAIGN_STEPS.SUMMARY]: processStepLimit(policy, CAMPAIGN_KIND, CAMPAIGN_STEPS.SUMMARY),
    },
    sampleSize: policy.screeningSampleSize ?? 5, launchedBy: official.id, policyVersion: policy.version, maxHistoryEvents: ctx.maxHistoryEvents,
  };
  const workflowId = campaignWorkflowId(processId);
  try {
    await ctx.temporal.workflow.executeUpdateWithStart(awaitProcessStartUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof screeningCampaignWorkflow>(CAMPAIGN_WORKFLOW, {
        workflowId, taskQueue: ctx.taskQueue, args: [input], workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `集中排查 campaign ${processId}`,
      }),
    });
    return { processId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { processId, started: false };
    throw err;
  }
}
