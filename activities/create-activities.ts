/**
 * Activity factory: everything with side effects, built from real clients so tests can pass
 * others. Every write is idempotent: a retried activity never duplicates a row.
 */
import type { Prisma, PrismaClient } from '@prisma/client';
import type { TaskState } from '../workflows/contracts';
import type { WorkingCalendar } from './calendar/calendar';
import { addLimit, nextRepeatAt, reminderAt } from './deadlines';
import type {
  CaseActivities, CaseEvent, CheckTaskDeadlineArgs, EnsureCaseArgs, NotificationSpec, OpenTaskArgs,
} from './types';

/** What the activities need. */
export interface ActivityDeps {
  prisma: PrismaClient;
  /** Returns the current calendar; called on every deadline computation so updates are honoured. */
  calendar: () => WorkingCalendar;
}

type Tx = Prisma.TransactionClient;

const toDate = (v: string | null | undefined): Date | null | undefined => (v === undefined ? undefined : v === null ? null : new Date(v));

async function resolveRecipients(tx: Tx, to: NotificationSpec['to']): Promise<string[]> {
  if ('officialId' in to) return [to.officialId];
  // Administrators addressed by a county are that county's and its city's (the level above).
  const region =
    to.role === 'ADMIN' && to.regionCode
      ? { OR: [{ regionCode: to.regionCode }, { region: { children: { some: { code: to.regionCode } } } }] }
      : to.regionCode
        ? { regionCode: to.regionCode }
        : {};
  const rows = await tx.official.findMany({
    where: { role: to.role, active: true, ...region, standsInForId: null },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => r.id);
}

/** Writes outbox rows for the notifications; keys derive from the event key, so repeats are skipped. */
async function writeNotifications(tx: Tx, key: string, caseId: string, specs: NotificationSpec[] | undefined): Promise<void> {
  if (!specs?.length) return;
  const rows: Prisma.NotificationCreateManyInput[] = [];
  for (const [i, spec] of specs.entries()) {
    for (const recipientId of await resolveRecipients(tx, spec.to)) {
      rows.push({
        idempotencyKey: `${key}:n${i}:${recipientId}`, kind: spec.kind, recipientId, caseId, taskId: spec.taskId ?? null,
        data: (spec.data ?? {}) as Prisma.InputJsonValue,
      });
    }
  }
  if (rows.length) await tx.notification.createMany({ data: rows, skipDuplicates: true });
}

function patchData(p: NonNullable<CaseEvent['casePatch']>): Prisma.CaseUpdateInput {
  return {
    status: p.status, step: p.step, slaBreached: p.slaBreached, slaDueAt: toDate(p.slaDueAt), approvedAt: toDate(p.approvedAt),
    planDueAt: toDate(p.planDueAt), nextReviewAt: toDate(p.nextReviewAt), annualCheck: p.annualCheck,
    eliminatedAt: toDate(p.eliminatedAt), eliminationRoute: p.eliminationRoute, closeReason: p.closeReason,
    lastContactAt: toDate(p.lastContactAt), contactId: p.contactId,
    closedAt: p.status && ['REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED'].includes(p.status) ? new Date() : p.status ? null : undefined,
  };
}

function toTaskState(row: { id: string; step: string; level: string; regionCode: string; assigneeId: string | null; allowedIds: string[]; openedAt: Date; dueAt: Date; remindAt: Date | null; remindedAt: Date | null; escalations: number; lastEscalatedAt: Date | null }, nextEscalationAt: string | null = null): TaskState {
  return {
    taskId: row.id, step: row.step as TaskState['step'], level: row.level as TaskState['level'], regionCode: row.regionCode,
    assigneeId: row.assigneeId, allowedIds: row.allowedIds, openedAt: row.openedAt.toISOString(), dueAt: row.dueAt.toISOString(),
    remindAt: row.remindAt?.toISOString() ?? null, reminded: row.remindedAt !== null, escalations: row.escalations, nextEscalationAt,
  };
}

/** Builds the activities of the case workflow. */
export function createActivities(deps: ActivityDeps): CaseActivities {
  const { prisma } = deps;

  /** Runs `fn` once per key: the audit row is the idempotency record. */
  async function once(key: string, fn: (tx: Tx) => Promise<Omit<Prisma.AuditEventUncheckedCreateInput, 'idempotencyKey'>>): Promise<void> {
    await prisma.$transaction(async (tx) => {
      const done = await tx.auditEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
      if (done) return;
      const audit = await fn(tx);
      await tx.auditEvent.create({ data: { ...audit, idempotencyKey: key } });
    });
  }

  async function ensureCase(a: EnsureCaseArgs): Promise<void> {
    await prisma.case.upsert({
      where: { id: a.caseId },
      update: {},
      create: {
        id: a.caseId, caseNo: a.caseId, householdId: a.householdId, workflowId: a.workflowId, channel: a.channel,
        category: a.category, riskTypes: a.riskTypes, status: 'IDENTIFYING', step: 'VERIFICATION',
        villageCode: a.region.villageCode, townshipCode: a.region.townshipCode, countyCode: a.region.countyCode,
        contactId: a.contactId ?? null, policyVersion: a.policyVersion, policy: a.policy as unknown as Prisma.InputJsonValue,
        openedAt: new Date(a.openedAt), previousCaseId: a.previousCaseId ?? null,
      },
    });
  }

  async function recordEvent(ev: CaseEvent): Promise<void> {
    await once(ev.key, async (tx) => {
      if (ev.casePatch) await tx.case.update({ where: { id: ev.caseId }, data: patchData(ev.casePatch) });
      if (ev.taskClose) {
        const c = ev.taskClose;
        await tx.task.updateMany({
          where: { id: c.taskId, status: 'OPEN' },
          data: { status: c.status, outcome: c.outcome, decidedById: c.decidedById, onBehalfOfId: c.onBehalfOfId, comment: c.comment, closedAt: new Date(ev.at) },
        });
      }
      if (ev.taskPatch) {
        await tx.task.updateMany({ where: { id: ev.taskPatch.taskId }, data: { assigneeId: ev.taskPatch.assigneeId, allowedIds: ev.taskPatch.allowedIds } });
      }
      if (ev.measure) {
        const m = ev.measure;
        await tx.measure.upsert({
          where: { id: m.id },
          create: { id: m.id, caseId: ev.caseId, type: m.type ?? 'OTHER', description: m.description ?? '', memberName: m.memberName, status: m.status, implementedOn: toDate(m.implementedOn) ?? null, createdById: m.createdById },
          update: { status: m.status, implementedOn: toDate(m.implementedOn) },
        });
      }
      if (ev.contact) {
        const c = ev.contact;
        await tx.contact.upsert({
          where: { id: c.id }, update: {},
          create: { id: c.id, caseId: ev.caseId, officialId: c.officialId, contactedOn: new Date(c.contactedOn), method: c.method, note: c.note },
        });
      }
      if (ev.objection) {
        const o = ev.objection;
        await tx.objection.upsert({ where: { id: o.id }, update: {}, create: { id: o.id, caseId: ev.caseId, step: o.step, text: o.text, filedAt: new Date(ev.at) } });
      }
      if (ev.action.startsWith('OBJECTION_') && ev.action !== 'OBJECTION_FILED') {
        // A dismissal settles its own objection; an upheld one ends every investigation of the notice.
        const objectionId = ev.action === 'OBJECTION_DISMISSED' && typeof ev.data?.objectionId === 'string' ? ev.data.objectionId : undefined;
        await tx.objection.updateMany({
          where: { caseId: ev.caseId, outcome: null, ...(objectionId ? { id: objectionId } : {}) },
          data: { outcome: ev.action.replace('OBJECTION_', ''), decidedAt: new Date(ev.at) },
        });
      }
      await writeNotifications(tx, ev.key, ev.caseId, ev.notifications);
      return {
        caseId: ev.caseId, at: new Date(ev.at), action: ev.action, step: ev.step ?? null, taskId: ev.taskId ?? ev.taskClose?.taskId ?? null,
        actorId: ev.actorId ?? null, onBehalfOfId: ev.onBehalfOfId ?? null, comment: ev.comment ?? null,
        data: (ev.data ?? undefined) as Prisma.InputJsonValue | undefined,
      };
    });
  }

  async function openTask(a: OpenTaskArgs): Promise<TaskState> {
    const calendar = deps.calendar();
    const openedAt = new Date(a.openedAt);
    const due = addLimit(calendar, openedAt, a.limit);
    const remind = reminderAt(calendar, due, a.reminderLead);
    await once(a.key, async (tx) => {
      const officials = await tx.official.findMany({
        where: { role: a.level, regionCode: a.regionCode, active: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      const primary = officials.find((o) => !o.standsInForId) ?? officials[0];
      const standIns = primary ? officials.filter((o) => o.standsInForId === primary.id) : [];
      const allowedIds = primary ? [primary.id, ...standIns.map((s) => s.id)] : [];
      await tx.task.upsert({
        where: { id: a.taskId }, update: {},
        create: {
          id: a.taskId, caseId: a.caseId, step: a.step, level: a.level, regionCode: a.regionCode, assigneeId: primary?.id ?? null,
          allowedIds, status: 'OPEN', openedAt, dueAt: due, remindAt: remind > openedAt ? remind : null,
        },
      });
      await tx.case.update({ where: { id: a.caseId }, data: { step: a.step === 'INVESTIGATION' ? undefined : a.step } });
      await writeNotifications(tx, a.key, a.caseId, primary
        ? [{ kind: 'NEW_TASK', to: { officialId: primary.id }, taskId: a.taskId }]
        : [{ kind: 'TASK_UNASSIGNED', to: a.escalationChain[0], taskId: a.taskId, data: { step: a.step, regionCode: a.regionCode } }]);
      return { caseId: a.caseId, at: openedAt, action: 'TASK_OPENED', step: a.step, taskId: a.taskId, actorId: null, data: { assigneeId: primary?.id ?? null, dueAt: due.toISOString() } };
    });
    const row = await prisma.task.findUniqueOrThrow({ where: { id: a.taskId } });
    return toTaskState(row);
  }

  async function checkTaskDeadline(a: CheckTaskDeadlineArgs): Promise<TaskState> {
    const calendar = deps.calendar();
    const now = new Date(a.now);
    const t = { ...a.task };
    const due = addLimit(calendar, new Date(t.openedAt), a.limit);
    const remind = reminderAt(calendar, due, a.reminderLead);
    t.dueAt = due.toISOString();
    t.remindAt = remind > new Date(t.openedAt) ? remind.toISOString() : null;
    let action: 'REMINDER_SENT' | 'TASK_ESCALATED' | null = null;
    let key = '';
    let specs: NotificationSpec[] = [];
    if (now < due) {
      if (!t.reminded && t.remindAt && now >= remind) {
        t.reminded = true;
        action = 'REMINDER_SENT';
        key = `${t.taskId}:reminder`;
        specs = t.assigneeId ? [{ kind: 'REMINDER', to: { officialId: t.assigneeId }, taskId: t.taskId }] : [];
      }
    } else if (t.escalations === 0 || (t.nextEscalationAt && now >= new Date(t.nextEscalationAt))) {
      t.reminded = true;
      t.escalations += 1;
      t.nextEscalationAt = nextRepeatAt(calendar, t.escalations === 1 ? due : now, a.escalationRepeat).toISOString();
      action = 'TASK_ESCALATED';
      key = `${t.taskId}:escalation:${t.escalations}`;
      const to = a.escalationChain[Math.min(t.escalations - 1, a.escalationChain.length - 1)];
      specs = [{ kind: 'ESCALATION', to, taskId: t.taskId, data: { escalation: t.escalations, step: t.step } }];
      if (t.assigneeId) specs.push({ kind: 'ESCALATION', to: { officialId: t.assigneeId }, taskId: t.taskId, data: { escalation: t.escalations, step: t.step, overdue: true } });
    }
    await prisma.task.update({
      where: { id: t.taskId },
      data: {
        dueAt: due, remindAt: t.remindAt ? new Date(t.remindAt) : null,
        ...(action === 'REMINDER_SENT' ? { remindedAt: now } : {}),
        ...(action === 'TASK_ESCALATED' ? { escalations: t.escalations, lastEscalatedAt: now } : {}),
      },
    });
    if (action) {
      const act = action;
      await once(key, async (tx) => {
        await writeNotifications(tx, key, a.caseId, specs);
        return { caseId: a.caseId, at: now, action: act, step: t.step, taskId: t.taskId, data: { dueAt: t.dueAt, escalation: t.escalations } };
      });
    }
    return t;
  }

  async function computeDeadline(a: { from: string; limit: CheckTaskDeadlineArgs['limit'] }): Promise<string> {
    return addLimit(deps.calendar(), new Date(a.from), a.limit).toISOString();
  }

  async function assignContact(a: { caseId: string; villageCode: string }): Promise<string | null> {
    const c = await prisma.official.findFirst({
      where: { role: 'CONTACT', regionCode: a.villageCode, active: true, standsInForId: null },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return c?.id ?? null;
  }

  return { ensureCase, recordEvent, openTask, checkTaskDeadline, computeDeadline, assignContact };
}
