import { fileURLToPath } from 'node:url';
import type { Job } from 'bullmq';
import { CurationError } from '@pmc-curator/pipeline/errors';
import { figureSubject, setFigureStatus, linkRunArticle, markArticleFailed } from '@pmc-curator/store/db';
import {
  removeStaleFlowJobs,
  articleFlow,
  FINALIZE_JOB,
  type ArticleJobData,
  type FigureJobData,
  type IngestJobData,
  articleJobDataSchema,
  checkJobData,
  figureJobDataSchema,
  ingestJobDataSchema,
  type QueueSet,
  STAGE_VERSIONS,
} from '@pmc-curator/store/queues';
import type { Runtime } from '../runtime.ts';
import { runAlignStage } from '../stages/align.ts';
import { runDetectStage, toCurationError } from '../stages/detect.ts';
import { finalizeArticle, isArticleComplete, LIFECYCLE_SELECT, reopenArticles, settleArticle } from '@pmc-curator/store/lifecycle';
import { readRunSettings } from '../run/runs.ts';
import { recordExhaustedIngest } from '../stages/ingest.ts';
import { DynamicBatcher } from './batcher.ts';
import { configToEnv } from './config-env.ts';
import type { DetectItem, DetectItemResult, DetectTask, DetectThreadInit } from './detect-thread.ts';
import { currentAttempt, guard, rejectInvalidJob } from './guard.ts';
import type { IngestTask, IngestTaskResult, IngestThreadInit } from './ingest-thread.ts';
import { ProcessPool } from './process-pool.ts';

type Processor = (job: Job, token?: string, signal?: AbortSignal) => Promise<unknown>;

export interface StageProcessor {
  process: Processor;
  /** Resolves when threads and models are loaded. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const moduleOf = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/**
 * After ingest, the article continues as a flow over the figures that are not done at the current detect and
 * align versions (all of them for a new article). With none left, the article is finalised at once (its
 * outcome and its runs), so an article without figures to work on never waits for a job.
 */
async function continueArticle(
  runtime: Runtime,
  queues: QueueSet,
  target: { key: string; runId: string | null; generation?: string | undefined },
): Promise<number> {
  const { key: articleKey, runId, generation } = target;
  const article = await runtime.db.article.findUnique({
    where: { key: articleKey },
    select: {
      id: true,
      ...LIFECYCLE_SELECT,
      figures: { where: { ingestStatus: 'done' }, select: { id: true, jatsId: true, graphicIndex: true, detectStatus: true, detectVersion: true, alignStatus: true, alignVersion: true } },
    },
  });
  if (!article || article.ingestStatus !== 'done') return 0;
  const figures = article.figures.filter(
    (f) => !(f.detectStatus === 'done' && f.detectVersion === STAGE_VERSIONS.detect && f.alignStatus === 'done' && f.alignVersion === STAGE_VERSIONS.align),
  );
  if (figures.length === 0) {
    await finalizeArticle(runtime.db, article.id);
    return 0;
  }
  await reopenArticles(runtime.db, [article.id]);
  const flow = articleFlow(runtime.config, {
    articleKey,
    articleId: article.id,
    runId,
    figures: figures.map((f) => ({ id: f.id, jatsId: f.jatsId, graphicIndex: f.graphicIndex })),
    ...(generation ? { generation } : {}),
  });
  await removeStaleFlowJobs(queues, flow);
  await queues.flows.add(flow);
  return figures.length;
}

export function ingestProcessor(runtime: Runtime, queues: QueueSet): StageProcessor {
  const config = runtime.config;
  const pool = new ProcessPool<IngestTask, IngestTaskResult>({
    module: moduleOf('ingest-thread.ts'),
    // Each thread builds its own rate-limited source reader: split the per-process request budget between them.
    init: { env: { ...configToEnv(config), PMC_SOURCE_RPS: String(config.PMC_SOURCE_RPS / config.INGEST_THREADS) } } satisfies IngestThreadInit,
    size: config.INGEST_THREADS,
    timeoutMs: config.JOB_TIMEOUT_MS,
    maxRssBytes: config.WORKER_MAX_RSS_MB * 2 ** 20,
    name: 'ingest',
  });
  return {
    ready: () => pool.ready(),
    close: () => pool.close(),
    process: async (job, token, signal) => {
      const checked = checkJobData<IngestJobData>(ingestJobDataSchema, job);
      if (!checked.ok) return rejectInvalidJob({ db: runtime.db, stage: 'ingest', job, token, signal, worker: runtime.workerName }, checked);
      const data = checked.data;
      return guard(
        {
          db: runtime.db,
          store: runtime.store,
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
            await settleArticle(runtime.db, data.ref.key, 'failed');
          },
        },
        async () => {
          if (!data.runId) throw new CurationError('InvalidInput', `ingest job ${job.id} has no run; enqueue it with curator enqueue`);
          const result = await pool.run({ ref: data.ref, runId: data.runId, attempt: currentAttempt(job), force: Boolean(data.force), worker: runtime.workerName });
          await linkRunArticle(runtime.db, data.runId, result.articleKey);
          // Permanent: already in the ledger; rethrown so the guard fails the job without retrying (the upsert is idempotent).
          if (result.status === 'failed') throw toCurationError(result.errorClass, result.message);
          if (result.status === 'skipped' || (await isExcludedByRun(runtime, result.articleKey, data.runId))) {
            await settleArticle(runtime.db, result.articleKey, 'excluded');
            return { ...result, queuedFigures: 0 };
          }
          const figures = await continueArticle(runtime, queues, { key: result.articleKey, runId: data.runId, generation: data.generation });
          return { ...result, queuedFigures: figures };
        },
      );
    },
  };
}

