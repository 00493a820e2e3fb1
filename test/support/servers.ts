import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../apps/worker/src/config.ts';
import { createDb, type Db } from '../../packages/store/src/db/client.ts';
import { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { curatedS3Client } from '../../packages/store/src/storage/s3-client.ts';

/** Config pointing at the servers the global setup prepared, with a bucket unique to this test file. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({ ...process.env, S3_BUCKET: `curated-${randomUUID().slice(0, 8)}`, ...overrides });
}

export async function testStore(config: Config, bucket = config.S3_BUCKET): Promise<S3ObjectStore> {
  const client = curatedS3Client({ ...config, S3_FORCE_PATH_STYLE: true });
  const store = new S3ObjectStore(client, bucket);
  await store.ensureBucket();
  return store;
}

export async function listAll(store: S3ObjectStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys.sort();
}

/** Deletes every row; each integration file starts from an empty database. */
export async function resetDatabase(db: Db): Promise<void> {
  await db.$executeRawUnsafe(
    'TRUNCATE "Pair", "Subcaption", "Subfigure", "Figure", "RunArticle", "Failure", "Article", "Run" CASCADE',
  );
}

export function testDb(config: Config): Db {
  return createDb(config.DATABASE_URL);
}
