import { randomUUID } from 'node:crypto';
import type { Config } from '../../../apps/worker/src/config.ts';
import type { Db } from '../../../packages/store/src/db/client.ts';
import { createQueueSet, obliterateQueues, type QueueSet } from '../../../packages/store/src/queues/queues.ts';
import { enqueueRun, type EnqueueSummary } from '../../../apps/worker/src/run/enqueue.ts';
import { INVENTORY_MANIFEST_KEY, loadSampleArticles, publishPmcLayout } from '../../../apps/worker/src/sample/sample-articles.ts';
import { createSource, type SourceSpec } from '../../../apps/worker/src/sources.ts';
import type { S3ObjectStore } from '../../../packages/store/src/storage/object-store.ts';
import { startWorkerPool, type WorkerPool, type WorkerPoolOptions } from '../../../apps/worker/src/workers/pool.ts';
import { resetDatabase, testConfig, testDb, testStore } from '../../support/servers.ts';

/** Settings that make faults show quickly: short locks and stall checks, fast backoff, few threads. */
export const FAST: Partial<Record<keyof Config, string>> = {
  LOCK_DURATION_MS: '4000',
  STALLED_INTERVAL_MS: '2000',
  JOB_BACKOFF_MS: '200',
  JOB_ATTEMPTS: '6',
  INGEST_THREADS: '1',
  DETECT_THREADS: '1',
  DETECTOR: 'layout',
  SHUTDOWN_GRACE_MS: '2000',
};

/** A config with its own bucket, source bucket and queue prefix (a hash tag), so test files never share keys. */
export function faultConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  const id = randomUUID().slice(0, 8);
  return testConfig({ ...FAST, QUEUE_PREFIX: `{test-${id}}`, PMC_SOURCE_BUCKET: `pmc-src-${id}`, ...overrides });
}

/** Publishes the bundled real articles to the config's source bucket in the PMC Cloud layout. */
export async function publishSample(config: Config): Promise<SourceSpec> {
  const source = await testStore(config, config.PMC_SOURCE_BUCKET);
  await publishPmcLayout(source, await loadSampleArticles());
  return { kind: 'pmc-s3', bucket: config.PMC_SOURCE_BUCKET, inventory: INVENTORY_MANIFEST_KEY(config.PMC_SOURCE_BUCKET) };
}

export async function enqueueSample(db: Db, queues: QueueSet, config: Config, spec: SourceSpec): Promise<EnqueueSummary> {
  return enqueueRun(db, queues, config, { source: createSource(spec, config), spec, filters: { licenseGroups: ['comm'], skipRetracted: true } });
}

/** The sample published `copies` times under distinct PMC ids (PMC98<copy><id>), for runs of a few hundred articles. */
export async function publishSampleCopies(config: Config, copies: number): Promise<SourceSpec> {
  const source = await testStore(config, config.PMC_SOURCE_BUCKET);
  const sample = await loadSampleArticles();
  const articles = Array.from({ length: copies }, (_, copy) =>
    sample.map((article) => ({ ...article, pmcid: `PMC98${String(copy).padStart(3, '0')}${article.pmcid.slice(3)}` })),
  ).flat();
  await publishPmcLayout(source, articles, { concurrency: 8 });
  return { kind: 'pmc-s3', bucket: config.PMC_SOURCE_BUCKET, inventory: INVENTORY_MANIFEST_KEY(config.PMC_SOURCE_BUCKET) };
}

/** Rows of a table read in pages of `size` ordered by id (keyset pagination), so large runs are never loaded at once. */
async function forEachPage<T extends { id: string }>(read: (after: string | undefined, size: number) => Promise<T[]>, visit: (rows: T[]) => void, size = 5000): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const rows = await read(after, size);
    if (rows.length > 0) visit(rows);
    if (rows.length < size) return;
    after = rows.at(-1)!.id;
  }
}

