import pRetry from 'p-retry';
import { classifyError } from '@pmc-curator/pipeline/errors';

export interface RetryOptions {
  /** Retries after the first attempt. @defaultValue 4 */
  retries?: number;
  /** First backoff delay. @defaultValue 500 ms */
  minDelayMs?: number;
  onRetry?: (attempt: number, error: Error) => void;
}

/** Retries transient CurationErrors with exponential backoff and jitter; permanent ones fail at once. */
export function withTransientRetries<T>(task: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return pRetry((attempt) => task(attempt), {
    retries: options.retries ?? 4,
    minTimeout: options.minDelayMs ?? 500,
    factor: 2,
    randomize: true,
    shouldRetry: ({ error }) => !classifyError(error).permanent,
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0) options.onRetry?.(attemptNumber, error);
    },
  });
}
