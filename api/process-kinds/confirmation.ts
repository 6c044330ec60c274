/**
 * 月调度数据确认 (MONTHLY_CONFIRMATION) — each month every village confirms its figures (or flags a
 * discrepancy with the reason), then every township confirms its own having seen its villages'.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import type { ConfirmationAuditAction } from '../../workflows/confirmation/contracts';
import { CONFIRMATION_KIND, CONFIRMATION_STEPS } from '../../workflows/confirmation/contracts';
import type { ProcessKindDef, ProcessStepDef } from './types';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** An answer's data: an optional note (务工就业, problems) and the village's lifted labourers in work. */
export const ZConfirmationAnswerSchema = z.object({
  note: safeText().trim().max(1000).optional(),
  employed: z.number().int().min(0).max(1_000_000).optional(),
}).strict();

const actions: ProcessStepDef['actions'] = [
  { action: 'APPROVE', label: b('确认无误', 'Confirm the figures') },
  { action: 'REJECT', label: b('数据有误（请填写原因）', 'Flag a discrepancy (give the reason)') },
];
const fields: ProcessStepDef['fields'] = [
  { name: 'employed', type: 'number', label: b('本月务工就业脱贫劳动力（人，可选）', 'Lifted labourers in work this month (optional)') },
  { name: 'note', type: 'textarea', label: b('情况说明（可选：务工就业、存在问题等）', 'Note (optional: employment, problems)'), maxLength: 1000 },
];

/** The 月调度数据确认 kind. */
export const MONTHLY_CONFIRMATION: ProcessKindDef<ConfirmationAuditAction> = {
  kind: CONFIRMATION_KIND,
  label: b('月调度数据确认', 'Monthly figures confirmation'),
  steps: {
    [CONFIRMATION_STEPS.VILLAGE]: {
      label: b('村级月调度数据确认', "Confirm the village's monthly figures"),
      help: b('请核对下列本村本月数据：无误请确认（可填写情况说明）；有误请说明原因。', "Check the village's figures of the month below: confirm them (with an optional note), or flag a discrepancy with the reason."),
      level: 'VILLAGE', actions, data: ZConfirmationAnswerSchema, fields,
    },
    [CONFIRMATION_STEPS.TOWNSHIP]: {
      label: b('乡镇月调度数据确认', "Confirm the township's monthly figures"),
      help: b('请查看各村确认情况（未确认的村已列出），核对本乡镇本月数据后确认，或说明数据有误的原因。', "See the villages' confirmations (those not confirmed are listed), check the township's figures of the month, then confirm them or flag a discrepancy with the reason."),
      level: 'TOWNSHIP', actions, data: ZConfirmationAnswerSchema, fields: fields.filter((f) => f.name === 'note'),
    },
  },
  statuses: {
    VILLAGES: b('村级确认中', 'Villages confirming'), TOWNSHIPS: b('乡镇确认中', 'Townships confirming'),
    COMPLETED: b('已全部确认', 'All answered'), CLOSED: b('已截止（部分未确认）', 'Closed (some not answered)'),
  },
  auditActions: {
    CONFIRMATION_OPENED: b('月调度数据确认开始', 'Monthly confirmation opened'),
    FIGURES_CONFIRMED: b('数据已确认', 'Figures confirmed'),
    DISCREPANCY_FLAGGED: b('报告数据有误', 'Discrepancy flagged'),
    CONFIRMATION_CLOSED: b('月调度数据确认截止', 'Monthly confirmation closed'),
  },
};
