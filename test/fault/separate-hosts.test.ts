import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueueEvents, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { SourceSpec } from '../../apps/worker/src/sources.ts';
import { startLocalS3Server, type LocalS3Server } from '../../apps/worker/src/storage/local-s3-server.ts';
import { migrateDatabase } from '../../packages/store/src/db/migrations.ts';
import { createRedis } from '../../packages/store/src/queues/connection.ts';
import { STAGES } from '../../packages/store/src/queues/stage-versions.ts';
import { closeRunEnvironment, enqueueSample, faultConfig, openRunEnvironment, publishSampleCopies, SAMPLE_ARTICLES, SAMPLE_FIGURES, type RunEnvironment } from './support/harness.ts';
import { expectCuratedOnce, expectNoOrphanObjects } from './support/assertions.ts';
import { NetnsLab, netnsUnavailable } from './support/netns.ts';
import { PrivatePostgres, postgresBinDir } from './support/postgres-server.ts';
import { SLOW_DETECTOR, spawnWorker, until, type WorkerProcess } from './support/processes.ts';
import { PrivateRedis } from './support/redis-server.ts';

/**
 * Redis, PostgreSQL + S3 and two worker hosts, each in a network namespace of its own on a /24 of the test's own
 * (test/fault/support/netns.ts); this process, in the root namespace, enqueues and checks. Host A's link goes
 * down for longer than the lock duration while it holds jobs: host B's stall checker takes them over, and after
 * the link is back nothing shows twice and the run completes. Needs CAP_NET_ADMIN; skips with the reason without.
 */
const unavailable = netnsUnavailable() ?? (postgresBinDir() ? null : 'no initdb/pg_ctl under /usr/lib/postgresql/*/bin for a private PostgreSQL');
if (unavailable) console.warn(`separate-hosts test skipped: ${unavailable}`);

const COPIES = 2;
const ARTICLES = COPIES * SAMPLE_ARTICLES;
const FIGURES = COPIES * SAMPLE_FIGURES;
const LOCK_MS = 4000;
const STALLED_INTERVAL_MS = 2000;
// Longer than the lock plus two stall-check intervals, so host B's stall checker surely sees host A's locks expire.
const CUT_MS = LOCK_MS + 2 * STALLED_INTERVAL_MS;
// Host A's detection outlasts the cut: it finishes the jobs it lost after host B has detected and aligned them,
// and its late write must change nothing. Once its link is back it detects at full speed (SLOW_DETECT_STOP_FILE).
const SLOW_DETECT_MS = Number(process.env.SEPARATE_HOSTS_SLOW_MS ?? CUT_MS + 3000);

let lab: NetnsLab | undefined;
let redis: PrivateRedis | undefined;
let postgres: PrivatePostgres | undefined;
let s3: LocalS3Server | undefined;
let workDir: string | undefined;
let config: Config;
let spec: SourceSpec;
let env: RunEnvironment | undefined;
const events: QueueEvents[] = [];
const stalled = new Set<string>();
const workers: WorkerProcess[] = [];

/** Its existence ends host A's slow detection (in the test's own temporary directory, beside s3rver's). */
const stopSlowFile = () => path.join(workDir!, 'stop-slow-detect');
const within = (promise: Promise<unknown>, ms: number) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms))]);

