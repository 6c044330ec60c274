/**
 * 线索分派 — the intake dispatcher: starts the case workflow of every stored lead (ImportRow
 * PENDING) in the background, at most `concurrency` starts in flight, claiming a few rows ahead
 * (a lease in `claimedUntil`) so several API processes share the work and a crashed one's rows
 * are taken over once its lease runs out. Durable because the queue is the table: after a restart
 * the dispatcher picks up where the rows say it stopped.
 *
 * Exactly one case per lead: the workflow id is derived from the household (conflict policy FAIL),
 * the case id is the lead's, and a start that finds the household's workflow already running
 * checks whose case it runs — this lead's (a start before a crash: STARTED) or another's
 * (ALREADY_OPEN: the lead is refused and its Lead row removed, as `POST /api/cases` does). A lead
 * whose case row exists is never started again, even when its workflow has ended. The case row
 * itself is written by the workflow's first activity with `ON CONFLICT DO NOTHING`.
 *
 * It also starts the leads of `POST /api/cases` whose start was cut off — the API process died
 * between storing the lead and starting its workflow, or Temporal did not answer — once they are
 * `orphanAfterMs` old: nobody has to send the lead again.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Category, CaseInput, Channel, RiskType } from '../../workflows/contracts';
import { CASE_WORKFLOW, caseStaticSummary, caseWorkflowId, endRollbackWindowUpdate } from '../../workflows/contracts';
import { caseSearchAttributes } from '../../workflows/case/search-attributes';
import { sidePool } from '../../runtime/prisma';
import { recordWorkflowStart } from '../http/metrics';
import type { ServiceContext } from './context';

/** Options of {@link startIntakeDispatcher}. */
export interface IntakeDispatcherOptions {
  /** Starts in flight at once. @default 16 */
  concurrency?: number;
  /** How long a claimed row is this process's before another may take it. @default 60 s */
  leaseMs?: number;
  /** How often to look for new rows when idle (an import also wakes it). @default 1 s */
  pollMs?: number;
  /** Wait after Temporal or PostgreSQL failed (doubling up to 30 s). @default 500 ms */
  backoffMs?: number;
  /**
   * A lead taken by `POST /api/cases` (on this queue) still without its case this long after it
   * arrived had its start cut off (the process died, or Temporal was unreachable): the dispatcher
   * starts it. Longer than any answer waits for its start. @default 2 min
   */
  orphanAfterMs?: number;
  /** How often to look for such leads. @default 30 s */
  orphanSweepMs?: number;
  /** How far back to look (the index range read each time). @default 7 days */
  orphanWindowMs?: number;
  log?: (message: string) => void;
}

/** A running dispatcher. */
export interface IntakeDispatcher {
  /** Looks for rows now (called after an import stored some). */
  kick(): void;
  /** Stops claiming, lets the starts in flight finish. */
  stop(): Promise<void>;
}

/** A stored lead claimed for its start: the columns its case input is made of. */
export interface ClaimedLead {
  importId: string;
  row: number;
  leadId: string;
  householdId: string;
  villageCode: string;
  townshipCode: string;
  countyCode: string;
  channel: Channel;
  category: Category;
  riskTypes: RiskType[];
  contactId: string | null;
  openedById: string;
  receivedAt: Date;
  noLabour: boolean;
  caseExists: boolean;
  latestId: string | null;
  latestStatus: string | null;
}
type Claimed = ClaimedLead;

/** The columns of a claimed lead, for `FROM "ImportRow" r` joined to its Lead `l` and Household `h`. */
export const CLAIMED_LEAD_COLUMNS = `r."importId", r.row, r."leadId", r."householdId", r."villageCode", r."townshipCode", r."countyCode",
  l.channel, l.category, l."riskTypes", l."contactId", l."openedById", l."receivedAt", h."noLabour",
  EXISTS (SELECT 1 FROM "Case" x WHERE x.id = r."leadId") AS "caseExists",
  (SELECT x.id FROM "Case" x WHERE x."householdId" = r."householdId" ORDER BY x."openedAt" DESC LIMIT 1) AS "latestId",
  (SELECT x.status FROM "Case" x WHERE x."householdId" = r."householdId" ORDER BY x."openedAt" DESC LIMIT 1) AS "latestStatus"`;

