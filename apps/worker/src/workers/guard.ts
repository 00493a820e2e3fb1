import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { classifyError, type CurationError } from '@pmc-curator/pipeline/errors';
import type { Db } from '../db/client.ts';
import { recordFailure, type Stage } from '../db/failures.ts';

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
  runId: string | null;
  /** Marks the article/figure failed for this stage (after the ledger row is written). */
  markFailed(error: CurationError): Promise<void>;
}

/** 1-based number of the attempt now running. */
export const currentAttempt = (job: Job) => job.attemptsMade + 1;

function isLastAttempt(job: Job): boolean {
  return currentAttempt(job) >= (job.opts.attempts ?? 1);
}

/** Rejects as soon as the signal fires, so a shut-down worker stops waiting on work it will hand back. */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
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
    if (classified.permanent || isLastAttempt(ctx.job)) {
      await recordFailure(ctx.db, {
        articleKey: ctx.articleKey,
        stage: ctx.stage,
        subject: ctx.subject,
        figureJatsId: ctx.subject || null,
        error: classified,
        attempt: currentAttempt(ctx.job),
        worker: ctx.worker,
        runId: ctx.runId,
      });
      await ctx.markFailed(classified);
      throw new UnrecoverableError(`${classified.errorClass}: ${classified.message}`);
    }
    throw new Error(`${classified.errorClass}: ${classified.message}`, { cause: classified });
  }
}
