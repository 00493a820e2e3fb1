import { fileURLToPath } from 'node:url';
import type { Job } from 'bullmq';
import { CurationError } from '@pmc-curator/pipeline/errors';
import { markArticleFailed } from '../db/articles.ts';
import { setFigureStatus } from '../db/figures.ts';
import { linkRunArticle } from '../db/runs.ts';
import { removeStaleFlowJobs } from '../queues/stale-jobs.ts';
import { articleFlow, type ArticleJobData, type FigureJobData, type IngestJobData } from '../queues/jobs.ts';
import type { QueueSet } from '../queues/queues.ts';
import { STAGE_VERSIONS } from '../queues/stage-versions.ts';
import type { Runtime } from '../runtime.ts';
import { runAlignStage } from '../stages/align.ts';
import { runDetectStage, toCurationError } from '../stages/detect.ts';
import { runExportStage } from '../stages/export.ts';
import { recordExhaustedIngest } from '../stages/ingest.ts';
import { DynamicBatcher } from './batcher.ts';
import { configToEnv } from './config-env.ts';
import type { DetectItem, DetectItemResult, DetectTask, DetectThreadInit } from './detect-thread.ts';
import { currentAttempt, guard } from './guard.ts';
import type { IngestTask, IngestTaskResult, IngestThreadInit } from './ingest-thread.ts';
import { ThreadPool } from './thread-pool.ts';

export type Processor = (job: Job, token?: string, signal?: AbortSignal) => Promise<unknown>;

