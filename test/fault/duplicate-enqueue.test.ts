import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { curatedCounts, enqueueSample, faultConfig, publishSample, SAMPLE_ARTICLES, SAMPLE_FIGURES, closeRunEnvironment, openQueues, openRunEnvironment, type RunEnvironment, startInProcessPool } from './support/harness.ts';

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
});

afterAll(async () => {
  await pool?.close(500);
  await closeRunEnvironment(env);
});

describe('the same run enqueued twice at once', () => {
  it('processes every article and figure exactly once, and both runs complete', async () => {
    const spec = await publishSample(config);
    // Two producers race (each with its own connection), before any worker runs.
    const other = await openQueues(config);
    const [first, second] = await Promise.all([enqueueSample(db, queues, config, spec), enqueueSample(db, other, config, spec)]);
    await other.close();
    expect(first.enqueued + second.enqueued).toBe(2 * SAMPLE_ARTICLES);
    expect(await queues.queues.ingest.getJobCountByTypes('waiting', 'prioritized')).toBe(SAMPLE_ARTICLES);

    pool = await startInProcessPool(config, { db, store });
    await waitForRun(db, first.runId, { timeoutMs: 150_000 });
    await waitForRun(db, second.runId, { timeoutMs: 10_000 });
    // Jobs of the last article's flow may still be finishing their bookkeeping.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pool.stats.ingest).toMatchObject({ completed: SAMPLE_ARTICLES, failed: 0 });
    expect(pool.stats.detect).toMatchObject({ completed: SAMPLE_FIGURES, failed: 0 });
    // The align pool also runs each article's finalising job.
    expect(pool.stats.align).toMatchObject({ completed: SAMPLE_FIGURES + SAMPLE_ARTICLES, failed: 0 });
    const counts = await curatedCounts(db, store);
    expect(counts).toMatchObject({ articles: SAMPLE_ARTICLES, doneArticles: SAMPLE_ARTICLES, figures: SAMPLE_FIGURES, failures: 0 });
    expect(counts.crops).toBe(counts.distinctCropShas);
    expect(await db.runArticle.count()).toBe(2 * SAMPLE_ARTICLES);
  });
});
