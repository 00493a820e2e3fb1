import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';

export type Db = PrismaClient;

/** A Prisma client over the pg driver adapter (no query-engine binary needed). */
export function createDb(databaseUrl: string): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 10_000 });
  return new PrismaClient({ adapter });
}
