import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import {
  closeRunEnvironment,
  enqueueSample,
  faultConfig,
  openRunEnvironment,
  publishSample,
  type RunEnvironment,
  SAMPLE_ARTICLES,
  SAMPLE_FIGURES,
  startInProcessPool,
} from './support/harness.ts';
import { expectCuratedOnce, expectNoOrphanObjects } from './support/assertions.ts';
import { until } from './support/processes.ts';
import { PrivateRedisCluster, redisCli, type SlotOwner } from './support/redis-cluster.ts';

let cluster: PrivateRedisCluster | undefined;
let config: Config;
let env: RunEnvironment | undefined;
let pool: WorkerPool | undefined;

beforeAll(async () => {
  cluster = await PrivateRedisCluster.start(3);
  config = faultConfig({ REDIS_CLUSTER_NODES: cluster.seedNodes, REDIS_URL: 'redis://127.0.0.1:1' });
  env = await openRunEnvironment(config);
  pool = await startInProcessPool(config, env);
});

afterAll(async () => {
  await pool?.close(500);
  await closeRunEnvironment(env);
  await cluster?.destroy();
});

describe('Redis Cluster (3 masters + 3 replicas) with a failover of the queues’ master mid-run', () => {
  it('finishes the sample run on the cluster, every article curated, nothing duplicated', async () => {
    const { db, store, queues } = env!;
    expect(queues.connection).toBeInstanceOf(Cluster);
    // The prefix is a hash tag: every key of every stage queue lives in that one slot.
    const tag = config.QUEUE_PREFIX.slice(1, -1);
    const before: SlotOwner = await cluster!.ownerOf(tag);
    expect(before.replicas.length).toBeGreaterThan(0);

    const run = await enqueueSample(db, queues, config, await publishSample(config));
    const keys = (await redisCli(before.master, 'keys', `${config.QUEUE_PREFIX}:*`)).trim().split('\n').filter(Boolean);
    expect(keys.some((key) => key.startsWith(`${config.QUEUE_PREFIX}:ingest:`))).toBe(true);

    await until(() => pool!.stats.ingest.completed >= 2 && pool!.stats.detect.completed >= 1, 'the run to be under way', 120_000);
    expect(pool!.stats.align.completed).toBeLessThan(SAMPLE_FIGURES + SAMPLE_ARTICLES);
    const detectedBefore = pool!.stats.detect.completed;
    await cluster!.failover(before.replicas[0]!);
    const after = await cluster!.ownerOf(tag);
    expect(after.master).toBe(before.replicas[0]);
    // The old master turns into a replica of the new one (gossip may take a moment).
    await until(async () => /role:slave/.test(await redisCli(before.master, 'info', 'replication')), 'the old master to become a replica', 30_000);

    const progress = await waitForRun(db, run.runId, { timeoutMs: 150_000 });
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, failed: 0, status: 'finished' });
    expect(pool!.stats.detect.completed).toBeGreaterThan(detectedBefore);

    await expectCuratedOnce(db, store, { articles: SAMPLE_ARTICLES, figures: SAMPLE_FIGURES });
    await expectNoOrphanObjects(db, store);
  });
});
