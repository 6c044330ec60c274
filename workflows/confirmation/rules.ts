/**
 * Rules of the monthly confirmation (月调度数据确认), pure and workflow-safe: the period a scheduled
 * run opens, the due day of a level, which townships may confirm (their villages all answered, or
 * the villages' due time passed), what a village's or a township's answer records, and how the
 * county's report counts the answers: on time, late, or not at all.
 */
import type { TConfirmationPolicy, TLimit, TReportCadence } from '../policy';
import type { ProcessDecision } from '../process-contracts';
import type { ProcessStepRules } from '../process/transitions';
import type { Refusal } from '../refusals';
import type { ReportPeriod } from '../report/contracts';
import { periodOfKey } from '../report/rules';
import type { ConfirmationCounts, ConfirmationTiming, ConfirmationUnit, ReportConfirmations } from './contracts';
import { CONFIRMATION_STEPS } from './contracts';

const BEIJING_MS = 8 * 3_600_000;
const pad = (n: number): string => String(n).padStart(2, '0');

/** DESIGN §5.1: villages report by the 25th, townships by the 28th. */
export const DEFAULT_CONFIRMATION_POLICY: TConfirmationPolicy = { every: 'MONTH', villageDay: 25, townshipDay: 28 };

/** The confirmation policy of a report policy (its own, or the defaults). */
export function confirmationPolicyOf(rp: { confirmation?: TConfirmationPolicy } | undefined): TConfirmationPolicy {
  return rp?.confirmation ?? DEFAULT_CONFIRMATION_POLICY;
}

/**
 * The period a confirmation scheduled at `at` opens: the Beijing month it runs in (the one the
 * county's next 月调度 reports on), or for a compressed cadence the `seconds` starting at `at`.
 */
