/**
 * 项目流程步骤规则 — what each step of a fund project takes and does (DESIGN §5.2): the township's
 * six checks, the county's appraisal and decision, the approval, the start of works, the monthly
 * progress report with its pace check (a report behind the pace opens a 整改 task for the township
 * in the same commit), acceptance, asset registration and the two-sided handover. Pure.
 */
import type { Refusal } from '../refusals';
import type { ProcessStepRules } from '../process/transitions';
import type { ProcessDraft } from '../process/draft';
import type { ProjectObjectionArgs, ProjectPolicy } from './contracts';
import type { ProcessCoreState } from '../process/state';
import { refuse } from '../refusals';
import { PROJECT_STEPS as S } from './contracts';
import { behindPaceEffects, beijingDate, checkPace, isDate, nextBehindStreak } from './rules';
import type { AssetClass, ManagingLevel } from '../asset/rules';
import { ASSET_CLASSES, MANAGING_LEVELS } from '../asset/rules';
import { assetProcessId } from '../asset/contracts';

/** 乡镇审核六项 — the six checks of the township review. */
export const TOWNSHIP_CHECKS = ['authenticity', 'necessity', 'feasibility', 'budgetEstimate', 'farmerLinkage', 'performanceTargets'] as const;

const DAY_MS = 86_400_000;

function text(data: Record<string, unknown>, field: string, max: number, required: boolean): Refusal | null {
  const v = data[field];
  if (v === undefined || v === null || v === '') return required ? { code: 'REASON_REQUIRED', message: `data.${field}: required`, field: `data.${field}` } : null;
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) return { code: 'ACTION_NOT_ALLOWED', message: `data.${field}: a text of at most ${max} characters`, field: `data.${field}` };
  return null;
}

function pastDate(data: Record<string, unknown>, field: string, now: number): Refusal | null {
  const v = data[field];
  if (!isDate(v)) return { code: 'INVALID_DATE', message: `data.${field}: a date YYYY-MM-DD`, field: `data.${field}` };
  if (v > beijingDate(now + DAY_MS)) return { code: 'INVALID_DATE', message: `data.${field}: cannot be in the future`, field: `data.${field}` };
  return null;
}

