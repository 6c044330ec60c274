/**
 * Writes case rows straight into the read model (no workflows), for tests of lists and figures
 * that need cases in every state at chosen instants. Each seeded set uses its own opening period,
 * so tests running at the same time never see each other's cases in it.
 */
import { storeComplianceSql } from '../../activities/elimination-compliance';
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { Prisma } from '@prisma/client';
import type { TPolicy } from '../../workflows/policy';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { policyHash } from '../../runtime/policy-hash';
import { DEMO } from './harness';

const TOWNSHIP_OF: Record<string, string> = {
  [DEMO.villageA1]: DEMO.townshipA, [DEMO.villageA2]: DEMO.townshipA, [DEMO.villageB1]: DEMO.townshipB, '410599101202': DEMO.townshipB,
};

/** A case to seed. */
export interface SeedCase {
  village: string;
  status: string;
  step?: string | null;
  category?: string;
  openedAt: Date;
  approvedAt?: Date;
  slaBreached?: boolean;
  annualCheck?: boolean;
  eliminatedAt?: Date;
  lastContactAt?: Date;
  policy?: TPolicy;
  measures?: { status: 'PLANNED' | 'IMPLEMENTED' | 'CANCELLED'; implementedOn?: Date }[];
  tasks?: { step: string; level: string; dueAt: Date; status?: string }[];
  headName?: string;
  /** Township and county of a village outside the demo county (tests with a private region tree). */
  township?: string;
  county?: string;
}

/** A random opening period no other test uses: ten days of a year in the 1990s–2000s. */
export function privatePeriod(): { from: string; to: string; day: (n: number, hour?: number) => Date } {
  const year = 1991 + Math.floor(Math.random() * 15);
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const from = `${year}-${month}-01`;
  const to = `${year}-${month}-10`;
  return { from, to, day: (n, hour = 10) => new Date(`${year}-${month}-${String(n).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`) };
}

/** Stores a policy as the commit activity does (keyed by its hash); returns the key. */
export async function pinPolicy(prisma: PrismaClient, policy: TPolicy): Promise<string> {
  const hash = policyHash(policy);
  await prisma.policy.upsert({ where: { hash }, create: { hash, version: policy.version, body: policy as unknown as Prisma.InputJsonValue }, update: {} });
  return hash;
}

/** Seeds the cases; returns their ids in order. */
export async function seedCases(prisma: PrismaClient, specs: SeedCase[]): Promise<string[]> {
  const ids: string[] = [];
  for (const s of specs) {
    const id = `SEED-${randomUUID().slice(0, 13)}`;
    const hh = `hh-seed-${randomUUID().slice(0, 12)}`;
    await prisma.household.create({
      data: { id: hh, idKey: `seed-${randomUUID()}`, headName: s.headName ?? '测试户', idNumberSealed: '410599199001010005', villageCode: s.village, memberCount: 2 },
    });
    const data: Prisma.CaseUncheckedCreateInput = {
      id, caseNo: id, householdId: hh, workflowId: `seed-${id}`, channel: 'CADRE_SCREENING', category: s.category ?? 'MARGINAL', riskTypes: ['ILLNESS'],
      status: s.status, step: s.step ?? null, villageCode: s.village, townshipCode: s.township ?? TOWNSHIP_OF[s.village], countyCode: s.county ?? DEMO.county,
      policyVersion: (s.policy ?? DEFAULT_POLICY).version, policyHash: await pinPolicy(prisma, s.policy ?? DEFAULT_POLICY),
      openedAt: s.openedAt, approvedAt: s.approvedAt ?? null, slaBreached: s.slaBreached ?? false, annualCheck: s.annualCheck ?? false,
      eliminatedAt: s.eliminatedAt ?? null, lastContactAt: s.lastContactAt ?? null,
    };
    await prisma.case.create({ data });
    for (const [i, m] of (s.measures ?? []).entries()) {
      await prisma.measure.create({ data: { id: `${id}-m${i}`, caseId: id, type: 'EMPLOYMENT', description: '公益岗位', status: m.status, implementedOn: m.implementedOn ?? null } });
    }
    // As the commit activity does when it writes a measure, and when a case is eliminated (the figures count the stored values).
    if (s.measures?.some((m) => m.status === 'IMPLEMENTED')) await prisma.case.update({ where: { id }, data: { measureImplemented: true } });
    if (s.eliminatedAt) await prisma.$executeRaw(storeComplianceSql(Prisma.sql`c.id = ${id}`));
    for (const [i, t] of (s.tasks ?? []).entries()) {
      await prisma.task.create({
        data: {
          id: `${id}-t${i}`, caseId: id, step: t.step, level: t.level, regionCode: t.level === 'VILLAGE' ? s.village : t.level === 'TOWNSHIP' ? (s.township ?? TOWNSHIP_OF[s.village]) : (s.county ?? DEMO.county),
          status: t.status ?? 'OPEN', openedAt: s.openedAt, dueAt: t.dueAt, allowedIds: [],
        },
      });
    }
    ids.push(id);
  }
  return ids;
}
