/**
 * Activity factory: everything with side effects, built from real clients so tests can pass
 * others. The case workflow has one activity, {@link CaseActivities.commitTransition}: each
 * transition's audit rows, case and task rows and outbox rows in one transaction, once per key.
 */
import type { Prisma, PrismaClient } from '@prisma/client';
import { ApplicationFailure } from '@temporalio/activity';
import type { TaskState } from '../workflows/contracts';
import { evaluateTaskDeadline } from '../workflows/blocks/task';
import type { OpenTaskSpec } from '../workflows/blocks/task';
import type { DeadlineName } from '../workflows/case/state';
import type { WorkingCalendar } from './calendar/calendar';
import { addLimit, nextRepeatAt, reminderAt } from './deadlines';
import type { CaseActivities, CommitArgs, CommitResult, EventSpec, NotificationSpec, TaskCheckSpec } from './types';

/** What the activities need. */
export interface ActivityDeps {
  prisma: PrismaClient;
  /** Returns the current calendar; called on every commit so updates are honoured. */
  calendar: () => WorkingCalendar;
}

type Tx = Prisma.TransactionClient;

const toDate = (v: string | null | undefined): Date | null | undefined => (v === undefined ? undefined : v === null ? null : new Date(v));

/** Deadlines that are also read-model columns of the case. */
const CASE_DEADLINE_COLUMNS: Partial<Record<DeadlineName, 'slaDueAt' | 'planDueAt' | 'nextReviewAt'>> = {
  slaDueAt: 'slaDueAt', planDueAt: 'planDueAt', nextReviewAt: 'nextReviewAt',
};

async function resolveRecipients(tx: Tx, caseId: string, to: NotificationSpec['to']): Promise<string[]> {
  if ('officialId' in to) return [to.officialId];
  if ('caseContact' in to) {
    const c = await tx.case.findUnique({ where: { id: caseId }, select: { contactId: true } });
    return c?.contactId ? [c.contactId] : [];
  }
  // Administrators addressed by a county are that county's and its city's (the level above).
  const region =
    to.role === 'ADMIN' && to.regionCode
      ? { OR: [{ regionCode: to.regionCode }, { region: { children: { some: { code: to.regionCode } } } }] }
      : to.regionCode
        ? { regionCode: to.regionCode }
        : {};
  const rows = await tx.official.findMany({ where: { role: to.role, active: true, ...region, standsInForId: null }, select: { id: true }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.id);
}

/** Writes outbox rows for the notifications; keys derive from the event key, so repeats are skipped. */
async function writeNotifications(tx: Tx, key: string, caseId: string, specs: NotificationSpec[] | undefined): Promise<void> {
  if (!specs?.length) return;
  const rows: Prisma.NotificationCreateManyInput[] = [];
  for (const [i, spec] of specs.entries()) {
    for (const recipientId of await resolveRecipients(tx, caseId, spec.to)) {
      rows.push({
        idempotencyKey: `${key}:n${i}:${recipientId}`, kind: spec.kind, recipientId, caseId, taskId: spec.taskId ?? null,
        data: (spec.data ?? {}) as Prisma.InputJsonValue,
      });
    }
  }
  if (rows.length) await tx.notification.createMany({ data: rows, skipDuplicates: true });
}

function toTaskState(row: { id: string; step: string; level: string; regionCode: string; assigneeId: string | null; allowedIds: string[]; openedAt: Date; dueAt: Date; remindAt: Date | null; remindedAt: Date | null; escalations: number }): TaskState {
  return {
    taskId: row.id, step: row.step as TaskState['step'], level: row.level as TaskState['level'], regionCode: row.regionCode,
    assigneeId: row.assigneeId, allowedIds: row.allowedIds, openedAt: row.openedAt.toISOString(), dueAt: row.dueAt.toISOString(),
    remindAt: row.remindAt?.toISOString() ?? null, reminded: row.remindedAt !== null, escalations: row.escalations, nextEscalationAt: null,
  };
}

/**
 * Whether a database error is about the data itself (SQLSTATE class 22, e.g. a NUL byte or an
 * unpaired surrogate in a text), so that retrying can never succeed.
 */
export function isPermanentDataError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const texts: string[] = [];
  const walk = (e: unknown, depth: number): void => {
    if (!e || typeof e !== 'object' || seen.has(e) || depth > 4) return;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const k of ['code', 'originalCode', 'message', 'kind']) if (typeof o[k] === 'string') texts.push(o[k] as string);
    for (const k of ['cause', 'meta', 'driverAdapterError']) walk(o[k], depth + 1);
  };
  walk(err, 0);
  return texts.some((t) => /^22[0-9A-Z]{3}$/.test(t) || /invalid byte sequence|unsupported Unicode escape|invalid input syntax|value too long|out of range/i.test(t));
}

