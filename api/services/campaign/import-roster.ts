/**
 * 农户名册导入 — loads a village roster (户主, 身份证号, 人口, 类别, 网格, 网格员) from CSV in UTF-8
 * or GBK. Each household is the Household row a lead would create (same keyed identity: the
 * keyed hash of the head's ID number; personal data sealed as for a lead), with its roster entry
 * (grid, category, members). Grids are created per village by name; a row naming a grid worker
 * (email of an active village official of that village) sets the grid's worker. Idempotent: the
 * same file again changes nothing. The report names rows by line and household id, never by ID number.
 */
import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { residentIdProblem, RESIDENT_ID_MESSAGES } from '../../../core/resident-id';
import type { PersonalDataCipher } from '../../../runtime/personal-data';
import { SEALED } from '../../../runtime/personal-data';
import type { RosterCategory } from '../../../workflows/campaign/contracts';
import { ROSTER_CATEGORIES } from '../../../workflows/campaign/contracts';
import type { LoadReport, LoadRowReport } from '../load-regions';
import { reportOf } from '../load-regions';
import { householdIdFromKey, householdKey } from '../ids';
import { readTableFile, TableFileError } from '../read-table-file';

type Column = 'villageCode' | 'grid' | 'gridWorker' | 'headName' | 'idNumber' | 'memberCount' | 'category' | 'phone' | 'address';
const ALIASES: Record<Column, readonly string[]> = {
  villageCode: ['村代码', '区划代码', '所属村', 'village', 'village_code'],
  grid: ['网格', '网格名称', 'grid_name'],
  gridWorker: ['网格员', '网格员邮箱', 'grid_worker', 'worker'],
  headName: ['户主', '户主姓名', 'head', 'head_name'],
  idNumber: ['身份证号', '户主身份证号', '身份证号码', 'id_number'],
  memberCount: ['人口', '家庭人口', '人口数', 'members', 'member_count'],
  category: ['类别', '农户类别', '户类型', 'type'],
  phone: ['电话', '联系电话'],
  address: ['地址', '住址'],
};
const CATEGORY_WORDS: Record<string, RosterCategory> = {
  脱贫户: 'LIFTED', 一般农户: 'ORDINARY', 一般户: 'ORDINARY', 低保户: 'DIBAO', 低保: 'DIBAO', 特困户: 'TEKUN', 特困: 'TEKUN', 特困供养: 'TEKUN',
};

const ZRow = z.object({
  villageCode: z.string({ error: 'required' }).regex(/^\d{12}$/, 'must be a 12-digit village code'),
  grid: z.string({ error: 'required' }).min(1, 'required').max(50, 'at most 50 characters'),
  gridWorker: z.email({ error: 'not an email address' }).transform((s) => s.toLowerCase()).optional(),
  headName: z.string({ error: 'required' }).min(1, 'required').max(50, 'at most 50 characters'),
  idNumber: z.string({ error: 'required' }).transform((s) => s.toUpperCase()).check((ctx) => {
    const p = residentIdProblem(ctx.value);
    if (p) ctx.issues.push({ code: 'custom', input: ctx.value, message: RESIDENT_ID_MESSAGES[p].en });
  }),
  memberCount: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'at least 1').max(30, 'at most 30'),
  category: z.enum(ROSTER_CATEGORIES, { error: `one of ${ROSTER_CATEGORIES.join(', ')} or 脱贫户/一般农户/低保户/特困户` }),
  phone: z.string().regex(/^\+?[\d\- ]{7,20}$/, 'must be a phone number').optional(),
  address: z.string().max(200, 'at most 200 characters').optional(),
});

/** What the import needs: the database, the household-key secret and the personal-data cipher. */
export interface RosterImportDeps {
  prisma: PrismaClient;
  secret: string;
  cipher: PersonalDataCipher;
}

