/**
 * Driver adapter for the Prisma CLI (migrate deploy / diff) running the WebAssembly schema
 * engine through `@prisma/adapter-pg`.
 *
 * Works around prisma/orm#27403: the pg adapter rejects Postgres' `name` type (oid 19),
 * which the schema engine reads from the catalog during migrations. This client reports
 * oid 19 (and `"char"`, oid 18) columns as `text` (oid 25); the values are already strings,
 * so nothing else changes.
 * Used only by the CLI's adapter; the application client uses the plain adapter.
 */
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';

const PG_CHAR_OID = 18; // "char", read when migrations are replayed into a shadow database
const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

function nameAsText(res: pg.QueryResult | undefined): void {
  for (const field of res?.fields ?? []) {
    if (field.dataTypeID === PG_NAME_OID || field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  }
}

class NameAsTextClient extends pg.Client {
  override query(...args: unknown[]): any {
    // pg-pool calls query with a trailing callback; direct callers use the promise form.
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: unknown, res: pg.QueryResult) => {
        if (!err) nameAsText(res);
        return (last as (e: unknown, r: unknown) => unknown)(err, res);
      };
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<pg.QueryResult>).then((res) => {
        nameAsText(res);
        return res;
      });
    }
    return result;
  }
}

/**
 * Adapter factory for `prisma.config.ts`. A plain config object (not a `Pool`) is passed so
 * the adapter can derive the shadow-database connection with its password intact.
 */
export function createCliAdapter(connectionString: string): PrismaPg {
  return new PrismaPg({ connectionString, Client: NameAsTextClient } as pg.PoolConfig);
}
