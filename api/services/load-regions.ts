/**
 * 行政区划导入 — loads the administrative hierarchy from a CSV in the national 统计用区划代码 form:
 * a 12-digit code (省 2 + 市 2 + 县 2 + 乡 3 + 村 3 digits), a name, and a level or a parent code
 * (either may be left out: the level and the parent then follow from the code's structure). The
 * national tables' 城乡分类代码 column and files without a header (`code,[城乡分类代码,]name`) are
 * read too. Idempotent: regions are upserted by code, nothing is deleted, and a row that matches
 * the database changes nothing.
 */
import type { PrismaClient } from '@prisma/client';
import { readTableFile, TableFileError } from './read-table-file';

/** Levels of the tree, top down. */
export const REGION_LEVELS = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE'] as const;
export type FullRegionLevel = (typeof REGION_LEVELS)[number];

/** What happened to one row of a setup file. */
export type LoadOutcome = 'ADDED' | 'UPDATED' | 'UNCHANGED' | 'REFUSED';

/** One row's report. `row` is the file line (the header is line 1). */
export interface LoadRowReport {
  row: number;
  /** The row's region code or email, when it has one. */
  key?: string;
  outcome: LoadOutcome;
  field?: string;
  reason?: string;
}

/** The report of a load. */
export interface LoadReport {
  rows: LoadRowReport[];
  counts: Record<LoadOutcome, number>;
  encoding: string;
  notes: string[];
}

/** Builds a report from row results (sorted by line). */
export function reportOf(rows: LoadRowReport[], encoding: string, notes: string[]): LoadReport {
  const counts: Record<LoadOutcome, number> = { ADDED: 0, UPDATED: 0, UNCHANGED: 0, REFUSED: 0 };
  for (const r of rows) counts[r.outcome] += 1;
  return { rows: [...rows].sort((a, b) => a.row - b.row), counts, encoding, notes };
}

type Column = 'code' | 'name' | 'level' | 'parentCode' | 'nameEn' | 'urbanRural';
const ALIASES: Record<Column, readonly string[]> = {
  code: ['统计用区划代码', '区划代码', '代码', 'regionCode'],
  name: ['名称', '区划名称', '单位名称'],
  level: ['级别', '层级', '区划级别'],
  parentCode: ['上级代码', '上级区划代码', 'parent', 'parent_code'],
  nameEn: ['英文名称', 'name_en'],
  urbanRural: ['城乡分类代码', '城乡分类'],
};

const LEVEL_WORDS: Record<string, FullRegionLevel> = {
  province: 'PROVINCE', 省: 'PROVINCE', 省级: 'PROVINCE', '1': 'PROVINCE',
  city: 'CITY', 市: 'CITY', 地级: 'CITY', 市级: 'CITY', '2': 'CITY',
  county: 'COUNTY', 县: 'COUNTY', 县级: 'COUNTY', 区县: 'COUNTY', '3': 'COUNTY',
  township: 'TOWNSHIP', 乡: 'TOWNSHIP', 镇: 'TOWNSHIP', 乡镇: 'TOWNSHIP', 街道: 'TOWNSHIP', 乡级: 'TOWNSHIP', '4': 'TOWNSHIP',
  village: 'VILLAGE', 村: 'VILLAGE', 社区: 'VILLAGE', 村级: 'VILLAGE', '5': 'VILLAGE',
};

/** The level a code's structure gives: trailing zero groups mark the higher levels. */
export function levelOfCode(code: string): FullRegionLevel {
  if (code.slice(2) === '0000000000') return 'PROVINCE';
  if (code.slice(4) === '00000000') return 'CITY';
  if (code.slice(6) === '000000') return 'COUNTY';
  if (code.slice(9) === '000') return 'TOWNSHIP';
  return 'VILLAGE';
}

/** The parent a code's structure gives (null for a province). */
export function parentOfCode(code: string, level: FullRegionLevel): string | null {
  switch (level) {
    case 'PROVINCE':
      return null;
    case 'CITY':
      return `${code.slice(0, 2)}0000000000`;
    case 'COUNTY':
      return `${code.slice(0, 4)}00000000`;
    case 'TOWNSHIP':
      return `${code.slice(0, 6)}000000`;
    case 'VILLAGE':
      return `${code.slice(0, 9)}000`;
  }
}

interface Candidate {
  line: number;
  code: string;
  name: string;
  nameEn: string | null;
  level: FullRegionLevel;
  parentCode: string | null;
  /** The parent was given in the file (not derived from the code). */
  explicitParent: boolean;
}

/**
 * Loads regions from CSV bytes.
 * @throws TableFileError when the file as a whole is unreadable or lacks the code or name column
 */
