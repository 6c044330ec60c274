/**
 * The registry of process kinds (流程类型注册表): every process beyond the household case declares
 * itself here (one line per kind), so the decision route, the task-link page, the mails and the
 * admin pages handle its tasks without knowing the kind. See README "Processes beyond the household case".
 */
import type { z } from 'zod';
import { AppError, fromZodError } from '../http/app-error';
import type { MessageLang } from '../http/messages';
import type { Bilingual, Lang } from '../pages/i18n';
import type { ProcessAuditAction } from '../../workflows/process-contracts';
import { INTERVIEW } from './interview';
import { SCREENING_CAMPAIGN } from './campaign';
import { FUND_PROJECT } from './project';
import { PROJECT_ASSET } from './asset';
import { MICROCREDIT } from './microcredit';
import { WELFARE_JOB } from './welfare-job';
import { SETTLEMENT } from './settlement';
import { RELOCATED_HOUSEHOLD } from './relocated-household';
import { MONTHLY_CONFIRMATION } from './confirmation';
import type { ProcessFormField, ProcessKindDef, ProcessStepDef } from './types';

export type { ProcessFormField, ProcessKindDef, ProcessStepDef } from './types';

/** Every registered kind. Add a kind with one line. */
export const PROCESS_KINDS: readonly ProcessKindDef[] = [
  INTERVIEW,
  SCREENING_CAMPAIGN,
  FUND_PROJECT,
  PROJECT_ASSET,
  MICROCREDIT,
  WELFARE_JOB,
  SETTLEMENT,
  RELOCATED_HOUSEHOLD,
  MONTHLY_CONFIRMATION,
];

const BY_KIND = new Map(PROCESS_KINDS.map((k) => [k.kind, k]));

/** Labels of the audit actions every process shares (besides the case's, which cover tasks, reminders and escalations). */
export const PROCESS_AUDIT_LABELS: Record<ProcessAuditAction, Bilingual> = {
  PROCESS_STARTED: { 'zh-CN': '流程开始', en: 'Process started' },
  TASK_COMPLETED: { 'zh-CN': '待办已办结', en: 'Task completed' },
};

/** A kind's declaration, or undefined. */
export function processKind(kind: string): ProcessKindDef | undefined {
  return BY_KIND.get(kind);
}

/** A step's declaration, or undefined. */
export function processStep(kind: string, step: string): ProcessStepDef | undefined {
  return BY_KIND.get(kind)?.steps[step];
}

/** Label of a kind's step (falls back to the code). */
export function processStepLabel(kind: string, step: string | null, lang: Lang): string {
  if (!step) return '';
  return processStep(kind, step)?.label[lang] ?? step;
}

/** Label of a kind (falls back to the code). */
export function processKindLabel(kind: string, lang: Lang): string {
  return processKind(kind)?.label[lang] ?? kind;
}

/** Label of a kind's status. */
export function processStatusLabel(kind: string, status: string, lang: Lang): string {
  return processKind(kind)?.statuses[status]?.[lang] ?? status;
}

/** Label of an audit action of a kind's process (the kind's own, then the shared process ones); undefined if none. */
export function processAuditLabel(kind: string, action: string, lang: Lang): string | undefined {
  return processKind(kind)?.auditActions[action]?.[lang] ?? (PROCESS_AUDIT_LABELS as Record<string, Bilingual | undefined>)[action]?.[lang];
}

/**
 * Validates a decision's data with the step's schema; a wrong value is a 400 naming the field
 * (`body.data.heldOn`), worded in `lang`. Unknown steps refuse with 409 (the task is not a step
 * of its kind people decide).
 */
export function parseProcessData(kind: string, step: string, data: unknown, lang: MessageLang, prefix = 'body.data'): Record<string, unknown> {
  const def = processStep(kind, step);
  if (!def) throw new AppError('CONFLICT', `step ${step} of ${kind} is not decided by a person`);
  const r = (def.data as z.ZodType<Record<string, unknown>>).safeParse(data ?? {});
  if (!r.success) throw fromZodError(r.error, prefix, lang, data);
  return r.data;
}

/** The data a task-link form posted, by the step's fields (checkbox → boolean, number → number, empty → absent). */
export function formToData(fields: ProcessFormField[], body: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = body[`f_${f.name}`];
    if (f.type === 'checkbox') {
      data[f.name] = raw === 'on';
      continue;
    }
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    data[f.name] = f.type === 'number' ? Number(raw) : raw;
  }
  return data;
}
