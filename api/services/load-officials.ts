/**
 * 干部导入 — loads officials from a CSV (name, email, role, region code, language, stands in for).
 * Officials are matched by email and get a stable id from it, so a second run of the same file
 * changes nothing. A row whose region is unknown, whose role does not fit its region, or whose
 * principal (stands in for: an email or an official id) is unknown or of another role or region
 * is refused, naming the row and the column. Nobody is deactivated and no token is issued here:
 * tokens are issued in the admin pages (or `npm run officials -- token <id>`).
 */
import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { AppError } from '../http/app-error';
import type { Role } from '../../workflows/contracts';
import type { LoadReport, LoadRowReport } from './load-regions';
import { reportOf } from './load-regions';
import { ROLES, checkPlacement, officialIdFor } from './officials';
import { readTableFile, TableFileError } from './read-table-file';

type Column = 'name' | 'email' | 'role' | 'regionCode' | 'language' | 'standsInFor';
const ALIASES: Record<Column, readonly string[]> = {
  name: ['姓名', '名字'],
  email: ['邮箱', '电子邮箱', '电子邮件', 'e-mail'],
  role: ['角色', '岗位'],
  regionCode: ['区划代码', '所属区划', '统计用区划代码', 'region'],
  language: ['语言', 'lang'],
  standsInFor: ['代理', '代理对象', '代为', 'stands_in_for', 'standsInForId'],
};
const ROLE_WORDS: Record<string, Role> = {
  村干部: 'VILLAGE', 村: 'VILLAGE', 乡镇干部: 'TOWNSHIP', 乡镇: 'TOWNSHIP', 县级干部: 'COUNTY', 县: 'COUNTY', 县乡村振兴局: 'COUNTY',
  管理员: 'ADMIN', 帮扶责任人: 'CONTACT', 网格员: 'GRID',
};
const LANG_WORDS: Record<string, 'zh-CN' | 'en'> = { 'zh-cn': 'zh-CN', zh: 'zh-CN', 中文: 'zh-CN', en: 'en', english: 'en', 英文: 'en' };

const ZRow = z.object({
  name: z.string({ error: 'required' }).min(1, 'required').max(50, 'at most 50 characters'),
  email: z.email({ error: (i) => (i.input === undefined ? 'required' : 'not an email address') }).transform((s) => s.toLowerCase()),
  role: z.enum(ROLES, { error: (i) => (i.input === undefined ? 'required' : `"${String(i.input)}" is not a role (${ROLES.join(', ')} or 村干部/乡镇干部/县级干部/管理员/帮扶责任人/网格员)`) }),
  regionCode: z.string({ error: 'required' }).regex(/^\d{12}$/, 'must be a 12-digit region code'),
  language: z.enum(['zh-CN', 'en'], { error: (i) => `"${String(i.input)}" is not a language (zh-CN or en)` }).default('zh-CN'),
  standsInFor: z.string().optional(),
});

/** Loads officials from CSV bytes. @throws TableFileError when the file as a whole is unreadable */
export async function loadOfficials(prisma: PrismaClient, bytes: Uint8Array): Promise<LoadReport> {
  const file = await readTableFile<Column>(bytes, ALIASES);
  const out: LoadRowReport[] = [];
  const present = new Set(file.rows.flatMap((r) => Object.keys(r.cells)));
  if (file.rows.length > 0 && !present.has('email')) throw new TableFileError('no email column (email or 邮箱)');

  const seen = new Map<string, number>();
  const parsed: { line: number; row: z.infer<typeof ZRow> }[] = [];
  for (const { line, cells } of file.rows) {
    const role = cells.role ? (ROLE_WORDS[cells.role] ?? cells.role.toUpperCase()) : undefined;
    const language = cells.language ? (LANG_WORDS[cells.language.toLowerCase()] ?? cells.language) : undefined;
    const r = ZRow.safeParse({ ...cells, role, language });
    if (!r.success) {
      const issue = r.error.issues[0];
      out.push({ row: line, key: cells.email, outcome: 'REFUSED', field: String(issue.path[0]), reason: issue.message });
      continue;
    }
    if (seen.has(r.data.email)) {
      out.push({ row: line, key: r.data.email, outcome: 'REFUSED', field: 'email', reason: `appears twice (also line ${seen.get(r.data.email)})` });
      continue;
    }
    seen.set(r.data.email, line);
    parsed.push({ line, row: r.data });
  }
  // Principals before their stand-ins.
  parsed.sort((a, b) => Number(Boolean(a.row.standsInFor)) - Number(Boolean(b.row.standsInFor)) || a.line - b.line);
  for (const { line, row } of parsed) {
    try {
      let standsInForId: string | null = null;
      if (row.standsInFor) {
        const p = await prisma.official.findFirst({ where: { OR: [{ email: row.standsInFor.toLowerCase() }, { id: row.standsInFor }] }, select: { id: true } });
        if (!p) throw new AppError('INVALID_INPUT', `standsInFor: ${row.standsInFor} is not a known official (email or id)`, { field: 'standsInFor' });
        standsInForId = p.id;
      }
      const before = await prisma.official.findUnique({ where: { email: row.email } });
      await checkPlacement(prisma, { role: row.role, regionCode: row.regionCode, standsInForId }, before?.id);
      const data = { name: row.name, role: row.role, regionCode: row.regionCode, language: row.language, standsInForId };
      if (!before) {
        const id = officialIdFor(row.role, row.email);
        await prisma.official.create({ data: { id, email: row.email, ...data } });
        out.push({ row: line, key: row.email, outcome: 'ADDED', reason: `id ${id}` });
        continue;
      }
      const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => before[k] !== data[k]);
      if (changed.length === 0) {
        out.push({ row: line, key: row.email, outcome: 'UNCHANGED' });
        continue;
      }
      await prisma.official.update({ where: { id: before.id }, data });
      out.push({ row: line, key: row.email, outcome: 'UPDATED', reason: `${before.id}: changed ${changed.join(', ')}` });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const field = err.field ?? undefined;
      out.push({ row: line, key: row.email, outcome: 'REFUSED', field, reason: field ? err.message.replace(`${field}: `, '') : err.message });
    }
  }
  const notes = file.ignoredColumns.length > 0 ? [`ignored columns: ${file.ignoredColumns.join(', ')}`] : [];
  return reportOf(out, file.encoding, notes);
}
