/**
 * From zero to a real county: `npm run setup -- regions|officials` load the sample county from its
 * files (idempotently, refusing bad rows by line), a case runs on it through the API, and
 * administrators manage its officials in the admin pages.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../runtime/migrate';
import { officialIdFor } from '../api/services/officials';
import type { Harness } from './support/harness';
import { eventually, leadBody, startHarness } from './support/harness';
import { adminLogin } from './support/admin';
import { driveToMonitored, openTaskOf, waitForCase } from './support/driver';

const SAMPLE = {
  county: '411799000000',
  heping: '411799100201',
  admin: officialIdFor('ADMIN', 'admin@yangli.example.cn'),
  villageHeping: officialIdFor('VILLAGE', 'cun.heping@yangli.example.cn'),
  standInHeping: officialIdFor('VILLAGE', 'cun2.heping@yangli.example.cn'),
  contactHeping: officialIdFor('CONTACT', 'bangfu.heping@yangli.example.cn'),
  lizhuang: '411799100202',
  villageLizhuang: officialIdFor('VILLAGE', 'cun.lizhuang@yangli.example.cn'),
};

function setup(...args: string[]): { code: number; out: string } {
  const r = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), [path.join(PROJECT_ROOT, 'scripts', 'setup.ts'), ...args], {
    cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATABASE_URL: inject('databaseUrl') },
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('npm run setup', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('loads the sample county’s regions and officials, and a second run changes nothing and says so', () => {
    const regions = setup('regions', 'samples/regions.csv');
    expect(regions.code, regions.out).toBe(0);
    expect(regions.out).toMatch(/regions: 9 added, 0 updated, 0 unchanged, 0 refused/);
    const again = setup('regions', 'samples/regions.csv');
    expect(again.out).toMatch(/regions: 0 added, 0 updated, 9 unchanged, 0 refused/);
    expect(again.out).toContain('nothing to change');

    const officials = setup('officials', 'samples/officials.csv');
    expect(officials.code, officials.out).toBe(0);
    expect(officials.out).toMatch(/officials: 10 added, 0 updated, 0 unchanged, 0 refused/);
    expect(officials.out).toContain(`id ${SAMPLE.admin}`);
    const officialsAgain = setup('officials', 'samples/officials.csv');
    expect(officialsAgain.code).toBe(0);
    expect(officialsAgain.out).toMatch(/officials: 0 added, 0 updated, 10 unchanged, 0 refused/);
    expect(officialsAgain.out).toContain('nothing to change');
  }, 120_000);

  it('refuses each bad row naming its line and the reason (unknown region, role on the wrong level, GBK file), and loads the rest', () => {
    const regions = setup('regions', 'test/fixtures/regions-gbk.csv');
    expect(regions.code).toBe(2);
    expect(regions.out).toContain('line 4 (411799102202): refused — parentCode: parent 411799999000 is not a known region');
    expect(regions.out).toContain('line 5 (411799102203): refused — name: required');
    expect(regions.out).toContain('line 6 (4117991022): refused — code: must be a 12-digit');
    expect(regions.out).toMatch(/2 added, 0 updated, 0 unchanged, 3 refused \(5 rows, gb18030\)/);

    const officials = setup('officials', 'test/fixtures/officials-bad.csv');
    expect(officials.code).toBe(2);
    expect(officials.out).toContain('line 2 (x1@yangli.example.cn): refused — regionCode: 411799999201 is not a known region');
    expect(officials.out).toContain('line 3 (x2@yangli.example.cn): refused — regionCode: a TOWNSHIP official belongs to a township');
    expect(officials.out).toContain('line 4 (x3@yangli.example.cn): refused — standsInFor: nobody@yangli.example.cn is not a known official');
    expect(officials.out).toMatch(/officials: 1 added, 0 updated, 0 unchanged, 3 refused/);
  }, 60_000);

  it('a case runs on the loaded county through the API, assigned to its own officials', async () => {
    const res = await h.api('POST', '/api/cases', { as: SAMPLE.villageHeping, body: leadBody({ household: { villageCode: SAMPLE.heping } }) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const caseId = res.body.case.id as string;
    expect(res.body.case.countyCode).toBe(SAMPLE.county);
    expect((await openTaskOf(h, caseId, 'VERIFICATION')).assigneeId).toBe(SAMPLE.villageHeping);
    await driveToMonitored(h, caseId);
    await waitForCase(h, caseId, 'MONITORED');
    const approvedBy = await h.prisma.task.findFirstOrThrow({ where: { caseId, step: 'COUNTY_APPROVAL' } });
    expect(approvedBy.decidedById).toBe(officialIdFor('COUNTY', 'county@yangli.example.cn'));
  }, 120_000);

  it('deactivating an official transfers each open task to the stand-in through the workflow, and with nobody left it is left for escalation and said so', async () => {
    const res = await h.api('POST', '/api/cases', { as: SAMPLE.villageHeping, body: leadBody({ household: { villageCode: SAMPLE.heping } }) });
    expect(res.status).toBe(201);
    const caseId = res.body.case.id as string;
    const task = await openTaskOf(h, caseId, 'VERIFICATION');
    await eventually(async () => (await h.state(caseId)).openTasks.some((t) => t.taskId === task.id), 'workflow to list the task');
    const admin = await adminLogin(h, SAMPLE.admin);
    const csrf = await admin.csrf();

    const first = await admin.post(`/admin/officials/${SAMPLE.villageHeping}/deactivate`, { _csrf: csrf });
    expect(first.status, first.text).toBe(200);
    expect(first.text).toContain(`data-task-id="${task.id}" data-outcome="TRANSFERRED"`);
    expect(first.text).toContain(SAMPLE.standInHeping);
    await eventually(async () => (await h.prisma.task.findUnique({ where: { id: task.id } }))?.assigneeId === SAMPLE.standInHeping, 'task row to name the stand-in');
    const transfer = await h.prisma.auditEvent.findFirstOrThrow({ where: { caseId, action: 'TASK_TRANSFERRED', taskId: task.id } });
    expect(transfer.actorId).toBe(SAMPLE.admin);
    expect((await h.prisma.official.findUniqueOrThrow({ where: { id: SAMPLE.villageHeping } })).active).toBe(false);

    const second = await admin.post(`/admin/officials/${SAMPLE.standInHeping}/deactivate`, { _csrf: csrf });
    expect(second.status).toBe(200);
    expect(second.text).toContain(`data-task-id="${task.id}" data-outcome="LEFT_FOR_ESCALATION"`);
    expect((await h.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).assigneeId).toBe(SAMPLE.standInHeping);
  }, 120_000);

  it('an administrator adds an official, issues a token shown once, and revokes it', async () => {
    const admin = await adminLogin(h, SAMPLE.admin);
    const csrf = await admin.csrf();
    const added = await admin.post('/admin/officials', { _csrf: csrf, name: '新村官', email: 'new.heping@yangli.example.cn', role: 'VILLAGE', regionCode: SAMPLE.heping, language: 'zh-CN' });
    expect(added.status, added.text).toBe(303);
    const id = officialIdFor('VILLAGE', 'new.heping@yangli.example.cn');
    expect((await admin.get('/admin/officials')).text).toContain(`data-official-id="${id}" data-active="true"`);
    const unknownRegion = await admin.post('/admin/officials', { _csrf: csrf, name: '甲', email: 'jia@yangli.example.cn', role: 'VILLAGE', regionCode: '411799999201' });
    expect(unknownRegion.status).toBe(403);

    const started = Date.now();
    const issued = await admin.post(`/admin/officials/${id}/tokens`, { _csrf: csrf, label: 'phone' });
    expect(Date.now() - started).toBeLessThan(1000);
    const token = /<code data-token>([^<]+)<\/code>/.exec(issued.text)?.[1];
    expect(token).toMatch(/^bf_/);
    expect((await h.api('GET', '/api/cases', { token })).status).toBe(200);
    expect((await admin.get('/admin/officials')).text).not.toContain(token);
    const row = await h.prisma.apiToken.findFirstOrThrow({ where: { officialId: id, revokedAt: null } });
    const revoked = await admin.post(`/admin/officials/${id}/tokens/${row.id}/revoke`, { _csrf: csrf });
    expect(revoked.status).toBe(303);
    expect((await h.api('GET', '/api/cases', { token })).status).toBe(401);
  }, 60_000);

  it('deactivating an assistance contact (帮扶责任人) reassigns its households to a colleague through the case workflow, and its token is refused after', async () => {
    const admin = await adminLogin(h, SAMPLE.admin);
    const csrf = await admin.csrf();
    const add = async (email: string, role: string): Promise<string> => {
      const started = Date.now();
      const r = await admin.post('/admin/officials', { _csrf: csrf, name: email.split('@')[0], email, role, regionCode: SAMPLE.lizhuang, language: 'zh-CN' });
      expect(r.status, r.text).toBe(303);
      expect(Date.now() - started, 'adding an official').toBeLessThan(1000);
      return officialIdFor(role as 'CONTACT', email);
    };
    await add('bangfu.lizhuang@yangli.example.cn', 'CONTACT');
    const res = await h.api('POST', '/api/cases', { as: SAMPLE.villageLizhuang, body: leadBody({ household: { villageCode: SAMPLE.lizhuang } }) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const caseId = res.body.case.id as string;
    await driveToMonitored(h, caseId);
    // The village's first active contact (another test file's row may be first): whoever it is, deactivating it hands the household on.
    const contactA = (await eventually(async () => (await h.prisma.case.findUnique({ where: { id: caseId } }))?.contactId, 'a contact assigned')) as string;
    await add('bangfu2.lizhuang@yangli.example.cn', 'CONTACT');
    const tokenA = await h.token(contactA);
    expect((await h.api('GET', '/api/tasks', { token: tokenA })).status).toBe(200);

    const out = await admin.post(`/admin/officials/${contactA}/deactivate`, { _csrf: csrf });
    expect(out.status, out.text).toBe(200);
    expect(out.text).toContain(`data-case-id="${caseId}" data-outcome="REASSIGNED"`);
    const contactB = (await h.prisma.official.findFirstOrThrow({
      where: { role: 'CONTACT', regionCode: SAMPLE.lizhuang, active: true, standsInForId: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    })).id;
    expect(contactB).not.toBe(contactA);
    const row = await h.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(row.contactId).toBe(contactB);
    expect((await h.state(caseId)).contactId).toBe(contactB); // the workflow's state, so reminders go to B
    const audit = await h.prisma.auditEvent.findFirstOrThrow({ where: { caseId, action: 'CONTACT_REASSIGNED' } });
    expect(audit.actorId).toBe(SAMPLE.admin);
    expect(await h.prisma.notification.count({ where: { caseId, kind: 'CASE_ASSIGNED_TO_CONTACT', recipientId: contactB } })).toBe(1);
    expect((await h.api('GET', '/api/tasks', { token: tokenA })).status).toBe(401);
  }, 120_000);

  it('deactivating an official with many open tasks is answered in under a second, every task transferred', async () => {
    const admin = await adminLogin(h, SAMPLE.admin);
    const csrf = await admin.csrf();
    const started = Date.now();
    const added = await admin.post('/admin/officials', { _csrf: csrf, name: '蒋支书', email: 'cun2.lizhuang@yangli.example.cn', role: 'VILLAGE', regionCode: SAMPLE.lizhuang, language: 'zh-CN' });
    expect(added.status, added.text).toBe(303);
    expect(Date.now() - started, 'adding an official').toBeLessThan(1000);
    const colleague = officialIdFor('VILLAGE', 'cun2.lizhuang@yangli.example.cn');
    const caseIds: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      caseIds.push(...await Promise.all(Array.from({ length: 6 }, async () => {
        const r = await h.api('POST', '/api/cases', { as: SAMPLE.villageLizhuang, body: leadBody({ household: { villageCode: SAMPLE.lizhuang } }) });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return r.body.case.id as string;
      })));
    }
    const open = await h.prisma.task.findMany({ where: { caseId: { in: caseIds }, status: 'OPEN' } });
    expect(open).toHaveLength(caseIds.length);
    expect(new Set(open.map((t) => t.assigneeId))).toEqual(new Set([SAMPLE.villageLizhuang]));

    const t0 = Date.now();
    const out = await admin.post(`/admin/officials/${SAMPLE.villageLizhuang}/deactivate`, { _csrf: csrf });
    const took = Date.now() - t0;
    expect(out.status, out.text).toBe(200);
    console.log(`[county-setup] deactivated an official with ${open.length} open tasks in ${took} ms`);
    expect(took, `deactivating with ${open.length} open tasks`).toBeLessThan(1000);
    for (const t of open) expect(out.text).toContain(`data-task-id="${t.id}" data-outcome="TRANSFERRED"`);
    const after = await h.prisma.task.findMany({ where: { id: { in: open.map((t) => t.id) } } });
    expect(after.every((t) => t.assigneeId === colleague)).toBe(true);
  }, 120_000);
});
