/**
 * 易地搬迁后扶 (RELOCATION_SETTLEMENT) — a relocation settlement's information checklist: one task per
 * item, completed with the data entered. See workflows/relocation.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import type { SettlementItem } from '../../workflows/relocation/contracts';
import { SETTLEMENT_ITEMS, SETTLEMENT_KIND } from '../../workflows/relocation/contracts';
import type { Bilingual } from '../pages/i18n';
import type { ProcessKindDef, ProcessStepDef } from './types';

const b = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

/** Labels of the checklist items. */
export const SETTLEMENT_ITEM_LABELS: Record<SettlementItem, Bilingual> = {
  PARTY_ORGANISATION: b('安置点党组织建设情况', "The settlement's party organisation"),
  GOVERNANCE_BODY: b('社区治理机构设置情况', 'The community governance body'),
  GRID_LEADERS: b('网格长、楼栋长配备情况', 'Grid and building leaders'),
  SERVICE_CENTRE: b('服务中心与公共服务设施情况', 'Service centre and public facilities'),
  PROPERTY_MANAGEMENT: b('物业管理情况', 'Property management'),
  RIGHTS_PROTECTION: b('搬迁群众权益保障情况', "Protection of the relocated households' rights"),
};

/** An item's entered data. */
export const ZChecklistItemSchema = z.object({ details: safeText().trim().min(1).max(2000) }).strict();

const itemStep = (item: SettlementItem): ProcessStepDef => ({
  label: SETTLEMENT_ITEM_LABELS[item],
  help: b('填报该项的实际情况（机构、人员配备、设施、制度等），不填写个人身份证号、电话等个人信息。', 'Enter what exists for this item (bodies, staffing, facilities, rules); no ID numbers, phones or other personal data.'),
  level: 'TOWNSHIP',
  actions: [{ action: 'DONE', label: b('提交', 'Submit') }],
  data: ZChecklistItemSchema,
  fields: [{ name: 'details', type: 'textarea', label: b('填报内容', 'Details'), required: true, maxLength: 2000 }],
});

/** The settlement checklist kind. */
export const SETTLEMENT: ProcessKindDef = {
  kind: SETTLEMENT_KIND,
  label: b('易地搬迁后扶安置点', 'Relocation settlement'),
  steps: Object.fromEntries(SETTLEMENT_ITEMS.map((i) => [i, itemStep(i)])),
  statuses: { OPEN: b('信息填报中', 'Checklist open'), COMPLETE: b('信息已完整', 'Checklist complete') },
  auditActions: {
    CHECKLIST_STARTED: b('安置点信息清单下发', 'Checklist started'),
    CHECKLIST_ITEM_COMPLETED: b('清单项已填报', 'Item completed'),
    CHECKLIST_ITEM_LATE: b('清单项逾期填报', 'Item completed late'),
    CHECKLIST_COMPLETED: b('安置点信息已完整', 'Checklist complete'),
  },
};