/** A grid's id: village and name, so the same grid is found again. */
export function gridIdOf(villageCode: string, name: string): string {
  return `grid-${villageCode}-${Buffer.from(name).toString('hex').slice(0, 40)}`;
}

/**
 * Tells each newly assigned grid worker (网格员) that they are one — the seed's complaint is grid
 * workers who do not know it: a GRID_ASSIGNED mail through the outbox (in their language, zh-CN by
 * default) naming the grid, its village and how many households it has, with a link to their grid
 * page. One mail per grid and worker (the idempotency key), so loading the same file again sends none.
 */
export async function mailGridWorkers(prisma: PrismaClient, assigned: Map<string, string>): Promise<void> {
  if (assigned.size === 0) return;
  const counts = new Map((await prisma.rosterEntry.groupBy({ by: ['gridId'], where: { gridId: { in: [...assigned.keys()] } }, _count: true })).map((g) => [g.gridId, g._count]));
  const grids = await prisma.grid.findMany({ where: { id: { in: [...assigned.keys()] } }, select: { id: true, name: true, villageCode: true } });
  await prisma.notification.createMany({
    data: grids.map((g) => ({
      idempotencyKey: `grid-worker:${g.id}:${assigned.get(g.id)}`, kind: 'GRID_ASSIGNED', recipientId: assigned.get(g.id)!,
      data: { gridId: g.id, gridName: g.name, villageCode: g.villageCode, households: counts.get(g.id) ?? 0 },
    })),
    skipDuplicates: true,
  });
}

