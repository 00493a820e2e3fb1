import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Db } from './client.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const MIGRATIONS_DIR = path.join(REPO_ROOT, 'prisma', 'migrations');
const MIGRATE_COMMAND = 'npm run db:migrate';

/**
 * Creates the database named in DATABASE_URL when it does not exist yet (`prisma migrate deploy` with the driver
 * adapter does not create it). Connects to the server's `postgres` maintenance database to do so.
 */
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

/** The committed migrations, oldest first. */
export function committedMigrations(directory = MIGRATIONS_DIR): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(directory, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}

/** Committed migrations the database has not applied (all of them when it was never migrated). */
export async function pendingMigrations(db: Db, directory = MIGRATIONS_DIR): Promise<string[]> {
  const committed = committedMigrations(directory);
  const table = await db.$queryRaw<Array<{ present: boolean }>>`SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present`;
  if (!table[0]?.present) return committed;
  const applied = await db.$queryRaw<Array<{ name: string }>>`
    SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const done = new Set(applied.map((row) => row.name));
  return committed.filter((name) => !done.has(name));
}

/** Every command that needs the database calls this first: a clear next step instead of a raw Prisma error. */
export async function requireMigratedDatabase(db: Db, databaseUrl: string): Promise<void> {
  const where = safeUrl(databaseUrl);
  let pending: string[];
  try {
    pending = await pendingMigrations(db);
  } catch (error) {
    const cause = driverCause(error);
    if (cause.kind === 'DatabaseDoesNotExist') throw new Error(`the database ${where} does not exist; create and migrate it: ${MIGRATE_COMMAND}`);
    throw new Error(`cannot reach PostgreSQL at ${where} (${cause.message}); start it (pg_ctlcluster 15 main start) or set DATABASE_URL`);
  }
  if (pending.length > 0) {
    throw new Error(`the database ${where} is not migrated (${pending.length} pending: ${pending.join(', ')}); run: ${MIGRATE_COMMAND}`);
  }
}

/** Creates the database if missing and applies the committed migrations with Prisma's CLI (a runtime dependency). */
export async function migrateDatabase(databaseUrl: string, log: (line: string) => void = () => {}): Promise<void> {
  if ((await createDatabaseIfMissing(databaseUrl)) === 'created') log(`created database ${safeUrl(databaseUrl)}`);
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('close', resolve);
  });
  const text = output.join('');
  if (code !== 0) throw new Error(`applying the migrations to ${safeUrl(databaseUrl)} failed:\n${text.trim()}`);
  const applied = /following migration\(s\) have been applied/i.test(text);
  log(applied ? `applied the pending migrations to ${safeUrl(databaseUrl)}` : `database ${safeUrl(databaseUrl)} is up to date`);
}

/** What the pg driver adapter reported under Prisma's wrapper (its message is often empty). */
function driverCause(error: unknown): { kind: string; message: string } {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { kind?: string; originalMessage?: string; message?: string } } } }).meta?.driverAdapterError?.cause;
  const message = cause?.originalMessage ?? cause?.message ?? (error as Error).message.split('\n')[0] ?? '';
  return { kind: cause?.kind ?? '', message: message || String(cause?.kind ?? 'no answer') };
}

/** host/database without credentials, for messages. */
function safeUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.host}${url.pathname}`;
  } catch {
    return 'at DATABASE_URL';
  }
}
