/**
 * Contracts of the 易地搬迁后扶 settlement checklist, shared by `api/`, `worker/` and `workflows/`.
 * Nothing here pulls in Prisma, the Temporal client, zod or Node built-ins.
 */
import type { Level } from '../contracts';
import type { TLimit } from '../policy';
import type { ProcessTaskLimits } from '../process-contracts';

/** Process kind of a settlement's checklist. */
export const SETTLEMENT_KIND = 'RELOCATION_SETTLEMENT';
/** Workflow type of a settlement's checklist. */
export const SETTLEMENT_WORKFLOW = 'settlementChecklistWorkflow';

/**
 * The checklist items (安置点信息清单): 党组织, 社区治理机构, 网格长与楼栋长, 服务中心与公共设施,
 * 物业管理, 权益保障. Each is a task with an owner and a deadline, completed with the data entered.
 */
export const SETTLEMENT_ITEMS = ['PARTY_ORGANISATION', 'GOVERNANCE_BODY', 'GRID_LEADERS', 'SERVICE_CENTRE', 'PROPERTY_MANAGEMENT', 'RIGHTS_PROTECTION'] as const;
export type SettlementItem = (typeof SETTLEMENT_ITEMS)[number];

/** Input of the checklist workflow, pinned at its start. */
export interface SettlementInput {
  processId: string;
  /** The settlement's name, e.g. 幸福家园安置点 (no personal data). */
  name: string;
  region: { villageCode?: string | null; townshipCode: string; countyCode: string };
  /** Who owns each item: a level (township by default) and optionally a named official. */
  owners: Partial<Record<SettlementItem, { level?: Level; officialId?: string }>>;
  itemLimits: Record<SettlementItem, TLimit>;
  limits: ProcessTaskLimits;
  requestedById: string;
  policyVersion?: string;
}

/** What the checklist workflow returns. */
export interface SettlementResult {
  processId: string;
  status: string;
  completed: number;
  late: number;
}
