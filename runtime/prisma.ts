/**
 * The application's Prisma client. Prisma runs without its Rust engines here
 * (`engineType = "client"`), so every client goes through the pg driver adapter.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';

/**
 * Creates a Prisma client for `databaseUrl`. The caller owns it: `await prisma.$disconnect()`
 * when done.
 */
export function createPrisma(databaseUrl: string): PrismaClient {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  urls.set(client, databaseUrl);
  return client;
}

const urls = new WeakMap<PrismaClient, string>();

/** The database URL a client made by {@link createPrisma} connects to (for a plain `pg` pool beside it). */
export function databaseUrlOf(prisma: PrismaClient): string | undefined {
  return urls.get(prisma);
}
