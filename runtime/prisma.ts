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
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
