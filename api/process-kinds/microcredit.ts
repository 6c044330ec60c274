/**
 * 小额信贷 (MICROCREDIT) — a loan to a monitored or lifted household: village and township checks,
 * the bank's decision and disbursement (county finance), the use check, repayment reminders, the
 * repayment record and the overdue follow-ups. See workflows/microcredit.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import { LOAN_USES, MICROCREDIT_KIND, MICROCREDIT_STEPS as S } from '../../workflows/microcredit/contracts';
import type { ProcessFormField, ProcessKindDef } from './types';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const DATE = safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const NOTES = safeText().trim().max(1000);
const EMPTY = z.object({}).strict();
const CHECK_ACTIONS = [
  { action: 'APPROVE' as const, label: b('审核通过', 'Approve') },
  { action: 'REJECT' as const, label: b('不予通过', 'Reject') },
];

/** The bank's decision: when it lent, the amount, term, annual rate and the date lent. */
export const ZBankDecisionSchema = z.object({
  approved: z.boolean(),
  amount: z.number().positive().max(10_000_000).optional(),
  termMonths: z.number().int().positive().max(120).optional(),
  annualRatePct: z.number().min(0).max(20).optional(),
  disbursedOn: DATE.optional(),
  notes: NOTES.optional(),
}).strict()
  .refine((d) => !d.approved || (d.amount !== undefined && d.termMonths !== undefined && d.annualRatePct !== undefined && d.disbursedOn !== undefined), { path: ['disbursedOn'], message: 'amount, termMonths, annualRatePct and disbursedOn are required when the bank lent' })
  .refine((d) => d.approved || (d.notes ?? '') !== '', { path: ['notes'], message: 'say why the bank declined' });

/** The use check: what the money is used for. */
export const ZUseCheckSchema = z.object({ use: z.enum(LOAN_USES), notes: NOTES.optional() }).strict();

/** A repayment record (at the due date or at an overdue follow-up). */
export const ZRepaymentSchema = z.object({ repaid: z.boolean(), repaidOn: DATE.optional(), notes: NOTES.optional() }).strict()
  .refine((d) => !d.repaid || d.repaidOn !== undefined, { path: ['repaidOn'], message: 'required when repaid' });

const REPAYMENT_FIELDS: ProcessFormField[] = [
  { name: 'repaid', type: 'checkbox', label: b('已还清', 'Repaid in full') },
  { name: 'repaidOn', type: 'date', label: b('还款日期', 'Date repaid'), help: b('已还清时必填', 'Required when repaid') },
  { name: 'notes', type: 'textarea', label: b('跟进情况（未还时必填）', 'Follow-up notes (required when not repaid)'), maxLength: 1000 },
];

