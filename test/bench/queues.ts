/**
 * Queue benchmarks on this machine, against a private redis-server, a bench database and a private s3rver:
 *  1. bare enqueue and dequeue rates: our wrappers vs raw BullMQ;
 *  2. queue overhead: the sample's articles through the queues vs the same stage functions in a plain loop;
 *  3. scaling: 1 vs 2 `curator worker` processes;
 *  4. soak: ≥ 5,000 figures (synthetic articles hard-linked from the real ones) through one worker process,
 *     sampling its RSS and Redis memory.
 *
 *   npx tsx test/bench/queues.ts [--jobs 20000] [--copies 2] [--soak-figures 5000] [--skip soak,scaling,...]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue, Worker, type Job } from 'bullmq';
import { DirectorySource, type ArticleRef, type ArticleSource } from '../../packages/pipeline/src/sources/index.ts';
import { loadConfig, type Config } from '../../apps/worker/src/config.ts';
import { createDb, type Db } from '../../packages/store/src/db/client.ts';
import { createRedis } from '../../packages/store/src/queues/connection.ts';
import { ingestJob, refToData } from '../../packages/store/src/queues/jobs.ts';
import { createQueueSet, obliterateQueues, type QueueSet } from '../../packages/store/src/queues/queues.ts';
import { addIngestJobs, enqueueRun } from '../../apps/worker/src/run/enqueue.ts';
import { ingestOptionsFor } from '../../apps/worker/src/run/runs.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import { createRuntime, type Runtime } from '../../apps/worker/src/runtime.ts';
import { SAMPLE_DIR } from '../../apps/worker/src/sample/sample-articles.ts';
import { startLocalS3Server } from '../../apps/worker/src/storage/local-s3-server.ts';
import { runAlignStage } from '../../apps/worker/src/stages/align.ts';
import { runDetectStage } from '../../apps/worker/src/stages/detect.ts';
import { finalizeArticle } from '../../packages/store/src/lifecycle.ts';
import { figureJobKey } from '../../packages/store/src/queues/job-ids.ts';
import { runIngestStage } from '../../apps/worker/src/stages/ingest.ts';
import { configToEnv } from '../../apps/worker/src/workers/config-env.ts';
import { createHandler as createDetectHandler } from '../../apps/worker/src/workers/detect-thread.ts';
import { guard } from '../../apps/worker/src/workers/guard.ts';
import { workerOptions } from '../../apps/worker/src/workers/pool.ts';
import { freshDatabase } from '../support/databases.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20000' },
    copies: { type: 'string', default: '2' },
    'soak-figures': { type: 'string', default: '5000' },
    skip: { type: 'string', default: '' },
    detector: { type: 'string', default: 'layout-ocr' },
    rounds: { type: 'string', default: '3' },
  },
});
const skip = new Set(values.skip.split(',').filter(Boolean));
const JOBS = Number(values.jobs);
const COPIES = Number(values.copies);
const ROUNDS = Number(values.rounds);
const SOAK_FIGURES = Number(values['soak-figures']);
const ROOT = path.resolve(import.meta.dirname, '../..');
const CURATOR = path.join(ROOT, 'apps/worker/bin/curator.js');
const SAMPLE_FOLDERS = ['elife-30274', 'elife-43154', 'elife-46472', 'elife-54296', 'elife-65581', 'pone.0000010', 'pone.0060593'];
const SAMPLE_FIGURES = 23;

const say = (line: string) => process.stdout.write(`${line}\n`);
const rate = (n: number, ms: number) => `${((n / ms) * 1000).toFixed(0)}/s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- servers
const work = mkdtempSync(path.join(os.tmpdir(), 'pmc-bench-queues-'));
const REDIS_PORT = Number(process.env.BENCH_REDIS_PORT ?? 6392);
const S3_PORT = Number(process.env.BENCH_S3_PORT ?? 4571);
const BENCH_DB = 'pmc_curator_bench_queues';
execFileSync('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--dir', work, '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--maxmemory-policy', 'noeviction']);
const DATABASE_URL = await freshDatabase(BENCH_DB);
const s3 = await startLocalS3Server({ directory: path.join(work, 's3'), port: S3_PORT });

const config: Config = loadConfig({
  ...process.env,
  REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
  DATABASE_URL,
  S3_ENDPOINT: s3.endpoint,
  S3_BUCKET: 'bench-curated',
  QUEUE_PREFIX: '{bench}',
  DETECTOR: values.detector,
});
const db: Db = createDb(DATABASE_URL);
const redisInfo = createRedis(config.REDIS_URL);

async function resetAll(queues: QueueSet): Promise<void> {
  await obliterateQueues(queues);
  await db.$executeRawUnsafe('TRUNCATE "Pair", "Subcaption", "Subfigure", "Figure", "RunArticle", "Failure", "Article", "Run" CASCADE');
}

/** `copies` × the sample as article folders of hard links (real bytes, distinct article keys). */
function makeCorpus(name: string, copies: number): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  for (let c = 0; c < copies; c++) {
    for (const folder of SAMPLE_FOLDERS) {
      const target = path.join(dir, `${name}-${String(c).padStart(4, '0')}-${folder}`);
      mkdirSync(target);
      for (const file of readdirSync(path.join(SAMPLE_DIR, folder))) linkSync(path.join(SAMPLE_DIR, folder, file), path.join(target, file));
    }
  }
  return dir;
}

