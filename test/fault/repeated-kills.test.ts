import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { STAGES, type StageName } from '../../packages/store/src/queues/stage-versions.ts';
import { enqueueRun } from '../../apps/worker/src/run/enqueue.ts';
import { collectGarbage } from '../../apps/worker/src/run/gc.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import { createSource } from '../../apps/worker/src/sources.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { closeRunEnvironment, curatedCounts, faultConfig, objectAccounting, openRunEnvironment, publishSampleCopies, SAMPLE_ARTICLES, SAMPLE_FIGURES, type RunEnvironment } from './support/harness.ts';
import { spawnWorker, until, type WorkerProcess } from './support/processes.ts';
import { HostileReport } from '../report/hostile-report.ts';

const report = new HostileReport('kills.json', 'kill');

// 29 copies of the 7 sample articles: 203 articles, 667 figures, one worker process per stage, each killed with
// SIGKILL twice while it has work in flight and started again.
const COPIES = 29;
const ARTICLES = COPIES * SAMPLE_ARTICLES;
const FIGURES = COPIES * SAMPLE_FIGURES;

let config: Config;
let db: Db;
let store: S3ObjectStore;
let queues: QueueSet;
let env: RunEnvironment | undefined;
const workers = new Map<StageName, WorkerProcess>();

const start = async (stage: StageName) => workers.set(stage, await spawnWorker(config, ['--stages', stage], { WORKER_NAME: `kill-${stage}` }));

beforeAll(async () => {
  config = faultConfig({ INGEST_THREADS: '2', JOB_ATTEMPTS: '10' });
  env = await openRunEnvironment(config);
  ({ db, store, queues } = env);
});

afterAll(async () => {
  for (const worker of workers.values()) worker.child.kill('SIGKILL');
  await Promise.all([...workers.values()].map((worker) => worker.exited));
  await closeRunEnvironment(env);
  if (report.size > 0) report.write();
});

/** Done jobs of a stage so far (from the queue's own counter: survives the worker processes). */
const completed = async (stage: StageName) => (await queues.queues[stage].getMetrics('completed', 0, 0)).meta.count;

describe('repeated SIGKILLs of the ingest, detect and align workers during a run of 200+ articles', () => {
  it('accounts for every article: all curated, no duplicate row, no orphan object, no row pointing at a missing object', { timeout: 900_000 }, async () => {
    const spec = await publishSampleCopies(config, COPIES);
    for (const stage of STAGES) await start(stage);
    const run = await enqueueRun(db, queues, config, { source: createSource(spec, config), spec, filters: { licenseGroups: ['comm'], skipRetracted: true } });
    expect(run.listed).toBe(ARTICLES);

    let kills = 0;
    for (const round of [1, 2]) {
      for (const stage of STAGES) {
        // Kill while the stage is busy: after it completed some more jobs and still has jobs running.
        const before = await completed(stage);
        await until(async () => (await completed(stage)) >= before + 5 * round && (await queues.queues[stage].getActiveCount()) > 0, `${stage} to be busy`, 240_000, 50);
        const worker = workers.get(stage)!;
        worker.child.kill('SIGKILL');
        await worker.exited;
        kills += 1;
        await start(stage);
      }
    }
    expect(kills).toBe(6);

    const progress = await waitForRun(db, run.runId, { timeoutMs: 600_000 });
    expect(progress).toMatchObject({ listed: ARTICLES, curated: ARTICLES, failed: 0, partial: 0, status: 'finished' });
    const counts = await curatedCounts(db, store);
    expect(counts).toMatchObject({ articles: ARTICLES, doneArticles: ARTICLES, figures: FIGURES, detectedFigures: FIGURES, failures: 0 });
    expect(counts.pairs).toBe(counts.subfigures);
    // Every copy of an article has the same panels, so duplicated or missing rows would show as a count off.
    const perArticle = await db.subfigure.groupBy({ by: ['figureId'], _count: { _all: true } });
    expect(perArticle).toHaveLength(FIGURES);
    expect(counts.subfigures % COPIES).toBe(0);
    const objects = await objectAccounting(db, store);
    expect(objects.dangling).toEqual([]);
    expect(objects.orphans).toEqual([]);
    // gc finds nothing to collect after such a run.
    const gc = await collectGarbage(db, store, { olderThanMs: 0, dryRun: true });
    expect(gc).toMatchObject({ deleted: 0 });
    report.add(
      `SIGKILL of the ingest, detect and align worker processes, twice each, during a ${ARTICLES}-article run`,
      `${progress.curated}/${ARTICLES} curated, ${counts.figures} figures (expected ${FIGURES}), pairs = subfigures = ${counts.pairs}, ${objects.orphans.length} orphan and ${objects.dangling.length} dangling of ${objects.objects} objects, gc would delete ${gc.deleted}`,
    );
  });
});
