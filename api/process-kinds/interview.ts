/**
 * 约谈 (INTERVIEW) — the supervisor of a unit that fell behind holds an interview with its leaders
 * and records the outcome: held or not, the date, notes.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import { INTERVIEW_KIND, INTERVIEW_STEP } from '../../workflows/process-contracts';
import type { InterviewAuditAction } from '../../workflows/process-contracts';
import type { ProcessKindDef } from './types';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** The outcome form's data: a date is required when the interview was held. */
export const ZInterviewOutcomeSchema = z
  .object({
    held: z.boolean(),
    heldOn: safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').optional(),
    notes: safeText().trim().min(1).max(2000),
  })
  .strict()
  .refine((d) => !d.held || d.heldOn !== undefined, { path: ['heldOn'], message: 'required when the interview was held' });

/** The 约谈 kind. */
export const INTERVIEW: ProcessKindDef<InterviewAuditAction> = {
  kind: INTERVIEW_KIND,
  label: b('约谈', 'Interview'),
  steps: {
    [INTERVIEW_STEP]: {
      label: b('约谈并记录结果', 'Hold the interview and record its outcome'),
      help: b('请约谈该单位负责人，说明原因并提出整改要求，然后记录约谈结果（是否已约谈、日期、情况记录）。', "Interview the unit's leaders about the reason and the corrections expected, then record the outcome (held or not, the date, notes)."),
      level: 'COUNTY',
      actions: [{ action: 'DONE', label: b('提交约谈结果', 'Record the outcome') }],
      data: ZInterviewOutcomeSchema,
      fields: [
        { name: 'held', type: 'checkbox', label: b('已约谈', 'The interview was held') },
        { name: 'heldOn', type: 'date', label: b('约谈日期', 'Date held'), help: b('已约谈时必填', 'Required when held') },
        { name: 'notes', type: 'textarea', label: b('情况记录（未约谈时说明原因）', 'Notes (or why it was not held)'), required: true, maxLength: 2000 },
      ],
    },
  },
  statuses: { OPEN: b('待约谈', 'To be held'), HELD: b('已约谈', 'Held'), NOT_HELD: b('未约谈', 'Not held') },
  auditActions: {
    INTERVIEW_REQUESTED: b('发起约谈', 'Interview requested'),
    INTERVIEW_HELD: b('约谈已举行，结果已记录', 'Interview held; outcome recorded'),
    INTERVIEW_NOT_HELD: b('约谈未举行，情况已记录', 'Interview not held; notes recorded'),
  },
};