describe.skipIf(unavailable !== null)(`workers on separate hosts (network namespaces)${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  beforeAll(async () => {
    const setupStart = Date.now();
    lab = NetnsLab.create(['redis', 'db', 'host-a', 'host-b']);
    // Protected mode would refuse clients from other hosts (no password on this private server).
    redis = new PrivateRedis(6379, ['--appendonly', 'no', '--protected-mode', 'no'], { host: lab.address('redis'), launcher: lab.launcher('redis') });
    postgres = new PrivatePostgres({ host: lab.address('db'), launcher: lab.launcher('db') });
    workDir = mkdtempSync(path.join(os.tmpdir(), 'pmc-hosts-'));
    const [, , server] = await Promise.all([redis.start(), postgres.start(), startLocalS3Server({ directory: path.join(workDir, 's3'), host: lab.address('db'), port: 4568, launcher: lab.launcher('db') })]);
    s3 = server;
    const serversUp = Date.now();
    const databaseUrl = postgres.url('pmc_curator_hosts');
    await migrateDatabase(databaseUrl);
    const migrated = Date.now();
    config = faultConfig({
      REDIS_URL: redis.url,
      DATABASE_URL: databaseUrl,
      S3_ENDPOINT: s3.endpoint,
      LOCK_DURATION_MS: String(LOCK_MS),
      STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
      KEEP_COMPLETED_COUNT: '100000',
      KEEP_COMPLETED_SECONDS: '3600',
    });
    env = await openRunEnvironment(config);
    const stages = ['--stages', STAGES.join(',')];
    // The workers start (slowest: seconds of module loading) while the sample is published and events subscribed.
    const [hostA, hostB, published] = await Promise.all([
      // Host A detects slowly: it surely holds detect jobs when its link goes down, and finishes them late.
      spawnWorker(config, stages, { WORKER_NAME: 'host-a', DETECTOR_MODULE: SLOW_DETECTOR, SLOW_DETECT_MS: String(SLOW_DETECT_MS), SLOW_DETECT_STOP_FILE: stopSlowFile() }, lab.launcher('host-a')),
      spawnWorker(config, stages, { WORKER_NAME: 'host-b' }, lab.launcher('host-b')),
      publishSampleCopies(config, COPIES),
      ...STAGES.map(async (stage) => {
        const queueEvents = new QueueEvents(stage, { connection: createRedis(config.REDIS_URL), prefix: config.QUEUE_PREFIX });
        events.push(queueEvents);
        queueEvents.on('stalled', ({ jobId }) => stalled.add(jobId));
        await queueEvents.waitUntilReady();
      }),
    ]);
    workers.push(hostA, hostB);
    spec = published;
    console.log(`separate hosts: ${lab.prefix}-* on ${lab.subnet}.0/24, servers up in ${((serversUp - setupStart) / 1000).toFixed(1)} s, migrated in ${((migrated - serversUp) / 1000).toFixed(1)} s, workers up and sample published in ${((Date.now() - migrated) / 1000).toFixed(1)} s`);
  }, 120_000);

  afterAll(async () => {
    // The hosts' logs, for a failure's post-mortem.
    mkdirSync('.tmp', { recursive: true });
    workers.forEach((worker, index) => writeFileSync(`.tmp/separate-hosts-${index === 0 ? 'host-a' : 'host-b'}.log`, worker.output()));
    // Every wait is bounded, so a hung client cannot keep the namespaces and daemons from being removed.
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
    await within(Promise.all(workers.map((worker) => worker.exited)), 5000);
    await within(Promise.all(events.map((queueEvents) => queueEvents.close().catch(() => {}))), 5000);
    await within(closeRunEnvironment(env).catch(() => {}), 10_000);
    await within(s3?.stop() ?? Promise.resolve(), 5000);
    postgres?.destroy();
    // Kills whatever is left in the namespaces (Redis, anything hung), then deletes them; also run on process exit.
    lab?.destroy();
    if (redis) rmSync(redis.dir, { recursive: true, force: true });
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('takes over the jobs of a host cut off for longer than the lock: run complete, nothing twice, no orphan object', async () => {
    const { db, store, queues } = env!;
    const runStart = Date.now();
    const run = await enqueueSample(db, queues, config, spec);

    // Jobs host A holds at the moment its link goes down.
    let held: Job[] = [];
    await until(
      async () => {
        held = (await Promise.all(STAGES.map((stage) => queues.queues[stage].getActive()))).flat().filter((job) => job.processedBy?.startsWith('host-a:detect'));
        return held.length > 0;
      },
      'host A to hold detect jobs',
      60_000,
      200,
    );
    lab!.cut('host-a');
    const cutAt = Date.now();
    expect(lab!.isUp('host-a')).toBe(false);
    await until(() => held.some((job) => stalled.has(job.id!)), 'a job of host A to be found stalled', CUT_MS + 10_000, 200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, CUT_MS - (Date.now() - cutAt))));
    const restoredAt = Date.now();
    lab!.restore('host-a');
    writeFileSync(stopSlowFile(), '');
    expect(restoredAt - cutAt).toBeGreaterThan(LOCK_MS);

    const progress = await waitForRun(db, run.runId, { timeoutMs: 90_000 });
    expect(progress).toMatchObject({ listed: ARTICLES, curated: ARTICLES, failed: 0, status: 'finished' });
    expect(progress.finishedAt).not.toBeNull();
    console.log(`separate hosts: host A held ${held.length} detect jobs when cut for ${((restoredAt - cutAt) / 1000).toFixed(1)} s; run of ${ARTICLES} articles finished in ${((Date.now() - runStart) / 1000).toFixed(1)} s`);

    // Taken over: every job host A held was completed, those found stalled by host B.
    const after = await Promise.all(held.map(async (job) => (await queues.queues[job.queueName as (typeof STAGES)[number]].getJob(job.id!))!));
    for (const job of after) expect(await job.getState()).toBe('completed');
    const takenOver = after.filter((job) => stalled.has(job.id!));
    expect(takenOver.length).toBeGreaterThan(0);
    for (const job of takenOver) expect(job.processedBy).toMatch(/^host-b:/);
    // Host A was really cut off: it finished nothing while its link was down, and it is still running.
    const completed = (await Promise.all(STAGES.map((stage) => queues.queues[stage].getCompleted(0, -1)))).flat();
    expect(completed.filter((job) => job.processedBy?.startsWith('host-a') && job.finishedOn! > cutAt + 1000 && job.finishedOn! < restoredAt)).toEqual([]);
    expect(completed.some((job) => job.processedBy?.startsWith('host-b'))).toBe(true);
    expect(workers.every((worker) => worker.child.exitCode === null)).toBe(true);

    // Nothing processed twice to a visible effect, also once host A's late finish of the jobs it lost has landed.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutAt + SLOW_DETECT_MS + 3000 - Date.now())));
    await expectCuratedOnce(db, store, { articles: ARTICLES, figures: FIGURES });
    await expectNoOrphanObjects(db, store);
  }, 150_000);
});