/**
 * Objects and rows checked against each other: orphans are objects under originals/, normalized/ or crops/ that
 * no row points at; dangling keys are row keys with no object behind them. Rows are read in pages (keys are
 * content-addressed, so the key sets stay as small as the distinct images, whatever the run's size).
 */
export async function objectAccounting(db: Db, store: S3ObjectStore) {
  const rowKeys = new Set<string>();
  const add = (key: string | null) => key && rowKeys.add(key);
  const page = (after: string | undefined, take: number) => ({ take, orderBy: { id: 'asc' as const }, ...(after ? { cursor: { id: after }, skip: 1 } : {}) });
  await forEachPage(
    (after, take) => db.figure.findMany({ select: { id: true, imageKey: true, normalizedKey: true }, ...page(after, take) }),
    (rows) => rows.forEach((f) => (add(f.imageKey), add(f.normalizedKey))),
  );
  await forEachPage(
    (after, take) => db.subfigure.findMany({ select: { id: true, cropKey: true }, ...page(after, take) }),
    (rows) => rows.forEach((s) => add(s.cropKey)),
  );
  const objects = new Set<string>();
  for (const prefix of ['originals/', 'normalized/', 'crops/']) for await (const key of store.list(prefix)) objects.add(key);
  return {
    objects: objects.size,
    orphans: [...objects].filter((key) => !rowKeys.has(key)).sort(),
    dangling: [...rowKeys].filter((key) => !objects.has(key)).sort(),
  };
}

export const SAMPLE_ARTICLES = 7;
export const SAMPLE_FIGURES = 23;

/** Everything a run left behind, for "no duplicates" assertions. */
export async function curatedCounts(db: Db, store: S3ObjectStore) {
  const [articles, figures, subfigures, subcaptions, pairs, failures] = await Promise.all([
    db.article.count(),
    db.figure.count(),
    db.subfigure.count(),
    db.subcaption.count(),
    db.pair.count(),
    db.failure.count({ where: { resolved: false } }),
  ]);
  let crops = 0;
  for await (const key of store.list('crops/')) if (key) crops += 1;
  // SELECT DISTINCT in the database (Prisma's `distinct` would fetch every row); NULL counts as one value, as there.
  const [{ n: distinctCropShas }] = await db.$queryRawUnsafe<[{ n: number }]>('SELECT count(*)::int AS n FROM (SELECT DISTINCT "cropSha256" FROM "Subfigure") d');
  const doneArticles = await db.article.count({ where: { outcome: 'curated' } });
  const detectedFigures = await db.figure.count({ where: { detectStatus: 'done' } });
  return { articles, doneArticles, figures, detectedFigures, subfigures, subcaptions, pairs, failures, crops, distinctCropShas };
}

export async function openQueues(config: Config): Promise<QueueSet> {
  return createQueueSet(config);
}

export async function dropQueues(queues: QueueSet): Promise<void> {
  await obliterateQueues(queues).catch(() => {});
  await queues.close();
}

export { testStore };

/** What every run-level test starts from: an emptied database, the config's own bucket and queue set. */
export interface RunEnvironment {
  db: Db;
  store: S3ObjectStore;
  queues: QueueSet;
}

export async function openRunEnvironment(config: Config): Promise<RunEnvironment> {
  const db = testDb(config);
  await resetDatabase(db);
  return { db, store: await testStore(config), queues: await openQueues(config) };
}

export async function closeRunEnvironment(env: RunEnvironment | undefined): Promise<void> {
  if (!env) return;
  await dropQueues(env.queues);
  await env.db.$disconnect();
}

/** A worker pool in this process over the test's database and bucket (silent; stages default to all four). */
export function startInProcessPool(config: Config, env: Pick<RunEnvironment, 'db' | 'store'>, stages?: WorkerPoolOptions['stages']): Promise<WorkerPool> {
  const runtime = { config, db: env.db, store: env.store, workerName: 'test', close: async () => {} };
  return startWorkerPool({ config, ...(stages ? { stages } : {}), runtime, log: () => {} });
}
