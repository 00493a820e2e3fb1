import type { JobsOptions } from 'bullmq';
import type { JobPolicySettings } from '../settings.ts';

/** The backoff type name registered on every worker (see `backoffDelay`). */
export const BACKOFF_TYPE = 'exp-jitter';

/** Retention: Redis keeps a bounded window of finished jobs; the Postgres ledger keeps the history. */
export function retention(config: JobPolicySettings): Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> {
  return {
    removeOnComplete: { count: config.KEEP_COMPLETED_COUNT, age: config.KEEP_COMPLETED_SECONDS },
    removeOnFail: { count: config.KEEP_FAILED_COUNT, age: config.KEEP_FAILED_SECONDS },
  };
}

/** Defaults for every job: bounded retention, N attempts, exponential backoff with jitter. */
export function defaultJobOptions(config: JobPolicySettings): JobsOptions {
  return {
    attempts: config.JOB_ATTEMPTS,
    backoff: { type: BACKOFF_TYPE, delay: config.JOB_BACKOFF_MS },
    ...retention(config),
  };
}

/** Cap of a single backoff delay. */
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Exponential backoff with "equal jitter": half the exponential delay fixed, half random, so a burst of
 * failures (Redis or Postgres restarting) does not come back as a synchronized burst.
 */
export function backoffDelay(attemptsMade: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
