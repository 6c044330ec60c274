/**
 * 项目库与资产台账导入 — bulk import of a county's existing fund projects and asset ledger from
 * CSV (UTF-8 or GBK as Excel saves it, read by the setup files' reader). Every row is validated by
 * the same schema as its API route and reported on its own line; a row starts its workflow, and
 * the same reference again starts nothing new (`ALREADY_IMPORTED`), so an import is idempotent.
 * Imported projects enter at implementation (their approval happened before Bangfu).
 */
import type { z } from 'zod';
import type { AuthOfficial } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import type { ServiceContext } from './context';
import { readTableFile } from './read-table-file';
import { proposeProject } from './start-project';
import { registerAsset } from './start-asset';
import { ZProposeProjectRequestSchema } from '../routes/projects/projects.types';
import { ZRegisterAssetRequestSchema } from '../routes/assets/assets.types';
import { fenOf } from '../../workflows/project/rules';
import { mapInOrder } from './map-in-order';

/** What happened to one row. */
export type FundImportOutcome = 'STARTED' | 'ALREADY_IMPORTED' | 'REJECTED' | 'FAILED';

/** The report of one row: `line` is the file line the row starts on (the header is line 1). */
export interface FundImportRow {
  line: number;
  reference: string | null;
  outcome: FundImportOutcome;
  processId?: string;
  field?: string;
  reason?: string;
}

/** The report of an import. */
export interface FundImportReport {
  encoding: string;
  ignoredColumns: string[];
  rows: FundImportRow[];
  summary: Record<FundImportOutcome, number> & { rows: number };
}

/** Project columns: canonical name → accepted headers. */
export const PROJECT_COLUMNS = {
  reference: ['项目编号'], name: ['项目名称'], type: ['项目类型'], villageCode: ['村代码'], location: ['建设地点'], budgetYuan: ['预算（元）', '预算(元)', '项目预算'],
  fundingSource: ['资金来源'], beneficiaries: ['受益人数', '受益户数'], farmerLinkage: ['联农带农机制', '联农带农'], performanceTargets: ['绩效目标'], year: ['年度'],
  startedOn: ['开工日期'], paidYuan: ['已支付（元）', '已支付(元)'], physicalPct: ['形象进度', '形象进度（%）'],
} as const;

/** Asset columns. */
export const ASSET_COLUMNS = {
  reference: ['资产编号'], name: ['资产名称'], assetClass: ['资产类别'], assetKind: ['资产类型'], valueYuan: ['资产价值（元）', '资产价值(元)', '资产价值'],
  fundingSource: ['资金来源'], ownerName: ['所有权人', '产权归属'], villageCode: ['村代码'], projectRef: ['项目编号'], handedOverOn: ['移交日期'],
} as const;

const TYPE_ALIASES: Record<string, string> = { 产业: 'INDUSTRY', 产业项目: 'INDUSTRY', 产业发展: 'INDUSTRY', 基础设施: 'INFRASTRUCTURE', 公益: 'INFRASTRUCTURE', 基础设施和公共服务: 'INFRASTRUCTURE' };
const CLASS_ALIASES: Record<string, string> = { 经营性: 'INCOME', 公益性: 'PUBLIC', 到户类: 'HOUSEHOLD' };
const KIND_ALIASES: Record<string, string> = { 光伏: 'SOLAR', 光伏电站: 'SOLAR', 道路: 'ROAD', 厂房: 'WORKSHOP', 车间: 'WORKSHOP' };

const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN);
const money = (v: string | undefined): number | undefined => (v === undefined ? undefined : fenOf(v) ?? Number.NaN);

function rejected(issue: z.ZodIssue, columnOf: (path: string) => string): Pick<FundImportRow, 'outcome' | 'field' | 'reason'> {
  const field = columnOf(String(issue.path[0] ?? ''));
  return { outcome: 'REJECTED', field, reason: `${field}: ${issue.message}` };
}

async function started(run: () => Promise<{ processId: string; started: boolean }>, villageField = 'villageCode'): Promise<Omit<FundImportRow, 'line' | 'reference'>> {
  try {
    const r = await run();
    return { outcome: r.started ? 'STARTED' : 'ALREADY_IMPORTED', processId: r.processId };
  } catch (err) {
    if (err instanceof AppError && err.code !== 'INTERNAL' && err.code !== 'UNAVAILABLE') {
      return { outcome: 'REJECTED', field: err.field?.split('.').pop() ?? villageField, reason: err.message };
    }
    console.error(`[fund-imports] a row failed: ${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`);
    return { outcome: 'FAILED', reason: 'internal error; send the row again' };
  }
}