/** An article left unchanged by ingest may be one an earlier run excluded, which this run's filters also exclude. */
async function isExcludedByRun(runtime: Runtime, articleKey: string, runId: string): Promise<boolean> {
  const article = await runtime.db.article.findUnique({ where: { key: articleKey }, select: LIFECYCLE_SELECT });
  if (article?.ingestStatus !== 'skipped') return false;
  const { filters } = await readRunSettings(runtime.db, runId);
  return isArticleComplete(article, filters);
}

export function detectProcessor(runtime: Runtime): StageProcessor {
  const config = runtime.config;
  const pool = new ProcessPool<DetectTask, DetectItemResult[]>({
    module: moduleOf('detect-thread.ts'),
    init: {
      detector: config.DETECTOR,
      ...(config.DETECTOR_MODEL ? { modelPath: config.DETECTOR_MODEL } : {}),
      ...(config.DETECTOR_MODULE ? { module: config.DETECTOR_MODULE } : {}),
      analysisMaxSide: config.ANALYSIS_MAX_SIDE,
      maxPixels: config.MAX_IMAGE_PIXELS,
      unbundledCuda: config.PMC_CURATOR_ORT_CUDA,
    } satisfies DetectThreadInit,
    size: config.DETECT_THREADS,
    timeoutMs: config.JOB_TIMEOUT_MS,
    maxRssBytes: config.WORKER_MAX_RSS_MB * 2 ** 20,
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
  const checked = checkJobData<FigureJobData>(figureJobDataSchema, call.job);
  if (!checked.ok) return rejectInvalidJob({ db: runtime.db, stage, ...call, worker: runtime.workerName }, checked);
  const data = checked.data;
  // During a database outage the lookup fails: the guard then sets the job aside until the database is back.
  const figure = await runtime.db.figure
    .findUnique({ where: { id: data.figureId }, select: { jatsId: true, graphicIndex: true, graphicHref: true } })
    .catch(() => null);
  return guard(
    {
      db: runtime.db,
      store: runtime.store,
      stage,
      ...call,
      worker: runtime.workerName,
      articleKey: data.articleKey,
      subject: figure ? figureSubject(figure) : data.figureId,
      runId: data.runId,
      markFailed: () => setFigureStatus(runtime.db, data.figureId, stage, 'failed'),
    },
    () => work(data),
  );
}

/** The align pool runs the figures' align jobs and, in the same queue, each article's finalising job. */
export function alignProcessor(runtime: Runtime): StageProcessor {
  return {
    ready: async () => {},
    close: async () => {},
    process: (job, token, signal) =>
      job.name === FINALIZE_JOB
        ? finalizeJob(runtime, { job, token, signal })
        : guardFigureJob(runtime, 'align', { job, token, signal }, (data) => runAlignStage(runtime.db, data)),
  };
}

/** Runs when every figure job of the article is over: the article's outcome, then its runs (lifecycle.ts). */
function finalizeJob(runtime: Runtime, call: { job: Job; token: string | undefined; signal: AbortSignal | undefined }): Promise<unknown> {
  const checked = checkJobData<ArticleJobData>(articleJobDataSchema, call.job);
  if (!checked.ok) return rejectInvalidJob({ db: runtime.db, stage: 'align', ...call, worker: runtime.workerName }, checked);
  const data = checked.data;
  return guard(
    {
      db: runtime.db,
      store: runtime.store,
      stage: 'align',
      ...call,
      worker: runtime.workerName,
      articleKey: data.articleKey,
      subject: '',
      runId: data.runId,
      markFailed: () => settleArticle(runtime.db, data.articleKey, 'failed'),
    },
    async () => ({ outcome: await finalizeArticle(runtime.db, data.articleId) }),
  );
}