export interface StageProcessor {
  process: Processor;
  /** Resolves when threads and models are loaded. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const moduleOf = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/**
 * After ingest, the article continues as a flow over the figures that are not done at the current detect and
 * align versions (all of them for a new article; none when it is complete, then nothing is added).
 */
export async function continueArticle(
  runtime: Runtime,
  queues: QueueSet,
  target: { key: string; runId: string | null; generation?: string | undefined },
): Promise<number> {
  const { key: articleKey, runId, generation } = target;
  const article = await runtime.db.article.findUnique({
    where: { key: articleKey },
    select: {
      id: true,
      ingestStatus: true,
      alignStatus: true,
      detectVersion: true,
      alignVersion: true,
      figures: { where: { ingestStatus: 'done' }, select: { id: true, ordinal: true, detectStatus: true, detectVersion: true, alignStatus: true, alignVersion: true } },
    },
  });
  if (!article || article.ingestStatus !== 'done') return 0;
  const figures = article.figures.filter(
    (f) => !(f.detectStatus === 'done' && f.detectVersion === STAGE_VERSIONS.detect && f.alignStatus === 'done' && f.alignVersion === STAGE_VERSIONS.align),
  );
  const complete = article.alignStatus === 'done' && article.detectVersion === STAGE_VERSIONS.detect && article.alignVersion === STAGE_VERSIONS.align;
  if (figures.length === 0 && complete) return 0;
  const flow = articleFlow(runtime.config, {
    articleKey,
    articleId: article.id,
    runId,
    figures: figures.map((f) => ({ id: f.id, ordinal: f.ordinal })),
    ...(generation ? { generation } : {}),
  });
  await removeStaleFlowJobs(queues, flow);
  await queues.flows.add(flow);
  return figures.length;
}

export function ingestProcessor(runtime: Runtime, queues: QueueSet): StageProcessor {
  const config = runtime.config;
  const pool = new ThreadPool<IngestTask, IngestTaskResult>({
    module: moduleOf('ingest-thread.ts'),
    // Each thread builds its own rate-limited source reader: split the per-process request budget between them.
    init: { env: { ...configToEnv(config), PMC_SOURCE_RPS: String(config.PMC_SOURCE_RPS / config.INGEST_THREADS) } } satisfies IngestThreadInit,
    size: config.INGEST_THREADS,
    timeoutMs: config.JOB_TIMEOUT_MS,
    name: 'ingest',
  });
  return {
    ready: () => pool.ready(),
    close: () => pool.close(),
    process: async (job, token, signal) => {
      const data = job.data as IngestJobData;
      return guard(
        {
          db: runtime.db,
          stage: 'ingest',
          job,
          token,
          signal,
          worker: runtime.workerName,
          articleKey: data.ref.key,
          subject: '',
          runId: data.runId,
          markFailed: async (error) => {
            if (error.permanent) await markArticleFailed(runtime.db, data.ref, 'ingest');
            else await recordExhaustedIngest(runtime.db, data.ref, { error, attempt: currentAttempt(job), runId: data.runId });
            if (data.runId) await linkRunArticle(runtime.db, data.runId, data.ref.key);
          },
        },
        async () => {
          if (!data.runId) throw new CurationError('InvalidInput', `ingest job ${job.id} has no run; enqueue it with curator enqueue`);
          const result = await pool.run({ ref: data.ref, runId: data.runId, attempt: currentAttempt(job), force: Boolean(data.force), worker: runtime.workerName });
          await linkRunArticle(runtime.db, data.runId, result.articleKey);
          // Permanent: already in the ledger; rethrown so the guard fails the job without retrying (the upsert is idempotent).
          if (result.status === 'failed') throw toCurationError(result.errorClass, result.message);
          const figures = result.status === 'skipped' ? 0 : await continueArticle(runtime, queues, { key: result.articleKey, runId: data.runId, generation: data.generation });
          return { ...result, queuedFigures: figures };
        },
      );
    },
  };
}

export function detectProcessor(runtime: Runtime): StageProcessor {
  const config = runtime.config;
  const pool = new ThreadPool<DetectTask, DetectItemResult[]>({
    module: moduleOf('detect-thread.ts'),
    init: {
      detector: config.DETECTOR,
      ...(config.DETECTOR_MODEL ? { modelPath: config.DETECTOR_MODEL } : {}),
      ...(config.DETECTOR_MODULE ? { module: config.DETECTOR_MODULE } : {}),
    } satisfies DetectThreadInit,
    size: config.DETECT_THREADS,
    timeoutMs: config.JOB_TIMEOUT_MS,
    name: 'detect',
  });
  const batcher = new DynamicBatcher<DetectItem, DetectItemResult>({
    maxBatch: config.DETECT_MAX_BATCH,
    maxWaitMs: config.DETECT_MAX_WAIT_MS,
    run: (items) => pool.run({ items }),
  });
  return {
    ready: () => pool.ready(),
    close: async () => {
      batcher.flush();
      await pool.close();
    },
    process: (job, token, signal) =>
      guardFigureJob(runtime, 'detect', { job, token, signal }, (data) =>
        runDetectStage({ db: runtime.db, store: runtime.store, detect: (item) => batcher.submit(item) }, data),
      ),
  };
}

/** Runs one figure job under the failure guard: ledger rows name the figure by its JATS id. */
async function guardFigureJob(
  runtime: Runtime,
  stage: 'detect' | 'align',
  call: { job: Job; token: string | undefined; signal: AbortSignal | undefined },
  work: (data: FigureJobData) => Promise<unknown>,
): Promise<unknown> {
  const data = call.job.data as FigureJobData;
  const figure = await runtime.db.figure.findUnique({ where: { id: data.figureId }, select: { jatsId: true } });
  return guard(
    {
      db: runtime.db,
      stage,
      ...call,
      worker: runtime.workerName,
      articleKey: data.articleKey,
      subject: figure?.jatsId ?? data.figureId,
      runId: data.runId,
      markFailed: () => setFigureStatus(runtime.db, data.figureId, stage, 'failed'),
    },
    () => work(data),
  );
}

export function alignProcessor(runtime: Runtime): StageProcessor {
  return {
    ready: async () => {},
    close: async () => {},
    process: (job, token, signal) => guardFigureJob(runtime, 'align', { job, token, signal }, (data) => runAlignStage(runtime.db, data)),
  };
}

export function exportProcessor(runtime: Runtime): StageProcessor {
  return {
    ready: async () => {},
    close: async () => {},
    process: async (job, token, signal) => {
      const data = job.data as ArticleJobData;
      return guard(
        {
          db: runtime.db,
          stage: 'export',
          job,
          token,
          signal,
          worker: runtime.workerName,
          articleKey: data.articleKey,
          subject: '',
          runId: data.runId,
          markFailed: async () => {
            await runtime.db.article.update({ where: { id: data.articleId }, data: { alignStatus: 'failed' } });
          },
        },
        () => runExportStage(runtime.db, data),
      );
    },
  };
}

