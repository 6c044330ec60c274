/**
 * POST /api/imports/loans (存量小额信贷导入) and POST /api/imports/welfare-jobs (存量公益岗位导入):
 * CSV in, a per-row JSON report out; idempotent by reference; personal data sealed at rest.
 */
import { defineRoute } from '../../http/define-route';
import type { ServiceContext } from '../../services/context';
import { importLoans, importPosts } from '../../services/import-programmes';
import { readableTable, tableBytesOf } from './table-import-body';
import { FUND_IMPORT_CONSUMES, ZFundImportReportSchema } from './fund-imports.types';

export const programmeImportRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/imports/loans', summary: 'Import existing microcredit loans (存量小额信贷) from CSV', tags: ['imports', 'microcredit'],
    description: 'Columns: reference 贷款编号, caseId 帮扶案件编号 or headIdNumber 户主身份证号码, amount 贷款金额（元）, termMonths 贷款期限（月）, annualRatePct 年利率（%）, '
      + 'disbursedOn 放款日期, purpose 贷款用途 (种植/养殖/加工/服务业/其他 or a code), purposeNote 用途说明 (optional), bankAccount 银行账号. Each loan enters disbursed '
      + '(checks, bank decision and use check done before Bangfu), records its MICROCREDIT measure on the household\'s open case and follows its repayment schedule. '
      + 'The bank account is sealed at rest and never echoed; a refused row names its column, never its value. The same reference again is ALREADY_IMPORTED.',
    roles: ['COUNTY', 'ADMIN'], consumes: FUND_IMPORT_CONSUMES, response: ZFundImportReportSchema,
    handler: ({ req }) => readableTable(() => importLoans(ctx, req.official!, tableBytesOf(req.body))),
  }),
  defineRoute({
    method: 'post', path: '/api/imports/welfare-jobs', summary: 'Import existing public-welfare posts (存量公益岗位) from CSV', tags: ['imports', 'welfare-jobs'],
    description: 'Columns: reference 岗位编号, caseId 帮扶案件编号 or headIdNumber 户主身份证号码, idNumber 在岗人员身份证号码, post 岗位名称, monthlyWage 月工资（元）, '
      + 'startOn 上岗日期, termMonths 协议期限（月）(≤ 12), monthsConfirmed 已确认月数 (optional, months confirmed before Bangfu), member 在岗成员 (optional). '
      + 'Each post enters in post, records its PUBLIC_WELFARE_JOB measure and takes monthly confirmations from the next month. Age and one post per person are '
      + 'checked; the ID number is sealed at rest and never echoed. The same reference again is ALREADY_IMPORTED.',
    roles: ['COUNTY', 'ADMIN'], consumes: FUND_IMPORT_CONSUMES, response: ZFundImportReportSchema,
    handler: ({ req }) => readableTable(() => importPosts(ctx, req.official!, tableBytesOf(req.body))),
  }),
];
