import { Queue, QueueEvents, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../packages/store/src/queues/connection.ts';
import { workerOptions } from '../../apps/worker/src/workers/pool.ts';
import { faultConfig } from '../fault/support/harness.ts';

const config = faultConfig({ JOB_BACKOFF_MS: '10' });
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe('jobs enqueued with the earlier custom backoff type', () => {
  it('are still retried by a worker of this version (exp-jitter), not failed with "Unknown backoff strategy"', async () => {
    const connection = createRedis(config);
    const queue = new Queue('legacy-backoff', { connection, prefix: config.QUEUE_PREFIX });
    const events = new QueueEvents('legacy-backoff', { connection: createRedis(config), prefix: config.QUEUE_PREFIX });
    let calls = 0;
    const worker = new Worker(
      'legacy-backoff',
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('first attempt fails');
        return 'ok';
      },
      workerOptions(config, 'align', 1, 'legacy-test'),
    );
    closers.push(() => queue.obliterate({ force: true }).then(() => queue.close()), () => events.close(), () => worker.close());
    await events.waitUntilReady();
    const job = await queue.add('x', {}, { attempts: 3, backoff: { type: 'exp-jitter', delay: 10 } });
    let stalled = 0;
    events.on('stalled', () => (stalled += 1));
    await expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('ok');
    expect(calls).toBe(2);
    // Retried by its backoff, not recovered by the stall checker after the retry could not be scheduled.
    expect(stalled).toBe(0);
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(2);
  });
});