/** The 小额信贷 kind. */
export const MICROCREDIT: ProcessKindDef = {
  kind: MICROCREDIT_KIND,
  label: b('小额信贷', 'Microcredit'),
  steps: {
    [S.VILLAGE_CHECK]: {
      label: b('村级审核贷款申请', 'Village check of the loan application'),
      help: b('核实农户是否为脱贫户或监测对象、贷款金额和期限是否在政策上限内、用途是否属于生产经营。', 'Check the household is lifted or monitored, the amount and term are within the policy maximums and the purpose is productive.'),
      level: 'VILLAGE', actions: CHECK_ACTIONS, data: EMPTY, fields: [],
    },
    [S.TOWNSHIP_CHECK]: {
      label: b('乡镇审核贷款申请', 'Township check of the loan application'),
      help: b('复核村级审核结果；可退回村级补充。', "Review the village's check; you may return it to the village."),
      level: 'TOWNSHIP', actions: [...CHECK_ACTIONS, { action: 'RETURN', label: b('退回村级', 'Return to the village') }], data: EMPTY, fields: [],
    },
    [S.BANK_DECISION]: {
      label: b('录入银行审批与放款', "Record the bank's decision and disbursement"),
      help: b('录入合作银行的审批结果；放款时填写金额、期限、年利率和放款日期。', "Record the partner bank's decision; when it lent, the amount, term, annual rate and date lent."),
      level: 'COUNTY',
      actions: [{ action: 'DONE', label: b('提交', 'Record') }],
      data: ZBankDecisionSchema,
      fields: [
        { name: 'approved', type: 'checkbox', label: b('银行已放款', 'The bank lent') },
        { name: 'amount', type: 'number', label: b('放款金额（元）', 'Amount lent (yuan)') },
        { name: 'termMonths', type: 'number', label: b('期限（月）', 'Term (months)') },
        { name: 'annualRatePct', type: 'number', label: b('年利率（%）', 'Annual rate (%)') },
        { name: 'disbursedOn', type: 'date', label: b('放款日期', 'Date lent') },
        { name: 'notes', type: 'textarea', label: b('说明（未放款时必填）', 'Notes (required when declined)'), maxLength: 1000 },
      ],
    },
    [S.USE_CHECK]: {
      label: b('贷款资金使用核查', 'Check of the loan’s use'),
      help: b('放款后30天内核查资金用途；户贷企用、用于消费、建房或未使用的须说明情况。', 'Within 30 days of disbursement, check what the money is used for; enterprise use, consumption, building or no use must be explained.'),
      level: 'VILLAGE',
      actions: [{ action: 'DONE', label: b('提交核查结果', 'Record the finding') }],
      data: ZUseCheckSchema,
      fields: [
        {
          name: 'use', type: 'select', label: b('资金用途', 'Use of the money'), required: true,
          options: [
            { value: 'PRODUCTION', label: b('用于生产经营', 'Production') },
            { value: 'ENTERPRISE_USE', label: b('户贷企用', 'Used by an enterprise') },
            { value: 'CONSUMPTION', label: b('用于消费', 'Consumption') },
            { value: 'BUILDING', label: b('用于建房', 'Building') },
            { value: 'NOT_USED', label: b('未使用', 'Not used') },
          ],
        },
        { name: 'notes', type: 'textarea', label: b('情况说明', 'Notes'), maxLength: 1000 },
      ],
    },
    [S.REPAYMENT_REMINDER]: {
      label: b('提醒农户按期还款', 'Remind the household to repay on time'),
      level: 'VILLAGE', actions: [{ action: 'DONE', label: b('已提醒', 'Reminded') }],
      data: z.object({ notes: NOTES.optional() }).strict(),
      fields: [{ name: 'notes', type: 'textarea', label: b('情况说明', 'Notes'), maxLength: 1000 }],
    },
    [S.REPAYMENT_CHECK]: {
      label: b('到期还款确认', 'Confirm repayment at the due date'),
      level: 'COUNTY', actions: [{ action: 'DONE', label: b('提交', 'Record') }], data: ZRepaymentSchema, fields: REPAYMENT_FIELDS,
    },
    [S.EXTENSION_APPROVAL]: {
      label: b('审批贷款展期', 'Approve a loan extension'),
      help: b('审核展期（续贷）申请：展期后总期限不超过政策上限；批准后按新到期日重新安排还款提醒。', 'Review the extension: the term with it stays within the policy maximum; once approved, reminders follow the new due date.'),
      level: 'COUNTY', actions: CHECK_ACTIONS, data: EMPTY, fields: [],
    },
    [S.OVERDUE_FOLLOW_UP]: {
      label: b('逾期贷款跟进', 'Follow up an overdue loan'),
      level: 'VILLAGE', actions: [{ action: 'DONE', label: b('提交跟进结果', 'Record the follow-up') }], data: ZRepaymentSchema, fields: REPAYMENT_FIELDS,
    },
  },
  statuses: {
    APPLIED: b('审核中', 'Being checked'), DISBURSED: b('已放款', 'Disbursed'), DUE: b('已到期', 'Due'),
    OVERDUE_1_30: b('逾期1–30天', 'Overdue 1–30 days'), OVERDUE_31_90: b('逾期31–90天', 'Overdue 31–90 days'),
    OVERDUE_90_PLUS: b('逾期90天以上', 'Overdue > 90 days'), REPAID: b('已还清', 'Repaid'), REJECTED: b('审核未通过', 'Rejected'),
    BANK_DECLINED: b('银行未放款', 'Declined by the bank'), RISK_COMPENSATION: b('转风险补偿', 'Handed to the risk-compensation fund'),
  },
  auditActions: {
    LOAN_APPLIED: b('提出贷款申请', 'Loan applied for'),
    LOAN_IMPORTED: b('存量贷款导入（已放款）', 'Existing loan imported (disbursed)'),
    LOAN_DISBURSED: b('银行已放款', 'Loan disbursed'),
    LOAN_DECLINED_BY_BANK: b('银行未放款', 'Declined by the bank'),
    MEASURE_RECORDED_ON_CASE: b('小额信贷措施已记入帮扶案件', 'MICROCREDIT measure recorded on the case'),
    MEASURE_NOT_RECORDED: b('未能记入帮扶措施', 'Measure not recorded on a case'),
    LOAN_USE_CONFIRMED: b('资金用途核查合规', 'Use confirmed'),
    LOAN_USE_REFUSED: b('资金用途不合规', 'Use refused'),
    USE_FINDING_RECORDED_ON_CASE: b('用途核查问题已记入帮扶案件', 'Use finding recorded on the case'),
    USE_FINDING_NOT_RECORDED: b('未能将用途核查问题记入案件', 'Use finding not recorded on a case'),
    REPAYMENT_REMINDER_DUE: b('到还款提醒时间', 'Repayment reminder due'),
    REPAYMENT_REMINDED: b('已提醒还款', 'Household reminded'),
    LOAN_DUE: b('贷款到期', 'Loan due'),
    REPAYMENT_RECORDED: b('已确认还款', 'Repayment recorded'),
    REPAYMENT_MISSED: b('到期未还', 'Not repaid at the due date'),
    LOAN_REPAID: b('贷款已还清', 'Loan repaid'),
    LOAN_OVERDUE: b('贷款逾期', 'Loan overdue'),
    OVERDUE_FOLLOWED_UP: b('已跟进逾期贷款', 'Overdue loan followed up'),
    LOAN_LISTED_FOR_RISK_COMPENSATION: b('逾期90天以上，列入风险补偿', 'Overdue > 90 days; listed for risk compensation'),
    LOAN_EXTENSION_REQUESTED: b('申请展期', 'Extension requested'),
    LOAN_EXTENSION_APPROVED: b('展期已批准', 'Extension approved'),
    LOAN_EXTENSION_REJECTED: b('展期未批准', 'Extension rejected'),
    LOAN_EXTENDED: b('贷款已展期', 'Loan extended'),
    LOAN_HANDED_TO_RISK_COMPENSATION: b('转风险补偿金代偿', 'Handed to the risk-compensation fund'),
  },
};
