/**
 * 易地搬迁户后续扶持 (RELOCATED_HOUSEHOLD) — one relocated household's follow-up: a monthly visit
 * recording its employment status, employment updates between visits. See workflows/relocated-household.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import { EMPLOYMENT_STATUSES, RELOCATED_HOUSEHOLD_KIND, RELOCATED_VISIT_STEP } from '../../workflows/relocated-household/contracts';
import type { EmploymentStatus } from '../../workflows/relocated-household/contracts';
import type { Bilingual } from '../pages/i18n';
import type { ProcessKindDef } from './types';

const b = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

/** Labels of the employment statuses (就业状况). */
export const EMPLOYMENT_LABELS: Record<EmploymentStatus, Bilingual> = {
  EMPLOYED_LOCAL: b('就近就业', 'Employed nearby'),
  EMPLOYED_AWAY: b('外出务工', 'Working away'),
  SELF_EMPLOYED: b('自主创业/自营', 'Self-employed'),
  PUBLIC_WELFARE_JOB: b('公益岗位', 'Public-welfare post'),
  SEEKING_WORK: b('有劳动力未就业', 'Able to work, not employed'),
  NO_LABOUR: b('无劳动力', 'No labour'),
};

/** A visit's data: the date visited and the household's employment. */
export const ZVisitSchema = z.object({
  visitedOn: safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  status: z.enum(EMPLOYMENT_STATUSES),
  workers: z.number().int().min(0).max(20),
  notes: safeText().trim().max(1000).optional(),
}).strict();

/** The relocated household follow-up kind. */
export const RELOCATED_HOUSEHOLD: ProcessKindDef = {
  kind: RELOCATED_HOUSEHOLD_KIND,
  label: b('易地搬迁户后续扶持', 'Relocated household follow-up'),
  steps: {
    [RELOCATED_VISIT_STEP]: {
      label: b('搬迁户入户走访', 'Visit the relocated household'),
      help: b('每月入户走访一次，登记家庭劳动力就业情况；不填写身份证号、电话等个人信息。', 'Visit once a month and record what the household’s labour does; no ID numbers, phones or other personal data.'),
      level: 'VILLAGE',
      actions: [{ action: 'DONE', label: b('提交走访情况', 'Record the visit') }],
      data: ZVisitSchema,
      fields: [
        { name: 'visitedOn', type: 'date', label: b('走访日期', 'Date visited'), required: true },
        { name: 'status', type: 'select', label: b('就业状况', 'Employment'), required: true, options: EMPLOYMENT_STATUSES.map((s) => ({ value: s, label: EMPLOYMENT_LABELS[s] })) },
        { name: 'workers', type: 'number', label: b('就业人数', 'Members in work'), required: true },
        { name: 'notes', type: 'textarea', label: b('走访情况', 'Notes'), maxLength: 1000 },
      ],
    },
  },
  statuses: { FOLLOWING_UP: b('后续扶持中', 'Following up'), ENDED: b('后续扶持期满', 'Follow-up ended') },
  auditActions: {
    RELOCATED_HOUSEHOLD_REGISTERED: b('纳入搬迁户后续扶持', 'Registered for follow-up'),
    RELOCATED_VISIT_RECORDED: b('已入户走访', 'Visit recorded'),
    VISIT_LATE: b('走访逾期', 'Visit late'),
    EMPLOYMENT_UPDATED: b('更新就业状况', 'Employment updated'),
    EMPLOYMENT_STATUS_CHANGED: b('就业状况变化', 'Employment status changed'),
    RELOCATED_FOLLOW_UP_ENDED: b('后续扶持期满', 'Follow-up ended'),
  },
};
