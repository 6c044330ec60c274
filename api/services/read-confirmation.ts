/**
 * What a monthly confirmation's task link shows (月调度数据确认): the unit's figures of the month
 * (a village's, or a township's) from the read model as they stand, and for a township its
 * villages' answers (those not confirmed listed). Counts only: no personal data.
 */
import type { PrismaClient, Process, Task } from '@prisma/client';
import { computeReportFigures } from '../../activities/report/report-figures';
import type { ConfirmationTiming, ConfirmationUnit } from '../../workflows/confirmation/contracts';
import { CONFIRMATION_STEPS } from '../../workflows/confirmation/contracts';
import { timingOf, unitsOf, villagesOf } from '../../workflows/confirmation/rules';
import type { ReportPeriod, UnitFigures } from '../../workflows/report/contracts';

/** A confirmation task's view. */
export interface ConfirmationTaskView {
  period: ReportPeriod;
  unit: { level: 'VILLAGE' | 'TOWNSHIP'; code: string; name: string };
  /** The unit's figures of the month (null when the read model has no such unit). */
  figures: UnitFigures | null;
  /** A township's villages and their answers. */
  villages: { code: string; name: string; timing: ConfirmationTiming; outcome?: ConfirmationUnit['outcome']; note?: string }[];
}

/** The view of a confirmation task (its unit is the task's region). */
export async function confirmationTaskView(prisma: PrismaClient, process: Process, task: Pick<Task, 'step' | 'regionCode'>): Promise<ConfirmationTaskView> {
  const data = (process.data ?? {}) as Record<string, unknown>;
  const period = data.period as ReportPeriod;
  const units = unitsOf(data);
  const level = task.step === CONFIRMATION_STEPS.TOWNSHIP ? 'TOWNSHIP' : 'VILLAGE';
  const all = await computeReportFigures(prisma, process.countyCode, period);
  const figures = (level === 'TOWNSHIP' ? all.townships : all.villages).find((u) => u.code === task.regionCode) ?? null;
  const villages = level === 'TOWNSHIP'
    ? villagesOf(units, task.regionCode).sort((a, b) => a.code.localeCompare(b.code)).map((v) => ({
      code: v.code, name: v.name, timing: timingOf(v), ...(v.outcome ? { outcome: v.outcome } : {}), ...(v.note ? { note: v.note } : {}),
    }))
    : [];
  return { period, unit: { level, code: task.regionCode, name: units[task.regionCode]?.name ?? figures?.name ?? task.regionCode }, figures, villages };
}