export async function loadRegions(prisma: PrismaClient, bytes: Uint8Array): Promise<LoadReport> {
  const file = await readTableFile<Column>(bytes, ALIASES, {
    isData: (first) => /^\d{12}$/.test(first[0] ?? ''),
    columns: (first) => (/^\d{3}$/.test(first[1] ?? '') ? ['code', 'urbanRural', 'name'] : ['code', 'name', 'level']),
  });
  const header = new Set(file.rows.flatMap((r) => Object.keys(r.cells)));
  if (file.rows.length > 0 && !header.has('code')) throw new TableFileError('no region code column (统计用区划代码 or code)');
  const out: LoadRowReport[] = [];
  const refuse = (line: number, key: string | undefined, field: string, reason: string): void => {
    out.push({ row: line, key, outcome: 'REFUSED', field, reason });
  };

  const seen = new Map<string, number>();
  const candidates: Candidate[] = [];
  for (const { line, cells } of file.rows) {
    const code = cells.code ?? '';
    if (!/^\d{12}$/.test(code)) {
      refuse(line, code || undefined, 'code', code ? 'must be a 12-digit 统计用区划代码' : 'required');
      continue;
    }
    if (seen.has(code)) {
      refuse(line, code, 'code', `appears twice (also line ${seen.get(code)})`);
      continue;
    }
    seen.set(code, line);
    const name = cells.name ?? '';
    if (!name) {
      refuse(line, code, 'name', 'required');
      continue;
    }
    if (name.length > 100) {
      refuse(line, code, 'name', 'at most 100 characters');
      continue;
    }
    const structural = levelOfCode(code);
    let level = structural;
    if (cells.level) {
      const l = LEVEL_WORDS[cells.level.toLowerCase()] ?? (REGION_LEVELS as readonly string[]).find((x) => x === cells.level!.toUpperCase());
      if (!l) {
        refuse(line, code, 'level', `"${cells.level}" is not a level (PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE or 省/市/县/乡/村)`);
        continue;
      }
      level = l as FullRegionLevel;
    }
    if (cells.parentCode !== undefined && !/^\d{12}$/.test(cells.parentCode)) {
      refuse(line, code, 'parentCode', 'must be a 12-digit 统计用区划代码');
      continue;
    }
    if (!cells.parentCode && level !== structural) {
      refuse(line, code, 'level', `the code's structure makes it a ${structural.toLowerCase()}; give its parentCode to place it otherwise`);
      continue;
    }
    const parentCode = cells.parentCode ?? parentOfCode(code, level);
    if (parentCode === code) {
      refuse(line, code, 'parentCode', 'a region cannot be its own parent');
      continue;
    }
    candidates.push({ line, code, name, nameEn: cells.nameEn ?? null, level, parentCode, explicitParent: cells.parentCode !== undefined });
  }

  const existing = new Map((await prisma.region.findMany()).map((r) => [r.code, r]));
  const inFile = new Map(candidates.map((c) => [c.code, c]));
  // The file's top level may hang from nothing (a county's file need not list its city and province).
  const topIndex = Math.min(...candidates.map((c) => REGION_LEVELS.indexOf(c.level)));
  const accepted = new Map<string, Candidate>();
  candidates.sort((a, b) => REGION_LEVELS.indexOf(a.level) - REGION_LEVELS.indexOf(b.level) || a.line - b.line);
  for (const c of candidates) {
    let parentCode = c.parentCode;
    if (parentCode !== null) {
      const parentLevel = (accepted.get(parentCode)?.level ?? existing.get(parentCode)?.level) as FullRegionLevel | undefined;
      if (!parentLevel) {
        if (inFile.has(parentCode)) {
          refuse(c.line, c.code, 'parentCode', `its parent ${parentCode} (line ${inFile.get(parentCode)!.line}) was refused`);
          continue;
        }
        if (c.explicitParent || REGION_LEVELS.indexOf(c.level) !== topIndex) {
          refuse(c.line, c.code, 'parentCode', `parent ${parentCode} is not a known region (add it to the file or load it first)`);
          continue;
        }
        parentCode = null;
      } else if (REGION_LEVELS.indexOf(parentLevel) >= REGION_LEVELS.indexOf(c.level)) {
        refuse(c.line, c.code, 'parentCode', `parent ${parentCode} is a ${parentLevel.toLowerCase()}, not above a ${c.level.toLowerCase()}`);
        continue;
      }
    }
    const before = existing.get(c.code);
    if (before && before.level !== c.level) {
      refuse(c.line, c.code, 'level', `${c.code} (${before.name}) is a ${before.level.toLowerCase()} in the database; a load does not change a region's level`);
      continue;
    }
    accepted.set(c.code, { ...c, parentCode });
    const data = { name: c.name, nameEn: c.nameEn ?? before?.nameEn ?? null, level: c.level, parentCode: parentCode ?? before?.parentCode ?? null };
    if (!before) {
      await prisma.region.create({ data: { code: c.code, ...data } });
      out.push({ row: c.line, key: c.code, outcome: 'ADDED' });
    } else if (before.name !== data.name || before.nameEn !== data.nameEn || before.parentCode !== data.parentCode) {
      await prisma.region.update({ where: { code: c.code }, data });
      const changed = (['name', 'nameEn', 'parentCode'] as const).filter((k) => before[k] !== data[k]);
      out.push({ row: c.line, key: c.code, outcome: 'UPDATED', reason: `changed ${changed.join(', ')}` });
    } else {
      out.push({ row: c.line, key: c.code, outcome: 'UNCHANGED' });
    }
  }
  const notes: string[] = [];
  if (file.ignoredColumns.length > 0) notes.push(`ignored columns: ${file.ignoredColumns.join(', ')}`);
  return reportOf(out, file.encoding, notes);
}