const filters = { licenseGroups: ['comm' as const], skipRetracted: true };

function syntheticRefs(n: number, tag: string): ArticleRef[] {
  return Array.from({ length: n }, (_, i) => ({ key: `PMC${tag}${i}.1`, sourceKind: 'pmc-s3' as const, location: `PMC${tag}${i}.1/`, pmcid: `PMC${tag}${i}`, version: 1 }));
}

function listSource(refs: ArticleRef[]): ArticleSource {
  return {
    kind: 'pmc-s3',
    description: 'bench',
    async *list() {
      yield* refs;
    },
    open: () => Promise.reject(new Error('bench source cannot open')),
  };
}

// ---------------------------------------------------------------- 1. enqueue / dequeue
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function dequeueRun(queues: QueueSet, variant: 'raw' | 'ours', tag: string): Promise<number> {
  const refs = syntheticRefs(JOBS, tag);
  for (let i = 0; i < refs.length; i += 1000) await addIngestJobs(queues, config, refs.slice(i, i + 1000), 'bench');
  let done = 0;
  let release: () => void = () => {};
  const finished = new Promise<void>((resolve) => (release = resolve));
  const t = performance.now();
  const worker =
    variant === 'raw'
      ? new Worker('ingest', async () => null, { connection: createRedis(config.REDIS_URL), prefix: config.QUEUE_PREFIX, concurrency: 50 })
      : new Worker(
          'ingest',
          (job: Job, token?: string, signal?: AbortSignal) =>
            guard({ db, stage: 'ingest', job, token, signal, worker: 'bench', articleKey: 'x', subject: '', runId: null, markFailed: async () => {} }, async () => null),
          workerOptions(config, 'ingest', 50, 'bench'),
        );
  worker.on('completed', () => {
    done += 1;
    if (done === JOBS) release();
  });
  await finished;
  const ms = performance.now() - t;
  await worker.close();
  (worker.opts.connection as { disconnect?: () => void }).disconnect?.();
  await resetAll(queues);
  return ms;
}

