import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';
import { isPortOpen, startLocalS3Server, type LocalS3Server } from '../../apps/worker/src/storage/local-s3-server.ts';

/**
 * Integration tests run against real servers: the machine's PostgreSQL and Redis, and an s3rver that
 * this setup starts on its own port with a throwaway directory. A fresh database gets the committed
 * migrations applied, exactly as production would.
 */
// A database and an S3 port of this run's own, so parallel runs on one machine never collide.
const TEST_DB = process.env.TEST_DATABASE_NAME ?? `pmc_curator_test_${process.pid}`;
const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

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

  const s3Port = process.env.TEST_S3_PORT ? Number(process.env.TEST_S3_PORT) : await freePort();
  if (await isPortOpen(s3Port)) throw new Error(`port ${s3Port} is taken; set TEST_S3_PORT to a free port`);
  s3Dir = mkdtempSync(path.join(os.tmpdir(), 'pmc-curator-s3-'));
  s3 = await startLocalS3Server({ directory: s3Dir, port: s3Port });

  process.env.DATABASE_URL = databaseUrl;
  process.env.S3_ENDPOINT = s3.endpoint;
  process.env.S3_ACCESS_KEY_ID = 'S3RVER';
  process.env.S3_SECRET_ACCESS_KEY = 'S3RVER';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
}

export async function teardown(): Promise<void> {
  await s3?.stop();
  if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
  if (!process.env.TEST_DATABASE_NAME) {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${TEST_DB}" WITH (FORCE)`);
    await admin.end();
  }
}
