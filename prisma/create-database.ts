/**
 * Creates the database named in DATABASE_URL when it does not exist yet, so that `npm run db:migrate`
 * works on a fresh machine (`prisma migrate deploy` with the driver adapter does not create it).
 * Connects to the server's `postgres` maintenance database to do so.
 */
import pg from 'pg';

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/pmc_curator';

export async function createDatabaseIfMissing(databaseUrl: string): Promise<'created' | 'exists'> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`unsupported database name "${name}" in DATABASE_URL`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${url.host} (${error.message}); start it, e.g. pg_ctlcluster 15 main start`);
  });
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount && found.rowCount > 0) return 'exists';
    await client.query(`CREATE DATABASE "${name}"`);
    return 'created';
  } finally {
    await client.end();
  }
}

if (process.argv[1]?.endsWith('create-database.ts')) {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_URL;
  createDatabaseIfMissing(databaseUrl).then(
    (result) => process.stdout.write(`database ${new URL(databaseUrl).pathname.slice(1)}: ${result}\n`),
    (error: Error) => {
      process.stderr.write(`db:migrate: ${error.message}\n`);
      process.exit(1);
    },
  );
}