function int(data: Record<string, unknown>, field: string, min: number, max: number): Refusal | null {
  const v = data[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return { code: 'ACTION_NOT_ALLOWED', message: `data.${field}: a whole number from ${min} to ${max}`, field: `data.${field}` };
  return null;
}

/** Ends the project when a level rejects it. */
function rejectEnds(d: { action: string }, draft: ProcessDraft): void {
  if (d.action === 'REJECT') draft.finish('REJECTED');
}

/** Refuses an objection outside a notice, or without a text. */
export function validateProjectObjection(s: ProcessCoreState, args: ProjectObjectionArgs): void {
  if (s.finished || (s.status !== 'IN_NOTICE' && s.status !== 'IN_ANNOUNCEMENT')) refuse('WRONG_STATE', 'objections are taken only during the village notice or the county announcement');
  if (typeof args.text !== 'string' || args.text.trim() === '' || args.text.length > 1000) refuse('REASON_REQUIRED', 'text: the objection (1 to 1000 characters)', 'text');
}

/** 公示异议: recorded, and an investigation opens (township during the village notice, county during the announcement). */
export function fileProjectObjection(d: ProcessDraft, args: ProjectObjectionArgs, policy: ProjectPolicy): void {
  d.event({ action: 'OBJECTION_FILED', actorId: args.actor.id, comment: args.text.trim() });
  d.openTask({ step: S.INVESTIGATION, level: d.s.status === 'IN_NOTICE' ? 'TOWNSHIP' : 'COUNTY', limit: policy.steps[S.INVESTIGATION] });
}

/** The facts of a project the steps keep in the process data. */
export interface ProjectFacts {
  budgetFen: number;
  paidFen: number;
  physicalPct: number;
  startedOn: string | null;
  behindStreak: number;
  behind: boolean;
  notStartedFlagged: boolean;
}

/** The step rules of a fund project with budget `budgetFen` under `policy`. */
export function projectRules(budgetFen: number, policy: ProjectPolicy): ProcessStepRules {
  return {
    [S.TOWNSHIP_REVIEW]: {
      actions: ['APPROVE', 'REJECT', 'RETURN'],
      check: (d) => {
        if (d.action !== 'APPROVE') return null;
        const missing = TOWNSHIP_CHECKS.find((c) => d.data[c] !== true);
        return missing ? { code: 'CRITERIA_NOT_MET', message: `data.${missing}: all six checks must pass to approve`, field: `data.${missing}` } : null;
      },
      auditAction: (d) => (d.action === 'APPROVE' ? 'TOWNSHIP_REVIEW_PASSED' : d.action === 'REJECT' ? 'REJECTED' : 'RETURNED'),
      onDecision: (d, draft) => {
        if (d.action === 'APPROVE') draft.setData({ townshipChecks: Object.fromEntries(TOWNSHIP_CHECKS.map((c) => [c, true])) });
        rejectEnds(d, draft);
      },
    },
    [S.REVISE_PROPOSAL]: { actions: ['DONE'], check: (d) => text(d.data, 'note', 1000, true) },
    [S.COUNTY_APPRAISAL]: { actions: ['APPROVE', 'REJECT', 'RETURN'], check: (d) => text(d.data, 'opinion', 1000, false), onDecision: rejectEnds },
    [S.COUNTY_DECISION]: { actions: ['APPROVE', 'REJECT', 'RETURN'], check: (d) => text(d.data, 'opinion', 1000, false), onDecision: rejectEnds },
    [S.APPROVAL]: {
      actions: ['APPROVE'],
      check: (d) => text(d.data, 'approvalNo', 100, true),
      auditAction: () => 'PROJECT_APPROVED',
      onDecision: (d, draft) => draft.setData({ approvalNo: d.data.approvalNo, approvedAt: d.at }),
    },
    [S.START_WORKS]: {
      actions: ['DONE'],
      check: (d, now) => pastDate(d.data, 'startedOn', now),
      auditAction: () => 'WORKS_STARTED',
      onDecision: (d, draft) => {
        draft.setData({ startedOn: d.data.startedOn });
        draft.setStatus('IN_PROGRESS', S.PROGRESS_REPORT);
      },
    },
    [S.PROGRESS_REPORT]: {
      actions: ['DONE'],
      check: (d, now) => pastDate(d.data, 'asOf', now) ?? int(d.data, 'physicalPct', 0, 100) ?? int(d.data, 'paidFen', 0, budgetFen),
      auditAction: () => 'PROGRESS_REPORTED',
      onDecision: (d, draft) => {
        const paidFen = d.data.paidFen as number;
        const pace = checkPace({ budgetFen, paidFen }, d.data.asOf as string, policy.paceCurve);
        const streak = nextBehindStreak(Number(draft.s.data.behindStreak ?? 0), pace.behind);
        const fx = behindPaceEffects(streak, policy.behindMonthsForInterview);
        draft.setData({ paidFen, physicalPct: d.data.physicalPct, lastPace: pace, behind: pace.behind, behindStreak: streak });
        if (fx.remind) {
          draft.event({ action: 'BEHIND_PACE', data: { ...pace, streak } });
          draft.openTask({ step: S.PACE_RECOVERY, level: 'TOWNSHIP', limit: policy.steps[S.PACE_RECOVERY] });
        }
        if (fx.interview) draft.setData({ interviewsDue: Number(draft.s.data.interviewsDue ?? 0) + 1 });
      },
    },
    [S.PACE_RECOVERY]: { actions: ['DONE'], check: (d) => text(d.data, 'measures', 1000, true), auditAction: () => 'PACE_RECOVERY_REPORTED' },
    [S.ACCEPTANCE]: {
      actions: ['APPROVE', 'RETURN'],
      check: (d, now) => (d.action === 'APPROVE' ? pastDate(d.data, 'acceptedOn', now) ?? text(d.data, 'record', 2000, true) : null),
      auditAction: (d) => (d.action === 'APPROVE' ? 'PROJECT_ACCEPTED' : 'RETURNED'),
      onDecision: (d, draft) => {
        if (d.action === 'APPROVE') draft.setData({ acceptance: { acceptedOn: d.data.acceptedOn, record: d.data.record } });
      },
    },
    [S.ASSET_REGISTRATION]: {
      actions: ['DONE'],
      check: (d) => checkRegisteredAssets(d.data),
      auditAction: () => 'ASSET_REGISTERED',
      onDecision: (d, draft) => {
        const assets = assetsOfRegistration(d.data);
        draft.setData({ asset: assets[0], ...(assets.length > 1 || Array.isArray(d.data.assets) ? { assets } : {}) });
      },
    },
    [S.INVESTIGATION]: {
      actions: ['APPROVE', 'RETURN', 'REJECT'],
      auditAction: (d) => (d.action === 'APPROVE' ? 'OBJECTION_DISMISSED' : d.action === 'RETURN' ? 'OBJECTION_UPHELD_RETURNED' : 'OBJECTION_UPHELD_REJECTED'),
      onDecision: (d, draft) => {
        if (d.action === 'RETURN') draft.setData({ objectionUpheld: true });
        rejectEnds(d, draft);
      },
    },
    [S.HANDOVER_OUT]: { actions: ['DONE'], auditAction: () => 'HANDOVER_CONFIRMED_OUT' },
    [S.HANDOVER_IN]: { actions: ['DONE'], auditAction: () => 'HANDOVER_CONFIRMED_IN' },
  };
}

/** Most assets one registration lists. */
export const MAX_ASSETS_PER_PROJECT = 50;

function checkOneAsset(a: Record<string, unknown>, at: string): Refusal | null {
  const r = text(a, 'assetName', 200, true)
    ?? (ASSET_CLASSES.includes(a.assetClass as never) ? null : { code: 'ACTION_NOT_ALLOWED', message: `data.assetClass: one of ${ASSET_CLASSES.join(', ')}`, field: 'data.assetClass' })
    ?? int(a, 'valueFen', 0, 1e13) ?? text(a, 'assetKind', 40, false)
    ?? (a.managingLevel === undefined || MANAGING_LEVELS.includes(a.managingLevel as never) ? null
      : { code: 'ACTION_NOT_ALLOWED', message: `data.managingLevel: one of ${MANAGING_LEVELS.join(', ')}`, field: 'data.managingLevel' });
  if (!r || !at) return r;
  const field = r.field?.replace(/^data\./, `data.${at}.`);
  return { ...r, field, message: r.message.replace(/^data\./, `data.${at}.`) };
}

const CLASS_WORDS: Record<string, AssetClass> = { 经营性: 'INCOME', 公益性: 'PUBLIC', 到户类: 'HOUSEHOLD' };
const LEVEL_WORDS: Record<string, ManagingLevel> = { 村: 'VILLAGE', 村级: 'VILLAGE', 乡镇: 'TOWNSHIP', 乡镇级: 'TOWNSHIP', 县: 'COUNTY', 县级: 'COUNTY' };

/**
 * The further assets of the task-link form: one per line, `名称|类别|价值（分）[|种类][|主管层级]`
 * (类别 经营性/公益性/到户类 or INCOME/PUBLIC/HOUSEHOLD; 层级 村/乡镇/县 or VILLAGE/TOWNSHIP/COUNTY).
 * Lines become assets in the API's shape; a line that is not one keeps its text so the check names it.
 */
export function parseAssetLines(text: string): Record<string, unknown>[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').map((line) => {
    const [name, cls, value, kind, level] = line.split(/[|｜]/).map((x) => x.trim());
    const fen = /^\d{1,13}$/.test(value ?? '') ? Number(value) : value;
    return {
      assetName: name, assetClass: CLASS_WORDS[cls] ?? cls, valueFen: fen,
      ...(kind ? { assetKind: kind } : {}), ...(level ? { managingLevel: LEVEL_WORDS[level] ?? level } : {}),
    };
  });
}