/** Builds the activities of the case workflow. */
export function createActivities(deps: ActivityDeps): CaseActivities {
  const { prisma } = deps;

  async function audit(tx: Tx, key: string, caseId: string, at: Date, e: Omit<Prisma.AuditEventUncheckedCreateInput, 'idempotencyKey' | 'caseId' | 'at'>): Promise<void> {
    await tx.auditEvent.create({ data: { ...e, caseId, at, idempotencyKey: key } });
  }

  async function writeEvent(tx: Tx, a: CommitArgs, key: string, ev: EventSpec): Promise<void> {
    const at = new Date(a.at);
    if (ev.taskClose) {
      const c = ev.taskClose;
      await tx.task.updateMany({
        where: { id: c.taskId, status: 'OPEN' },
        data: { status: c.status, outcome: c.outcome, decidedById: c.decidedById, onBehalfOfId: c.onBehalfOfId, comment: c.comment, closedAt: at },
      });
    }
    if (ev.taskPatch) await tx.task.updateMany({ where: { id: ev.taskPatch.taskId }, data: { assigneeId: ev.taskPatch.assigneeId, allowedIds: ev.taskPatch.allowedIds } });
    if (ev.measure) {
      const m = ev.measure;
      await tx.measure.upsert({
        where: { id: m.id },
        create: { id: m.id, caseId: a.caseId, type: m.type ?? 'OTHER', description: m.description ?? '', memberName: m.memberName, status: m.status, implementedOn: toDate(m.implementedOn) ?? null, createdById: m.createdById },
        update: { status: m.status, implementedOn: toDate(m.implementedOn) },
      });
    }
    if (ev.contact) {
      const c = ev.contact;
      await tx.contact.upsert({ where: { id: c.id }, update: {}, create: { id: c.id, caseId: a.caseId, officialId: c.officialId, contactedOn: new Date(c.contactedOn), method: c.method, note: c.note } });
    }
    if (ev.objection) {
      const o = ev.objection;
      await tx.objection.upsert({ where: { id: o.id }, update: {}, create: { id: o.id, caseId: a.caseId, step: o.step, text: o.text, filedAt: at } });
    }
    if (ev.objectionOutcome) {
      // A dismissal settles its own objection; an upheld one ends every investigation of the notice.
      const o = ev.objectionOutcome;
      await tx.objection.updateMany({ where: { caseId: a.caseId, outcome: null, ...(o.objectionId ? { id: o.objectionId } : {}) }, data: { outcome: o.outcome, decidedAt: at } });
    }
    await writeNotifications(tx, key, a.caseId, ev.notifications);
    await audit(tx, key, a.caseId, at, {
      action: ev.action, step: ev.step ?? null, taskId: ev.taskId ?? ev.taskClose?.taskId ?? null, actorId: ev.actorId ?? null,
      onBehalfOfId: ev.onBehalfOfId ?? null, comment: ev.comment ?? null, data: (ev.data ?? undefined) as Prisma.InputJsonValue | undefined,
    });
  }

  async function openTask(tx: Tx, a: CommitArgs, key: string, t: OpenTaskSpec, calendar: WorkingCalendar): Promise<TaskState> {
    const openedAt = new Date(t.openedAt);
    const due = addLimit(calendar, openedAt, t.limit);
    const remind = reminderAt(calendar, due, t.reminderLead);
    const officials = await tx.official.findMany({ where: { role: t.level, regionCode: t.regionCode, active: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const primary = officials.find((o) => !o.standsInForId) ?? officials[0];
    const allowedIds = primary ? [primary.id, ...officials.filter((o) => o.standsInForId === primary.id).map((s) => s.id)] : [];
    const row = await tx.task.create({
      data: {
        id: t.taskId, caseId: a.caseId, step: t.step, level: t.level, regionCode: t.regionCode, assigneeId: primary?.id ?? null,
        allowedIds, status: 'OPEN', openedAt, dueAt: due, remindAt: remind > openedAt ? remind : null,
      },
    });
    await writeNotifications(tx, key, a.caseId, primary
      ? [{ kind: 'NEW_TASK', to: { officialId: primary.id }, taskId: t.taskId }]
      : [{ kind: 'TASK_UNASSIGNED', to: t.escalationChain[0], taskId: t.taskId, data: { step: t.step, regionCode: t.regionCode } }]);
    await audit(tx, key, a.caseId, openedAt, { action: 'TASK_OPENED', step: t.step, taskId: t.taskId, data: { assigneeId: primary?.id ?? null, dueAt: due.toISOString() } });
    return toTaskState(row);
  }

  function evaluate(c: TaskCheckSpec, now: Date, calendar: WorkingCalendar): ReturnType<typeof evaluateTaskDeadline> {
    const due = addLimit(calendar, new Date(c.task.openedAt), c.limit);
    const remind = reminderAt(calendar, due, c.reminderLead);
    return evaluateTaskDeadline(c.task, now.getTime(), { dueAt: due.getTime(), remindAt: remind.getTime() }, (from) => nextRepeatAt(calendar, new Date(from), c.escalationRepeat).getTime(), c.escalationChain);
  }

  async function checkTask(tx: Tx, a: CommitArgs, c: TaskCheckSpec, calendar: WorkingCalendar): Promise<TaskState> {
    const now = new Date(a.at);
    const r = evaluate(c, now, calendar);
    const t = r.task;
    const updated = await tx.task.updateMany({
      where: { id: t.taskId, status: 'OPEN' },
      data: {
        dueAt: new Date(t.dueAt), remindAt: toDate(t.remindAt),
        ...(r.action === 'REMINDER_SENT' ? { remindedAt: now } : {}),
        ...(r.action === 'TASK_ESCALATED' ? { escalations: t.escalations, lastEscalatedAt: now } : {}),
      },
    });
    if (r.action && updated.count > 0) {
      const key = r.action === 'REMINDER_SENT' ? `${t.taskId}:reminder` : `${t.taskId}:escalation:${t.escalations}`;
      if (!(await tx.auditEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } }))) {
        const data = { escalation: t.escalations, step: t.step };
        const specs: NotificationSpec[] = r.action === 'REMINDER_SENT'
          ? r.to.map((to) => ({ kind: 'REMINDER', to, taskId: t.taskId }))
          : r.to.map((to, i) => ({ kind: 'ESCALATION', to, taskId: t.taskId, data: i === 0 ? data : { ...data, overdue: true } }));
        await writeNotifications(tx, key, a.caseId, specs);
        await audit(tx, key, a.caseId, now, { action: r.action, step: t.step, taskId: t.taskId, data: { dueAt: t.dueAt, escalation: t.escalations } });
      }
    }
    return t;
  }

  async function commitTransition(a: CommitArgs): Promise<CommitResult> {
    const calendar = deps.calendar();
    const deadlines: CommitResult['deadlines'] = {};
    for (const [name, d] of Object.entries(a.deadlines ?? {})) deadlines[name as DeadlineName] = addLimit(calendar, new Date(d.from), d.limit).toISOString();
    /** A retry of a commit that already happened: report what it did, write nothing. */
    const alreadyDone = async (): Promise<CommitResult> => {
      const ids = (a.openTasks ?? []).map((t) => t.taskId);
      const opened = (await prisma.task.findMany({ where: { id: { in: ids } } })).map(toTaskState).sort((x, y) => ids.indexOf(x.taskId) - ids.indexOf(y.taskId));
      const row = await prisma.case.findUnique({ where: { id: a.caseId }, select: { contactId: true } });
      return { deadlines, opened, checked: (a.checkTasks ?? []).map((c) => evaluate(c, new Date(a.at), calendar).task), contactId: row?.contactId ?? null };
    };
    try {
      return await prisma.$transaction(async (tx) => {
        if (a.create) {
          const c = a.create;
          const lead = await tx.lead.findUnique({ where: { id: a.caseId } });
          await tx.case.upsert({
            where: { id: a.caseId }, update: {},
            create: {
              id: a.caseId, caseNo: a.caseId, householdId: c.householdId, workflowId: c.workflowId, channel: c.channel, category: c.category,
              riskTypes: c.riskTypes, status: 'IDENTIFYING', step: 'VERIFICATION', villageCode: a.region.villageCode, townshipCode: a.region.townshipCode,
              countyCode: a.region.countyCode, contactId: c.contactId ?? null, policyVersion: c.policyVersion, policy: c.policy as unknown as Prisma.InputJsonValue,
              openedAt: new Date(c.openedAt), previousCaseId: c.previousCaseId ?? null, leadKey: lead?.leadKey ?? null,
              healthDetailsSealed: lead?.healthDetailsSealed ?? null, incomePerCapita: lead?.incomePerCapita ?? null, summary: lead?.summary ?? null,
            },
          });
        }
        let contactId: string | null = null;
        if (a.assignContact) {
          const c = await tx.official.findFirst({
            where: { role: 'CONTACT', regionCode: a.region.villageCode, active: true, standsInForId: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          });
          contactId = c?.id ?? null;
        }
        if (a.casePatch || Object.keys(deadlines).length > 0 || contactId) {
          const p = a.casePatch ?? {};
          const data: Prisma.CaseUpdateInput = {
            status: p.status, step: p.step, slaBreached: p.slaBreached, approvedAt: toDate(p.approvedAt), annualCheck: p.annualCheck,
            eliminatedAt: toDate(p.eliminatedAt), eliminationRoute: p.eliminationRoute, closeReason: p.closeReason, lastContactAt: toDate(p.lastContactAt),
            contactId: contactId ?? p.contactId,
            closedAt: p.status && ['REJECTED', 'WITHDRAWN', 'ELIMINATED', 'CLOSED'].includes(p.status) ? new Date(a.at) : p.status ? null : undefined,
          };
          for (const [name, col] of Object.entries(CASE_DEADLINE_COLUMNS)) {
            const v = deadlines[name as DeadlineName];
            if (v && col) data[col] = new Date(v);
          }
          await tx.case.update({ where: { id: a.caseId }, data });
        }
        let n = 0;
        for (const ev of a.events) await writeEvent(tx, a, `${a.key}.${n++}`, ev);
        const opened: TaskState[] = [];
        for (const t of a.openTasks ?? []) opened.push(await openTask(tx, a, `${a.key}.${n++}`, t, calendar));
        const checked: TaskState[] = [];
        for (const c of a.checkTasks ?? []) checked.push(await checkTask(tx, a, c, calendar));
        return { deadlines, opened, checked, contactId };
      });
    } catch (err) {
      // The commit's audit key (or its task) exists: this is a retry of a commit that already landed.
      if ((err as { code?: string }).code === 'P2002' && a.events.length + (a.openTasks?.length ?? 0) > 0 && (await prisma.auditEvent.findUnique({ where: { idempotencyKey: `${a.key}.0` }, select: { id: true } }))) {
        return alreadyDone();
      }
      if (isPermanentDataError(err)) {
        // Never echo the data: it may be personal.
        throw ApplicationFailure.create({ type: 'BAD_DATA', nonRetryable: true, message: 'the database refused a value of this action (invalid characters such as a NUL byte); nothing was recorded' });
      }
      throw err;
    }
  }

  return { commitTransition };
}
