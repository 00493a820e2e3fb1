import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { curatedCounts, enqueueSample, faultConfig, publishSample, SAMPLE_ARTICLES, SAMPLE_FIGURES, closeRunEnvironment, openRunEnvironment, type RunEnvironment, startInProcessPool } from './support/harness.ts';
import { resetDatabase } from '../support/servers.ts';

let config: Config;
let db: Db;
let store: S3ObjectStore;
let queues: QueueSet;
let env: RunEnvironment | undefined;
let pool: WorkerPool;

beforeAll(async () => {
  config = faultConfig();
  env = await openRunEnvironment(config);
  ({ db, store, queues } = env);
  pool = await startInProcessPool(config, { db, store });
});

afterAll(async () => {
  await pool?.close(500);
  await closeRunEnvironment(env);
});

describe('results lost in Postgres while Redis still keeps the finished jobs', () => {
  it('curates the articles again instead of treating the kept jobs as done', async () => {
    const spec = await publishSample(config);
    const first = await enqueueSample(db, queues, config, spec);
    await waitForRun(db, first.runId, { timeoutMs: 150_000 });
    expect(await queues.queues.ingest.getCompletedCount()).toBe(SAMPLE_ARTICLES);

    // A new database (or a restored backup) behind the same Redis: the kept job ids are stale.
    await resetDatabase(db);
    const second = await enqueueSample(db, queues, config, spec);
    expect(second.enqueued).toBe(SAMPLE_ARTICLES);
    await waitForRun(db, second.runId, { timeoutMs: 150_000 });
    const counts = await curatedCounts(db, store);
    expect(counts).toMatchObject({ articles: SAMPLE_ARTICLES, doneArticles: SAMPLE_ARTICLES, figures: SAMPLE_FIGURES, detectedFigures: SAMPLE_FIGURES, failures: 0 });
    expect(counts.pairs).toBe(counts.subfigures);
  });
});
