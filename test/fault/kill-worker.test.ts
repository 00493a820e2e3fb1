import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { createRedis } from '../../packages/store/src/queues/connection.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { STAGE_VERSIONS } from '../../packages/store/src/queues/stage-versions.ts';
import { reprocessBelowVersion } from '../../apps/worker/src/run/reprocess.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { resetDatabase, testDb } from '../support/servers.ts';
import { curatedCounts, dropQueues, enqueueSample, faultConfig, openQueues, publishSample, SAMPLE_ARTICLES, SAMPLE_FIGURES, testStore, startInProcessPool } from './support/harness.ts';
import { expectCuratedOnce } from './support/assertions.ts';
import { SLOW_DETECTOR, spawnWorker, until, type WorkerProcess } from './support/processes.ts';

let config: Config;
let db: Db;
let store: S3ObjectStore;
let queues: QueueSet;
let pool: WorkerPool;
let events: QueueEvents;
const stalled: string[] = [];
const children: WorkerProcess[] = [];
const slow = { DETECTOR_MODULE: SLOW_DETECTOR, SLOW_DETECT_MS: '60000' };

beforeAll(async () => {
  config = faultConfig({ DETECT_MAX_BATCH: '2' });
  db = testDb(config);
  await resetDatabase(db);
  store = await testStore(config);
  queues = await openQueues(config);
  events = new QueueEvents('detect', { connection: createRedis(config.REDIS_URL), prefix: config.QUEUE_PREFIX });
  events.on('stalled', ({ jobId }) => stalled.push(jobId));
  await events.waitUntilReady();
  // Ingest, align and the article stage run here; detection only in the worker processes under test.
  pool = await startInProcessPool(config, { db, store }, ['ingest', 'align']);
});

afterAll(async () => {
  for (const worker of children) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await pool?.close(500);
  await events?.close();
  await dropQueues(queues);
  await db.$disconnect();
});

async function detectCounts() {
  const counts = await queues.queues.detect.getJobCounts('active', 'wait', 'failed');
  return { active: counts.active ?? 0, wait: counts.wait ?? 0, failed: counts.failed ?? 0 };
}

describe('worker processes dying or stopping mid-job', () => {
  it('recovers a detect job from a worker killed with SIGKILL: the article completes, no duplicate rows or objects', async () => {
    const doomed = await spawnWorker(config, ['--stages', 'detect', '--concurrency', '2'], slow);
    children.push(doomed);
    const run = await enqueueSample(db, queues, config, await publishSample(config));
    await until(async () => (await detectCounts()).active > 0, 'a detect job to start in the doomed worker');
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const rescuer = await spawnWorker(config, ['--stages', 'detect']);
    children.push(rescuer);

    const progress = await waitForRun(db, run.runId, { timeoutMs: 150_000 });
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, failed: 0, status: 'finished' });
    expect(stalled.length).toBeGreaterThan(0);
    await expectCuratedOnce(db, store, { articles: SAMPLE_ARTICLES, figures: SAMPLE_FIGURES });
    expect((await detectCounts()).failed).toBe(0);
    rescuer.child.kill('SIGTERM');
    expect(await rescuer.exited).toBe(0);
  });

  it('hands in-flight jobs back on SIGTERM (not failed, not left to stall) and another worker finishes them', async () => {
    const stalledBefore = stalled.length;
    const stopping = await spawnWorker(config, ['--stages', 'detect', '--concurrency', '2'], { ...slow, SHUTDOWN_GRACE_MS: '500' });
    children.push(stopping);
    await db.figure.updateMany({ data: { detectVersion: 0 } });
    const summary = await reprocessBelowVersion({ db, queues, config }, { stage: 'detect', version: STAGE_VERSIONS.detect });
    expect(summary.figures).toBe(SAMPLE_FIGURES);
    await until(async () => (await detectCounts()).active > 0, 'a detect job to start in the stopping worker');
    stopping.child.kill('SIGTERM');
    expect(await stopping.exited).toBe(0);
    const afterStop = await detectCounts();
    expect(afterStop.active).toBe(0);
    expect(afterStop.failed).toBe(0);
    expect(afterStop.wait).toBeGreaterThan(0);

    const next = await spawnWorker(config, ['--stages', 'detect']);
    children.push(next);
    await until(
      async () => (await db.figure.count({ where: { detectVersion: STAGE_VERSIONS.detect, alignStatus: 'done' } })) === SAMPLE_FIGURES,
      'the handed-back figures to be detected and aligned',
      120_000,
      300,
    );
    expect(stalled.length).toBe(stalledBefore);
    const counts = await curatedCounts(db, store);
    expect(counts.failures).toBe(0);
    expect(counts.pairs).toBe(counts.subfigures);
    expect(counts.crops).toBe(counts.distinctCropShas);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });
});
