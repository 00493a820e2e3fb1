import net from 'node:net';
import pg from 'pg';
import { migrateDatabase } from '../../packages/store/src/db/migrations.ts';

/** The server's maintenance database, from which test and bench databases are dropped and created. */
export const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The URL of database `name` on the admin URL's server. */
export const databaseUrlOf = (name: string) => ADMIN_DATABASE_URL.replace(/\/[^/]*$/, `/${name}`);

/** Drops database `name` (with its connections) if it exists. */
export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_DATABASE_URL} (${error.message}); start it: pg_ctlcluster 15 main start`);
  });
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Drops database `name` if it exists, then creates it and applies the committed migrations; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
  await dropDatabase(name);
  const url = databaseUrlOf(name);
  await migrateDatabase(url);
  return url;
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