/**
 * 资产登记 takes one asset (assetName, assetClass, valueFen …, plus further ones as lines of
 * `moreAssets` on the form) or a list `assets` of them (the API); each is checked, the field named by its place.
 */
export function checkRegisteredAssets(data: Record<string, unknown>): Refusal | null {
  if (data.assets === undefined) {
    const first = checkOneAsset(data, '');
    if (first || data.moreAssets === undefined || data.moreAssets === '') return first;
    if (typeof data.moreAssets !== 'string' || data.moreAssets.length > 10_000) return { code: 'ACTION_NOT_ALLOWED', message: 'data.moreAssets: lines of text', field: 'data.moreAssets' };
    const lines = parseAssetLines(data.moreAssets);
    if (lines.length + 1 > MAX_ASSETS_PER_PROJECT) return { code: 'ACTION_NOT_ALLOWED', message: `data.moreAssets: at most ${MAX_ASSETS_PER_PROJECT - 1} further assets`, field: 'data.moreAssets' };
    for (const [i, a] of lines.entries()) {
      const r = checkOneAsset(a, '');
      // CRITERIA_NOT_MET: the task-link page shows this message (the line and what is wrong), not only the code's sentence.
      if (r) return { code: 'CRITERIA_NOT_MET', field: 'data.moreAssets', message: `data.moreAssets line ${i + 1} (名称|类别|价值（分）|种类|主管层级): ${r.message}` };
    }
    return null;
  }
  const list = data.assets;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ASSETS_PER_PROJECT) {
    return { code: 'ACTION_NOT_ALLOWED', message: `data.assets: a list of 1 to ${MAX_ASSETS_PER_PROJECT} assets`, field: 'data.assets' };
  }
  for (const [i, a] of list.entries()) {
    if (typeof a !== 'object' || a === null) return { code: 'ACTION_NOT_ALLOWED', message: `data.assets.${i}: an asset`, field: `data.assets.${i}` };
    const r = checkOneAsset(a as Record<string, unknown>, `assets.${i}`);
    if (r) return r;
  }
  return null;
}

