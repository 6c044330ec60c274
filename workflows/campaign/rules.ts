/**
 * 集中排查规则 — the rules of a screening campaign, pure and unit-tested: who records a visit and
 * what it may say, when a grid may be submitted, when a village may close its ledger (台账: every
 * household settled, and not with lifted households only), what a township review must check,
 * and which steps open next. The workflow only wires them.
 */
import type { AnyTaskState } from '../blocks/task';
import { assertActsOnTask } from '../blocks/task-rules';
import type { Refusal } from '../refusals';
import { refuse } from '../refusals';
import type { ProcessStepRules } from '../process/transitions';
import type { ProcessDecision } from '../process-contracts';
import type { CampaignInput, RecordVisitArgs } from './contracts';
import { CAMPAIGN_STEPS, FINAL_RESULTS, VISIT_RESULTS } from './contracts';

/** Progress of a grid. */
export interface GridProgress {
  villageCode: string;
  workerId: string;
  taskId: string | null;
  total: number;
  /** Households with a final result (not NOT_HOME, not unvisited). */
  settled: number;
  /** The grid worker submitted the grid (task done). */
  submitted: boolean;
}

/** Progress of a village. */
export interface VillageProgress {
  townshipCode: string;
  taskId: string | null;
  total: number;
  settled: number;
  /** Settled households that are not lifted (脱贫户): screening lifted households only is refused. */
  nonLiftedSettled: number;
  closed: boolean;
  /**
   * Grids of the village the township sent back for a re-check (退回重新排查): the ledger closes
   * again only once each of them is submitted again. Absent until a return.
   */
  recheckGrids?: string[];
}

/** Progress of a township. */
export interface TownshipProgress {
  taskId: string | null;
  /** Households drawn for the check visit. */
  sampled: number;
  reviewed: boolean;
}

/** The campaign's own state beside the process core's. */
export interface CampaignState {
  grids: Record<string, GridProgress>;
  villages: Record<string, VillageProgress>;
  townships: Record<string, TownshipProgress>;
  summaryTaskId: string | null;
  summarised: boolean;
  /** Decisions already taken into this state (task ids). */
  handled: string[];
}

/** Counts the database reports after a commit (only the grids and villages it touched). */
export interface CampaignCounts {
  grids: Record<string, { total: number; settled: number }>;
  villages: Record<string, { total: number; settled: number; nonLiftedSettled: number }>;
}

/** The state at the launch: every grid, village and township, nothing counted yet. */
export function initialCampaignState(input: Pick<CampaignInput, 'grids' | 'villages' | 'townships'>): CampaignState {
  return {
    grids: Object.fromEntries(input.grids.map((g) => [g.gridId, { villageCode: g.villageCode, workerId: g.workerId, taskId: null, total: 0, settled: 0, submitted: false }])),
    villages: Object.fromEntries(input.villages.map((v) => [v.code, { townshipCode: v.townshipCode, taskId: null, total: 0, settled: 0, nonLiftedSettled: 0, closed: false }])),
    townships: Object.fromEntries(input.townships.map((t) => [t.code, { taskId: null, sampled: 0, reviewed: false }])),
    summaryTaskId: null, summarised: false, handled: [],
  };
}

/** The state with the counts a commit reported. */
export function withCounts(s: CampaignState, c: CampaignCounts | undefined): CampaignState {
  if (!c) return s;
  const grids = { ...s.grids };
  for (const [id, n] of Object.entries(c.grids)) if (grids[id]) grids[id] = { ...grids[id], ...n };
  const villages = { ...s.villages };
  for (const [code, n] of Object.entries(c.villages)) if (villages[code]) villages[code] = { ...villages[code], ...n };
  return { ...s, grids, villages };
}

/** Whether a result settles a household. */
export function isFinalResult(r: string | null | undefined): boolean {
  return !!r && (FINAL_RESULTS as readonly string[]).includes(r);
}

/**
 * Refuses a visit the campaign does not take: an unknown grid, a submitted one, an official who is
 * not the grid's worker (or a stand-in), an unknown result, a risk found without its case.
 */
