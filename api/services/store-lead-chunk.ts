/**
 * Stores one chunk of validated import rows in one transaction on the side pool (plain SQL, a
 * statement per table for the whole chunk — Prisma's per-query compiler would cost more than the
 * rows): the households (personal data sealed as for a single lead), the leads (unique by
 * `leadKey`: `INSERT … ON CONFLICT DO NOTHING`), and one ImportRow per row, PENDING for each lead
 * stored now. Decides each row's outcome the way `POST /api/cases` would, without starting anything:
 * a lead sent before is ALREADY_RECEIVED; a household with an open case, or with a lead waiting to
 * start, is ALREADY_OPEN.
 */
import type { PoolClient } from 'pg';
import type { AuthOfficial } from '../auth/authenticate';
import { hasRegionAccess } from '../auth/authenticate';
import { SEALED } from '../../runtime/personal-data';
import { sidePool } from '../../runtime/prisma';
import type { ServiceContext } from './context';
import { cipherOf } from './context';
import { householdIdFromKey, householdKey, newCaseId } from './ids';
import type { ImportRowResult, ValidRow } from './import-leads';

const OPEN_STATUSES = ['IDENTIFYING', 'MONITORED', 'ELIMINATING'];

interface Region { villageCode: string; townshipCode: string; countyCode: string }

type Planned = ValidRow & { leadKey: string; householdId: string; idKey: string; caseId?: string };

/** The row as stored in ImportRow (outcome and status), with the reported result. */
interface Stored { result: ImportRowResult; status: 'PENDING' | 'KNOWN' | 'REFUSED'; plan?: Planned }

function alreadyOpen(official: AuthOfficial, p: Planned, caseId: string, region: Region): ImportRowResult {
  const visible = hasRegionAccess(official, region);
  return {
    row: p.row, leadRef: p.leadRef, outcome: 'ALREADY_OPEN', caseId: visible ? caseId : undefined, field: 'idNumber',
    reason: 'the household already has an open case',
  };
}

/** Stores `rows` (validated rows and refusals, in row order) and returns each row's result in the same order. */
export async function storeLeadChunk(ctx: ServiceContext, official: AuthOfficial, importId: string, rows: (ImportRowResult | ValidRow)[]): Promise<ImportRowResult[]> {
  const db = await sidePool(ctx.prisma).connect();
  try {
    await db.query('BEGIN');
    const out = await storeIn(db, ctx, official, importId, rows);
    await db.query('COMMIT');
    return out;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.release();
  }
}

