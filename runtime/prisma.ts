/**
 * The application's Prisma client. Prisma runs without its Rust engines here
 * (`engineType = "client"`), so every client goes through the pg driver adapter.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { Prisma} from '@prisma/client';
import { PrismaClient } from '@prisma/client';
import pg from 'pg';
import { Pool } from 'pg';

/**
 * Creates a Prisma client for `databaseUrl`. The caller owns it: `await prisma.$disconnect()`
 * when done.
 */
export function createPrisma(databaseUrl: string, options: Omit<Prisma.PrismaClientOptions, 'adapter' | 'datasources' | 'datasourceUrl'> = {}): PrismaClient {
  const client = new PrismaClient({ ...options, adapter: new PrismaPg({ connectionString: databaseUrl }) });
  urls.set(client, databaseUrl);
  return client;
}

const urls = new WeakMap<PrismaClient, string>();

/** The database URL a client made by {@link createPrisma} connects to (for a plain `pg` pool beside it). */
export function databaseUrlOf(prisma: PrismaClient): string | undefined {
  return urls.get(prisma);
}

const sidePools = new WeakMap<PrismaClient, Pool>();

/**
 * A plain `pg` pool on the database of a client made by {@link createPrisma}, for the reads on
 * every request (token, task → case, region chain): Prisma compiles each query in WebAssembly,
 * about 1–2 ms of CPU, against ~0.1 ms for a prepared statement here. One pool per client, made on
 * first use; idle connections never hold the process open, and one dropped by a database restart
 * is replaced on next use instead of crashing the process. TIMESTAMP columns (UTC, as Prisma
 * writes them) read as UTC instants.
 */
export function sidePool(prisma: PrismaClient): Pool {
  let pool = sidePools.get(prisma);
  if (pool) return pool;
  const url = databaseUrlOf(prisma);
  if (!url) throw new Error('sidePool: the Prisma client was not made by createPrisma()');
  pool = new Pool({
    connectionString: url, max: 6, allowExitOnIdle: true,
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === pg.types.builtins.TIMESTAMP ? utcTimestamp : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  let lastLost = 0;
  pool.on('error', (err) => {
    if (Date.now() - lastLost > 10_000) console.error(`[db] idle database connection lost (reconnects on next use): ${err.message}`);
    lastLost = Date.now();
  });
  sidePools.set(prisma, pool);
  return pool;
}

const utcTimestamp = (s: string): Date => new Date(`${s.replace(' ', 'T')}Z`);
