import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { STAGE_VERSIONS } from '../../packages/store/src/queues/stage-versions.ts';
import { reprocessBelowVersion, reprocessFailed } from '../../apps/worker/src/run/reprocess.ts';
import { getStatus } from '../../apps/worker/src/run/status.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { curatedCounts, enqueueSample, faultConfig, publishSample, SAMPLE_ARTICLES, SAMPLE_FIGURES, closeRunEnvironment, openRunEnvironment, type RunEnvironment, startInProcessPool } from '../fault/support/harness.ts';

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
  pool = await startInProcessPool(config, env);
});

afterAll(async () => {
  await pool?.close(1000);
  await closeRunEnvironment(env);
});

describe('distributed curation through the queues', () => {
  it('curates the sample end to end: ingest → per-figure detect → align → article', async () => {
    const spec = await publishSample(config);
    const summary = await enqueueSample(db, queues, config, spec);
    expect(summary).toMatchObject({ listed: SAMPLE_ARTICLES, enqueued: SAMPLE_ARTICLES, skipped: 0 });
    const progress = await waitForRun(db, summary.runId, { timeoutMs: 150_000 });
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, failed: 0, status: 'finished' });
    const counts = await curatedCounts(db, store);
    expect(counts.figures).toBe(SAMPLE_FIGURES);
    expect(counts.detectedFigures).toBe(SAMPLE_FIGURES);
    expect(counts.subfigures).toBeGreaterThanOrEqual(SAMPLE_FIGURES);
    expect(counts.pairs).toBe(counts.subfigures);
    expect(counts.crops).toBe(counts.distinctCropShas);
    expect(counts.failures).toBe(0);
    const figure = await db.figure.findFirstOrThrow({ where: { article: { key: 'PMC990000003.1' }, ordinal: 0 }, include: { subfigures: true } });
    expect(figure.detectVersion).toBe(STAGE_VERSIONS.detect);
    expect(figure.alignVersion).toBe(STAGE_VERSIONS.align);
    expect(figure.subfigures.every((s) => s.x2 <= figure.width! && s.y2 <= figure.height!)).toBe(true);
    const status = await getStatus(db, queues, { runId: summary.runId });
    expect(status.articles).toEqual({ total: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, partial: 0, failed: 0, excluded: 0, unfinished: 0 });
    expect(status.stages.find((s) => s.stage === 'detect')!.rows.done).toBe(SAMPLE_FIGURES);
  });

  it('skips every article on a second enqueue, and reprocessing below the current version finds nothing', async () => {
    const before = await curatedCounts(db, store);
    const again = await enqueueSample(db, queues, config, await publishSample(config));
    expect(again).toMatchObject({ listed: SAMPLE_ARTICLES, enqueued: 0, skipped: SAMPLE_ARTICLES });
    expect(await reprocessBelowVersion({ db, queues, config }, { stage: 'detect', version: STAGE_VERSIONS.detect })).toMatchObject({ figures: 0 });
    expect(await reprocessFailed({ db, queues, config }, {})).toMatchObject({ matched: 0, flows: 0 });
    expect(await curatedCounts(db, store)).toEqual(before);
  });

  it('reprocesses exactly the figures of an older detect version, rewriting their rows in place', async () => {
    const article = await db.article.findUniqueOrThrow({ where: { key: 'PMC990000001.1' }, include: { figures: true } });
    const old = article.figures.slice(0, 2).map((f) => f.id);
    await db.figure.updateMany({ where: { id: { in: old } }, data: { detectVersion: 0 } });
    const before = await curatedCounts(db, store);
    const summary = await reprocessBelowVersion({ db, queues, config }, { stage: 'detect', version: 1 });
    expect(summary).toMatchObject({ figures: 2, flows: 1 });
    const deadline = Date.now() + 60_000;
    while ((await db.figure.count({ where: { id: { in: old }, detectVersion: STAGE_VERSIONS.detect, alignStatus: 'done' } })) < 2) {
      if (Date.now() > deadline) throw new Error('reprocessed figures did not finish');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(await curatedCounts(db, store)).toEqual(before);
  });
});