async function storeIn(db: PoolClient, ctx: ServiceContext, official: AuthOfficial, importId: string, rows: (ImportRowResult | ValidRow)[]): Promise<ImportRowResult[]> {
  const stored: Stored[] = [];
  const plans: Planned[] = [];
  for (const r of rows) {
    if ('outcome' in r) {
      stored.push({ result: r, status: 'REFUSED' });
      continue;
    }
    const idKey = householdKey(ctx.secret, r.lead.household.idNumber);
    const p: Planned = { ...r, leadKey: `${r.lead.channel}:${r.leadRef}`, idKey, householdId: householdIdFromKey(idKey) };
    plans.push(p);
    stored.push({ result: { row: r.row, leadRef: r.leadRef, outcome: 'ACCEPTED' }, status: 'PENDING', plan: p });
  }
  const leadKeys = [...new Set(plans.map((p) => p.leadKey))];
  const households = [...new Set(plans.map((p) => p.householdId))];
  const [leads, cases, waiting] = plans.length === 0 ? [{ rows: [] }, { rows: [] }, { rows: [] }] : [
    await db.query<{ id: string; leadKey: string; householdId: string }>(`SELECT id, "leadKey", "householdId" FROM "Lead" WHERE "leadKey" = ANY($1::text[])`, [leadKeys]),
    await db.query<{ householdId: string; id: string; status: string } & Region>(
      `SELECT DISTINCT ON ("householdId") "householdId", id, status, "villageCode", "townshipCode", "countyCode"
       FROM "Case" WHERE "householdId" = ANY($1::text[]) ORDER BY "householdId", "openedAt" DESC`, [households]),
    // Leads of these households stored earlier whose case has not written its row yet.
    await db.query<{ householdId: string; leadId: string } & Region>(
      `SELECT r."householdId", r."leadId", r."villageCode", r."townshipCode", r."countyCode" FROM "ImportRow" r
       WHERE r."householdId" = ANY($1::text[]) AND r.status IN ('PENDING', 'STARTED')
         AND NOT EXISTS (SELECT 1 FROM "Case" c WHERE c.id = r."leadId")`, [households]),
  ];
  const leadByKey = new Map(leads.rows.map((l) => [l.leadKey, l]));
  const openCase = new Map<string, { id: string } & Region>();
  for (const c of cases.rows) if (OPEN_STATUSES.includes(c.status)) openCase.set(c.householdId, c);
  for (const w of waiting.rows) if (!openCase.has(w.householdId)) openCase.set(w.householdId, { id: w.leadId, ...w });

  const newLeads: Planned[] = [];
  const usedIds = new Set<string>();
  const firstOfLead = new Map<string, Planned>();
  for (const s of stored) {
    const p = s.plan;
    if (!p) continue;
    const known = leadByKey.get(p.leadKey) ?? (firstOfLead.has(p.leadKey) ? { id: firstOfLead.get(p.leadKey)!.caseId!, householdId: firstOfLead.get(p.leadKey)!.householdId } : undefined);
    if (known) {
      if (known.householdId !== p.householdId) {
        s.status = 'REFUSED';
        s.result = { row: p.row, leadRef: p.leadRef, outcome: 'REJECTED', field: 'leadRef', reason: 'leadRef: this reference was already used for another household' };
      } else {
        s.status = 'KNOWN';
        s.result = { row: p.row, leadRef: p.leadRef, outcome: 'ALREADY_RECEIVED', caseId: known.id };
      }
      continue;
    }
    const open = openCase.get(p.householdId);
    if (open) {
      s.status = 'KNOWN';
      s.result = alreadyOpen(official, p, open.id, open);
      continue;
    }
    // Case ids are short and random: at 100,000 a day two may meet, so each is checked against the chunk and the table.
    do p.caseId = newCaseId(); while (usedIds.has(p.caseId));
    usedIds.add(p.caseId);
    firstOfLead.set(p.leadKey, p);
    // Later rows of this household in the same import wait for this lead's case.
    openCase.set(p.householdId, { id: p.caseId, ...p.chain });
    newLeads.push(p);
    s.result = { row: p.row, leadRef: p.leadRef, outcome: 'ACCEPTED', caseId: p.caseId };
  }

  if (newLeads.length > 0) {
    const pd = cipherOf(ctx);
    // Sorted by key: two imports upserting the same households lock them in the same order.
    const hh = [...new Map(newLeads.map((p) => [p.idKey, p])).values()].sort((a, b) => (a.idKey < b.idKey ? -1 : 1)).map((p) => {
      const h = p.lead.household;
      return {
        id: p.householdId, idKey: p.idKey, headName: h.headName, idNumberSealed: pd.seal(h.idNumber.toUpperCase(), SEALED.idNumber(p.householdId)),
        phoneSealed: pd.sealOptional(h.phone, SEALED.phone(p.householdId)) ?? null, villageCode: h.villageCode,
        addressSealed: pd.sealOptional(h.address, SEALED.address(p.householdId)) ?? null, memberCount: h.memberCount, noLabour: h.noLabour,
      };
    });
    await db.query(
      `INSERT INTO "Household" (id, "idKey", "headName", "idNumberSealed", "phoneSealed", "villageCode", "addressSealed", "memberCount", "noLabour")
       SELECT id, "idKey", "headName", "idNumberSealed", "phoneSealed", "villageCode", "addressSealed", "memberCount", "noLabour"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "idKey" text, "headName" text, "idNumberSealed" text, "phoneSealed" text, "villageCode" text,
         "addressSealed" text, "memberCount" int, "noLabour" boolean)
       ON CONFLICT ("idKey") DO UPDATE SET "headName" = EXCLUDED."headName", "phoneSealed" = COALESCE(EXCLUDED."phoneSealed", "Household"."phoneSealed"),
         "villageCode" = EXCLUDED."villageCode", "addressSealed" = COALESCE(EXCLUDED."addressSealed", "Household"."addressSealed"),
         "memberCount" = EXCLUDED."memberCount", "noLabour" = EXCLUDED."noLabour"`,
      [JSON.stringify(hh)],
    );
    const insertLeads = (list: Planned[]) => db.query<{ id: string }>(
      `INSERT INTO "Lead" (id, "leadKey", "householdId", channel, category, "riskTypes", "healthDetailsSealed", "incomePerCapita", summary, "contactId", "villageCode", "openedById")
       SELECT id, "leadKey", "householdId", channel, category, "riskTypes", "healthDetailsSealed", "incomePerCapita", summary, "contactId", "villageCode", "openedById"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "leadKey" text, "householdId" text, channel text, category text, "riskTypes" text[],
         "healthDetailsSealed" text, "incomePerCapita" int, summary text, "contactId" text, "villageCode" text, "openedById" text)
       ON CONFLICT DO NOTHING RETURNING id`,
      [JSON.stringify(list.map((p) => ({
        id: p.caseId, leadKey: p.leadKey, householdId: p.householdId, channel: p.lead.channel, category: p.lead.category, riskTypes: p.lead.riskTypes,
        // Sealed for the case id: the case's first activity copies it as it is.
        healthDetailsSealed: pd.sealOptional(p.lead.healthDetails, SEALED.healthDetails(p.caseId!)) ?? null,
        incomePerCapita: p.lead.incomePerCapita ?? null, summary: p.lead.summary ?? null, contactId: p.lead.contactId ?? null,
        villageCode: p.lead.household.villageCode, openedById: official.id,
      })))],
    );
    let todo = newLeads;
    for (let attempt = 0; todo.length > 0; attempt++) {
      const got = new Set((await insertLeads(todo)).rows.map((r) => r.id));
      const lost = todo.filter((p) => !got.has(p.caseId!));
      if (lost.length === 0) break;
      // Not stored: the same lead stored by another import at the same moment (that one wins), or a case id taken already.
      const winners = await db.query<{ id: string; leadKey: string }>(`SELECT id, "leadKey" FROM "Lead" WHERE "leadKey" = ANY($1::text[])`, [lost.map((p) => p.leadKey)]);
      const byKey = new Map(winners.rows.map((w) => [w.leadKey, w.id]));
      todo = [];
      for (const p of lost) {
        const s = stored.find((x) => x.plan === p)!;
        const winner = byKey.get(p.leadKey);
        if (winner) {
          s.status = 'KNOWN';
          s.result = { row: p.row, leadRef: p.leadRef, outcome: 'ALREADY_RECEIVED', caseId: winner };
        } else {
          if (attempt >= 5) throw new Error('could not find a free case id');
          do p.caseId = newCaseId(); while (usedIds.has(p.caseId));
          usedIds.add(p.caseId);
          s.result = { ...s.result, caseId: p.caseId };
          todo.push(p);
        }
      }
    }
  }

  await db.query(
    `INSERT INTO "ImportRow" ("importId", row, "leadRef", "leadId", "householdId", "villageCode", "townshipCode", "countyCode", status, outcome, field, reason)
     SELECT $1, row, "leadRef", "leadId", "householdId", "villageCode", "townshipCode", "countyCode", status, outcome, field, reason
     FROM jsonb_to_recordset($2::jsonb) AS x(row int, "leadRef" text, "leadId" text, "householdId" text, "villageCode" text, "townshipCode" text,
       "countyCode" text, status text, outcome text, field text, reason text)
     ON CONFLICT ("importId", row) DO UPDATE SET "leadRef" = EXCLUDED."leadRef", "leadId" = EXCLUDED."leadId", "householdId" = EXCLUDED."householdId",
       "villageCode" = EXCLUDED."villageCode", "townshipCode" = EXCLUDED."townshipCode", "countyCode" = EXCLUDED."countyCode", status = EXCLUDED.status,
       outcome = EXCLUDED.outcome, field = EXCLUDED.field, reason = EXCLUDED.reason
       -- A row sent again keeps what it became, unless it had failed (not stored) the first time.
       WHERE "ImportRow".outcome = 'FAILED'`,
    [importId, JSON.stringify(stored.map((s) => ({
      row: s.result.row, leadRef: s.result.leadRef, leadId: s.result.caseId ?? null,
      householdId: s.status === 'PENDING' ? s.plan!.householdId : null,
      villageCode: s.status === 'PENDING' ? s.plan!.chain.villageCode : null, townshipCode: s.status === 'PENDING' ? s.plan!.chain.townshipCode : null,
      countyCode: s.status === 'PENDING' ? s.plan!.chain.countyCode : null,
      status: s.status, outcome: s.result.outcome, field: s.result.field ?? null, reason: s.result.reason ?? null,
    })))],
  );
  return stored.map((s) => s.result);
}