export function validateVisit(s: CampaignState, openTasks: AnyTaskState[], a: RecordVisitArgs): void {
  const grid = s.grids[a.gridId];
  if (!grid) refuse('NOT_FOUND', `gridId: grid ${a.gridId} is not part of this campaign`, 'gridId');
  if (grid.submitted) refuse('WRONG_STATE', `grid ${a.gridId} was submitted; its ledger takes no more visits`);
  const task = openTasks.find((t) => t.taskId === grid.taskId);
  if (!task) refuse('WRONG_STATE', `grid ${a.gridId} has no open screening task`);
  assertActsOnTask(task, a.actor);
  if (!(VISIT_RESULTS as readonly string[]).includes(a.result)) refuse('ACTION_NOT_ALLOWED', `result: one of ${VISIT_RESULTS.join(', ')}`, 'result');
  if (a.result === 'RISK_FOUND' && !a.caseId) refuse('CRITERIA_NOT_MET', 'caseId: a risk found starts a lead; its case is required', 'caseId');
  if (a.result !== 'RISK_FOUND' && a.caseId) refuse('ACTION_NOT_ALLOWED', 'caseId: only a risk found names a case', 'caseId');
  if (a.note !== undefined && a.note.length > 500) refuse('ACTION_NOT_ALLOWED', 'note: at most 500 characters', 'note');
}

