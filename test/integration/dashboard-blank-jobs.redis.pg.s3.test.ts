import type { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../apps/dashboard/src/index.ts';
import { rawRequest } from '../../apps/dashboard/src/testing/raw-http.ts';
import type { Config } from '../../apps/worker/src/config.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { closeRunEnvironment, faultConfig, openRunEnvironment, startInProcessPool, type RunEnvironment } from '../fault/support/harness.ts';
import { until } from '../fault/support/processes.ts';
import { HostileReport } from '../report/hostile-report.ts';

/**
 * Jobs added by hand through bull-board ("add job", data `{}`) used to fail five times with a TypeError and never
 * reach the ledger. Now each is one permanent InvalidJob row, attempt 1, under the job's own id, and not retried.
 */
const report = new HostileReport('dashboard-jobs.json', 'worker');

let config: Config;
let env: RunEnvironment;
let pool: WorkerPool;
let dashboard: RunningDashboard;

beforeAll(async () => {
  config = faultConfig({ JOB_ATTEMPTS: '5' });
  env = await openRunEnvironment(config);
  pool = await startInProcessPool(config, env);
  const { ingest, detect, align } = env.queues.queues;
  dashboard = await startDashboard({ config, queues: [ingest, detect, align], db: env.db, store: env.store, port: 0, host: '127.0.0.1', onError: () => {} });
});

afterAll(async () => {
  await dashboard?.close();
  await pool?.close(500);
  await closeRunEnvironment(env);
  if (report.size > 0) report.write();
});

/** Adds a job the way bull-board's UI does: POST …/add with JSON, from the dashboard's own page. */
async function addThroughBullBoard(queue: string, name: string, data: unknown): Promise<string> {
  const response = await rawRequest(dashboard.url, {
    method: 'POST',
    path: `/queues/api/queues/${queue}/add`,
    headers: { origin: dashboard.url, 'content-type': 'application/json' },
    body: JSON.stringify({ name, data }),
  });
  expect(response.status, response.text).toBe(200);
  return (JSON.parse(response.text) as { job: { id: string } }).job.id;
}

describe('jobs with invalid data', () => {
  it('are one permanent InvalidJob ledger row each, attempt 1, never retried', async () => {
    const cases: Array<{ queue: 'ingest' | 'detect' | 'align'; name: string; data: unknown; label: string }> = [
      { queue: 'ingest', name: 'ingest', data: {}, label: 'ingest job with data {}' },
      { queue: 'detect', name: 'detect', data: {}, label: 'detect job with data {}' },
      { queue: 'align', name: 'align', data: {}, label: 'align job with data {}' },
      { queue: 'align', name: 'finalize', data: {}, label: 'finalize job (align queue) with data {}' },
      { queue: 'detect', name: 'detect', data: { articleKey: 'PMC1.1', figureId: 42 }, label: 'detect job with an articleKey and a numeric figureId' },
      { queue: 'ingest', name: 'ingest', data: { ref: { key: 'dir:x', sourceKind: 'ftp', location: '/etc' }, runId: null }, label: 'ingest job with an unknown sourceKind' },
    ];
    const added = [];
    for (const entry of cases) added.push({ ...entry, id: await addThroughBullBoard(entry.queue, entry.name, entry.data) });

    await until(async () => (await env.db.failure.count({ where: { errorClass: 'InvalidJob' } })) === cases.length, 'one InvalidJob row per job', 60_000);
    const queues: Record<string, Queue> = env.queues.queues;
    for (const entry of added) {
      const expectedKey =
        (entry.data as { articleKey?: string }).articleKey
          ? 'PMC1.1'
          : entry.queue === 'ingest' && (entry.data as { ref?: { key: string } }).ref
            ? 'dir:x'
            : `job:${entry.queue}/${entry.id}`;
      // Job ids count per queue, so the ledger row is found by (article, stage, subject), its unique key.
      const row = await env.db.failure.findUniqueOrThrow({ where: { articleKey_stage_subject: { articleKey: expectedKey, stage: entry.queue, subject: entry.id } } });
      expect(row).toMatchObject({ articleKey: expectedKey, errorClass: 'InvalidJob', kind: 'permanent', attempt: 1, resolved: false, runId: null });
      expect(row.message).toContain('invalid data');
      const queue = queues[entry.queue]!;
      await until(async () => (await queue.getJobState(entry.id)) === 'failed', `${entry.label} to fail`, 30_000);
      const job = (await queue.getJob(entry.id)) as Job;
      expect(job.attemptsMade, entry.label).toBe(1);
      expect(job.failedReason).toMatch(/^InvalidJob: /);
      report.add(`${entry.label}, added through bull-board (5 attempts allowed)`, `failed once: ledger InvalidJob (permanent, attempt 1, subject = job id, article ${expectedKey.startsWith('job:') ? 'job:<queue>/<id>' : expectedKey}), not retried`);
    }
    // Nothing else was touched: no articles, figures or other ledger rows came out of these jobs.
    expect(await env.db.article.count()).toBe(0);
    expect(await env.db.failure.count()).toBe(cases.length);
  });
});
