/**
 * 衔接资金项目 (FUND_PROJECT) — a fund project's steps as the decision route and the task-link
 * page see them: labels, actions, the zod schema of each step's data and its form fields.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import { PROJECT_KIND, PROJECT_STEPS as S } from '../../workflows/project/contracts';
import { MAX_ASSETS_PER_PROJECT, TOWNSHIP_CHECKS } from '../../workflows/project/steps';
import type { ProcessFormField, ProcessKindDef } from './types';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const date = safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const note = (max: number) => safeText().trim().min(1).max(max);

const CHECK_LABELS: Record<(typeof TOWNSHIP_CHECKS)[number], [string, string]> = {
  authenticity: ['真实性', 'Authentic'], necessity: ['必要性', 'Necessary'], feasibility: ['可行性', 'Feasible'],
  budgetEstimate: ['投资概算合理', 'Budget estimate sound'], farmerLinkage: ['联农带农机制', 'Farmer linkage'], performanceTargets: ['绩效目标', 'Performance targets'],
};

const approveReturn = (approve: [string, string]) => [
  { action: 'APPROVE' as const, label: b(...approve) },
  { action: 'RETURN' as const, label: b('退回修改', 'Return for revision') },
  { action: 'REJECT' as const, label: b('不予通过', 'Reject') },
];
const opinion: ProcessFormField = { name: 'opinion', type: 'textarea', label: b('意见', 'Opinion'), maxLength: 1000 };
const ZOpinion = z.object({ opinion: note(1000).optional() }).strict();
const confirm = { actions: [{ action: 'DONE' as const, label: b('确认', 'Confirm') }], data: z.object({}).strict(), fields: [] };

/** One asset of 资产登记 (the form registers one; the API may send `assets`, a list of them). */
const ZRegisteredAsset = z.object({
  assetName: note(200), assetClass: z.enum(['INCOME', 'PUBLIC', 'HOUSEHOLD']), valueFen: z.number().int().min(0).max(1e13),
  assetKind: safeText().regex(/^[A-Z_]{1,40}$/).optional(), managingLevel: z.enum(['VILLAGE', 'TOWNSHIP', 'COUNTY']).optional(),
}).strict();

