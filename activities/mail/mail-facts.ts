/**
 * Gathers what a notification's email may say. Reads only columns without personal data: the
 * household's head name (masked here), never its ID number or phone, and never the case's health
 * details — the `select`s below are the guarantee.
 */
import type { Notification, PrismaClient } from '@prisma/client';
import type { NotificationKind } from '../types';
import type { WorkingCalendar } from '../calendar/calendar';
import type { LinkPurpose } from '../../api/links/link-token';
import type { Lang } from '../../api/pages/i18n';
import { maskName } from '../../api/services/mask';
import { processStepLabel } from '../../api/process-kinds/registry';
import type { MailFacts } from './templates';

const RANK: Record<string, number> = { CONTACT: 0, GRID: 0, VILLAGE: 1, TOWNSHIP: 2, COUNTY: 3, ADMIN: 4 };

/** A link to issue with the message. */
export interface LinkPlan {
  purpose: LinkPurpose;
  /** The case of the link, or null for a task of another process ({@link processId}). */
  caseId: string | null;
  processId: string | null;
  taskId: string | null;
  /** The task's due time (task links) — the expiry counts from it. */
  dueAt: Date | null;
}

/** Outcome of gathering: send (with or without a link), or skip with a reason. */
export type GatheredMail =
  | { send: true; to: { name: string; email: string }; facts: Omit<MailFacts, 'link'>; link: LinkPlan | null; /** A page of the app to link instead of a task link (path). */ page?: string }
  | { send: false; reason: string; permanent: boolean };

const TASK_KINDS: NotificationKind[] = ['NEW_TASK', 'REMINDER', 'NUDGE', 'ESCALATION', 'TASK_UNASSIGNED'];

