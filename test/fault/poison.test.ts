import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../packages/pipeline/src/detect/index.ts';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { reprocessFailed } from '../../apps/worker/src/run/reprocess.ts';
import { getStatus } from '../../apps/worker/src/run/status.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import { pmcLayoutObjects } from '../../apps/worker/src/sample/pmc-layout.ts';
import { loadSampleArticles } from '../../apps/worker/src/sample/sample-articles.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { resetDatabase, testDb } from '../support/servers.ts';
import { dropQueues, enqueueSample, faultConfig, openQueues, publishSample, SAMPLE_ARTICLES, testStore, startInProcessPool } from './support/harness.ts';
import { SLOW_DETECTOR, until } from './support/processes.ts';

const POISON = 'PMC990000099.1';
const HANG_FIGURE_ARTICLE = 'PMC990000004.1';
const work = mkdtempSync(path.join(os.tmpdir(), 'pmc-poison-'));
const hangFile = path.join(work, 'hang-size');
let config: Config;
let db: Db;
let store: S3ObjectStore;
let queues: QueueSet;
const pools: WorkerPool[] = [];

beforeAll(async () => {
  // DETECTOR_MODULE hangs (busy loop) on the image size written to hangFile; timeouts must kill the thread.
  process.env.HANG_DETECT_FILE = hangFile;
  config = faultConfig({ JOB_ATTEMPTS: '3', JOB_TIMEOUT_MS: '4000', DETECT_MAX_BATCH: '1', DETECTOR_MODULE: SLOW_DETECTOR });
  db = testDb(config);
  await resetDatabase(db);
  store = await testStore(config);
  queues = await openQueues(config);
});

afterAll(async () => {
  for (const pool of pools) await pool.close(500);
  await dropQueues(queues);
  await db.$disconnect();
  delete process.env.HANG_DETECT_FILE;
  rmSync(work, { recursive: true, force: true });
});

/** The sample plus an article whose XML is cut off mid-tag: the parser rejects it on every attempt. */
async function publishWithPoison(): Promise<Awaited<ReturnType<typeof publishSample>>> {
  const spec = await publishSample(config);
  const source = await testStore(config, config.PMC_SOURCE_BUCKET);
  const [donor] = await loadSampleArticles();
  for (const object of await pmcLayoutObjects({ ...donor!, pmcid: 'PMC990000099', version: 1 }, source.bucket)) {
    const body = object.key.endsWith(`${POISON}.xml`) ? object.body.slice(0, Math.floor(object.body.byteLength / 2)) : object.body;
    await source.putIfAbsent(object.key, body, object.contentType);
  }
  return { kind: 'pmc-s3', bucket: spec.bucket!, prefix: 'PMC' };
}

describe('poison inputs', () => {
  it('puts an article that breaks the parser every time in the ledger with its class, without retries, and does not block the queue', async () => {
    pools.push(await startInProcessPool(config, { db, store }, ['ingest']));
    const run = await enqueueSample(db, queues, config, await publishWithPoison());
    expect(run.listed).toBe(SAMPLE_ARTICLES + 1);
    await until(async () => (await db.article.count({ where: { ingestStatus: { in: ['done', 'failed'] } } })) === SAMPLE_ARTICLES + 1, 'every article to be ingested or failed');
    const failure = await db.failure.findUniqueOrThrow({ where: { articleKey_stage_subject: { articleKey: POISON, stage: 'ingest', subject: '' } } });
    expect(failure).toMatchObject({ errorClass: 'MalformedXml', kind: 'permanent', attempt: 1, runId: run.runId, resolved: false });
    expect((await db.article.findUniqueOrThrow({ where: { key: POISON } })).ingestStatus).toBe('failed');
    // Failed at once (UnrecoverableError), not retried: the job sits in the failed set after its first attempt.
    await until(async () => (await queues.queues.ingest.getJobCountByTypes('failed')) === 1, 'the poison job to fail');
    const [failedJob] = await queues.queues.ingest.getFailed();
    expect(failedJob?.attemptsMade).toBe(1);

    // A figure whose detection never returns: the timeout stops it, retries run out, the ledger says Timeout.
    const figure = await db.figure.findFirstOrThrow({ where: { article: { key: HANG_FIGURE_ARTICLE } } });
    const decoded = await decodeImage(await store.get(figure.normalizedKey!));
    writeFileSync(hangFile, `${decoded.image.width}x${decoded.image.height}`);
    pools.push(await startInProcessPool(config, { db, store }, ['detect', 'align']));
    const progress = await waitForRun(db, run.runId, { timeoutMs: 150_000 });
    // The poison article failed, and so did the article whose only figure hangs; the run finishes all the same.
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES + 1, curated: SAMPLE_ARTICLES - 1, partial: 0, failed: 2, status: 'finished' });
    const timeout = await db.failure.findUniqueOrThrow({ where: { articleKey_stage_subject: { articleKey: HANG_FIGURE_ARTICLE, stage: 'detect', subject: figure.jatsId } } });
    expect(timeout).toMatchObject({ errorClass: 'Timeout', kind: 'transient', attempt: 3 });
    expect((await db.figure.findUniqueOrThrow({ where: { id: figure.id } })).detectStatus).toBe('failed');

    const status = await getStatus(db, queues, { runId: run.runId });
    expect(status.topFailures).toEqual(expect.arrayContaining([
      { errorClass: 'MalformedXml', stage: 'ingest', count: 1 },
      { errorClass: 'Timeout', stage: 'detect', count: 1 },
    ]));
  });

  it('reprocesses exactly the failed subjects selected by stage and class', async () => {
    writeFileSync(hangFile, '0x0');
    const detectOnly = await reprocessFailed({ db, queues, config }, { stage: 'detect', errorClass: 'Timeout' });
    expect(detectOnly).toMatchObject({ matched: 1, articles: 0, figures: 1, flows: 1 });
    // Reprocessing reopens the article and its run until the new jobs settle them.
    const runId = (await db.run.findFirstOrThrow()).id;
    await until(async () => (await db.article.findUniqueOrThrow({ where: { key: HANG_FIGURE_ARTICLE } })).outcome === 'curated', 'the reprocessed figure to finish', 60_000, 200);
    await until(async () => (await db.run.findUniqueOrThrow({ where: { id: runId } })).status === 'finished', 'the run to finish again', 10_000, 100);
    const resolved = await db.failure.findFirstOrThrow({ where: { articleKey: HANG_FIGURE_ARTICLE, stage: 'detect' } });
    expect(resolved.resolved).toBe(true);

    const seen = (await db.failure.findFirstOrThrow({ where: { articleKey: POISON } })).lastSeenAt.getTime();
    const poison = await reprocessFailed({ db, queues, config }, { stage: 'ingest' });
    expect(poison).toMatchObject({ matched: 1, articles: 1, figures: 0 });
    await until(async () => (await db.failure.findFirstOrThrow({ where: { articleKey: POISON } })).lastSeenAt.getTime() > seen, 'the poison article to fail again', 60_000, 200);
    expect(await db.failure.count({ where: { articleKey: POISON } })).toBe(1);
    expect(await db.failure.count({ where: { resolved: false } })).toBe(1);
  });
});
