import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { STAGE_VERSIONS } from '../../packages/store/src/queues/stage-versions.ts';
import type { QueueSet } from '../../packages/store/src/queues/queues.ts';
import { findStuckArticles, reprocessBelowVersion, reprocessFailed, reprocessStuck } from '../../apps/worker/src/run/reprocess.ts';
import { HostileReport } from '../report/hostile-report.ts';
import { closeRunEnvironment, faultConfig, openQueues, openRunEnvironment, type RunEnvironment } from '../fault/support/harness.ts';

let config: Config;
let db: Db;
let queues: QueueSet;
let other: QueueSet;
let env: RunEnvironment | undefined;
const FIGURES = 14;
const report = new HostileReport('reprocess.json', 'reprocess');

beforeAll(async () => {
  config = faultConfig();
  env = await openRunEnvironment(config);
  ({ db, queues } = env);
  other = await openQueues(config);
  await db.run.create({ data: { id: 'run-r', source: '{}', filters: { licenseGroups: ['comm'], skipRetracted: true }, listedAt: new Date(), status: 'finished', finishedAt: new Date() } });
  const article = await db.article.create({
    data: { key: 'PMC1.1', sourceKind: 'dir', sourceRef: 'x', ingestStatus: 'done', ingestVersion: STAGE_VERSIONS.ingest, outcome: 'failed', runArticles: { create: { runId: 'run-r' } } },
  });
  for (let i = 0; i < FIGURES; i++) {
    await db.figure.create({
      data: { articleId: article.id, jatsId: `F${i}`, ordinal: i, caption: '', ingestStatus: 'done', detectStatus: i % 2 ? 'failed' : 'done', detectVersion: i % 2 ? null : 1, alignStatus: 'skipped' },
    });
    if (i % 2) {
      await db.failure.create({ data: { articleKey: 'PMC1.1', runId: 'run-r', stage: 'detect', subject: `F${i}`, errorClass: 'Timeout', kind: 'transient', message: 'slow' } });
    }
  }
});

afterAll(async () => {
  await other?.close();
  await closeRunEnvironment(env);
  if (report.size > 0) report.write();
});

const detectJobs = async () => (await queues.queues.detect.getJobs(['waiting', 'waiting-children', 'delayed', 'prioritized'], 0, -1)).map((job) => job.id);

describe('two reprocess commands at once', () => {
  it('enqueue each failed figure once, and reopen the article and its run', async () => {
    const [a, b] = await Promise.all([
      reprocessFailed({ db, queues, config }, { stage: 'detect' }),
      reprocessFailed({ db, queues: other, config }, { stage: 'detect' }),
    ]);
    expect(a.figures + b.figures).toBe(FIGURES / 2);
    expect(a.matched + b.matched).toBe(FIGURES / 2);
    expect(await detectJobs()).toHaveLength(FIGURES / 2);
    report.add(`two reprocess --failed commands at once over ${FIGURES / 2} failed figures`, `${(await detectJobs()).length} detect jobs enqueued (${a.figures} + ${b.figures})`);
    expect((await db.article.findUniqueOrThrow({ where: { key: 'PMC1.1' } })).outcome).toBeNull();
    expect((await db.run.findUniqueOrThrow({ where: { id: 'run-r' } })).status).toBe('running');
    // Claimed failures stay claimed until they fail again.
    expect(await reprocessFailed({ db, queues, config }, { stage: 'detect' })).toMatchObject({ matched: 0, figures: 0 });
    await db.failure.updateMany({ where: { subject: 'F1' }, data: { lastSeenAt: new Date(Date.now() + 1000) } });
    expect(await reprocessFailed({ db, queues, config }, { stage: 'detect' })).toMatchObject({ matched: 1, figures: 1 });
  });

  it('enqueue each figure of an older detect version once', async () => {
    await queues.queues.detect.obliterate({ force: true });
    const [a, b] = await Promise.all([
      reprocessBelowVersion({ db, queues, config }, { stage: 'detect', version: STAGE_VERSIONS.detect }),
      reprocessBelowVersion({ db, queues: other, config }, { stage: 'detect', version: STAGE_VERSIONS.detect }),
    ]);
    expect(a.figures + b.figures).toBe(FIGURES / 2);
    expect(await detectJobs()).toHaveLength(FIGURES / 2);
    report.add(`two reprocess --stage-version-below detect commands at once over ${FIGURES / 2} figures`, `${(await detectJobs()).length} detect jobs enqueued (${a.figures} + ${b.figures})`);
  });
});

describe('stuck articles', () => {
  it('are unfinished articles without a live job; reprocess --stuck gives each one an ingest job', async () => {
    for (const queue of Object.values(queues.queues)) await queue.obliterate({ force: true });
    expect((await findStuckArticles({ db, queues })).map((a) => a.key)).toEqual(['PMC1.1']);
    expect(await reprocessStuck({ db, queues, config })).toMatchObject({ articles: 1 });
    expect(await queues.queues.ingest.getJobCountByTypes('waiting', 'prioritized')).toBe(1);
    expect(await findStuckArticles({ db, queues })).toEqual([]);
  });
});
