/**
 * 帮扶项目资产 (PROJECT_ASSET) — an asset's steps as the decision route and the task-link page see
 * them: 确权 by the owner 谁主管谁负责 names (or a dispute and the township's re-determination), the
 * two-sided handover (移交), the owner's periodic inspection (管护巡查), the township's resolution of an
 * idle asset, and the disposal chain.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import { ASSET_KIND, ASSET_STEPS as S } from '../../workflows/asset/contracts';
import { ASSET_CONDITIONS } from '../../workflows/asset/steps';
import { MANAGING_LEVELS } from '../../workflows/asset/rules';
import type { ProcessKindDef } from './types';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const handoverNote = {
  actions: [{ action: 'DONE' as const, label: b('确认', 'Confirm') }],
  data: z.object({ note: safeText().trim().min(1).max(1000).optional() }).strict(),
  fields: [{ name: 'note', type: 'textarea' as const, label: b('备注', 'Note'), maxLength: 1000 }],
};

/** The asset kind. */
export const PROJECT_ASSET: ProcessKindDef = {
  kind: ASSET_KIND,
  label: b('帮扶项目资产', 'Project asset'),
  steps: {
    [S.OWNERSHIP_CONFIRMATION]: {
      label: b('资产确权（所有权人确认）', 'Confirm the ownership'), level: 'VILLAGE',
      help: b('按"谁主管谁负责"，本资产确权给贵单位（到户类资产由村代受益农户确认）。请核对并填写所有权人全称；如确权对象有误，请退回并说明理由。',
        'By "who manages is responsible", this asset is owned by your unit (an asset given to households: the village confirms for them). Check and enter the owner\'s full name; if the owner is wrong, return it with a reason.'),
      actions: [{ action: 'APPROVE', label: b('确认确权', 'Confirm') }, { action: 'RETURN', label: b('确权有误，退回', 'Wrong owner; return') }],
      data: z.object({
        ownerName: safeText().trim().min(1).max(200).optional(), certificateNo: safeText().trim().min(1).max(100).optional(),
        households: z.number().int().min(1).max(100_000).optional(),
      }).strict(),
      fields: [
        { name: 'ownerName', type: 'text', label: b('所有权人全称', 'Owner (full name)'), required: true, maxLength: 200 },
        { name: 'certificateNo', type: 'text', label: b('确权书编号', 'Certificate number'), maxLength: 100 },
        { name: 'households', type: 'number', label: b('受益农户数（到户类）', 'Households (assets given to households)') },
      ],
    },
    [S.OWNERSHIP_REDETERMINATION]: {
      label: b('资产确权复核', 'Determine the ownership again'), level: 'TOWNSHIP',
      help: b('确权对象对确权提出异议。请重新确定主管层级（村、乡镇或县级行业主管部门）和所有权人。', 'The owner disputed the ownership. Determine the managing level (village, township or county department) and the owner again.'),
      actions: [{ action: 'DONE', label: b('重新确权', 'Determine again') }],
      data: z.object({ managingLevel: z.enum(MANAGING_LEVELS), ownerName: safeText().trim().min(1).max(200) }).strict(),
      fields: [
        { name: 'managingLevel', type: 'select', label: b('主管层级', 'Managing level'), required: true, options: [
          { value: 'VILLAGE', label: b('村级（村集体经济组织）', 'Village (collective)') }, { value: 'TOWNSHIP', label: b('乡镇级（跨村资产）', 'Township (across villages)') },
          { value: 'COUNTY', label: b('县级行业主管部门', 'County department') },
        ] },
        { name: 'ownerName', type: 'text', label: b('所有权人', 'Owner'), required: true, maxLength: 200 },
      ],
    },
    [S.HANDOVER_OUT]: { label: b('资产移交（移交方确认）', 'Hand the asset over'), level: 'TOWNSHIP', ...handoverNote },
    [S.HANDOVER_IN]: { label: b('资产移交（接收方确认）', 'Confirm receipt of the asset'), level: 'VILLAGE', ...handoverNote },
    [S.DISTRIBUTION_PLAN]: {
      label: b('收益分配方案（村级决议）', 'Income distribution plan (village decision)'), level: 'VILLAGE',
      help: b('请按村民代表大会决议填报本经营性资产的收益分配方案：用于公益岗位工资、农户分红和村集体留存的比例（整数，合计 100%）。公益岗位比例不得低于政策规定。',
        'Enter the plan the village assembly decided for this income asset: the shares for 公益岗位 wages, household dividends and the collective (whole per cents adding up to 100). The 公益岗位 share may not fall below the policy.'),
      actions: [{ action: 'DONE', label: b('提交乡镇审核', 'Send to the township') }],
      data: z.object({
        resolution: safeText().trim().min(1).max(1000), welfareJobPct: z.number().int().min(0).max(100), householdPct: z.number().int().min(0).max(100),
        collectivePct: z.number().int().min(0).max(100),
      }).strict(),
      fields: [
        { name: 'resolution', type: 'textarea', label: b('村民代表大会决议（日期、文号或摘要）', 'Village assembly decision (date, number or summary)'), required: true, maxLength: 1000 },
        { name: 'welfareJobPct', type: 'number', label: b('公益岗位工资比例（%）', '公益岗位 wages (%)'), required: true },
        { name: 'householdPct', type: 'number', label: b('农户分红比例（%）', 'Household dividends (%)'), required: true },
        { name: 'collectivePct', type: 'number', label: b('村集体留存比例（%）', 'Kept by the collective (%)'), required: true },
      ],
    },
    [S.DISTRIBUTION_TOWNSHIP_REVIEW]: {
      label: b('收益分配方案审核（乡镇）', 'Distribution plan review (township)'), level: 'TOWNSHIP',
      help: b('审核村级收益分配方案：同意报县备案；需修改的退回村里；不符合规定的驳回，由村里重新决议。退回、驳回须说明理由。',
        'Review the village\'s plan: approve it for filing by the county; return it for revision; or reject it (the village decides a new one). A return or rejection needs a reason.'),
      actions: [{ action: 'APPROVE', label: b('审核通过，报县备案', 'Approve; send for filing') }, { action: 'RETURN', label: b('退回修改', 'Return') }, { action: 'REJECT', label: b('驳回', 'Reject') }],
      data: z.object({}).strict(), fields: [],
    },
    [S.DISTRIBUTION_COUNTY_FILING]: {
      label: b('收益分配方案备案（县级）', 'Distribution plan filing (county)'), level: 'COUNTY',
      actions: [{ action: 'APPROVE', label: b('予以备案', 'File the plan') }, { action: 'RETURN', label: b('退回修改', 'Return') }, { action: 'REJECT', label: b('不予备案', 'Reject') }],
      data: z.object({}).strict(), fields: [],
    },
    [S.PAYOUT_CONFIRMATION]: {
      label: b('收益发放确认', 'Confirm the payout'), level: 'VILLAGE',
      help: b('按已备案的收益分配方案发放本期收益后，请填报实际发放金额（分）和受益农户数。逾期未确认将逐级督办。',
        'After paying this period\'s income out under the filed plan, enter the amount paid (fen) and the households paid. Late confirmations are escalated.'),
      actions: [{ action: 'DONE', label: b('确认已发放', 'Confirm') }],
      data: z.object({ paidFen: z.number().int().min(0).max(1e13), households: z.number().int().min(0).max(100_000).optional() }).strict(),
      fields: [
        { name: 'paidFen', type: 'number', label: b('实际发放金额（分）', 'Paid (fen)'), required: true },
        { name: 'households', type: 'number', label: b('受益农户数', 'Households paid') },
      ],
    },
    [S.INSPECTION]: {
      label: b('资产管护巡查', 'Asset inspection'), level: 'VILLAGE',
      help: b('巡查资产状况并记录（可附照片说明）；经营性资产请填报本期收益（分）。', 'Inspect the asset and record its condition (notes or photo references); for an income asset, the income since the last inspection (fen).'),
      actions: [{ action: 'DONE', label: b('提交巡查记录', 'Submit the inspection') }],
      data: z.object({ condition: z.enum(ASSET_CONDITIONS), notes: safeText().trim().min(1).max(2000), incomeFen: z.number().int().min(0).max(1e13).optional() }).strict(),
      fields: [
        { name: 'condition', type: 'select', label: b('资产状况', 'Condition'), required: true, options: [
          { value: 'GOOD', label: b('良好', 'Good') }, { value: 'NEEDS_UPKEEP', label: b('需维护', 'Needs upkeep') }, { value: 'DAMAGED', label: b('损坏', 'Damaged') },
        ] },
        { name: 'notes', type: 'textarea', label: b('巡查记录', 'Notes'), required: true, maxLength: 2000 },
        { name: 'incomeFen', type: 'number', label: b('本期收益（分，经营性资产）', 'Income this period (fen, income assets)') },
      ],
    },
    [S.IDLE_RESOLUTION]: {
      label: b('闲置资产盘活', 'Resolve an idle asset'), level: 'TOWNSHIP',
      help: b('该经营性资产长期无收益，已标记为闲置。请提出盘活方案（重新发包、转型利用等）。', 'This income asset has had no income for the idle period. Record the plan to put it back to use (re-lease, change of use …).'),
      actions: [{ action: 'DONE', label: b('提交盘活方案', 'Submit the plan') }],
      data: z.object({ plan: safeText().trim().min(1).max(2000) }).strict(),
      fields: [{ name: 'plan', type: 'textarea', label: b('盘活方案', 'Plan'), required: true, maxLength: 2000 }],
    },
    [S.DISPOSAL_TOWNSHIP_REVIEW]: {
      label: b('资产处置审核（乡镇）', 'Disposal review (township)'), level: 'TOWNSHIP',
      actions: [{ action: 'APPROVE', label: b('同意处置，报县审批', 'Agree; send to the county') }, { action: 'REJECT', label: b('不同意', 'Refuse') }],
      data: z.object({}).strict(), fields: [],
    },
    [S.DISPOSAL_COUNTY_APPROVAL]: {
      label: b('资产处置审批（县级）', 'Disposal approval (county)'), level: 'COUNTY',
      actions: [{ action: 'APPROVE', label: b('批准处置', 'Approve the disposal') }, { action: 'REJECT', label: b('不予批准', 'Refuse') }],
      data: z.object({}).strict(), fields: [],
    },
  },
  statuses: {
    REGISTERED: b('已登记', 'Registered'), CONFIRMING_OWNERSHIP: b('确权中', 'Ownership being confirmed'), OWNERSHIP_DISPUTED: b('确权有异议', 'Ownership disputed'),
    HANDING_OVER: b('移交中', 'Handing over'), IN_USE: b('正常管护', 'In use'), IDLE: b('闲置', 'Idle'), DISPOSAL_REQUESTED: b('处置审批中', 'Disposal under review'), DISPOSED: b('已处置', 'Disposed of') },
  auditActions: {
    ASSET_REGISTERED: b('资产登记', 'Asset registered'), ASSET_INSPECTED: b('巡查记录', 'Inspected'),
    ASSET_IDLE_FLAGGED: b('经营性资产长期无收益，标记闲置', 'Income asset without income; flagged idle'), ASSET_IDLE_RESOLVED: b('闲置资产盘活方案', 'Idle asset resolved'),
    DISPOSAL_REQUESTED: b('申请资产处置', 'Disposal requested'), ASSET_DISPOSED: b('资产处置获批', 'Disposal approved'),
    OWNERSHIP_DETERMINED: b('按"谁主管谁负责"确定所有权人', 'Owner determined (who manages is responsible)'), OWNERSHIP_CONFIRMED: b('所有权人确认确权', 'Ownership confirmed'),
    OWNERSHIP_DISPUTED: b('确权有异议，退回', 'Ownership disputed'), OWNERSHIP_REDETERMINED: b('重新确权', 'Ownership determined again'),
    HANDOVER_CONFIRMED_OUT: b('移交方确认移交', 'Handover confirmed by the giver'), HANDOVER_CONFIRMED_IN: b('接收方确认接收', 'Receipt confirmed by the owner'),
    ASSET_HANDED_OVER: b('资产移交完成，转入管护', 'Asset handed over; upkeep begins'),
    ASSET_INCOME_RECORDED: b('收益登记', 'Income recorded'), DISTRIBUTION_PLAN_DUE: b('应制定收益分配方案', 'Distribution plan due'),
    DISTRIBUTION_PLAN_DECIDED: b('村级决议收益分配方案', 'Distribution plan decided by the village'), DISTRIBUTION_PLAN_FILED: b('收益分配方案县级备案', 'Distribution plan filed by the county'),
    PAYOUT_DUE: b('本期收益应发放', 'Payout due'), PAYOUT_CONFIRMED: b('收益发放确认', 'Payout confirmed'),
  },
};
