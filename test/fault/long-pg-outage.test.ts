import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { STAGES } from '../../packages/store/src/queues/stage-versions.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { startWorkerPool, type WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { closeRunEnvironment, curatedCounts, enqueueSample, faultConfig, openRunEnvironment, publishSample, SAMPLE_ARTICLES, SAMPLE_FIGURES, type RunEnvironment } from './support/harness.ts';
import { until } from './support/processes.ts';
import { postgresProxy, type TcpProxy } from './support/proxies.ts';
import { HostileReport } from '../report/hostile-report.ts';

const report = new HostileReport('outages.json', 'outage');

// FAST settings: 6 attempts with a 200 ms base backoff, so the retry budget is about 6 s. The outage below is
// several times longer; before, jobs ran out of attempts with no ledger row and articles stayed pending forever.
const OUTAGE_MS = 20_000;

let direct: Config;
let db: Db;
let store: S3ObjectStore;
let queues: QueueSet;
let env: RunEnvironment | undefined;
let pool: WorkerPool;
let pgProxy: TcpProxy;
let proxiedDatabaseUrl: string;
const logs: string[] = [];

beforeAll(async () => {
  direct = faultConfig();
  env = await openRunEnvironment(direct);
  ({ db, store, queues } = env);
  ({ proxy: pgProxy, url: proxiedDatabaseUrl } = await postgresProxy(direct.DATABASE_URL));
});

afterAll(async () => {
  await pool?.close(500);
  await pgProxy?.close();
  await closeRunEnvironment(env);
  if (report.size > 0) report.write();
});

describe('a PostgreSQL outage longer than the retry budget', () => {
  it('is waited out: workers pause, no job ends failed or unrecorded, and the run finishes complete', async () => {
    const spec = await publishSample(direct);
    pool = await startWorkerPool({ config: { ...direct, DATABASE_URL: proxiedDatabaseUrl }, log: (line) => logs.push(line) });
    const run = await enqueueSample(db, queues, direct, spec);

    await until(() => pool.stats.ingest.completed >= 1, 'the first article to be ingested');
    pgProxy.cut();
    await until(() => pool.outages.dependency === 'PostgreSQL', 'the pool to notice the outage', 30_000);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    // Still paused, nothing given up on.
    expect(pool.outages.dependency).toBe('PostgreSQL');
    for (const stage of STAGES) expect(await queues.queues[stage].getJobCountByTypes('failed'), `${stage} failed jobs`).toBe(0);
    pgProxy.restore();

    const progress = await waitForRun(db, run.runId, { timeoutMs: 150_000 });
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES, failed: 0, status: 'finished' });
    expect(pool.outages.count).toBeGreaterThanOrEqual(1);
    expect(pool.outages.dependency).toBeNull();
    expect(pgProxy.cuts).toBeGreaterThan(0);
    for (const stage of STAGES) expect(await queues.queues[stage].getJobCountByTypes('failed'), `${stage} failed jobs`).toBe(0);
    const counts = await curatedCounts(db, store);
    expect(counts).toMatchObject({ articles: SAMPLE_ARTICLES, doneArticles: SAMPLE_ARTICLES, figures: SAMPLE_FIGURES, failures: 0 });
    expect(counts.pairs).toBe(counts.subfigures);
    const failedJobs = (await Promise.all(STAGES.map((stage) => queues.queues[stage].getJobCountByTypes('failed')))).reduce((a, b) => a + b, 0);
    report.add(
      `PostgreSQL unreachable for ${OUTAGE_MS / 1000} s mid-run (retry budget ≈ 6 s), ${SAMPLE_ARTICLES} articles`,
      `waited out: pool paused ${pool.outages.count}× (${Math.round(pool.outages.totalMs / 1000)} s), ${failedJobs} failed jobs, ${progress.curated}/${SAMPLE_ARTICLES} curated, ${counts.failures} ledger rows`,
    );
    expect(logs.join('\n')).toMatch(/PostgreSQL is not answering: pausing[\s\S]*answers again after \d+ s: resuming/);
  });
});