/**
 * The per-row report of a table import (projects, assets, loans, posts): reads the file, runs each
 * row (four at a time; rows sharing a key — the reference, or what `extraKeys` names — one after
 * the other, in file order) and counts the outcomes.
 */
export async function tableImportReport<C extends string>(
  bytes: Uint8Array, columns: Record<C, readonly string[]>, row: (cells: Partial<Record<C, string>>) => Promise<Omit<FundImportRow, 'line' | 'reference'>>,
  extraKeys: (cells: Partial<Record<C, string>>) => string[] = () => [],
): Promise<FundImportReport> {
  const file = await readTableFile(bytes, columns);
  const rows: FundImportRow[] = [];
  const summary = { rows: 0, STARTED: 0, ALREADY_IMPORTED: 0, REJECTED: 0, FAILED: 0 };
  const results = mapInOrder(file.rows, 4, (r) => [`ref:${(r.cells as Record<string, string>).reference ?? r.line}`, ...extraKeys(r.cells)], async (r) => ({
    line: r.line, reference: (r.cells as Record<string, string | undefined>).reference ?? null, ...(await row(r.cells)),
  }));
  for await (const r of results) {
    rows.push(r);
    summary.rows += 1;
    summary[r.outcome] += 1;
  }
  return { encoding: file.encoding, ignoredColumns: file.ignoredColumns, rows, summary };
}

/** Imports a project library (项目库) CSV. */
export function importProjects(ctx: ServiceContext, official: AuthOfficial, bytes: Uint8Array): Promise<FundImportReport> {
  const columnOf = (p: string): string => (p === 'budgetFen' ? 'budgetYuan' : p);
  return tableImportReport(bytes, PROJECT_COLUMNS, async (c) => {
    const body = {
      reference: c.reference, name: c.name, type: c.type ? TYPE_ALIASES[c.type] ?? c.type : undefined, villageCode: c.villageCode, location: c.location,
      budgetFen: money(c.budgetYuan), fundingSource: c.fundingSource, beneficiaries: num(c.beneficiaries), farmerLinkage: c.farmerLinkage,
      performanceTargets: c.performanceTargets, year: num(c.year),
    };
    const parsed = ZProposeProjectRequestSchema.safeParse(body);
    if (!parsed.success) return rejected(parsed.error.issues[0], columnOf);
    const paidFen = money(c.paidYuan) ?? 0;
    if (Number.isNaN(paidFen) || paidFen > parsed.data.budgetFen) return { outcome: 'REJECTED', field: 'paidYuan', reason: 'paidYuan: an amount in yuan, at most the budget' };
    const physicalPct = num(c.physicalPct) ?? 0;
    if (!Number.isInteger(physicalPct) || physicalPct < 0 || physicalPct > 100) return { outcome: 'REJECTED', field: 'physicalPct', reason: 'physicalPct: a whole number from 0 to 100' };
    if (c.startedOn !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(c.startedOn)) return { outcome: 'REJECTED', field: 'startedOn', reason: 'startedOn: a date YYYY-MM-DD' };
    return started(() => proposeProject(ctx, official, parsed.data, { startedOn: c.startedOn ?? null, paidFen, physicalPct }));
  });
}

/** Imports an asset ledger (资产台账) CSV. */
export function importAssets(ctx: ServiceContext, official: AuthOfficial, bytes: Uint8Array): Promise<FundImportReport> {
  const columnOf = (p: string): string => (p === 'valueFen' ? 'valueYuan' : p === 'projectId' ? 'projectRef' : p);
  return tableImportReport(bytes, ASSET_COLUMNS, async (c) => {
    const body = {
      reference: c.reference, name: c.name, assetClass: c.assetClass ? CLASS_ALIASES[c.assetClass] ?? c.assetClass : undefined,
      ...(c.assetKind ? { assetKind: KIND_ALIASES[c.assetKind] ?? c.assetKind } : {}), valueFen: money(c.valueYuan), fundingSource: c.fundingSource,
      ownerName: c.ownerName, villageCode: c.villageCode, ...(c.projectRef ? { projectId: `XM-${c.projectRef}` } : {}), handedOverOn: c.handedOverOn,
    };
    const parsed = ZRegisterAssetRequestSchema.safeParse(body);
    if (!parsed.success) return rejected(parsed.error.issues[0], columnOf);
    return started(() => registerAsset(ctx, official, parsed.data));
  });
}
