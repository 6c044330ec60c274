/**
 * Search attributes of a case (codes only, never personal data): status, step, regions,
 * category, overdue and the case number (案件编号), so the Temporal Web UI finds a case.
 */
import type { CaseInput } from '../contracts';
import type { CaseState } from './state';

/** The attributes in a fixed key order (compared as JSON to upsert only on change). */
export type CaseSearchAttributes = {
  BangfuStatus: string[];
  BangfuStep: string[];
  BangfuRegion: string[];
  BangfuCategory: string[];
  BangfuOverdue: boolean[];
  BangfuCaseNo: string[];
};

/** The search attributes of a case at `now`. */
export function caseSearchAttributes(input: Pick<CaseInput, 'caseId' | 'villageCode' | 'townshipCode' | 'countyCode' | 'category'>, s: Pick<CaseState, 'status' | 'step' | 'slaBreached' | 'openTasks'>, now: number): CaseSearchAttributes {
  return {
    BangfuStatus: [s.status],
    BangfuStep: s.step ? [s.step] : [],
    BangfuRegion: [input.villageCode, input.townshipCode, input.countyCode],
    BangfuCategory: [input.category],
    BangfuOverdue: [s.slaBreached || s.openTasks.some((t) => now >= Date.parse(t.dueAt))],
    BangfuCaseNo: [input.caseId],
  };
}

/** The same keys, in the same order, from what the workflow was started with. */
export function pickCaseSearchAttributes(from: Record<string, unknown> | undefined): string {
  const keys: (keyof CaseSearchAttributes)[] = ['BangfuStatus', 'BangfuStep', 'BangfuRegion', 'BangfuCategory', 'BangfuOverdue', 'BangfuCaseNo'];
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, from?.[k] ?? []])));
}
