import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { DirectorySource, type ArticleRef } from '../../packages/pipeline/src/sources/index.ts';
import type { Config } from '../../apps/worker/src/config.ts';
import { SAMPLE_DIR } from '../../apps/worker/src/sample/sample-articles.ts';
import type { DetectStageDeps } from '../../apps/worker/src/stages/detect.ts';
import { runIngestStage } from '../../apps/worker/src/stages/ingest.ts';
import { createHandler, type DetectItem, type DetectItemResult } from '../../apps/worker/src/workers/detect-thread.ts';
import { guard } from '../../apps/worker/src/workers/guard.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { figureSubject, setFigureStatus } from '../../packages/store/src/db/figures.ts';
import { figureJobKey } from '../../packages/store/src/queues/job-ids.ts';
import type { FigureJobData } from '../../packages/store/src/queues/jobs.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { dropDatabase, freshDatabase } from './databases.ts';
import { listAll, testConfig, testDb, testStore } from './servers.ts';

/** One sample article in a database and a bucket of their own, for tests that call a stage function directly. */
export interface StageEnvironment {
  config: Config;
  db: Db;
  store: S3ObjectStore;
  articleKey: string;
  articleId: string;
  /** The article's figures with an image, in document order. */
  figures: Array<{ id: string; jatsId: string; graphicIndex: number; graphicHref: string | null }>;
  close(): Promise<void>;
}

/**
 * A fresh database `pmc_curator_<name>_<pid>`, an S3 bucket and queue prefix unique to the file, and the sample
 * article `folder` (test/fixtures/articles) ingested through the real ingest stage (images in S3, rows in Postgres).
 */
export async function openStageEnvironment(name: string, folder = 'pone.0060593'): Promise<StageEnvironment> {
  const database = `pmc_curator_${name}_${process.pid}`;
  const config = testConfig({ DATABASE_URL: await freshDatabase(database), QUEUE_PREFIX: `{${name}-${process.pid}}` });
  const db = testDb(config);
  const store = await testStore(config);
  const root = await mkdtemp(path.join(os.tmpdir(), `pmc-curator-${name}-`));
  await cp(path.join(SAMPLE_DIR, folder), path.join(root, folder), { recursive: true });
  const source = new DirectorySource({ root });
  let ref: ArticleRef | undefined;
  for await (const listed of source.list()) ref ??= listed;
  if (!ref) throw new Error(`no article folder in ${root}`);
  const outcome = await runIngestStage({ db, store, source, options: { licenseGroups: ['comm', 'noncomm', 'other'] } }, { ref });
  if (outcome.status !== 'ingested') throw new Error(`the sample article ${folder} was not ingested: ${JSON.stringify(outcome)}`);
  const figures = await db.figure.findMany({
    where: { articleId: outcome.articleId, normalizedKey: { not: null } },
    orderBy: [{ ordinal: 'asc' }, { graphicIndex: 'asc' }],
    select: { id: true, jatsId: true, graphicIndex: true, graphicHref: true },
  });
  return {
    config,
    db,
    store,
    articleKey: outcome.articleKey,
    articleId: outcome.articleId,
    figures,
    close: async () => {
      await db.$disconnect();
      await rm(root, { recursive: true, force: true });
      await dropDatabase(database);
    },
  };
}

export const figureJob = (env: StageEnvironment, figureId: string): FigureJobData => ({
  articleKey: env.articleKey,
  articleId: env.articleId,
  figureId,
  figureKey: figureJobKey(env.figures.find((figure) => figure.id === figureId) ?? { jatsId: figureId, graphicIndex: 0 }),
  runId: null,
});

/**
 * Runs `work` for a figure under the worker's failure guard, wired as the detect and align processors wire it
 * (ledger subject = the figure's subject, the figure's stage status failed), on the first of `attempts` attempts.
 * Resolves with the guard's rejection, or null when the work succeeded.
 */
export async function guarded(
  env: StageEnvironment,
  job: { stage: 'detect' | 'align'; figure: StageEnvironment['figures'][number]; attempts?: number },
  work: () => Promise<unknown>,
): Promise<Error | null> {
  const { stage, figure, attempts = 1 } = job;
  const bullJob = { id: `test-${figure.id}`, attemptsMade: 0, opts: { attempts } } as unknown as Job;
  return guard(
    {
      db: env.db,
      store: env.store,
      stage,
      job: bullJob,
      token: undefined,
      signal: undefined,
      worker: 'test',
      articleKey: env.articleKey,
      subject: figureSubject(figure),
      runId: null,
      markFailed: () => setFigureStatus(env.db, figure.id, stage, 'failed'),
    },
    work,
  ).then(
    () => null,
    (error: unknown) => error as Error,
  );
}

/**
 * The detect stage's dependencies with the real detector (DETECTOR, default layout-ocr) run in this process,
 * as a detect child runs it (workers/detect-thread.ts), one image per call.
 */
export async function detectDeps(env: StageEnvironment): Promise<DetectStageDeps> {
  const handle = await createHandler({ detector: env.config.DETECTOR, analysisMaxSide: env.config.ANALYSIS_MAX_SIDE, maxPixels: env.config.MAX_IMAGE_PIXELS });
  const detect = async (item: DetectItem): Promise<DetectItemResult> => (await handle({ items: [item] })).result[0]!;
  return { db: env.db, store: env.store, detect };
}

/** Every object key under `prefix` in the environment's bucket. */
export const objectKeys = (env: StageEnvironment, prefix: string) => listAll(env.store, prefix);
