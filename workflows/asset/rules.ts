/**
 * 帮扶项目资产规则 — the pure rules of DESIGN §5.2 for project assets: classes, the inspection
 * (管护巡查) interval by asset kind, when an inspection is overdue, and when an income-producing
 * (经营性) asset is idle (闲置). Workflow-safe and pure.
 */
import type { TLimit } from '../policy';

/** 资产类别 — 经营性 (income-producing), 公益性 (public), 到户类 (given to households). */
export const ASSET_CLASSES = ['INCOME', 'PUBLIC', 'HOUSEHOLD'] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];

/** Inspection intervals: default quarterly, solar stations (光伏电站) monthly. */
export interface InspectionPolicy {
  every: TLimit;
  /** Intervals by asset kind (e.g. SOLAR). */
  byKind: Record<string, TLimit>;
}

/** The defaults of §5.2. */
export const DEFAULT_INSPECTION_POLICY: InspectionPolicy = {
  every: { unit: 'MONTHS', amount: 3 },
  byKind: { SOLAR: { unit: 'MONTHS', amount: 1 } },
};

/** Months without income after which an income asset is idle. @default 6 */
export const DEFAULT_IDLE_AFTER_MONTHS = 6;

/** The inspection interval of an asset kind. */
export function inspectionEvery(kind: string, p: InspectionPolicy = DEFAULT_INSPECTION_POLICY): TLimit {
  return p.byKind[kind] ?? p.every;
}

/** Whether an inspection is overdue at `nowMs` (due at `dueMs`, not yet done). */
export function inspectionOverdue(dueMs: number, inspectedAtMs: number | null, nowMs: number): boolean {
  return inspectedAtMs === null && nowMs >= dueMs;
}

/** Whole months from date `from` to date `to` (YYYY-MM-DD), counting a month only once its day is reached. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  let months = (ty - fy) * 12 + (tm - fm);
  if (td < fd) months -= 1;
  return months;
}

/**
 * 闲置 — an income-producing asset is idle when its last income (or, without any, its handover)
 * lies `idleAfterMonths` or more months before `today`. Other classes are never idle by this rule.
 */
export function isIdleIncomeAsset(a: { assetClass: AssetClass; lastIncomeOn: string | null; handedOverOn: string }, today: string, idleAfterMonths: number = DEFAULT_IDLE_AFTER_MONTHS): boolean {
  if (a.assetClass !== 'INCOME') return false;
  return monthsBetween(a.lastIncomeOn ?? a.handedOverOn, today) >= idleAfterMonths;
}

/** 主管层级 — the level that manages an asset (village, township for assets across villages, county department). */
export const MANAGING_LEVELS = ['VILLAGE', 'TOWNSHIP', 'COUNTY'] as const;
export type ManagingLevel = (typeof MANAGING_LEVELS)[number];

/** 所有权人类型 — a village collective (村集体经济组织), the township, a county department (行业主管部门), or the households (到户类). */
export type OwnerType = 'VILLAGE_COLLECTIVE' | 'TOWNSHIP' | 'DEPARTMENT' | 'HOUSEHOLDS';

/** Who owns an asset and which level confirms it (确权). */
export interface ResponsibleOwner {
  ownerType: OwnerType;
  /** The level whose official confirms the ownership and receives the asset. */
  level: ManagingLevel;
}

/**
 * 谁主管谁负责 — the owner of an asset follows its class and managing level: an asset given to
 * households (到户类) is the households', confirmed by their village on their behalf; any other is
 * owned by the level that manages it — the village collective, the township (assets across
 * villages), or the county's competent department.
 */
export function responsibleOwner(assetClass: AssetClass, managingLevel: ManagingLevel = 'VILLAGE'): ResponsibleOwner {
  if (assetClass === 'HOUSEHOLD') return { ownerType: 'HOUSEHOLDS', level: 'VILLAGE' };
  if (managingLevel === 'COUNTY') return { ownerType: 'DEPARTMENT', level: 'COUNTY' };
  if (managingLevel === 'TOWNSHIP') return { ownerType: 'TOWNSHIP', level: 'TOWNSHIP' };
  return { ownerType: 'VILLAGE_COLLECTIVE', level: 'VILLAGE' };
}

/** The owner's name the rule proposes before 确权 (the owner confirms or corrects it), in Chinese. */
export function proposedOwnerName(ownerType: OwnerType, names: { village: string; township: string }): string {
  switch (ownerType) {
    case 'HOUSEHOLDS': return `${names.village}受益农户`;
    case 'TOWNSHIP': return `${names.township}人民政府`;
    case 'DEPARTMENT': return '县级行业主管部门';
    default: return `${names.village}村集体经济组织`;
  }
}