async function benchEnqueueDequeue(queues: QueueSet): Promise<void> {
  say(`\n## 1. bare enqueue and dequeue (${JOBS} jobs, private local Redis)`);
  const raw = new Queue('ingest', { connection: createRedis(config.REDIS_URL), prefix: config.QUEUE_PREFIX });
  const chunks = <T>(items: T[], size = 1000) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

  const enqueue = { raw: [] as number[], ours: [] as number[], full: [] as number[], again: [] as number[] };
  let queuedAfterAgain = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let refs = syntheticRefs(JOBS, `1${round}`);
    let t = performance.now();
    for (const chunk of chunks(refs)) {
      await raw.addBulk(chunk.map((ref) => {
        const job = ingestJob(config, { ref: refToData(ref), runId: 'bench' });
        return { name: job.name, data: job.data, opts: job.opts };
      }));
    }
    enqueue.raw.push(performance.now() - t);
    await resetAll(queues);

    refs = syntheticRefs(JOBS, `2${round}`);
    t = performance.now();
    for (const chunk of chunks(refs)) await addIngestJobs(queues, config, chunk, 'bench');
    enqueue.ours.push(performance.now() - t);
    await resetAll(queues);

    refs = syntheticRefs(JOBS, `3${round}`);
    t = performance.now();
    const summary = await enqueueRun(db, queues, config, { source: listSource(refs), spec: { kind: 'pmc-s3' }, filters });
    enqueue.full.push(performance.now() - t);
    if (summary.enqueued !== JOBS) throw new Error(`enqueueRun enqueued ${summary.enqueued}`);
    t = performance.now();
    await enqueueRun(db, queues, config, { source: listSource(refs), spec: { kind: 'pmc-s3' }, filters });
    enqueue.again.push(performance.now() - t);
    queuedAfterAgain = await queues.queues.ingest.getJobCountByTypes('waiting', 'prioritized');
    await resetAll(queues);
  }
  const show = (xs: number[]) => `${rate(JOBS, median(xs))} (rounds: ${xs.map((ms) => rate(JOBS, ms)).join(', ')})`;
  say(`enqueue, raw BullMQ addBulk (same ids/options), median of ${ROUNDS}: ${show(enqueue.raw)}`);
  say(`enqueue, ours (addIngestJobs): ${show(enqueue.ours)}`);
  say(`enqueue, ours end to end (curator enqueue: run row, placeholder rows, run links, completeness check, addBulk): ${show(enqueue.full)}`);
  say(`enqueue of the same ${JOBS} articles again into a new run (ids exist → no-ops): ${show(enqueue.again)}; jobs queued afterwards: ${queuedAfterAgain} (expected ${JOBS})`);

  // Dequeue: raw Worker with a no-op processor vs our worker settings + failure guard around the same no-op,
  // alternated over several rounds (the machine is shared, so single runs are noisy).
  const dequeue = { raw: [] as number[], ours: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of ['raw', 'ours'] as const) dequeue[variant].push(await dequeueRun(queues, variant, `${variant === 'raw' ? 4 : 5}${round}`));
  }
  say(`dequeue+complete, raw BullMQ Worker, no-op processor, concurrency 50, median of ${ROUNDS}: ${rate(JOBS, median(dequeue.raw))} (${dequeue.raw.map((ms) => rate(JOBS, ms)).join(', ')})`);
  say(`dequeue+complete, ours (worker options + failure guard), concurrency 50, median of ${ROUNDS}: ${rate(JOBS, median(dequeue.ours))} (${dequeue.ours.map((ms) => rate(JOBS, ms)).join(', ')})`);
  await raw.close();
}

// ---------------------------------------------------------------- 2. queue vs plain loop
async function loopCurate(runtime: Runtime, dir: string): Promise<{ ms: number; figures: number }> {
  const source = new DirectorySource({ root: dir });
  const detect = await createDetectHandler({ detector: config.DETECTOR });
  const run = await db.run.create({ data: { id: `loop-${Date.now()}`, source: JSON.stringify({ kind: 'dir', location: dir }), filters } });
  const refs: ArticleRef[] = [];
  for await (const ref of source.list()) refs.push(ref);
  const t = performance.now();
  let figures = 0;
  for (const ref of refs) {
    const outcome = await runIngestStage({ db, store: runtime.store, source, options: ingestOptionsFor(filters, config) }, { ref, runId: run.id });
    if (outcome.status !== 'ingested') throw new Error(`loop ingest ${ref.key}: ${outcome.status}`);
    const article = await db.article.findUniqueOrThrow({ where: { key: outcome.articleKey }, include: { figures: { where: { ingestStatus: 'done' } } } });
    for (const figure of article.figures) {
      const data = { articleKey: article.key, articleId: article.id, figureId: figure.id, figureKey: figureJobKey(figure), runId: run.id };
      await runDetectStage({ db, store: runtime.store, detect: async (item) => (await detect({ items: [item] })).result[0]! }, data);
      await runAlignStage(db, data);
      figures += 1;
    }
    await finalizeArticle(db, article.id);
  }
  return { ms: performance.now() - t, figures };
}

