/**
 * 帮扶项目资产 (PROJECT_ASSET) — an asset's steps as the decision route and the task-link page see
 * them: the owner's periodic inspection (管护巡查) and the township's resolution of an idle asset.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import { ASSET_KIND, ASSET_STEPS as S } from '../../workflows/asset/contracts';
import { ASSET_CONDITIONS } from '../../workflows/asset/steps';
import type { ProcessKindDef } from './types';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** The asset kind. */
export const PROJECT_ASSET: ProcessKindDef = {
  kind: ASSET_KIND,
  label: b('帮扶项目资产', 'Project asset'),
  steps: {
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
  statuses: { IN_USE: b('正常管护', 'In use'), IDLE: b('闲置', 'Idle'), DISPOSAL_REQUESTED: b('处置审批中', 'Disposal under review'), DISPOSED: b('已处置', 'Disposed of') },
  auditActions: {
    ASSET_REGISTERED: b('资产登记', 'Asset registered'), ASSET_INSPECTED: b('巡查记录', 'Inspected'),
    ASSET_IDLE_FLAGGED: b('经营性资产长期无收益，标记闲置', 'Income asset without income; flagged idle'), ASSET_IDLE_RESOLVED: b('闲置资产盘活方案', 'Idle asset resolved'),
    DISPOSAL_REQUESTED: b('申请资产处置', 'Disposal requested'), ASSET_DISPOSED: b('资产处置获批', 'Disposal approved'),
  },
};
