import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPortOpen, startLocalS3Server, type LocalS3Server } from '../../apps/worker/src/storage/local-s3-server.ts';
import { dropDatabase, freePort, freshDatabase } from '../support/databases.ts';

/**
 * Integration tests run against real servers: the machine's PostgreSQL and Redis, and an s3rver that
 * this setup starts on its own port with a throwaway directory. A fresh database gets the committed
 * migrations applied, exactly as production would.
 */
// A database and an S3 port of this run's own, so parallel runs on one machine never collide.
const TEST_DB = process.env.TEST_DATABASE_NAME ?? `pmc_curator_test_${process.pid}`;

let s3: LocalS3Server | null = null;
let s3Dir: string | null = null;

export async function setup(): Promise<void> {
  const databaseUrl = await freshDatabase(TEST_DB);

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
    await dropDatabase(TEST_DB);
  }
}