/** Starts `curator worker` processes and waits until they take jobs. */
async function startWorkers(n: number, extraEnv: Record<string, string> = {}) {
  const procs: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [CURATOR, 'worker'], { env: { ...process.env, ...configToEnv(config), ...extraEnv, WORKER_NAME: `bench-${i}` }, stdio: ['ignore', 'ignore', 'pipe'] });
    let out = '';
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    while (!out.includes('SIGTERM to stop')) {
      if (child.exitCode !== null) throw new Error(`worker exited: ${out}`);
      await sleep(100);
    }
    procs.push(child);
  }
  return {
    pids: procs.map((p) => p.pid!),
    stop: async () => {
      await Promise.all(procs.map((p) => new Promise((resolve) => { p.once('exit', resolve); p.kill('SIGTERM'); })));
    },
  };
}

interface QueueCurateOptions {
  processes: number;
  env?: Record<string, string>;
  /** Called every 5 s with the worker pids. */
  sample?: (pids: number[]) => Promise<void>;
}

async function queueCurate(queues: QueueSet, dir: string, { processes, env: extraEnv = {}, sample }: QueueCurateOptions) {
  const workers = await startWorkers(processes, extraEnv);
  const t = performance.now();
  const spec = { kind: 'dir' as const, location: dir };
  const summary = await enqueueRun(db, queues, config, { source: new DirectorySource({ root: dir }), spec, filters });
  let sampler: NodeJS.Timeout | null = null;
  if (sample) sampler = setInterval(() => void sample(workers.pids), 5000);
  const progress = await waitForRun(db, summary.runId, { pollMs: 200 });
  const ms = performance.now() - t;
  if (sampler) clearInterval(sampler);
  await workers.stop();
  const figures = await db.figure.count({ where: { article: { runArticles: { some: { runId: summary.runId } } }, detectStatus: 'done' } });
  return { ms, figures, progress };
}

async function benchOverhead(queues: QueueSet, runtime: Runtime): Promise<void> {
  say(`\n## 2. queue overhead: ${COPIES}× the sample (${COPIES * 7} articles, ${COPIES * SAMPLE_FIGURES} figures), detector ${config.DETECTOR}, ${ROUNDS} interleaved rounds`);
  const times = { loop: [] as number[], queued: [] as number[], single: [] as number[] };
  // Warm-up: model loading, JIT, first S3 writes.
  await loopCurate(runtime, makeCorpus('warmup', 1));
  await resetAll(queues);
  for (let round = 0; round < ROUNDS; round++) {
    times.loop.push((await loopCurate(runtime, makeCorpus(`loop${round}`, COPIES))).ms);
    await resetAll(queues);
    times.queued.push((await queueCurate(queues, makeCorpus(`queued${round}`, COPIES), { processes: 1 })).ms);
    await resetAll(queues);
    const single = { INGEST_THREADS: '1', DETECT_THREADS: '1', DETECT_MAX_BATCH: '1' };
    times.single.push((await queueCurate(queues, makeCorpus(`single${round}`, COPIES), { processes: 1, env: single })).ms);
    await resetAll(queues);
    say(`round ${round + 1}: loop ${times.loop[round]!.toFixed(0)} ms, queues ${times.queued[round]!.toFixed(0)} ms, queues 1 thread/stage ${times.single[round]!.toFixed(0)} ms`);
  }
  const figures = COPIES * SAMPLE_FIGURES;
  const fps = (ms: number) => ((figures / ms) * 1000).toFixed(2);
  say(`plain loop (same stage functions, one after another, detection in-process), median: ${median(times.loop).toFixed(0)} ms, ${fps(median(times.loop))} figures/s`);
  say(`through the queues (1 worker process, default threads: ingest 2, detect 1, batch ≤ 8), median: ${median(times.queued).toFixed(0)} ms, ${fps(median(times.queued))} figures/s`);
  say(`through the queues, 1 ingest thread, 1 detect thread, batch 1, median: ${median(times.single).toFixed(0)} ms, ${fps(median(times.single))} figures/s`);
  say(`queue / loop throughput ratio (medians): default ${(median(times.loop) / median(times.queued)).toFixed(2)}, 1 thread per stage ${(median(times.loop) / median(times.single)).toFixed(2)} (target ≥ 0.9)`);
}

