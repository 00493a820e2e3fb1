import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { startWorkerPool, type WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { enqueueSample, faultConfig, publishSample, SAMPLE_ARTICLES, SAMPLE_FIGURES, closeRunEnvironment, openRunEnvironment, type RunEnvironment } from './support/harness.ts';
import { expectCuratedOnce } from './support/assertions.ts';
import { until } from './support/processes.ts';
import { FaultyS3Proxy, postgresProxy, type TcpProxy } from './support/proxies.ts';

let direct: Config;
let db: Db;
let store: S3ObjectStore;
let queues: QueueSet;
let env: RunEnvironment | undefined;
let pool: WorkerPool;
let pgProxy: TcpProxy;
let proxiedDatabaseUrl: string;
let s3Proxy: FaultyS3Proxy;

beforeAll(async () => {
  direct = faultConfig();
  env = await openRunEnvironment(direct);
  ({ db, store, queues } = env);
  ({ proxy: pgProxy, url: proxiedDatabaseUrl } = await postgresProxy(direct.DATABASE_URL));
  s3Proxy = new FaultyS3Proxy(new URL(direct.S3_ENDPOINT), { failEvery: 6, slowEvery: 7, slowMs: 1000 });
  await s3Proxy.listen();
});

afterAll(async () => {
  await pool?.close(500);
  await pgProxy?.close();
  await s3Proxy?.close();
  await closeRunEnvironment(env);
});

describe('Postgres unreachable and S3 failing or slow', () => {
  it('retries through a Postgres outage, S3 500s and slow responses, and completes with nothing lost or duplicated', async () => {
    const spec = await publishSample(direct);
    // Workers reach Postgres and S3 only through the faulty proxies; the test checks the results directly.
    const proxied: Config = { ...direct, DATABASE_URL: proxiedDatabaseUrl, S3_ENDPOINT: s3Proxy.endpoint };
    pool = await startWorkerPool({ config: proxied, log: () => {} });
    const run = await enqueueSample(db, queues, direct, spec);

    await until(() => pool.stats.ingest.completed >= 1, 'the first article to be ingested');
    pgProxy.cut();
    s3Proxy.outage = true;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    pgProxy.restore();
    s3Proxy.outage = false;

    const progress = await waitForRun(db, run.runId, { timeoutMs: 150_000 });
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, failed: 0, status: 'finished' });
    expect(pgProxy.cuts).toBeGreaterThan(0);
    expect(s3Proxy.failures).toBeGreaterThan(0);
    expect(s3Proxy.delayed).toBeGreaterThan(0);
    // Failures with a dependency down are waited out (no attempt charged); the others are retried with backoff.
    const retried = Object.values(pool.stats).reduce((sum, s) => sum + s.retried, 0);
    expect(retried + pool.outages.count).toBeGreaterThan(0);
    await expectCuratedOnce(db, store, { articles: SAMPLE_ARTICLES, figures: SAMPLE_FIGURES });
  });
});
