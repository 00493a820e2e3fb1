import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { enqueueRun } from '../../apps/worker/src/run/enqueue.ts';
import { getStatus } from '../../apps/worker/src/run/status.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import { createSource, type SourceSpec } from '../../apps/worker/src/sources.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { closeRunEnvironment, curatedCounts, faultConfig, openRunEnvironment, publishSample, SAMPLE_ARTICLES, type RunEnvironment } from '../fault/support/harness.ts';
import { spawnWorker, type WorkerProcess } from '../fault/support/processes.ts';

// The deployment of infra/: one worker process per stage, none running "everything". Every article must
// finish and the run must be marked finished by whichever process settles its last article.
let config: Config;
let db: Db;
let store: S3ObjectStore;
let queues: QueueSet;
let env: RunEnvironment | undefined;
let spec: SourceSpec;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  config = faultConfig();
  env = await openRunEnvironment(config);
  ({ db, store, queues } = env);
  spec = await publishSample(config);
  for (const stage of ['ingest', 'detect', 'align']) workers.push(await spawnWorker(config, ['--stages', stage], { WORKER_NAME: `split-${stage}` }));
});

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGTERM');
  await Promise.all(workers.map((worker) => worker.exited));
  await closeRunEnvironment(env);
});

const enqueue = async (licenseGroups: Array<'comm' | 'noncomm' | 'other'>) =>
  enqueueRun(db, queues, config, { source: createSource(spec, config), spec, filters: { licenseGroups, skipRetracted: true } });

describe('one worker process per stage (ingest | detect | align)', () => {
  it('finishes a run whose licence filter excludes every article, with the exclusion recorded per article', async () => {
    const run = await enqueue(['noncomm']);
    const progress = await waitForRun(db, run.runId, { timeoutMs: 120_000 });
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES, excluded: SAMPLE_ARTICLES, curated: 0, status: 'finished' });
    expect((await db.run.findUniqueOrThrow({ where: { id: run.runId } })).finishedAt).toBeInstanceOf(Date);
    expect(await db.figure.count()).toBe(0);
  });

  it('ingests the same articles in a later run with wider filters, without --force, and finishes it', async () => {
    const run = await enqueue(['comm']);
    expect(run).toMatchObject({ listed: SAMPLE_ARTICLES, enqueued: SAMPLE_ARTICLES, skipped: 0 });
    const progress = await waitForRun(db, run.runId, { timeoutMs: 170_000 });
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, failed: 0, status: 'finished' });
    const row = await db.run.findUniqueOrThrow({ where: { id: run.runId } });
    expect(row.status).toBe('finished');
    expect(row.finishedAt).toBeInstanceOf(Date);
    const counts = await curatedCounts(db, store);
    expect(counts.doneArticles).toBe(SAMPLE_ARTICLES);
    expect(counts.pairs).toBe(counts.subfigures);
    expect(counts.failures).toBe(0);
    // Throughput is read from the workers' counters while they are still up, even for a run under a minute.
    const status = await getStatus(db, queues, { runId: run.runId });
    for (const stage of status.stages) expect(stage.perSecond, `${stage.stage} jobs/s`).toBeGreaterThan(0);
    expect(status.run).toMatchObject({ status: 'finished' });
    expect(status.articles).toMatchObject({ total: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, unfinished: 0 });
    // The earlier run stays finished: its articles were excluded by its own filters.
    expect(await db.run.count({ where: { status: 'finished' } })).toBe(2);
  });

  it('skips every article on a third enqueue and finishes that run at once', async () => {
    const run = await enqueue(['comm']);
    expect(run).toMatchObject({ enqueued: 0, skipped: SAMPLE_ARTICLES });
    expect((await db.run.findUniqueOrThrow({ where: { id: run.runId } })).status).toBe('finished');
  });
});
