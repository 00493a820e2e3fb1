import { describe, expect, it } from 'vitest';
import { defaultJobOptions } from './policy.ts';

const settings = { JOB_ATTEMPTS: 6, JOB_BACKOFF_MS: 1500, KEEP_COMPLETED_COUNT: 10, KEEP_COMPLETED_SECONDS: 60, KEEP_FAILED_COUNT: 20, KEEP_FAILED_SECONDS: 120 };

describe('defaultJobOptions', () => {
  it("uses BullMQ's exponential backoff with equal jitter and the configured attempts", () => {
    expect(defaultJobOptions(settings)).toMatchObject({ attempts: 6, backoff: { type: 'exponential', delay: 1500, jitter: 0.5 } });
  });

  it('keeps a bounded window of finished jobs in Redis', () => {
    expect(defaultJobOptions(settings)).toMatchObject({ removeOnComplete: { count: 10, age: 60 }, removeOnFail: { count: 20, age: 120 } });
  });
});