/** The start of a stored lead's case: workflow id from the household, case id from the lead, the policy pinned. */
export function leadStartOptions(ctx: Pick<ServiceContext, 'taskQueue' | 'policy' | 'maxHistoryEvents'>, c: ClaimedLead) {
  const input: CaseInput = {
    caseId: c.leadId, householdId: c.householdId, villageCode: c.villageCode, townshipCode: c.townshipCode, countyCode: c.countyCode,
    category: c.category, riskTypes: c.riskTypes, channel: c.channel, noLabour: c.noLabour, contactId: c.contactId ?? undefined,
    openedBy: c.openedById, openedAt: new Date(c.receivedAt).toISOString(),
    previousCaseId: c.latestStatus === 'ELIMINATED' && c.latestId ? c.latestId : undefined, policy: ctx.policy, maxHistoryEvents: ctx.maxHistoryEvents,
  };
  return {
    workflowId: caseWorkflowId(c.householdId), taskQueue: ctx.taskQueue, args: [input] as [CaseInput],
    workflowIdConflictPolicy: 'FAIL' as const, workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
    staticSummary: caseStaticSummary(c.leadId),
    searchAttributes: caseSearchAttributes(input, { status: 'IDENTIFYING', step: 'VERIFICATION', slaBreached: false, openTasks: [] }, Date.now()),
  };
}

type Done = { importId: string; row: number; status: 'STARTED' | 'REFUSED'; reason?: string };

