/**
 * Demo places and people: 示范县 (Demo County) with two townships of two villages each, and an
 * official for every role. Idempotent: run it on every start.
 *
 * Also issues the demo administrator's API token once and keeps the plain token only in
 * `<dataDir>/demo-admin-token` (mode 600), so `npm start` can print it again; the database keeps
 * only its hash.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { hashToken, issueToken } from '../../api/auth/tokens';
import type { RegionLevel } from '../../api/auth/authenticate';
import type { Role } from '../../workflows/contracts';

/** A region of the demo tree. */
export interface DemoRegion {
  code: string;
  name: string;
  nameEn: string;
  level: RegionLevel;
  parentCode: string | null;
}

/** A demo official. */
export interface DemoOfficial {
  id: string;
  name: string;
  email: string;
  role: Role;
  regionCode: string;
  language: 'zh-CN' | 'en';
  /** 代理人 — the official this one stands in for. */
  standsInForId?: string;
}

/** Statistical codes of the demo regions, by name. */
export const DEMO_CODES = {
  city: '410500000000',
  county: '410599000000',
  dongfengTown: '410599100000',
  qingshanTownship: '410599101000',
  dongfengVillage: '410599100201',
  hongqiVillage: '410599100202',
  qingshanVillage: '410599101201',
  shiqiaoVillage: '410599101202',
} as const;

/** The demo region tree, parents before children. */
export const DEMO_REGIONS: readonly DemoRegion[] = [
  { code: DEMO_CODES.city, name: '示范市', nameEn: 'Demo City', level: 'CITY', parentCode: null },
  { code: DEMO_CODES.county, name: '示范县', nameEn: 'Demo County', level: 'COUNTY', parentCode: DEMO_CODES.city },
  { code: DEMO_CODES.dongfengTown, name: '东风镇', nameEn: 'Dongfeng Town', level: 'TOWNSHIP', parentCode: DEMO_CODES.county },
  { code: DEMO_CODES.qingshanTownship, name: '青山乡', nameEn: 'Qingshan Township', level: 'TOWNSHIP', parentCode: DEMO_CODES.county },
  { code: DEMO_CODES.dongfengVillage, name: '东风村', nameEn: 'Dongfeng Village', level: 'VILLAGE', parentCode: DEMO_CODES.dongfengTown },
  { code: DEMO_CODES.hongqiVillage, name: '红旗村', nameEn: 'Hongqi Village', level: 'VILLAGE', parentCode: DEMO_CODES.dongfengTown },
  { code: DEMO_CODES.qingshanVillage, name: '青山村', nameEn: 'Qingshan Village', level: 'VILLAGE', parentCode: DEMO_CODES.qingshanTownship },
  { code: DEMO_CODES.shiqiaoVillage, name: '石桥村', nameEn: 'Shiqiao Village', level: 'VILLAGE', parentCode: DEMO_CODES.qingshanTownship },
];

const mail = (local: string) => `${local}@demo.bangfu.local`;

/**
 * The demo officials, principals before their stand-ins. In each region the first official of a
 * role is the principal (the one tasks are assigned to).
 */
export const DEMO_OFFICIALS: readonly DemoOfficial[] = [
  // 村干部 — village officials; 东风村 has a second one (for transfers 转交) and a stand-in.
  { id: 'off-vil-dongfeng', name: '王建国', email: mail('cun.dongfeng'), role: 'VILLAGE', regionCode: DEMO_CODES.dongfengVillage, language: 'zh-CN' },
  { id: 'off-vil-dongfeng-2', name: '赵丽', email: mail('cun2.dongfeng'), role: 'VILLAGE', regionCode: DEMO_CODES.dongfengVillage, language: 'zh-CN' },
  { id: 'off-vil-hongqi', name: '刘洋', email: mail('cun.hongqi'), role: 'VILLAGE', regionCode: DEMO_CODES.hongqiVillage, language: 'zh-CN' },
  { id: 'off-vil-qingshan', name: '陈静', email: mail('cun.qingshan'), role: 'VILLAGE', regionCode: DEMO_CODES.qingshanVillage, language: 'zh-CN' },
  { id: 'off-vil-shiqiao', name: '杨帆', email: mail('cun.shiqiao'), role: 'VILLAGE', regionCode: DEMO_CODES.shiqiaoVillage, language: 'zh-CN' },
  // 乡镇干部 — township officials
  { id: 'off-twp-dongfeng', name: '张伟', email: mail('zhen.dongfeng'), role: 'TOWNSHIP', regionCode: DEMO_CODES.dongfengTown, language: 'zh-CN' },
  { id: 'off-twp-qingshan', name: '李娜', email: mail('xiang.qingshan'), role: 'TOWNSHIP', regionCode: DEMO_CODES.qingshanTownship, language: 'zh-CN' },
  // 县乡村振兴局 — county bureau (this one reads English)
  { id: 'off-cty', name: '黄磊', email: mail('xian'), role: 'COUNTY', regionCode: DEMO_CODES.county, language: 'en' },
  // 管理员 — administrator
  { id: 'off-admin', name: '吴芳', email: mail('admin'), role: 'ADMIN', regionCode: DEMO_CODES.county, language: 'zh-CN' },
  // 帮扶责任人 — assistance contacts, one per village
  { id: 'off-ctc-dongfeng', name: '马超', email: mail('bangfu.dongfeng'), role: 'CONTACT', regionCode: DEMO_CODES.dongfengVillage, language: 'zh-CN' },
  { id: 'off-ctc-hongqi', name: '郭敏', email: mail('bangfu.hongqi'), role: 'CONTACT', regionCode: DEMO_CODES.hongqiVillage, language: 'zh-CN' },
  { id: 'off-ctc-qingshan', name: '何平', email: mail('bangfu.qingshan'), role: 'CONTACT', regionCode: DEMO_CODES.qingshanVillage, language: 'zh-CN' },
  { id: 'off-ctc-shiqiao', name: '罗军', email: mail('bangfu.shiqiao'), role: 'CONTACT', regionCode: DEMO_CODES.shiqiaoVillage, language: 'zh-CN' },
  // 代理人 — stand-ins
  {
    id: 'off-vil-dongfeng-standin', name: '孙强', email: mail('cun.dongfeng.daili'), role: 'VILLAGE',
    regionCode: DEMO_CODES.dongfengVillage, language: 'zh-CN', standsInForId: 'off-vil-dongfeng',
  },
  {
    id: 'off-twp-dongfeng-standin', name: '周敏', email: mail('zhen.dongfeng.daili'), role: 'TOWNSHIP',
    regionCode: DEMO_CODES.dongfengTown, language: 'zh-CN', standsInForId: 'off-twp-dongfeng',
  },
];

