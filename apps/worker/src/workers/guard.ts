import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { classifyError, type CurationError } from '@pmc-curator/pipeline/errors';
import { type Db, recordFailure, type Stage } from '@pmc-curator/store/db';

/** Why a job's abort signal fired when the pool is shutting down and hands its jobs back. */
export const SHUTDOWN_REASON = 'shutdown';

export interface GuardContext {
  db: Db;
  stage: Stage;
  job: Job;
  token: string | undefined;
  signal: AbortSignal | undefined;
  worker: string;
  articleKey: string;
  /** Ledger subject: '' for the article, the figure's JATS id for figure jobs. */
  subject: string;
  /** The ledger row's figure id. @defaultValue the subject ('' = none) */
  figureJatsId?: string | null;
  runId: string | null;
  /** Marks the article/figure failed for this stage (after the ledger row is written). */
  markFailed(error: CurationError): Promise<void>;
  /** The object store, probed with the database when a job fails (an outage is waited out, not charged to the job). */
  store?: { ping(): Promise<void> };
}

/** How long a job set aside during an outage waits before it is tried again (the pool also stops taking jobs). */
const OUTAGE_RECHECK_MS = 5_000;
const PROBE_TIMEOUT_MS = 5_000;

/** Raised inside the guard; never leaves it. */
class DependencyDown extends Error {}

/** The job was set aside because a dependency is down: BullMQ leaves its attempts alone, the pool pauses. */
export class OutageDelay extends DelayedError {
  constructor(readonly dependency: string) {
    super(`${dependency} is not answering; the job waits for it`);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The first of PostgreSQL and the object store that does not answer, or null when both do. */
export async function downDependency(deps: { db: Pick<Db, '$queryRaw'>; store?: { ping(): Promise<void> } | undefined }): Promise<string | null> {
  try {
    await withTimeout(deps.db.$queryRaw`SELECT 1`, PROBE_TIMEOUT_MS);
  } catch {
    return 'PostgreSQL';
  }
  if (deps.store) {
    try {
      await withTimeout(deps.store.ping(), PROBE_TIMEOUT_MS);
    } catch {
      return 'object store';
    }
  }
  return null;
}

/** 1-based number of the attempt now running. */
export const currentAttempt = (job: Job) => job.attemptsMade + 1;

function isLastAttempt(job: Job): boolean {
  return currentAttempt(job) >= (job.opts.attempts ?? 1);
}

/** Rejects as soon as the signal fires, so a shut-down worker stops waiting on work it will hand back. */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('aborted'), { aborted: true }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs a stage and applies the failure policy: permanent errors go to the ledger and fail the job without
 * retries (UnrecoverableError); transient ones are rethrown for BullMQ's backoff, and recorded as exhausted on
 * the last attempt. When the pool shuts down, the job is handed back to the wait list, not failed.
 *
 * No job ends without a durable record: when a transient failure comes with PostgreSQL or the object store not
 * answering, or the ledger row itself cannot be written, the job is set aside (delayed, its attempt not counted)
 * and the pool pauses until the dependency answers; the same work, and its ledger row, happen then.
 */
export async function guard<T>(ctx: GuardContext, work: () => Promise<T>): Promise<T> {
  try {
    return await abortable(work(), ctx.signal);
  } catch (error) {
    if (ctx.signal?.aborted && ctx.signal.reason === SHUTDOWN_REASON && ctx.token) {
      await ctx.job.moveToWait(ctx.token);
      throw new WaitingError();
    }
    const classified = classifyError(error);
    try {
      if (!classified.permanent) await throwIfDependencyDown(ctx);
      if (classified.permanent || isLastAttempt(ctx.job)) {
        await recordOrWait(ctx, classified);
        throw new UnrecoverableError(`${classified.errorClass}: ${classified.message}`);
      }
    } catch (outcome) {
      if (!(outcome instanceof DependencyDown)) throw outcome;
      await setAside(ctx, outcome.message);
    }
    throw new Error(`${classified.errorClass}: ${classified.message}`, { cause: classified });
  }
}

async function throwIfDependencyDown(ctx: GuardContext): Promise<void> {
  const down = await downDependency(ctx);
  if (down) throw new DependencyDown(down);
}

/** The ledger row and the failed status; when they cannot be written because a dependency is down, wait. */
async function recordOrWait(ctx: GuardContext, classified: CurationError): Promise<void> {
  try {
    await recordFailure(ctx.db, {
      articleKey: ctx.articleKey,
      stage: ctx.stage,
      subject: ctx.subject,
      figureJatsId: ctx.figureJatsId !== undefined ? ctx.figureJatsId : ctx.subject || null,
      error: classified,
      attempt: currentAttempt(ctx.job),
      worker: ctx.worker,
      runId: ctx.runId,
    });
    await ctx.markFailed(classified);
  } catch (writeError) {
    await throwIfDependencyDown(ctx);
    throw writeError;
  }
}

/** Back to the delayed set without counting an attempt (BullMQ's DelayedError); the outage decides when it runs. */
async function setAside(ctx: GuardContext, dependency: string): Promise<never> {
  if (!ctx.token) throw new Error('a job set aside during an outage needs its lock token');
  await ctx.job.moveToDelayed(Date.now() + OUTAGE_RECHECK_MS, ctx.token);
  throw new OutageDelay(dependency);
}

/**
 * A job whose data failed its schema (@pmc-curator/store/queues, job-schemas.ts): through the guard as the permanent error it is,
 * recorded once under the job's own id (subject) and never retried; nothing else is touched.
 */
export function rejectInvalidJob(
  ctx: Omit<GuardContext, 'articleKey' | 'subject' | 'figureJatsId' | 'runId' | 'markFailed'>,
  check: { error: CurationError; articleKey: string },
): Promise<never> {
  const context: GuardContext = { ...ctx, articleKey: check.articleKey, subject: String(ctx.job.id), figureJatsId: null, runId: null, markFailed: async () => {} };
  return guard(context, () => Promise.reject(check.error));
}