type StoredAsset = { name: string; assetClass: AssetClass; valueFen: number; kind: string; managingLevel: ManagingLevel };

/** The assets of a registration's (checked) data, as the project keeps them. */
export function assetsOfRegistration(data: Record<string, unknown>): StoredAsset[] {
  const more = typeof data.moreAssets === 'string' ? parseAssetLines(data.moreAssets) : [];
  const list = (Array.isArray(data.assets) ? data.assets : [data, ...more]) as Record<string, unknown>[];
  return list.map((a) => ({
    name: String(a.assetName), assetClass: a.assetClass as AssetClass, valueFen: a.valueFen as number, kind: (a.assetKind as string | undefined) ?? 'GENERAL',
    managingLevel: (a.managingLevel as ManagingLevel | undefined) ?? 'VILLAGE',
  }));
}

/** An asset a project registered (资产登记), with its reference and process id. */
export interface RegisteredAsset {
  reference: string;
  assetId: string;
  name: string;
  assetClass: AssetClass;
  valueFen: number;
  kind: string;
  managingLevel: ManagingLevel;
}

/**
 * The assets a project registered, from its data: one keeps the project's reference, several are
 * numbered `<reference>-1`, `<reference>-2` … in the order listed.
 */
export function registeredAssets(data: Record<string, unknown>, reference: string): RegisteredAsset[] {
  type Stored = { name: string; assetClass: AssetClass; valueFen: number; kind?: string; managingLevel?: ManagingLevel };
  const list = (Array.isArray(data.assets) ? data.assets : data.asset ? [data.asset] : []) as Stored[];
  return list.map((a, i) => {
    const ref = list.length === 1 ? reference : `${reference}-${i + 1}`;
    return { reference: ref, assetId: assetProcessId(ref), name: a.name, assetClass: a.assetClass, valueFen: a.valueFen, kind: a.kind ?? 'GENERAL', managingLevel: a.managingLevel ?? 'VILLAGE' };
  });
}
