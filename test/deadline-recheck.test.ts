/**
 * Running deadlines honour a calendar update: the due time is recomputed from the calendar
 * file when the task's timer fires, before anything is sent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PrismaClient } from '@prisma/client';
import { loadCalendar } from '../activities/calendar/calendar';
import { createActivities } from '../activities/create-activities';
import { createPrisma } from '../runtime/prisma';
import { DEMO } from './support/harness';

let prisma: PrismaClient;
beforeAll(() => {
  prisma = createPrisma(inject('databaseUrl'));
});
afterAll(async () => {
  await prisma.$disconnect();
});

describe('calendar updates and running deadlines', () => {
  it('a holiday added to the calendar file moves a running deadline, and no escalation is sent at the old due time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-cal-'));
    const file = path.join(dir, 'calendar.json');
    fs.writeFileSync(file, JSON.stringify({ version: 'v1', holidays: [], workdays: [] }));
    const acts = createActivities({ prisma, calendar: () => loadCalendar({ file }) });
    const household = await prisma.household.create({
      data: { id: `hh-cal-${Date.now()}`, idKey: `cal-${Date.now()}`, headName: '测试', idNumberSealed: '410599190001010004', villageCode: DEMO.villageA1 },
    });
    const caseId = `CAL-${Date.now()}`;
    await prisma.case.create({
      data: {
        id: caseId, caseNo: caseId, householdId: household.id, workflowId: `wf-${caseId}`, channel: 'CADRE_SCREENING', category: 'MARGINAL',
        riskTypes: ['ILLNESS'], status: 'IDENTIFYING', step: 'VERIFICATION', villageCode: DEMO.villageA1, townshipCode: DEMO.townshipA,
        countyCode: DEMO.county, policyVersion: 't', openedAt: new Date(),
      },
    });
    // Monday 2026-11-30 09:00 Beijing; 2 working days → due Thursday 2026-12-03 00:00 Beijing.
    const openedAt = '2026-11-30T01:00:00.000Z';
    const limit = { unit: 'WORKING_DAYS' as const, amount: 2 };
    const region = { villageCode: DEMO.villageA1, townshipCode: DEMO.townshipA, countyCode: DEMO.county };
    const escalationChain = [{ role: 'TOWNSHIP' as const, regionCode: DEMO.townshipA }];
    const reminderLead = { unit: 'WORKING_DAYS' as const, amount: 1 };
    const opened = await acts.commitTransition({
      key: `${caseId}:1`, caseId, at: openedAt, region, events: [],
      openTasks: [{ taskId: `${caseId}-t1`, step: 'VERIFICATION', level: 'VILLAGE', regionCode: DEMO.villageA1, openedAt, limit, reminderLead, escalationChain }],
    });
    const task = opened.opened[0];
    expect(task.dueAt).toBe('2026-12-02T16:00:00.000Z');
    // The county declares Tuesday 2026-12-01 a holiday.
    fs.writeFileSync(file, JSON.stringify({ version: 'v2', holidays: ['2026-12-01'], workdays: [] }));
    const result = await acts.commitTransition({
      key: `${caseId}:2`, caseId, at: task.dueAt, region, events: [],
      checkTasks: [{ task: { ...task, reminded: true }, limit, reminderLead, escalationRepeat: { unit: 'WORKING_DAYS', amount: 1 }, escalationChain }],
    });
    const checked = result.checked[0];
    expect(checked.dueAt).toBe('2026-12-03T16:00:00.000Z');
    expect(checked.escalations).toBe(0);
    expect(await prisma.auditEvent.count({ where: { caseId, action: 'TASK_ESCALATED' } })).toBe(0);
    expect((await prisma.task.findUniqueOrThrow({ where: { id: task.taskId } })).dueAt.toISOString()).toBe('2026-12-03T16:00:00.000Z');
  });
});
