import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import {
  checkEvictionPolicy,
  createRedis,
  createQueueSet,
  QUEUE_NAMES,
  type QueueSet,
  STAGES,
  type StageName,
} from '@pmc-curator/store/queues';
import { createLogger, lineLogger, type Logger } from '../log.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { OutageDelay, SHUTDOWN_REASON } from './guard.ts';
import { OutageMonitor, type OutageState } from './outages.ts';
import { alignProcessor, detectProcessor, ingestProcessor, type StageProcessor } from './processors.ts';

export interface WorkerPoolOptions {
  config: Config;
  /** Stages this process works on. @defaultValue all three */
  stages?: StageName[];
  /** Jobs in flight per stage. Defaults: ingest 2×INGEST_THREADS, detect DETECT_MAX_BATCH×DETECT_THREADS, align 8 (figure alignments and article finalising jobs). */
  concurrency?: Partial<Record<StageName, number>>;
  /** Reuse connections (tests, `curator run`); otherwise the pool builds and closes its own. */
  runtime?: Runtime;
  /** Structured logger (base fields such as `worker`); each stage logs through a child with `stage`. @defaultValue createLogger(config) */
  logger?: Logger;
  /** In-process callers (tests, `curator run`): each log entry's message as a plain line, instead of `logger`. */
  log?: (line: string) => void;
}

interface StageStats {
  completed: number;
  failed: number;
  retried: number;
}

export interface WorkerPool {
  stages: StageName[];
  stats: Record<StageName, StageStats>;
  workers: Map<StageName, Worker>;
  queues: QueueSet;
  /** The dependency outage being waited out, if any, and the ones before. */
  outages: OutageState;
  /**
   * Stops taking jobs and lets in-flight ones finish for up to `graceMs`; the ones still running then are
   * handed back to the wait list (another worker picks them up), never dropped.
   */
  close(graceMs?: number): Promise<void>;
}

function defaultConcurrency(config: Config): Record<StageName, number> {
  return { ingest: 2 * config.INGEST_THREADS, detect: config.DETECT_MAX_BATCH * config.DETECT_THREADS, align: 8 };
}

/** The retry delay of jobs whose backoff type is the earlier custom `exp-jitter` (equal jitter, as JOB_BACKOFF). */
function legacyBackoffDelay(attemptsMade: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** BullMQ worker settings for a stage: own connection, locks, stall checks, metrics, backoff, ingest rate limit. */
export function workerOptions(config: Config, stage: StageName, concurrency: number, name: string): WorkerOptions {
  return {
    connection: createRedis(config),
    prefix: config.QUEUE_PREFIX,
    concurrency,
    lockDuration: config.LOCK_DURATION_MS,
    stalledInterval: config.STALLED_INTERVAL_MS,
    maxStalledCount: 2,
    // Per-minute completion counts for `curator status` throughput and ETA (one day kept).
    metrics: { maxDataPoints: 24 * 60 },
    // Jobs enqueued before the switch to BullMQ's exponential backoff carry the old custom type: same curve.
    settings: { backoffStrategy: (attemptsMade: number) => legacyBackoffDelay(attemptsMade, config.JOB_BACKOFF_MS) },
    ...(stage === 'ingest' && config.INGEST_RATE_LIMIT > 0 ? { limiter: { max: Math.max(1, Math.round(config.INGEST_RATE_LIMIT)), duration: 1000 } } : {}),
    name,
  };
}

/** The article a job concerns, when its data names one (`articleKey`; an ingest job's `ref.key`). Data is not trusted here. */
function articleKeyOf(job: Job): string | undefined {
  const data = job.data as { articleKey?: unknown; ref?: { key?: unknown } } | undefined;
  const key = data?.articleKey ?? data?.ref?.key;
  return typeof key === 'string' ? key : undefined;
}

/** Starts one BullMQ worker per stage, with the stage's processor (child process pools, batcher) behind it. */
export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const { config } = options;
  const log = options.logger ?? (options.log ? lineLogger(options.log, config.LOG_LEVEL) : createLogger(config));
  const stages = options.stages ?? [...STAGES];
  const runtime = options.runtime ?? (await createRuntime(config));
  const queues = createQueueSet(config);
  const check = await checkEvictionPolicy(queues.connection);
  if (check.warning) log.warn(`WARNING: ${check.warning}`);
  const concurrency = { ...defaultConcurrency(config), ...options.concurrency };
  const processors = new Map<StageName, StageProcessor>();
  for (const stage of stages) {
    processors.set(
      stage,
      stage === 'ingest' ? ingestProcessor(runtime, queues) : stage === 'detect' ? detectProcessor(runtime) : alignProcessor(runtime),
    );
  }
  await Promise.all([...processors.values()].map((processor) => processor.ready()));
  const stats = Object.fromEntries(stages.map((stage) => [stage, { completed: 0, failed: 0, retried: 0 }])) as Record<StageName, StageStats>;
  const workers = new Map<StageName, Worker>();
  const outages = new OutageMonitor({ db: runtime.db, store: runtime.store }, () => [...workers.values()], log);
  for (const stage of stages) {
    const processor = processors.get(stage)!;
    const stageLog = log.child({ stage });
    const worker = new Worker(
      QUEUE_NAMES[stage],
      (job: Job, token?: string, signal?: AbortSignal) =>
        processor.process(job, token, signal).catch((error: unknown) => {
          if (error instanceof OutageDelay) outages.down(error.dependency, { queue: job.queueName, jobId: job.id, articleKey: articleKeyOf(job) });
          throw error;
        }),
      workerOptions(config, stage, concurrency[stage], `${runtime.workerName}:${stage}`),
    );
    worker.on('completed', () => {
      stats[stage].completed += 1;
    });
    worker.on('failed', (job, error) => {
      if (!job) return;
      const ids = { jobId: job.id, articleKey: articleKeyOf(job), attempt: job.attemptsMade, attempts: job.opts.attempts ?? 1 };
      if (error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1)) {
        stats[stage].failed += 1;
        stageLog.warn({ ...ids, error: error.message }, `job failed: ${error.message}`);
      } else {
        stats[stage].retried += 1;
        stageLog.debug({ ...ids, error: error.message }, `job will be retried: ${error.message}`);
      }
    });
    let lastError = 0;
    worker.on('error', (error) => {
      if (Date.now() - lastError < 10_000) return;
      lastError = Date.now();
      stageLog.error({ err: error }, `${stage} worker: ${error.message} (retrying)`);
    });
    workers.set(stage, worker);
  }
  let closing: Promise<void> | null = null;
  return {
    stages,
    stats,
    workers,
    queues,
    outages: outages.state,
    close: (graceMs = config.SHUTDOWN_GRACE_MS) => {
      closing ??= (async () => {
        outages.stop();
        const list = [...workers.values()];
        const timer = setTimeout(() => {
          for (const worker of list) worker.cancelAllJobs(SHUTDOWN_REASON);
        }, graceMs);
        await Promise.all(list.map((worker) => worker.close()));
        clearTimeout(timer);
        // The connections were passed in as instances, so BullMQ leaves them open.
        for (const worker of list) (worker.opts.connection as Partial<Redis>).disconnect?.();
        await Promise.all([...processors.values()].map((processor) => processor.close()));
        await queues.close();
        if (!options.runtime) await runtime.close();
      })();
      return closing;
    },
  };
}

