import os from 'node:os';
import type { Config } from './config.ts';
import { createDb, type Db, requireMigratedDatabase } from '@pmc-curator/store/db';
import { S3ObjectStore, curatedS3Client } from '@pmc-curator/store/storage';

/** The connections a command or worker needs, built once from the config. */
export interface Runtime {
  config: Config;
  db: Db;
  store: S3ObjectStore;
  workerName: string;
  close(): Promise<void>;
}

export async function createRuntime(config: Config): Promise<Runtime> {
  const db = createDb(config.DATABASE_URL);
  await requireMigratedDatabase(db, config.DATABASE_URL).catch(async (error: unknown) => {
    await db.$disconnect();
    throw error;
  });
  const client = curatedS3Client(config);
  const store = new S3ObjectStore(client, config.S3_BUCKET);
  await store.ensureBucket().catch((error: Error) => {
    throw new Error(`cannot reach the object store at ${config.S3_ENDPOINT} (${error.message}); start one (see README) or set S3_ENDPOINT`);
  });
  return {
    config,
    db,
    store,
    workerName: config.WORKER_NAME ?? `${os.hostname()}:${process.pid}`,
    close: async () => {
      await db.$disconnect();
      client.destroy();
    },
  };
}
