/**
 * What a process kind declares (流程类型): its labels, and per step a person decides the actions,
 * the zod schema of the decision's `data` and the form fields the task-link page renders. The API
 * validates a decision with the schema (400 naming the field) before the workflow's own rule sees it.
 */
import type { z } from 'zod';
import type { Level } from '../../workflows/contracts';
import type { ProcessAction } from '../../workflows/process-contracts';
import type { Bilingual } from '../pages/i18n';

/** A form field of a step (rendered on the task-link page, read back into `data`). */
export interface ProcessFormField {
  /** Key in `data`. */
  name: string;
  type: 'checkbox' | 'date' | 'text' | 'textarea' | 'number' | 'select';
  label: Bilingual;
  /** A hint under the field. */
  help?: Bilingual;
  required?: boolean;
  /** Options of a select. */
  options?: { value: string; label: Bilingual }[];
  /** Text fields: at most this many characters. */
  maxLength?: number;
}

/** A step a person decides. */
export interface ProcessStepDef {
  label: Bilingual;
  /** What is being decided, shown on the confirm page. */
  help?: Bilingual;
  /** Who acts. */
  level: Level;
  /** Actions with their button labels, first = primary. */
  actions: { action: ProcessAction; label: Bilingual }[];
  /** Schema of the decision's data (object); an empty object when the step records nothing. */
  data: z.ZodType<Record<string, unknown>>;
  fields: ProcessFormField[];
}

/** A process kind; `A` is the union of its own audit actions, so its label table must cover each. */
export interface ProcessKindDef<A extends string = string> {
  kind: string;
  label: Bilingual;
  steps: Record<string, ProcessStepDef>;
  /** Labels of the kind's statuses. */
  statuses: Record<string, Bilingual>;
  /** Labels of the kind's own audit actions (shared ones such as TASK_OPENED are labelled once for all). */
  auditActions: Record<A, Bilingual>;
}
