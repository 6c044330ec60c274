/**
 * POST /api/imports/projects (项目库导入) and POST /api/imports/assets (资产台账导入): CSV in, a
 * per-row JSON report out; idempotent by reference.
 */
import { defineRoute } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { importAssets, importProjects } from '../../services/import-fund-records';
import { readableTable, tableBytesOf } from './table-import-body';
import { FUND_IMPORT_CONSUMES, ZFundImportReportSchema } from './fund-imports.types';

export const fundImportRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/imports/projects', summary: 'Import a project library (项目库) from CSV', tags: ['imports', 'projects'],
    description: 'Columns: reference 项目编号, name 项目名称, type 项目类型 (产业/基础设施), villageCode 村代码, location 建设地点, budgetYuan 预算（元）, fundingSource 资金来源, '
      + 'beneficiaries 受益人数, farmerLinkage 联农带农机制, performanceTargets 绩效目标, year 年度, and optionally startedOn 开工日期, paidYuan 已支付（元）, physicalPct 形象进度. '
      + 'Each project enters at implementation and takes monthly progress reports. The same reference again is ALREADY_IMPORTED.',
    roles: ['COUNTY', 'ADMIN'], consumes: FUND_IMPORT_CONSUMES, response: ZFundImportReportSchema,
    handler: ({ req }) => readableTable(() => importProjects(ctx, req.official!, tableBytesOf(req.body))),
  }),
  defineRoute({
    method: 'post', path: '/api/imports/assets', summary: 'Import an asset ledger (资产台账) from CSV', tags: ['imports', 'assets'],
    description: 'Columns: reference 资产编号, name 资产名称, assetClass 资产类别 (经营性/公益性/到户类), assetKind 资产类型 (光伏/道路/厂房 or a code), valueYuan 资产价值（元）, '
      + 'fundingSource 资金来源, ownerName 所有权人, villageCode 村代码, handedOverOn 移交日期, projectRef 项目编号 (optional). The same reference again is ALREADY_IMPORTED.',
    roles: ['COUNTY', 'ADMIN'], consumes: FUND_IMPORT_CONSUMES, response: ZFundImportReportSchema,
    handler: ({ req }) => readableTable(() => importAssets(ctx, req.official!, tableBytesOf(req.body))),
  }),
];
