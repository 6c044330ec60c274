/**
 * 公益岗位 (PUBLIC_WELFARE_JOB) — a public-welfare post for a member of a monitored or lifted
 * household: village review, township approval, notice, agreement, monthly attendance and wage
 * confirmation, wage arrears, renewal or exit. See workflows/welfare-job.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import { WELFARE_JOB_KIND, WELFARE_JOB_STEPS as S } from '../../workflows/welfare-job/contracts';
import type { ProcessKindDef } from './types';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const NOTES = safeText().trim().max(1000);
const EMPTY = z.object({}).strict();
const CHECK_ACTIONS = [{ action: 'APPROVE' as const, label: b('同意', 'Approve') }, { action: 'REJECT' as const, label: b('不同意', 'Reject') }];

/** The agreement: the first day in post and the term (≤ 12 months; the policy's maximum is checked by the workflow). */
export const ZAgreementSchema = z.object({
  startOn: safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  termMonths: z.number().int().positive().max(12),
}).strict();

/** A month's attendance and wage confirmation. */
export const ZWageConfirmationSchema = z.object({
  attendanceDays: z.number().int().min(0).max(31),
  wagePaid: z.boolean(),
  notes: NOTES.optional(),
}).strict().refine((d) => d.wagePaid || (d.notes ?? '') !== '', { path: ['notes'], message: 'say why the wage was not paid' });

