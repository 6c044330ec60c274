/**
 * Schemas of a case as the API shows it (shared by the case routes).
 */
import { z } from 'zod';
import { CATEGORIES, CHANNELS, MEASURE_TYPES, RISK_TYPES } from '../../../workflows/contracts';

/** A due time as a person reads it, in both languages: the working day it ends ("12月4日（周五）24:00前"), never the next day's 00:00. */
const ZDueText = z.object({ 'zh-CN': z.string(), en: z.string() });

export const ZTask = z.object({
  id: z.string(),
  /** The task's household case, or null for a task of another process. */
  caseId: z.string().nullable(),
  /** The task's process (process core), or null for a case task. */
  processId: z.string().nullable(),
  step: z.string(),
  level: z.string(),
  regionCode: z.string(),
  assigneeId: z.string().nullable(),
  status: z.string(),
  openedAt: z.string(),
  dueAt: z.string(),
  /** The due time as a person reads it: the working day it ends ("12月4日（周五）24:00前"), never the next day's 00:00. */
  dueText: ZDueText,
  overdue: z.boolean(),
  escalations: z.number(),
  outcome: z.string().nullable(),
  decidedById: z.string().nullable(),
  comment: z.string().nullable(),
});
export type TTask = z.infer<typeof ZTask>;

export const ZMeasure = z.object({
  id: z.string(),
  type: z.enum(MEASURE_TYPES),
  description: z.string(),
  memberName: z.string().nullable(),
  status: z.enum(['PLANNED', 'IMPLEMENTED', 'CANCELLED']),
  implementedOn: z.string().nullable(),
  /** A programme's measure that ended (公益岗位 left); it stays IMPLEMENTED. */
  endedOn: z.string().nullable(),
});

export const ZContact = z.object({ id: z.string(), officialId: z.string(), contactedOn: z.string(), method: z.string(), note: z.string().nullable() });
export const ZObjection = z.object({ id: z.string(), step: z.string(), text: z.string(), filedAt: z.string(), outcome: z.string().nullable() });

/** A case summary (list rows). Personal data is masked. */
export const ZCaseSummary = z.object({
  id: z.string(),
  householdId: z.string(),
  headName: z.string().describe('masked'),
  status: z.string(),
  step: z.string().nullable(),
  category: z.enum(CATEGORIES),
  riskTypes: z.array(z.enum(RISK_TYPES)),
  channel: z.enum(CHANNELS),
  villageCode: z.string(),
  townshipCode: z.string(),
  countyCode: z.string(),
  openedAt: z.string(),
  slaDueAt: z.string().nullable(),
  /** The identification deadline as a person reads it (the working day it ends), or null. */
  slaDueText: ZDueText.nullable(),
  slaBreached: z.boolean(),
  approvedAt: z.string().nullable(),
  nextReviewAt: z.string().nullable(),
  eliminatedAt: z.string().nullable(),
  overdue: z.boolean(),
  previousCaseId: z.string().nullable(),
});
export type TCaseSummary = z.infer<typeof ZCaseSummary>;

/** A case with its tasks, measures, contacts and objections. */
export const ZCaseDetail = ZCaseSummary.extend({
  household: z.object({
    idNumberMasked: z.string(),
    phoneMasked: z.string().nullable(),
    memberCount: z.number(),
    noLabour: z.boolean(),
    address: z.string().nullable(),
  }),
  summary: z.string().nullable(),
  incomePerCapita: z.number().nullable(),
  contactId: z.string().nullable(),
  policyVersion: z.string(),
  planDueAt: z.string().nullable(),
  /** The assistance plan's deadline as a person reads it, or null. */
  planDueText: ZDueText.nullable(),
  annualCheck: z.boolean(),
  eliminationRoute: z.string().nullable(),
  closeReason: z.string().nullable(),
  lastContactAt: z.string().nullable(),
  workflowId: z.string(),
  temporalUiUrl: z.string().nullable(),
  openTasks: z.array(ZTask),
  tasks: z.array(ZTask),
  measures: z.array(ZMeasure),
  contacts: z.array(ZContact),
  objections: z.array(ZObjection),
});
export type TCaseDetail = z.infer<typeof ZCaseDetail>;

/** Result of an action on a case. */
export const ZActionResult = z.object({ caseId: z.string(), status: z.string(), step: z.string().nullable() });
