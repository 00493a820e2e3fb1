import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { isPortOpen, startLocalS3Server, type LocalS3Server } from '../../apps/worker/src/storage/local-s3-server.ts';

/**
 * Integration tests run against real servers: the machine's PostgreSQL and Redis, and an s3rver that
 * this setup starts on its own port with a throwaway directory. A fresh database gets the committed
 * migrations applied, exactly as production would.
 */
const TEST_DB = process.env.TEST_DATABASE_NAME ?? 'pmc_curator_test';
const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const S3_PORT = Number(process.env.TEST_S3_PORT ?? 4569);

let s3: LocalS3Server | null = null;
let s3Dir: string | null = null;

export async function setup(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL} (${error.message}); start it: pg_ctlcluster 15 main start`);
  });
  await admin.query(`DROP DATABASE IF EXISTS "${TEST_DB}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${TEST_DB}"`);
  await admin.end();
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${TEST_DB}`);
  execFileSync('npx', ['prisma', 'migrate', 'deploy'], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'pipe' });

  if (await isPortOpen(S3_PORT)) throw new Error(`port ${S3_PORT} is taken; set TEST_S3_PORT to a free port`);
  s3Dir = mkdtempSync(path.join(os.tmpdir(), 'pmc-curator-s3-'));
  s3 = await startLocalS3Server({ directory: s3Dir, port: S3_PORT });

  process.env.DATABASE_URL = databaseUrl;
  process.env.S3_ENDPOINT = s3.endpoint;
  process.env.S3_ACCESS_KEY_ID = 'S3RVER';
  process.env.S3_SECRET_ACCESS_KEY = 'S3RVER';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
}

export async function teardown(): Promise<void> {
  await s3?.stop();
  if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
}
