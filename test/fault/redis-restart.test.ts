import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { enqueueSample, faultConfig, publishSample, SAMPLE_ARTICLES, SAMPLE_FIGURES, closeRunEnvironment, openRunEnvironment, type RunEnvironment, startInProcessPool } from './support/harness.ts';
import { expectCuratedOnce } from './support/assertions.ts';
import { until } from './support/processes.ts';
import { PrivateRedis } from './support/redis-server.ts';

const redis = new PrivateRedis(Number(process.env.TEST_PRIVATE_REDIS_PORT ?? 6391));
let config: Config;
let db: Db;
let store: S3ObjectStore;
let queues: QueueSet;
let env: RunEnvironment | undefined;
let pool: WorkerPool;

beforeAll(async () => {
  await redis.start();
  config = faultConfig({ REDIS_URL: redis.url, DETECTOR: 'layout-ocr' });
  env = await openRunEnvironment(config);
  ({ db, store, queues } = env);
  pool = await startInProcessPool(config, { db, store });
});

afterAll(async () => {
  await pool?.close(500);
  await closeRunEnvironment(env);
  await redis.destroy();
});

describe('Redis restarting during a run (data kept)', () => {
  it('lets workers reconnect and complete the run, with nothing lost or duplicated', async () => {
    const run = await enqueueSample(db, queues, config, await publishSample(config));
    await until(() => pool.stats.ingest.completed >= 2 && pool.stats.detect.completed >= 1, 'the run to be under way');
    const before = pool.stats.detect.completed;
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await redis.start();
    const progress = await waitForRun(db, run.runId, { timeoutMs: 150_000 });
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, failed: 0, status: 'finished' });
    expect(pool.stats.detect.completed).toBeGreaterThan(before);
    await expectCuratedOnce(db, store, { articles: SAMPLE_ARTICLES, figures: SAMPLE_FIGURES });
  });
});
