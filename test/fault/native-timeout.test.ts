import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../packages/pipeline/src/detect/index.ts';
import type { Config } from '../../apps/worker/src/config.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { closeRunEnvironment, enqueueSample, faultConfig, openRunEnvironment, publishSample, SAMPLE_ARTICLES, startInProcessPool, type RunEnvironment } from './support/harness.ts';
import { HostileReport } from '../report/hostile-report.ts';
import { until } from './support/processes.ts';

const ONNX_SPIN_DETECTOR = fileURLToPath(new URL('./support/onnx-spin-detector.ts', import.meta.url));

// One figure of this article makes the detector run onnxruntime inference forever: every job timeout then
// lands while native code runs. Terminating a worker thread there aborted the whole worker process
// ("terminate called after throwing an instance of 'Napi::Error'", exit 134) and left no ledger row.
const SPIN_ARTICLE = 'PMC990000004.1';
let config: Config;
let env: RunEnvironment;
const pools: WorkerPool[] = [];
const report = new HostileReport('native-timeout.json', 'worker');

beforeAll(async () => {
  config = faultConfig({ JOB_ATTEMPTS: '2', JOB_TIMEOUT_MS: '6000', DETECT_MAX_BATCH: '1', DETECTOR: 'layout-ocr', DETECTOR_MODULE: ONNX_SPIN_DETECTOR });
  env = await openRunEnvironment(config);
});

afterAll(async () => {
  if (report.size > 0) report.write();
  for (const pool of pools) await pool.close(500);
  await closeRunEnvironment(env);
  delete process.env.ONNX_SPIN_SIZE;
});

describe('a job timeout during native detection work', () => {
  it('stops the job, records Timeout in the ledger, keeps the worker process running, and the next jobs still run', async () => {
    const { db, store, queues } = env;
    pools.push(await startInProcessPool(config, { db, store }, ['ingest']));
    const run = await enqueueSample(db, queues, config, await publishSample(config));
    await until(async () => (await db.article.count({ where: { ingestStatus: { in: ['done', 'failed'] } } })) === SAMPLE_ARTICLES, 'the sample to be ingested');
    const figure = await db.figure.findFirstOrThrow({ where: { article: { key: SPIN_ARTICLE }, normalizedKey: { not: null } } });
    const decoded = await decodeImage(await store.get(figure.normalizedKey!));
    // Read by the detect children, which start with this process's environment.
    process.env.ONNX_SPIN_SIZE = `${decoded.image.width}x${decoded.image.height}`;
    pools.push(await startInProcessPool(config, { db, store }, ['detect', 'align']));
    const progress = await waitForRun(db, run.runId, { timeoutMs: 150_000 });
    expect(progress).toMatchObject({ listed: SAMPLE_ARTICLES, curated: SAMPLE_ARTICLES - 1, failed: 1, status: 'finished' });
    const timeout = await db.failure.findFirstOrThrow({ where: { articleKey: SPIN_ARTICLE, stage: 'detect' } });
    expect(timeout).toMatchObject({ errorClass: 'Timeout', kind: 'transient', attempt: 2 });
    // Both attempts were stopped by killing the child; this process (the worker) is still here to assert it.
    const detect = pools[1]!;
    expect(detect.stats.detect.failed).toBe(1);
    expect(detect.stats.detect.completed).toBeGreaterThan(0);
    expect(await db.figure.count({ where: { detectStatus: 'done' } })).toBeGreaterThan(0);
    report.add(
      'a detect job past JOB_TIMEOUT_MS inside onnxruntime inference (2 attempts allowed)',
      'child process killed and replaced each time; ledger Timeout (transient, attempt 2); the worker process keeps running and the run finishes',
    );
  });
});