/** The demo administrator, owner of the demo token. */
export const DEMO_ADMIN_ID = 'off-admin';

/** Label of the demo administrator's token. */
export const DEMO_ADMIN_TOKEN_LABEL = 'demo-admin';

/** Where the plain demo token is kept: `<dataDir>/demo-admin-token`. */
export function demoAdminTokenFile(dataDir: string): string {
  return path.join(dataDir, 'demo-admin-token');
}

/** Result of {@link seedDemo}. */
export interface SeedDemoResult {
  /**
   * The demo administrator's token in plain text (also in {@link tokenFile}); `null` when the
   * demo administrator has been deactivated.
   */
  adminToken: string | null;
  /** Whether this run issued the token (first seed, or the kept one was revoked or lost). */
  tokenIssued: boolean;
  tokenFile: string;
}

/**
 * Creates the demo regions and officials if missing and makes sure a live demo admin token
 * exists. Regions are updated to the demo names; existing officials are left as they are (a
 * deactivation or change made locally survives restarts).
 */
export async function seedDemo(prisma: PrismaClient, opts: { dataDir: string }): Promise<SeedDemoResult> {
  for (const r of DEMO_REGIONS) {
    await prisma.region.upsert({
      where: { code: r.code },
      create: r,
      update: { name: r.name, nameEn: r.nameEn, level: r.level, parentCode: r.parentCode },
    });
  }
  for (const o of DEMO_OFFICIALS) {
    await prisma.official.upsert({
      where: { id: o.id },
      create: {
        id: o.id, name: o.name, email: o.email, role: o.role, regionCode: o.regionCode,
        language: o.language, standsInForId: o.standsInForId ?? null,
      },
      update: {},
    });
  }
  return ensureDemoAdminToken(prisma, opts.dataDir);
}

async function ensureDemoAdminToken(prisma: PrismaClient, dataDir: string): Promise<SeedDemoResult> {
  const tokenFile = demoAdminTokenFile(dataDir);
  const kept = await fs.readFile(tokenFile, 'utf8').then(
    (s) => s.trim(),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    },
  );

  const admin = await prisma.official.findUnique({ where: { id: DEMO_ADMIN_ID }, select: { active: true } });
  if (!admin?.active) {
    await fs.rm(tokenFile, { force: true });
    return { adminToken: null, tokenIssued: false, tokenFile };
  }

  if (kept) {
    const row = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(kept) } });
    if (row && row.officialId === DEMO_ADMIN_ID && !row.revokedAt) return { adminToken: kept, tokenIssued: false, tokenFile };
  }

  // First seed, or the kept token was revoked or belongs to another database: issue a fresh
  // one and retire earlier demo tokens, so exactly one is live.
  await prisma.apiToken.updateMany({
    where: { officialId: DEMO_ADMIN_ID, label: DEMO_ADMIN_TOKEN_LABEL, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  const adminToken = await issueToken(prisma, DEMO_ADMIN_ID, DEMO_ADMIN_TOKEN_LABEL);
  await fs.mkdir(dataDir, { recursive: true });
  const tmp = `${tokenFile}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${adminToken}\n`, { mode: 0o600 });
  await fs.rename(tmp, tokenFile);
  return { adminToken, tokenIssued: true, tokenFile };
}