/** Starts the dispatcher of `ctx.taskQueue`; see the module comment. */
export function startIntakeDispatcher(ctx: ServiceContext, opts: IntakeDispatcherOptions = {}): IntakeDispatcher {
  const concurrency = opts.concurrency ?? 16;
  const leaseMs = opts.leaseMs ?? 60_000;
  const pollMs = opts.pollMs ?? 1000;
  const log = opts.log ?? ((m: string) => console.log(`[intake] ${m}`));
  const pool = sidePool(ctx.prisma);
  const queue: Claimed[] = [];
  const done: Done[] = [];
  let stopped = false;
  let wake: (() => void) | null = null;
  let backoff = 0;

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const t = setTimeout(() => {
      wake = null;
      resolve();
    }, ms);
    wake = () => {
      clearTimeout(t);
      wake = null;
      resolve();
    };
  });

  const claim = async (n: number): Promise<Claimed[]> => {
    const { rows } = await pool.query<Claimed>({
      name: 'intake-claim',
      // The imports of this queue with rows pending first: rows pending for another queue are never scanned.
      text: `WITH q AS (
               SELECT i.id FROM "Import" i WHERE i."taskQueue" = $1
                 AND EXISTS (SELECT 1 FROM "ImportRow" p WHERE p.status = 'PENDING' AND p."importId" = i.id)),
             c AS (
               SELECT r."importId", r.row FROM "ImportRow" r
               WHERE r.status = 'PENDING' AND r."importId" IN (SELECT id FROM q) AND (r."claimedUntil" IS NULL OR r."claimedUntil" < now())
               ORDER BY r."importId", r.row LIMIT $2 FOR UPDATE OF r SKIP LOCKED)
             UPDATE "ImportRow" r SET "claimedUntil" = now() + $3 * interval '1 millisecond'
             FROM c, "Lead" l, "Household" h
             WHERE r."importId" = c."importId" AND r.row = c.row AND l.id = r."leadId" AND h.id = r."householdId"
             RETURNING ${CLAIMED_LEAD_COLUMNS}`,
      values: [ctx.taskQueue, n, leaseMs],
    });
    return rows.sort((a, b) => (a.importId === b.importId ? a.row - b.row : a.importId < b.importId ? -1 : 1));
  };

  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (done.length === 0) return;
      const batch = done.splice(0, done.length);
      try {
        await pool.query({
          name: 'intake-done',
          text: `UPDATE "ImportRow" r SET status = x.status, "startedAt" = CASE WHEN x.status = 'STARTED' THEN now() END, "claimedUntil" = NULL,
                   outcome = CASE WHEN x.status = 'REFUSED' THEN 'ALREADY_OPEN' ELSE r.outcome END, field = CASE WHEN x.status = 'REFUSED' THEN 'idNumber' ELSE r.field END,
                   reason = COALESCE(x.reason, r.reason)
                 FROM jsonb_to_recordset($1::jsonb) AS x("importId" text, row int, status text, reason text)
                 WHERE r."importId" = x."importId" AND r.row = x.row AND r.status = 'PENDING'`,
          values: [JSON.stringify(batch)],
        });
      } catch (err) {
        // Not recorded: the rows stay PENDING and are started again after the lease — which finds them started.
        log(`could not record ${batch.length} starts (they are checked again later): ${(err as Error).message}`);
      }
    });
    return flushing;
  };

  /** Whose case the household's running workflow holds (its case-number search attribute). */
  const runningCaseId = async (workflowId: string): Promise<string | null> => {
    try {
      const d = await ctx.temporal.workflow.getHandle(workflowId).describe();
      if (d.status.name !== 'RUNNING') return null;
      const v = d.searchAttributes?.BangfuCaseNo;
      return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
    } catch {
      return null;
    }
  };

  const startOne = async (c: Claimed): Promise<Done> => {
    const key = { importId: c.importId, row: c.row };
    if (c.caseExists) return { ...key, status: 'STARTED' };
    const options = leadStartOptions(ctx, c);
    const workflowId = options.workflowId;
    const start = () => ctx.temporal.workflow.start(CASE_WORKFLOW, options);
    const startedAt = Date.now();
    try {
      await start();
      recordWorkflowStart(startedAt);
      return { ...key, status: 'STARTED' };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const running = await runningCaseId(workflowId);
    if (running === c.leadId) return { ...key, status: 'STARTED' };
    // An eliminated case waiting out its rollback window gives way to the household's new case (风险再标注).
    if (c.latestStatus === 'ELIMINATED' && running === c.latestId) {
      try {
        await ctx.temporal.workflow.getHandle(workflowId).executeUpdate(endRollbackWindowUpdate, { args: [{ newCaseId: c.leadId }] });
        await ctx.temporal.workflow.getHandle(workflowId).result();
        await start();
        recordWorkflowStart(startedAt);
        return { ...key, status: 'STARTED' };
      } catch {
        /* refused below */
      }
    }
    // Another lead of the household started its case first: this lead is not kept.
    await pool.query(`DELETE FROM "Lead" l WHERE l.id = $1 AND NOT EXISTS (SELECT 1 FROM "Case" c WHERE c.id = l.id)`, [c.leadId]);
    return { ...key, status: 'REFUSED', reason: 'the household already has an open case' };
  };

  /**
   * Leads of `POST /api/cases` on this queue whose case never started: same columns as a claimed
   * row (no import). Reads the index range Lead(taskQueue, receivedAt) of the window only.
   */
  const orphans = async (): Promise<Claimed[]> => {
    const now = Date.now();
    const at = (ms: number): string => new Date(now - ms).toISOString().slice(0, 23);
    const { rows } = await pool.query<Claimed>({
      name: 'intake-orphans',
      text: `SELECT '' AS "importId", 0 AS row, l.id AS "leadId", l."householdId", l."villageCode", v."parentCode" AS "townshipCode", t."parentCode" AS "countyCode",
               l.channel, l.category, l."riskTypes", l."contactId", l."openedById", l."receivedAt", h."noLabour", false AS "caseExists",
               (SELECT x.id FROM "Case" x WHERE x."householdId" = l."householdId" ORDER BY x."openedAt" DESC LIMIT 1) AS "latestId",
               (SELECT x.status FROM "Case" x WHERE x."householdId" = l."householdId" ORDER BY x."openedAt" DESC LIMIT 1) AS "latestStatus"
             FROM "Lead" l JOIN "Household" h ON h.id = l."householdId" JOIN "Region" v ON v.code = l."villageCode" JOIN "Region" t ON t.code = v."parentCode"
             WHERE l."taskQueue" = $1 AND l."receivedAt" >= $2::timestamp AND l."receivedAt" < $3::timestamp
               AND NOT EXISTS (SELECT 1 FROM "Case" c WHERE c.id = l.id)
             ORDER BY l."receivedAt" LIMIT 50`,
      values: [ctx.taskQueue, at(opts.orphanWindowMs ?? 7 * 86_400_000), at(opts.orphanAfterMs ?? 120_000)],
    });
    return rows;
  };

  /** Starts the leads whose start was cut off, one at a time (a start found running is left as it is). */
  const sweepOrphans = async (): Promise<void> => {
    for (const c of await orphans()) {
      if (stopped) return;
      const r = await startOne(c);
      log(r.status === 'STARTED'
        ? `lead ${c.leadId} had no case ${Math.round((Date.now() - new Date(c.receivedAt).getTime()) / 1000)} s after it arrived: its case is started`
        : `lead ${c.leadId} had no case and its household has another open case: the lead is not kept`);
    }
  };

  const release = async (c: Claimed, ms: number): Promise<void> => {
    await pool.query(`UPDATE "ImportRow" SET "claimedUntil" = now() + $3 * interval '1 millisecond' WHERE "importId" = $1 AND row = $2 AND status = 'PENDING'`, [c.importId, c.row, ms])
      .catch(() => undefined);
  };

  let lowWater: (() => void) | null = null;
  const runner = async (): Promise<void> => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      if (queue.length < concurrency) lowWater?.();
      try {
        done.push(await startOne(c));
        backoff = 0;
        if (done.length >= 100) void flush();
      } catch (err) {
        backoff = Math.min(Math.max(backoff * 2, opts.backoffMs ?? 500), 30_000);
        log(`start of a lead failed, retried in ${backoff} ms: ${(err as Error).name}: ${(err as Error).message}`);
        await release(c, backoff);
      }
      if (stopped) break;
    }
  };

  const runners = new Set<Promise<void>>();
  const loop = (async (): Promise<void> => {
    while (!stopped) {
      if (backoff > 0) await sleep(backoff);
      if (stopped) break;
      // Claims up to two rounds of starts ahead: the next claim overlaps the starts in flight.
      const room = concurrency * 2 - queue.length;
      let got = 0;
      if (room >= concurrency) {
        try {
          const rows = await claim(room);
          got = rows.length;
          queue.push(...rows);
        } catch (err) {
          backoff = Math.min(Math.max(backoff * 2, opts.backoffMs ?? 500), 30_000);
          log(`cannot claim leads (retried in ${backoff} ms): ${(err as Error).message}`);
          continue;
        }
      }
      while (runners.size < concurrency && queue.length > 0) {
        const r: Promise<void> = runner().finally(() => runners.delete(r));
        runners.add(r);
      }
      if (got === 0 && queue.length === 0) {
        await Promise.all(runners);
        await flush();
        await sleep(pollMs);
      } else {
        // Backpressure: claim again only once the queue is down to one round of starts.
        await new Promise<void>((resolve) => {
          lowWater = () => {
            lowWater = null;
            resolve();
          };
          if (queue.length < concurrency || stopped) lowWater();
        });
      }
    }
    await Promise.all(runners);
    await flush();
  })();

  let sweepTimer: NodeJS.Timeout | null = null;
  let sweeping: Promise<void> = Promise.resolve();
  const scheduleSweep = (): void => {
    if (stopped) return;
    sweepTimer = setTimeout(() => {
      sweeping = sweepOrphans()
        .catch((err: Error) => log(`cannot look for leads without a case (tried again later): ${err.message}`))
        .finally(scheduleSweep);
    }, opts.orphanSweepMs ?? 30_000);
    sweepTimer.unref();
  };
  scheduleSweep();

  return {
    kick() {
      wake?.();
    },
    async stop() {
      stopped = true;
      if (sweepTimer) clearTimeout(sweepTimer);
      wake?.();
      lowWater?.();
      await loop;
      await sweeping;
    },
  };
}