/** Loads a roster from CSV bytes. @throws TableFileError when the file as a whole is unreadable */
export async function importRoster(deps: RosterImportDeps, bytes: Uint8Array): Promise<LoadReport> {
  const { prisma, cipher } = deps;
  const file = await readTableFile<Column>(bytes, ALIASES);
  const present = new Set(file.rows.flatMap((r) => Object.keys(r.cells)));
  for (const c of ['villageCode', 'grid', 'headName', 'idNumber'] as const) {
    if (file.rows.length > 0 && !present.has(c)) throw new TableFileError(`no ${c} column (${c} or ${ALIASES[c][0]})`);
  }
  const out: LoadRowReport[] = [];
  const seen = new Map<string, number>();
  const villages = new Map<string, boolean>();
  // Grids given a (new) worker by this file: mailed once every row is in, with the grid's household count.
  const assigned = new Map<string, string>();
  for (const { line, cells } of file.rows) {
    const category = cells.category ? (CATEGORY_WORDS[cells.category] ?? cells.category.toUpperCase()) : undefined;
    const clean = Object.fromEntries(Object.entries(cells).filter(([, v]) => v !== '')) as typeof cells;
    const r = ZRow.safeParse({ ...clean, category, memberCount: clean.memberCount ?? '1' });
    if (!r.success) {
      const issue = r.error.issues[0];
      // Never echo an ID number: the reason of an idNumber refusal names the problem only.
      out.push({ row: line, outcome: 'REFUSED', field: String(issue.path[0]), reason: issue.message });
      continue;
    }
    const row = r.data;
    const key = householdKey(deps.secret, row.idNumber);
    const householdId = householdIdFromKey(key);
    if (seen.has(householdId)) {
      out.push({ row: line, key: householdId, outcome: 'REFUSED', field: 'idNumber', reason: `the same household appears twice (also line ${seen.get(householdId)})` });
      continue;
    }
    seen.set(householdId, line);
    if (!villages.has(row.villageCode)) {
      const v = await prisma.region.findUnique({ where: { code: row.villageCode }, select: { level: true } });
      villages.set(row.villageCode, v?.level === 'VILLAGE');
    }
    if (!villages.get(row.villageCode)) {
      out.push({ row: line, key: householdId, outcome: 'REFUSED', field: 'villageCode', reason: `${row.villageCode} is not a known village` });
      continue;
    }
    let workerId: string | undefined;
    if (row.gridWorker) {
      const w = await prisma.official.findUnique({ where: { email: row.gridWorker }, select: { id: true, role: true, regionCode: true, active: true } });
      if (!w || !w.active || (w.role !== 'GRID' && w.role !== 'VILLAGE') || w.regionCode !== row.villageCode) {
        out.push({ row: line, key: householdId, outcome: 'REFUSED', field: 'gridWorker', reason: `${row.gridWorker} is not an active grid worker (GRID) or village official of ${row.villageCode}` });
        continue;
      }
      workerId = w.id;
    }
    const gridId = gridIdOf(row.villageCode, row.grid);
    const changes: string[] = [];
    const grid = await prisma.grid.findUnique({ where: { id: gridId } });
    if (!grid) {
      await prisma.grid.create({ data: { id: gridId, villageCode: row.villageCode, name: row.grid, workerId: workerId ?? null } });
      changes.push('grid');
      if (workerId) assigned.set(gridId, workerId);
    } else if (workerId && grid.workerId !== workerId) {
      await prisma.grid.update({ where: { id: gridId }, data: { workerId } });
      changes.push('grid worker');
      assigned.set(gridId, workerId);
    }

    const before = await prisma.household.findUnique({ where: { idKey: key } });
    if (!before) {
      await prisma.household.create({
        data: {
          id: householdId, idKey: key, headName: row.headName, idNumberSealed: cipher.seal(row.idNumber, SEALED.idNumber(householdId)),
          phoneSealed: cipher.sealOptional(row.phone, SEALED.phone(householdId)) ?? null, villageCode: row.villageCode,
          addressSealed: cipher.sealOptional(row.address, SEALED.address(householdId)) ?? null, memberCount: row.memberCount,
        },
      });
    } else {
      const fields: string[] = [];
      if (before.headName !== row.headName) fields.push('headName');
      if (before.villageCode !== row.villageCode) fields.push('villageCode');
      if (before.memberCount !== row.memberCount) fields.push('memberCount');
      if (row.phone && cipher.openOptional(before.phoneSealed, SEALED.phone(householdId)) !== row.phone) fields.push('phone');
      if (row.address && cipher.openOptional(before.addressSealed, SEALED.address(householdId)) !== row.address) fields.push('address');
      if (fields.length > 0) {
        await prisma.household.update({
          where: { id: before.id },
          data: {
            headName: row.headName, villageCode: row.villageCode, memberCount: row.memberCount,
            ...(row.phone ? { phoneSealed: cipher.seal(row.phone, SEALED.phone(householdId)) } : {}),
            ...(row.address ? { addressSealed: cipher.seal(row.address, SEALED.address(householdId)) } : {}),
          },
        });
        changes.push(...fields);
      }
    }
    const entry = await prisma.rosterEntry.findUnique({ where: { householdId } });
    const want = { villageCode: row.villageCode, gridId, category: row.category, memberCount: row.memberCount };
    if (!entry) {
      await prisma.rosterEntry.create({ data: { householdId, ...want } });
      out.push({ row: line, key: householdId, outcome: 'ADDED', reason: before ? 'household known from a lead, now on the roster' : undefined });
      continue;
    }
    const entryChanges = (Object.keys(want) as (keyof typeof want)[]).filter((k) => entry[k] !== want[k]);
    if (entryChanges.length > 0) await prisma.rosterEntry.update({ where: { householdId }, data: want });
    changes.push(...entryChanges.filter((c) => !changes.includes(c)));
    out.push(changes.length === 0 ? { row: line, key: householdId, outcome: 'UNCHANGED' } : { row: line, key: householdId, outcome: 'UPDATED', reason: `changed ${changes.join(', ')}` });
  }
  await mailGridWorkers(prisma, assigned);
  const notes = file.ignoredColumns.length > 0 ? [`ignored columns: ${file.ignoredColumns.join(', ')}`] : [];
  return reportOf(out, file.encoding, notes);
}