/** Reads the facts of one notification. */
export async function gatherMail(prisma: PrismaClient, n: Notification, calendar: WorkingCalendar, now = new Date()): Promise<GatheredMail> {
  const kind = n.kind as NotificationKind;
  const data = (n.data ?? {}) as Record<string, unknown>;
  const official = await prisma.official.findUnique({
    where: { id: n.recipientId }, select: { id: true, name: true, email: true, language: true, active: true, role: true, regionCode: true },
  });
  if (!official) return { send: false, reason: `recipient ${n.recipientId} does not exist`, permanent: true };
  if (!official.active) return { send: false, reason: `recipient ${official.id} is deactivated`, permanent: true };
  const lang: Lang = official.language === 'en' ? 'en' : 'zh-CN';

  if (kind === 'GRID_ASSIGNED') {
    // Still this grid's worker? A later import may have named another one before the mail went out.
    const grid = typeof data.gridId === 'string' ? await prisma.grid.findUnique({ where: { id: data.gridId }, select: { name: true, workerId: true, villageCode: true } }) : null;
    if (!grid || grid.workerId !== official.id) return { send: false, reason: `${official.id} is no longer the worker of grid ${String(data.gridId)}`, permanent: true };
    const v = await prisma.region.findUnique({ where: { code: grid.villageCode }, select: { name: true, nameEn: true } });
    return {
      // Only a GRID official signs in to the grid page; a village official as grid worker gets the campaign's task links.
      send: true, to: { name: official.name, email: official.email }, link: null, ...(official.role === 'GRID' ? { page: '/admin/grid' } : {}),
      facts: {
        kind, lang, recipientName: official.name, caseNo: null, headNameMasked: null, villageName: v ? (lang === 'en' ? (v.nameEn ?? v.name) : v.name) : grid.villageCode,
        step: null, caseStatus: null, dueAt: null, workingDaysLeft: null, assigneeName: null, action: null, escalation: null, missed: null, toAssignee: false,
        gridName: grid.name, households: typeof data.households === 'number' ? data.households : null,
      },
    };
  }

  const kase = n.caseId
    ? await prisma.case.findUnique({
        where: { id: n.caseId },
        select: {
          id: true, caseNo: true, status: true, step: true, villageCode: true, townshipCode: true, countyCode: true, contactId: true, planDueAt: true,
          household: { select: { headName: true } },
        },
      })
    : null;
  // A process beyond the household case (process core): its title stands where the household would.
  const proc = n.processId
    ? await prisma.process.findUnique({ where: { id: n.processId }, select: { id: true, kind: true, title: true, status: true, step: true } })
    : null;
  const task = n.taskId
    ? await prisma.task.findUnique({
        where: { id: n.taskId }, select: { id: true, step: true, level: true, status: true, dueAt: true, assigneeId: true, allowedIds: true },
      })
    : null;
  if (TASK_KINDS.includes(kind) && task && task.status !== 'OPEN') {
    return { send: false, reason: `task ${task.id} was ${task.status === 'DONE' ? 'decided' : 'closed'} before this message went out`, permanent: true };
  }
  const village = kase ? await prisma.region.findUnique({ where: { code: kase.villageCode }, select: { name: true, nameEn: true } }) : null;
  const assignee = task?.assigneeId ? await prisma.official.findUnique({ where: { id: task.assigneeId }, select: { name: true } }) : null;

  const toAssignee = !!task && (task.allowedIds.includes(official.id) || data.overdue === true);
  let link: LinkPlan | null = null;
  const owner = kase ? { caseId: kase.id, processId: null } : proc ? { caseId: null, processId: proc.id } : null;
  if (owner && task) {
    if (['NEW_TASK', 'REMINDER', 'NUDGE'].includes(kind) || (kind === 'ESCALATION' && toAssignee)) {
      if (task.allowedIds.includes(official.id)) link = { purpose: 'DECIDE', ...owner, taskId: task.id, dueAt: task.dueAt };
    } else if ((kind === 'ESCALATION' || kind === 'TASK_UNASSIGNED') && RANK[official.role] > RANK[task.level]) {
      link = { purpose: 'SUPERVISE', ...owner, taskId: task.id, dueAt: task.dueAt };
    }
  }
  if (kase && ['CASE_ASSIGNED_TO_CONTACT', 'CONTACT_REMINDER', 'PLAN_DUE'].includes(kind) && official.role === 'CONTACT' && kase.contactId === official.id) {
    link = { purpose: 'CONTACT', caseId: kase.id, processId: null, taskId: null, dueAt: null };
  }

  const dueAt = task?.dueAt ?? (['CASE_ASSIGNED_TO_CONTACT', 'PLAN_DUE'].includes(kind) ? (kase?.planDueAt ?? null) : null);
  const step = task?.step ?? (typeof data.step === 'string' ? data.step : null) ?? kase?.step ?? proc?.step ?? null;
  const facts: Omit<MailFacts, 'link'> = {
    kind, lang, recipientName: official.name,
    ...(proc ? { processTitle: proc.title, stepLabel: processStepLabel(proc.kind, step, lang) } : {}),
    // A report names itself by its title (no case, no process).
    ...(kind === 'REPORT_READY' && typeof data.title === 'string' ? { processTitle: data.title, late: data.late === true } : {}),
    caseNo: kase?.caseNo ?? null,
    headNameMasked: kase ? maskName(kase.household.headName) : null,
    villageName: village ? (lang === 'en' ? (village.nameEn ?? village.name) : village.name) : null,
    step,
    caseStatus: kase?.status ?? proc?.status ?? null,
    dueAt,
    workingDaysLeft: dueAt ? calendar.workingDaysBetween(now, dueAt) : null,
    assigneeName: assignee?.name ?? null,
    action: typeof data.action === 'string' ? data.action : null,
    escalation: typeof data.escalation === 'number' ? data.escalation : null,
    missed: typeof data.missed === 'number' ? data.missed : null,
    toAssignee,
  };
  return { send: true, to: { name: official.name, email: official.email }, facts, link };
}