export function periodStarting(cadence: TReportCadence, at: number): ReportPeriod {
  if (cadence.every === 'SECONDS') {
    const from = new Date(at).toISOString();
    return { key: from, from, to: new Date(at + cadence.seconds * 1000).toISOString() };
  }
  const d = new Date(at + BEIJING_MS);
  if (cadence.every === 'MONTH') return periodOfKey(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`) as ReportPeriod;
  const q = Math.floor(d.getUTCMonth() / 3) + 1;
  return periodOfKey(`${d.getUTCFullYear()}-Q${q}`) as ReportPeriod;
}

/** The Beijing date (YYYY-MM-DD) of day `day` of the month a period starts in. */
export function dueDateOf(period: ReportPeriod, day: number): string {
  const d = new Date(Date.parse(period.from) + BEIJING_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(day)}`;
}

/** A task's limit that runs out at `dueMs` when opened at `now` (at least a second). */
export function limitUntil(dueMs: number, now: number): TLimit {
  return { unit: 'SECONDS', amount: Math.max(1, Math.ceil((dueMs - now) / 1000)) };
}

/** The villages of a township. */
export function villagesOf(units: Record<string, ConfirmationUnit>, townshipCode: string): ConfirmationUnit[] {
  return Object.values(units).filter((u) => u.level === 'VILLAGE' && u.townshipCode === townshipCode);
}

/**
 * Townships whose task may open now: not opened yet, and every village of theirs answered or the
 * villages' due time passed (a village still open is listed as not confirmed on the township's page).
 */
export function townshipsReady(units: Record<string, ConfirmationUnit>, now: number, villageDueMs: number): string[] {
  return Object.values(units)
    .filter((u) => u.level === 'TOWNSHIP' && !u.taskId)
    .filter((t) => now >= villageDueMs || villagesOf(units, t.code).every((v) => v.outcome !== undefined))
    .map((t) => t.code)
    .sort();
}

/** Whether every unit has answered (every township's task opened and decided). */
export function allAnswered(units: Record<string, ConfirmationUnit>): boolean {
  return Object.values(units).every((u) => u.outcome !== undefined);
}

/** On time (answered by its due time), late, or not at all. */
export function timingOf(u: ConfirmationUnit): ConfirmationTiming {
  if (!u.outcome || !u.at) return 'NONE';
  return u.dueAt && Date.parse(u.at) > Date.parse(u.dueAt) ? 'LATE' : 'ON_TIME';
}

/** Why a village's or township's answer cannot be recorded, or null. */
export function confirmationRefusal(d: { action: string; reason?: string; data: Record<string, unknown> }): Refusal | null {
  const { note, employed } = d.data;
  if (note !== undefined && (typeof note !== 'string' || note.length > 1000)) return { code: 'ACTION_NOT_ALLOWED', message: 'data.note: a text of at most 1000 characters', field: 'data.note' };
  if (employed !== undefined && (typeof employed !== 'number' || !Number.isInteger(employed) || employed < 0 || employed > 1_000_000)) {
    return { code: 'ACTION_NOT_ALLOWED', message: 'data.employed: a whole number from 0', field: 'data.employed' };
  }
  return null;
}

/** The unit a decision answers for, with the answer recorded. */
export function withAnswer(unit: ConfirmationUnit, d: Pick<ProcessDecision, 'action' | 'reason' | 'data' | 'actorId' | 'at'>): ConfirmationUnit {
  const note = d.action === 'REJECT' ? d.reason?.trim() : typeof d.data.note === 'string' && d.data.note.trim() !== '' ? d.data.note.trim() : undefined;
  return {
    ...unit, outcome: d.action === 'REJECT' ? 'DISCREPANCY' : 'CONFIRMED', at: d.at, byId: d.actorId,
    ...(note ? { note } : {}), ...(typeof d.data.employed === 'number' ? { employed: d.data.employed } : {}),
  };
}

/** Key of a unit's answer in the process's data: one top-level key per answer, so an answer's commit writes only itself (the read model merges top-level keys). */
export function answerKey(code: string): string {
  return `answer:${code}`;
}

/** Units of the process's data, by code, with their answers. */
export function unitsOf(data: Record<string, unknown>): Record<string, ConfirmationUnit> {
  const units = (data.units ?? {}) as Record<string, ConfirmationUnit>;
  const out: Record<string, ConfirmationUnit> = {};
  for (const [code, u] of Object.entries(units)) {
    const answer = data[answerKey(code)] as Partial<ConfirmationUnit> | undefined;
    out[code] = answer ? { ...u, ...answer } : u;
  }
  return out;
}

const rule = {
  actions: ['APPROVE', 'REJECT'] as const,
  check: (d: { action: string; reason?: string; data: Record<string, unknown> }) => confirmationRefusal(d),
  auditAction: (d: ProcessDecision) => (d.action === 'REJECT' ? 'DISCREPANCY_FLAGGED' : 'FIGURES_CONFIRMED'),
  onDecision: (d: ProcessDecision, draft: { s: { data: Record<string, unknown> }; setData(data: Record<string, unknown>): void }) => {
    const unit = Object.values(unitsOf(draft.s.data)).find((u) => u.taskId === d.taskId);
    if (!unit) return;
    const { outcome, at, byId, note, employed } = withAnswer(unit, d);
    draft.setData({ [answerKey(unit.code)]: { outcome, at, byId, ...(note ? { note } : {}), ...(employed !== undefined ? { employed } : {}) } });
  },
};

/** The step rules: confirm (APPROVE, with an optional note) or flag a discrepancy (REJECT, with its reason). */
export const CONFIRMATION_RULES: ProcessStepRules = {
  [CONFIRMATION_STEPS.VILLAGE]: rule,
  [CONFIRMATION_STEPS.TOWNSHIP]: rule,
};

function counts(units: ConfirmationUnit[]): ConfirmationCounts {
  const c: ConfirmationCounts = { onTime: 0, late: 0, none: 0, discrepancies: 0 };
  for (const u of units) {
    const t = timingOf(u);
    if (t === 'ON_TIME') c.onTime += 1;
    else if (t === 'LATE') c.late += 1;
    else c.none += 1;
    if (u.outcome === 'DISCREPANCY') c.discrepancies += 1;
  }
  return c;
}

/** What a county's monthly report records of a confirmation: each unit's timing, counted per level. */
export function reportConfirmations(processId: string, units: Record<string, ConfirmationUnit>): ReportConfirmations {
  const all = Object.values(units).sort((a, b) => (a.level === b.level ? a.code.localeCompare(b.code) : a.level === 'TOWNSHIP' ? -1 : 1));
  return {
    processId,
    villages: counts(all.filter((u) => u.level === 'VILLAGE')),
    townships: counts(all.filter((u) => u.level === 'TOWNSHIP')),
    units: all.map((u) => ({
      level: u.level, code: u.code, name: u.name, ...(u.townshipCode ? { townshipCode: u.townshipCode } : {}), timing: timingOf(u),
      ...(u.outcome ? { outcome: u.outcome } : {}), ...(u.note ? { note: u.note } : {}), ...(u.employed !== undefined ? { employed: u.employed } : {}),
    })),
    employed: {
      total: all.reduce((n, u) => n + (u.level === 'VILLAGE' && u.employed !== undefined ? u.employed : 0), 0),
      villages: all.filter((u) => u.level === 'VILLAGE' && u.employed !== undefined).length,
    },
  };
}