/** Why a grid cannot be submitted yet, or null: every household needs a final result (not at home means revisit). */
export function gridSubmitRefusal(g: GridProgress): Refusal | null {
  const missing = g.total - g.settled;
  if (missing > 0) return { code: 'CRITERIA_NOT_MET', message: `${missing} household(s) of the grid have no result yet (not visited or not at home: revisit)`, field: 'households' };
  return null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const beijingDate = (now: number): string => new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Why a village cannot close its ledger (台账), or null: a household without a final result, a
 * village whose settled households are all lifted ones (脱贫户 only — the seed's complaint), an
 * empty roster, or a meeting record (会议记录) that is incomplete or dated in the future.
 */
export function ledgerCloseRefusal(v: VillageProgress, data: Record<string, unknown>, now: number, grids: Record<string, GridProgress> = {}): Refusal | null {
  const pending = (v.recheckGrids ?? []).filter((id) => grids[id] && !grids[id].submitted);
  if (pending.length > 0) return { code: 'CRITERIA_NOT_MET', message: `${pending.length} grid(s) returned for a re-check have not been submitted again`, field: 'grids' };
  if (v.total === 0) return { code: 'CRITERIA_NOT_MET', message: 'the village has no households in the roster: load its roster first', field: 'households' };
  const missing = v.total - v.settled;
  if (missing > 0) return { code: 'CRITERIA_NOT_MET', message: `${missing} household(s) of the village have no result yet: the ledger closes only when every household has one`, field: 'households' };
  if (v.nonLiftedSettled === 0) return { code: 'CRITERIA_NOT_MET', message: 'only lifted households (脱贫户) were screened: every household of the village must be', field: 'households' };
  if (typeof data.meetingOn !== 'string' || !DATE.test(data.meetingOn) || Number.isNaN(Date.parse(`${data.meetingOn}T00:00:00+08:00`))) {
    return { code: 'INVALID_DATE', message: 'data.meetingOn: the meeting date YYYY-MM-DD', field: 'data.meetingOn' };
  }
  if (data.meetingOn > beijingDate(now)) return { code: 'INVALID_DATE', message: 'data.meetingOn: cannot be in the future', field: 'data.meetingOn' };
  if (!Number.isInteger(data.attendees) || (data.attendees as number) < 1 || (data.attendees as number) > 1000) {
    return { code: 'ACTION_NOT_ALLOWED', message: 'data.attendees: the number of attendees (1–1000)', field: 'data.attendees' };
  }
  if (typeof data.minutes !== 'string' || data.minutes.trim() === '') return { code: 'REASON_REQUIRED', message: 'data.minutes: the meeting minutes', field: 'data.minutes' };
  return null;
}

/**
 * Why a township review cannot pass (or return), or null: every sampled household must be checked
 * to pass; discrepancies at most the checked. A return (退回) names the villages to re-check — each
 * a village of this township in the campaign — and needs no full check (the first wrong household
 * is reason enough).
 */
export function reviewRefusal(t: TownshipProgress, data: Record<string, unknown>, ret?: { s: CampaignState; townshipCode: string }): Refusal | null {
  if (!Number.isInteger(data.checked) || (data.checked as number) < 0) return { code: 'ACTION_NOT_ALLOWED', message: 'data.checked: households checked', field: 'data.checked' };
  if (ret) {
    const codes = data.returnVillages;
    if (!Array.isArray(codes) || codes.length === 0) return { code: 'REASON_REQUIRED', message: 'data.returnVillages: the village(s) that must re-check', field: 'data.returnVillages' };
    const wrong = codes.filter((c) => typeof c !== 'string' || ret.s.villages[c]?.townshipCode !== ret.townshipCode);
    if (wrong.length > 0) return { code: 'ACTION_NOT_ALLOWED', message: `data.returnVillages: ${wrong.map(String).join(', ')} is not a village of township ${ret.townshipCode} in this campaign`, field: 'data.returnVillages' };
  } else if ((data.checked as number) < t.sampled) return { code: 'CRITERIA_NOT_MET', message: `data.checked: all ${t.sampled} sampled household(s) must be checked`, field: 'data.checked' };
  if (!Number.isInteger(data.discrepancies) || (data.discrepancies as number) < 0 || (data.discrepancies as number) > (data.checked as number)) {
    return { code: 'ACTION_NOT_ALLOWED', message: 'data.discrepancies: between 0 and the households checked', field: 'data.discrepancies' };
  }
  return null;
}

/** Townships whose villages have all closed their ledgers and whose review is not open yet. */
export function townshipsReadyForReview(s: CampaignState): string[] {
  return Object.entries(s.townships)
    .filter(([code, t]) => t.taskId === null && Object.values(s.villages).filter((v) => v.townshipCode === code).every((v) => v.closed))
    .map(([code]) => code);
}

/** Whether the county summary opens now: every township reviewed, no summary task yet. */
export function readyForSummary(s: CampaignState): boolean {
  return s.summaryTaskId === null && Object.values(s.townships).every((t) => t.reviewed);
}

/** The grid, village or township a task belongs to. */
export function ownerOfTask(s: CampaignState, taskId: string): { kind: 'grid' | 'village' | 'township'; id: string } | null {
  for (const [id, g] of Object.entries(s.grids)) if (g.taskId === taskId) return { kind: 'grid', id };
  for (const [id, v] of Object.entries(s.villages)) if (v.taskId === taskId) return { kind: 'village', id };
  for (const [id, t] of Object.entries(s.townships)) if (t.taskId === taskId) return { kind: 'township', id };
  return null;
}

/** The state after a decision of one of the campaign's tasks (grid submitted, ledger closed, review passed, summary read). */
export function withDecision(s: CampaignState, taskId: string): CampaignState {
  if (s.handled.includes(taskId)) return s;
  const next: CampaignState = { ...s, handled: [...s.handled, taskId] };
  const owner = ownerOfTask(s, taskId);
  if (owner?.kind === 'grid') next.grids = { ...s.grids, [owner.id]: { ...s.grids[owner.id], submitted: true } };
  else if (owner?.kind === 'village') next.villages = { ...s.villages, [owner.id]: { ...s.villages[owner.id], closed: true } };
  else if (owner?.kind === 'township') next.townships = { ...s.townships, [owner.id]: { ...s.townships[owner.id], reviewed: true } };
  else if (taskId === s.summaryTaskId) next.summarised = true;
  return next;
}

/** Whether a decision is a township review returned (退回) to its villages. */
export function isReviewReturn(d: Pick<ProcessDecision, 'step' | 'action'>): boolean {
  return d.step === CAMPAIGN_STEPS.REVIEW && d.action === 'RETURN';
}

/**
 * What a township's return reopens: the villages it names (their ledger) and, when the township
 * asks for the households to be visited again (`recheckGrids`), every grid of those villages.
 */
export function returnPlan(s: CampaignState, d: Pick<ProcessDecision, 'data'>): { villages: string[]; grids: string[] } {
  const villages = [...new Set((d.data.returnVillages as string[] | undefined) ?? [])].filter((c) => s.villages[c]).sort();
  const grids = d.data.recheckGrids === true ? Object.entries(s.grids).filter(([, g]) => villages.includes(g.villageCode)).map(([id]) => id).sort() : [];
  return { villages, grids };
}

/**
 * The state after a township's return: the review is open again (a new one opens once its villages
 * close again, with the same sample), the villages' ledgers and the grids named reopen with the
 * tasks the return opened, and a village closes again only after its returned grids.
 */
export function withReturn(s: CampaignState, d: Pick<ProcessDecision, 'taskId' | 'data'>, opened: { villages: Record<string, string>; grids: Record<string, string> }): CampaignState {
  if (s.handled.includes(d.taskId)) return s;
  const owner = ownerOfTask(s, d.taskId);
  const next: CampaignState = { ...s, handled: [...s.handled, d.taskId], grids: { ...s.grids }, villages: { ...s.villages }, townships: { ...s.townships } };
  if (owner?.kind === 'township') next.townships[owner.id] = { ...s.townships[owner.id], taskId: null, reviewed: false };
  for (const [id, taskId] of Object.entries(opened.grids)) next.grids[id] = { ...s.grids[id], taskId, submitted: false };
  for (const [code, taskId] of Object.entries(opened.villages)) {
    const recheck = Object.keys(opened.grids).filter((id) => s.grids[id]?.villageCode === code);
    next.villages[code] = { ...s.villages[code], taskId, closed: false, recheckGrids: recheck };
  }
  return next;
}

/** Options of {@link campaignStepRules}. */
export interface CampaignRuleOptions {
  /** The township may return (退回) its review to villages (campaigns started from release 0.4.0 on). */
  reviewReturn?: boolean;
}

/** The step rules of a campaign; `get` reads the campaign state at the time of the decision. */
export function campaignStepRules(get: () => CampaignState, opts: CampaignRuleOptions = {}): ProcessStepRules {
  const refusalFor = (taskId: string, check: (owner: { kind: string; id: string }, s: CampaignState) => Refusal | null): Refusal | null => {
    const s = get();
    const owner = ownerOfTask(s, taskId);
    return owner ? check(owner, s) : { code: 'TASK_NOT_OPEN', message: `task ${taskId} is not a task of this campaign` };
  };
  return {
    [CAMPAIGN_STEPS.GRID]: {
      actions: ['DONE'],
      check: (d) => refusalFor(d.taskId, (o, s) => gridSubmitRefusal(s.grids[o.id])),
      auditAction: () => 'GRID_SUBMITTED',
    },
    [CAMPAIGN_STEPS.LEDGER]: {
      actions: ['DONE'],
      check: (d, now) => refusalFor(d.taskId, (o, s) => ledgerCloseRefusal(s.villages[o.id], d.data, now, s.grids)),
      auditAction: () => 'MEETING_RECORDED',
      onDecision: (d, draft) => {
        const owner = ownerOfTask(get(), d.taskId);
        if (!owner) return;
        const v = get().villages[owner.id];
        draft.event({
          action: 'LEDGER_CLOSED', actorId: d.actorId,
          data: { villageCode: owner.id, townshipCode: v.townshipCode, meetingOn: d.data.meetingOn, attendees: d.data.attendees, minutes: d.data.minutes },
        });
      },
    },
    [CAMPAIGN_STEPS.REVIEW]: {
      actions: opts.reviewReturn ? ['APPROVE', 'RETURN'] : ['APPROVE'],
      check: (d) => refusalFor(d.taskId, (o, s) => reviewRefusal(s.townships[o.id], d.data, d.action === 'RETURN' ? { s, townshipCode: o.id } : undefined)),
      auditAction: (d) => (isReviewReturn(d) ? 'REVIEW_RETURNED' : 'REVIEW_PASSED'),
    },
    [CAMPAIGN_STEPS.SUMMARY]: {
      actions: ['DONE'],
      auditAction: () => 'SUMMARY_CONFIRMED',
    },
  };
}