/** The fund project kind. */
export const FUND_PROJECT: ProcessKindDef = {
  kind: PROJECT_KIND,
  label: b('衔接资金项目', 'Fund project'),
  steps: {
    [S.TOWNSHIP_REVIEW]: {
      label: b('乡镇审核', 'Township review'), level: 'TOWNSHIP',
      help: b('逐项核实真实性、必要性、可行性、投资概算、联农带农、绩效目标，六项全部符合方可通过。', 'Check authenticity, necessity, feasibility, the budget estimate, farmer linkage and performance targets; all six must pass to approve.'),
      actions: approveReturn(['审核通过', 'Approve']),
      data: z.object(Object.fromEntries(TOWNSHIP_CHECKS.map((c) => [c, z.boolean().optional()]))).strict(),
      fields: TOWNSHIP_CHECKS.map((c) => ({ name: c, type: 'checkbox' as const, label: b(...CHECK_LABELS[c]) })),
    },
    [S.REVISE_PROPOSAL]: {
      label: b('修改项目申报', 'Revise the proposal'), level: 'VILLAGE',
      actions: [{ action: 'DONE', label: b('重新提交', 'Resubmit') }],
      data: z.object({ note: note(1000) }).strict(),
      fields: [{ name: 'note', type: 'textarea', label: b('修改说明', 'What was revised'), required: true, maxLength: 1000 }],
    },
    [S.COUNTY_APPRAISAL]: { label: b('县级论证', 'County appraisal'), level: 'COUNTY', actions: approveReturn(['论证通过', 'Appraised']), data: ZOpinion, fields: [opinion] },
    [S.COUNTY_DECISION]: { label: b('县级审定', 'County decision'), level: 'COUNTY', actions: approveReturn(['审定入库', 'Admit to the plan']), data: ZOpinion, fields: [opinion] },
    [S.APPROVAL]: {
      label: b('项目批复', 'Approval (批复)'), level: 'COUNTY',
      actions: [{ action: 'APPROVE', label: b('批复', 'Approve') }],
      data: z.object({ approvalNo: note(100) }).strict(),
      fields: [{ name: 'approvalNo', type: 'text', label: b('批复文号', 'Approval number'), required: true, maxLength: 100 }],
    },
    [S.START_WORKS]: {
      label: b('报告开工', 'Report the start of works'), level: 'TOWNSHIP',
      actions: [{ action: 'DONE', label: b('已开工', 'Works started') }],
      data: z.object({ startedOn: date }).strict(),
      fields: [{ name: 'startedOn', type: 'date', label: b('开工日期', 'Start date'), required: true }],
    },
    [S.PROGRESS_REPORT]: {
      label: b('月度进度报告', 'Monthly progress report'), level: 'TOWNSHIP',
      help: b('填报截至日期的形象进度和已支付资金（分）。', 'Report the physical progress and the funds paid (in fen) as of the date.'),
      actions: [{ action: 'DONE', label: b('提交进度', 'Submit the report') }],
      data: z.object({ asOf: date, physicalPct: z.number().int().min(0).max(100), paidFen: z.number().int().min(0).max(1e13) }).strict(),
      fields: [
        { name: 'asOf', type: 'date', label: b('截至日期', 'As of'), required: true },
        { name: 'physicalPct', type: 'number', label: b('形象进度（%）', 'Physical progress (%)'), required: true },
        { name: 'paidFen', type: 'number', label: b('累计支付（分）', 'Paid so far (fen)'), required: true },
      ],
    },
    [S.PACE_RECOVERY]: {
      label: b('支出进度滞后整改', 'Catch up with the spending pace'), level: 'TOWNSHIP',
      actions: [{ action: 'DONE', label: b('提交整改措施', 'Submit the measures') }],
      data: z.object({ measures: note(1000) }).strict(),
      fields: [{ name: 'measures', type: 'textarea', label: b('整改措施', 'Measures'), required: true, maxLength: 1000 }],
    },
    [S.ACCEPTANCE]: {
      label: b('项目验收', 'Acceptance'), level: 'COUNTY',
      actions: [{ action: 'APPROVE', label: b('验收合格', 'Accept') }, { action: 'RETURN', label: b('限期整改', 'Return for rectification') }],
      data: z.object({ acceptedOn: date.optional(), record: note(2000).optional() }).strict(),
      fields: [
        { name: 'acceptedOn', type: 'date', label: b('验收日期', 'Accepted on') },
        { name: 'record', type: 'textarea', label: b('验收记录', 'Acceptance record'), maxLength: 2000 },
      ],
    },
    [S.ASSET_REGISTRATION]: {
      label: b('资产登记（确权）', 'Register the asset'), level: 'TOWNSHIP',
      actions: [{ action: 'DONE', label: b('登记', 'Register') }],
      // One asset in its own fields (the form), or several in `assets` (the API); the workflow's rule requires one or the other.
      data: ZRegisteredAsset.partial().extend({
        assets: z.array(ZRegisteredAsset).min(1).max(MAX_ASSETS_PER_PROJECT).optional(), moreAssets: safeText().max(10_000).optional(),
      }).strict(),
      fields: [
        { name: 'assetName', type: 'text', label: b('资产名称', 'Asset name'), required: true, maxLength: 200 },
        { name: 'assetClass', type: 'select', label: b('资产类别', 'Class'), required: true, options: [
          { value: 'INCOME', label: b('经营性', 'Income-producing') }, { value: 'PUBLIC', label: b('公益性', 'Public') }, { value: 'HOUSEHOLD', label: b('到户类', 'Given to households') },
        ] },
        { name: 'valueFen', type: 'number', label: b('资产价值（分）', 'Value (fen)'), required: true },
        { name: 'managingLevel', type: 'select', label: b('主管层级（谁主管谁负责）', 'Managing level (names the owner)'), options: [
          { value: 'VILLAGE', label: b('村级（村集体经济组织）', 'Village (collective)') }, { value: 'TOWNSHIP', label: b('乡镇级（跨村资产）', 'Township (across villages)') },
          { value: 'COUNTY', label: b('县级行业主管部门', 'County department') },
        ] },
        { name: 'moreAssets', type: 'textarea', label: b('其他资产（每行一项：名称|类别|价值（分）|种类|主管层级）', 'Further assets (one a line: name|class|value (fen)|kind|managing level)'), maxLength: 10_000,
          help: b('例：连村产业路|公益性|400000|ROAD|乡镇。类别：经营性、公益性、到户类；主管层级：村、乡镇、县（可省略，默认村）。', 'E.g. 连村产业路|PUBLIC|400000|ROAD|TOWNSHIP. Class: INCOME, PUBLIC, HOUSEHOLD; level VILLAGE, TOWNSHIP or COUNTY (default VILLAGE).') },
      ],
    },
    [S.INVESTIGATION]: {
      label: b('公示异议核查', 'Investigate an objection'), level: 'TOWNSHIP',
      help: b('核查公示期间收到的异议：不成立则驳回，公示继续；成立则退回村里修改或不予通过。', 'Investigate the objection filed during the notice: dismiss it (the notice runs on), or uphold it and return the proposal or reject it.'),
      actions: [
        { action: 'APPROVE', label: b('异议不成立', 'Dismiss') }, { action: 'RETURN', label: b('异议成立，退回修改', 'Uphold; return') },
        { action: 'REJECT', label: b('异议成立，不予通过', 'Uphold; reject') },
      ],
      data: z.object({}).strict(), fields: [],
    },
    [S.HANDOVER_OUT]: { label: b('资产移交（移交方确认）', 'Hand the asset over'), level: 'TOWNSHIP', ...confirm },
    [S.HANDOVER_IN]: { label: b('资产移交（接收方确认）', 'Confirm receipt of the asset'), level: 'VILLAGE', ...confirm },
  },
  statuses: {
    PROPOSED: b('已申报', 'Proposed'), IN_NOTICE: b('村级公示中', 'In village notice'), IN_REVIEW: b('审核中', 'In review'), RETURNED: b('退回修改', 'Returned'),
    IN_ANNOUNCEMENT: b('县级公告中', 'In county announcement'), IN_PLAN: b('已纳入年度计划', 'In the annual plan'), APPROVED: b('已批复待开工', 'Approved, not started'),
    NOT_STARTED_FLAGGED: b('逾期未开工（拟收回资金）', 'Not started by the deadline (fund recall)'), IN_PROGRESS: b('实施中', 'In progress'),
    COMPLETED: b('已完工待验收', 'Completed, to be accepted'), ACCEPTED: b('已验收', 'Accepted'), HANDING_OVER: b('资产移交中', 'Handing over'),
    HANDED_OVER: b('资产已移交', 'Asset handed over'), REJECTED: b('未通过', 'Rejected'),
  },
  auditActions: {
    PROJECT_PROPOSED: b('项目申报', 'Project proposed'), PROJECT_IMPORTED: b('项目导入', 'Project imported'),
    NOTICE_STARTED: b('公示开始', 'Notice started'), NOTICE_ENDED: b('公示结束', 'Notice ended'),
    TOWNSHIP_REVIEW_PASSED: b('乡镇审核通过（六项核实）', 'Township review passed (six checks)'), ENTERED_ANNUAL_PLAN: b('纳入年度计划', 'Entered the annual plan'),
    PROJECT_APPROVED: b('项目批复', 'Project approved'), NOT_STARTED_FLAGGED: b('逾期未开工，标记收回资金', 'Not started by the deadline; flagged for fund recall'),
    WORKS_STARTED: b('开工', 'Works started'), PROGRESS_REPORTED: b('报告月度进度', 'Progress reported'), BEHIND_PACE: b('支出进度滞后', 'Behind the spending pace'),
    PACE_RECOVERY_REPORTED: b('报告整改措施', 'Catch-up measures reported'), INTERVIEW_OPENED: b('发起约谈', 'Interview opened'),
    WORKS_COMPLETED: b('完工', 'Works completed'), PROJECT_ACCEPTED: b('验收合格', 'Accepted'), ASSET_REGISTERED: b('资产登记', 'Asset registered'),
    HANDOVER_CONFIRMED_OUT: b('移交方确认移交', 'Handover confirmed by the giver'), HANDOVER_CONFIRMED_IN: b('接收方确认接收', 'Receipt confirmed by the owner'),
    OBJECTION_FILED: b('公示异议', 'Objection filed'), OBJECTION_DISMISSED: b('异议不成立', 'Objection dismissed'),
    OBJECTION_UPHELD_RETURNED: b('异议成立，退回修改', 'Objection upheld; returned'), OBJECTION_UPHELD_REJECTED: b('异议成立，不予通过', 'Objection upheld; rejected'),
    ASSET_HANDED_OVER: b('资产移交完成，转入管护', 'Asset handed over; upkeep begins'),
    ASSETS_TO_OWNERS: b('资产交所有权人确权、移交', 'Assets sent to their owners for confirmation and handover'),
  },
};
