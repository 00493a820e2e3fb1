import type { JobsOptions } from 'bullmq';
import type { JobPolicySettings } from '../settings.ts';

/**
 * BullMQ's own exponential backoff with jitter 0.5 ("equal jitter": between half and all of base × 2^(n-1)), so a
 * burst of failures does not come back as a synchronised burst. It has no cap, which is fine: attempts are few
 * (JOB_ATTEMPTS), and dependency outages are not retried at all but waited out (workers/guard.ts).
 */
const JOB_BACKOFF = { type: 'exponential', jitter: 0.5 } as const;

/** Retention: Redis keeps a bounded window of finished jobs; the Postgres ledger keeps the history. */
function retention(config: JobPolicySettings): Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> {
  return {
    removeOnComplete: { count: config.KEEP_COMPLETED_COUNT, age: config.KEEP_COMPLETED_SECONDS },
    removeOnFail: { count: config.KEEP_FAILED_COUNT, age: config.KEEP_FAILED_SECONDS },
  };
}

/** Defaults for every job: bounded retention, N attempts, exponential backoff with jitter. */
export function defaultJobOptions(config: JobPolicySettings): JobsOptions {
  return {
    attempts: config.JOB_ATTEMPTS,
    backoff: { ...JOB_BACKOFF, delay: config.JOB_BACKOFF_MS },
    ...retention(config),
  };
}
