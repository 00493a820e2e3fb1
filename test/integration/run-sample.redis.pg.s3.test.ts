import { afterAll, describe, expect, it } from 'vitest';
import { createQueueSet, obliterateQueues } from '../../packages/store/src/queues/queues.ts';
import { runSample, type SampleRun } from '../../apps/worker/src/run/sample-run.ts';
import { resetDatabase, testDb } from '../support/servers.ts';
import { faultConfig, SAMPLE_ARTICLES, SAMPLE_FIGURES } from '../fault/support/harness.ts';

const config = faultConfig({ DETECTOR: 'layout-ocr' });
let run: SampleRun | null = null;

afterAll(async () => {
  await run?.close();
  const queues = createQueueSet(config);
  await obliterateQueues(queues);
  await queues.close();
});

describe('curator run --sample', () => {
  it('publishes the sample, curates it through the queues with the dashboard up, and summarises the run', async () => {
    const db = testDb(config);
    await resetDatabase(db);
    await db.$disconnect();
    run = await runSample({ config, dashboardPort: 0, log: () => {}, timeoutMs: 150_000 });
    expect(run.summary).toMatchObject({ status: 'finished', articles: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, failedArticles: 0, unfinished: 0, figures: SAMPLE_FIGURES, failuresByClass: {} });
    expect(run.summary.pairs).toBe(run.summary.subfigures);
    expect(run.summary.subfigures).toBeGreaterThan(SAMPLE_FIGURES);
    expect(run.stageRates.detect).toBeGreaterThan(0);
    expect(run.dashboardUrl).toMatch(/^http:\/\//);
    const response = await fetch(`${run.dashboardUrl}/healthz`);
    expect(response.status).toBe(200);
  });
});