async function benchScaling(queues: QueueSet): Promise<void> {
  say(`\n## 3. scaling: 1 vs 2 worker processes (${COPIES * 7} articles, ${COPIES * SAMPLE_FIGURES} figures each, ${os.cpus().length} CPUs)`);
  const results: number[] = [];
  for (const n of [1, 2]) {
    const r = await queueCurate(queues, makeCorpus(`scale${n}`, COPIES), { processes: n });
    results.push(r.ms);
    say(`${n} process${n > 1 ? 'es' : ''}: ${r.ms.toFixed(0)} ms, ${((r.figures / r.ms) * 1000).toFixed(2)} figures/s`);
    await resetAll(queues);
  }
  say(`speed-up 2 vs 1: ${(results[0]! / results[1]!).toFixed(2)}×`);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function benchSoak(queues: QueueSet): Promise<void> {
  const copies = Math.ceil(SOAK_FIGURES / SAMPLE_FIGURES);
  say(`\n## 4. soak: ${copies * 7} synthetic articles, ${copies * SAMPLE_FIGURES} figures, 1 worker process, detector layout (no OCR), retention ${config.KEEP_COMPLETED_COUNT} completed jobs per queue`);
  const dir = makeCorpus('soak', copies);
  const samples: Array<{ s: number; rss: number; redis: number; figures: number }> = [];
  const start = Date.now();
  const sample = async (pids: number[]) => {
    const info = await redisInfo.info('memory');
    const redis = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1024 / 1024;
    const figures = await db.figure.count({ where: { detectStatus: 'done' } });
    samples.push({ s: (Date.now() - start) / 1000, rss: rssMb(pids[0]!), redis, figures });
  };
  const r = await queueCurate(queues, dir, { processes: 1, env: { DETECTOR: 'layout' }, sample });
  say(`done: ${r.figures} figures in ${(r.ms / 1000).toFixed(0)} s (${((r.figures / r.ms) * 1000).toFixed(1)} figures/s)`);
  say('   t(s)  figures  worker RSS (MB)  Redis used_memory (MB)');
  const step = Math.max(1, Math.floor(samples.length / 12));
  for (let i = 0; i < samples.length; i += step) {
    const p = samples[i]!;
    say(`${p.s.toFixed(0).padStart(7)} ${String(p.figures).padStart(8)} ${p.rss.toFixed(0).padStart(16)} ${p.redis.toFixed(1).padStart(23)}`);
  }
  const tail = samples.slice(Math.floor(samples.length / 2));
  const head = samples.slice(1, Math.max(2, Math.floor(samples.length / 4)));
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  say(`worker RSS: first quarter avg ${avg(head.map((s) => s.rss)).toFixed(0)} MB, second half avg ${avg(tail.map((s) => s.rss)).toFixed(0)} MB, max ${Math.max(...samples.map((s) => s.rss)).toFixed(0)} MB`);
  say(`Redis used_memory: max ${Math.max(...samples.map((s) => s.redis)).toFixed(1)} MB, at the end ${(Number(/used_memory:(\d+)/.exec(await redisInfo.info('memory'))?.[1]) / 1024 / 1024).toFixed(1)} MB`);
  const counts = await queues.queues.detect.getJobCounts('completed', 'failed');
  say(`completed detect jobs kept in Redis: ${counts.completed} (retention bound ${config.KEEP_COMPLETED_COUNT}), failed ${counts.failed}`);
}

const queues = createQueueSet(config);
const runtime = await createRuntime(config);
try {
  say(`# queue benchmarks (${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version})`);
  await resetAll(queues);
  if (!skip.has('enqueue')) await benchEnqueueDequeue(queues);
  if (!skip.has('overhead')) await benchOverhead(queues, runtime);
  if (!skip.has('scaling')) await benchScaling(queues);
  if (!skip.has('soak')) await benchSoak(queues);
} finally {
  await queues.close();
  redisInfo.disconnect();
  await runtime.close();
  await db.$disconnect();
  await s3.stop();
  try {
    execFileSync('redis-cli', ['-p', String(REDIS_PORT), 'shutdown', 'nosave'], { stdio: 'ignore' });
  } catch {
    // the connection drops on shutdown
  }
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