/** The 公益岗位 kind. */
export const WELFARE_JOB: ProcessKindDef = {
  kind: WELFARE_JOB_KIND,
  label: b('公益岗位', 'Public-welfare job'),
  steps: {
    [S.VILLAGE_REVIEW]: {
      label: b('村级评议公益岗位申请', 'Village review of the job application'),
      help: b('核实申请人属于脱贫户或监测户、有劳动能力、未在其他公益岗位任职。', 'Check the applicant is of a lifted or monitored household, able to work and holds no other post.'),
      level: 'VILLAGE', actions: CHECK_ACTIONS, data: EMPTY, fields: [],
    },
    [S.TOWNSHIP_APPROVAL]: {
      label: b('乡镇审批公益岗位', 'Township approval of the job'),
      level: 'TOWNSHIP', actions: [...CHECK_ACTIONS, { action: 'RETURN', label: b('退回村级', 'Return to the village') }], data: EMPTY, fields: [],
    },
    [S.AGREEMENT]: {
      label: b('签订公益岗位协议', 'Record the job agreement'),
      help: b('公示期满无异议后签订协议，期限不超过一年。', 'After the notice, record the agreement; it lasts at most a year.'),
      level: 'TOWNSHIP', actions: [{ action: 'DONE', label: b('提交', 'Record') }], data: ZAgreementSchema,
      fields: [
        { name: 'startOn', type: 'date', label: b('上岗日期', 'First day in post'), required: true },
        { name: 'termMonths', type: 'number', label: b('协议期限（月）', 'Term (months)'), required: true },
      ],
    },
    [S.WAGE_CONFIRMATION]: {
      label: b('确认当月考勤与工资发放', "Confirm the month's attendance and wage"),
      help: b('次月10日前确认上月出勤天数和工资是否足额发放；未发放须说明原因。', "By the 10th of the next month, confirm the days worked and whether the wage was paid; say why when it was not."),
      level: 'VILLAGE', actions: [{ action: 'DONE', label: b('确认', 'Confirm') }], data: ZWageConfirmationSchema,
      fields: [
        { name: 'attendanceDays', type: 'number', label: b('出勤天数', 'Days worked'), required: true },
        { name: 'wagePaid', type: 'checkbox', label: b('工资已足额发放', 'Wage paid in full') },
        { name: 'notes', type: 'textarea', label: b('情况说明（未发放时必填）', 'Notes (required when unpaid)'), maxLength: 1000 },
      ],
    },
    [S.WAGE_ARREARS]: {
      label: b('处理拖欠工资', 'Settle an unpaid wage'),
      level: 'TOWNSHIP', actions: [{ action: 'DONE', label: b('已补发', 'Paid') }], data: z.object({ notes: NOTES.optional() }).strict(),
      fields: [{ name: 'notes', type: 'textarea', label: b('情况说明', 'Notes'), maxLength: 1000 }],
    },
    [S.END_OF_TERM]: {
      label: b('期满续聘或退出', 'Renewal or exit at the end of the term'),
      level: 'TOWNSHIP', actions: [{ action: 'DONE', label: b('提交', 'Record') }],
      data: z.object({ outcome: z.enum(['EXIT', 'RENEW']), notes: NOTES.optional() }).strict(),
      fields: [
        { name: 'outcome', type: 'select', label: b('结果', 'Outcome'), required: true, options: [{ value: 'EXIT', label: b('退出', 'Exit') }, { value: 'RENEW', label: b('续聘', 'Renew') }] },
        { name: 'notes', type: 'textarea', label: b('情况说明', 'Notes'), maxLength: 1000 },
      ],
    },
    [S.INVESTIGATION]: {
      label: b('公益岗位公示异议核查', 'Investigate an objection to the job'), level: 'TOWNSHIP',
      help: b('核查公示期间收到的异议：不成立则驳回，公示期满后签订协议；成立则不予聘用。', 'Investigate the objection filed during the notice: dismiss it (the notice completes), or uphold it and reject the application.'),
      actions: [{ action: 'APPROVE', label: b('异议不成立', 'Dismiss') }, { action: 'REJECT', label: b('异议成立，不予聘用', 'Uphold; reject') }],
      data: EMPTY, fields: [],
    },
  },
  statuses: {
    APPLIED: b('审核中', 'Being reviewed'), NOTICE: b('公示中', 'On notice'), AGREEMENT: b('待签协议', 'Agreement due'), IN_POST: b('在岗', 'In post'),
    EXITED: b('已退出', 'Exited'), RENEWAL_REQUESTED: b('申请续聘', 'Renewal requested'), REJECTED: b('未通过', 'Rejected'),
  },
  auditActions: {
    JOB_APPLIED: b('提出公益岗位申请', 'Job applied for'),
    JOB_IMPORTED: b('存量岗位导入（在岗）', 'Existing post imported (in post)'),
    MEASURE_ENDED_ON_CASE: b('公益岗位措施已在帮扶案件中结束', 'PUBLIC_WELFARE_JOB measure ended on the case'),
    MEASURE_END_NOT_RECORDED: b('未能在案件中结束措施', 'Measure end not recorded on a case'),
    JOB_NOTICE_STARTED: b('公益岗位公示开始', 'Notice started'),
    JOB_NOTICE_ENDED: b('公示期满', 'Notice ended'),
    JOB_AGREEMENT_SIGNED: b('签订公益岗位协议', 'Agreement recorded'),
    MEASURE_RECORDED_ON_CASE: b('公益岗位措施已记入帮扶案件', 'PUBLIC_WELFARE_JOB measure recorded on the case'),
    MEASURE_NOT_RECORDED: b('未能记入帮扶措施', 'Measure not recorded on a case'),
    WAGE_MONTH_CLOSED: b('月度考勤待确认', 'Month closed; confirmation due'),
    WAGE_CONFIRMED: b('考勤与工资已确认', 'Attendance and wage confirmed'),
    WAGE_CONFIRMED_UNPAID: b('确认工资未发放', 'Wage confirmed unpaid'),
    WAGE_CONFIRMED_LATE: b('工资确认逾期', 'Wage confirmed late'),
    WAGE_UNPAID: b('工资未发放，转乡镇处理', 'Wage unpaid; sent to the township'),
    WAGE_ARREARS_SETTLED: b('拖欠工资已处理', 'Unpaid wage settled'),
    JOB_EXITED: b('期满退出', 'Exited at the end of the term'),
    JOB_EXITED_EARLY: b('提前退出', 'Exited during the term'),
    JOB_RENEWED: b('续聘，进入下一聘期', 'Renewed; the next term starts'),
    OBJECTION_FILED: b('公示异议', 'Objection filed'), OBJECTION_DISMISSED: b('异议不成立', 'Objection dismissed'),
    OBJECTION_UPHELD_REJECTED: b('异议成立，不予聘用', 'Objection upheld; rejected'),
    JOB_RENEWAL_REQUESTED: b('申请续聘', 'Renewal requested'),
  },
};
