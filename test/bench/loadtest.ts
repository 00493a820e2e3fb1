/**
 * Load test on loopback: N synthetic articles (copies of the bundled real sample under distinct PMC ids), several
 * `curator worker` processes and chaos during the run: random SIGKILLs of workers (each replaced), restarts of the
 * private Redis node (SHUTDOWN with its append-only file, down a while, started again) and cuts of PostgreSQL (the
 * workers' connections go through a cuttable proxy: every connection destroyed, new ones refused for a while).
 *
 *   npm run loadtest -- --articles 140 [--workers 3] [--kills 3] [--kill-every-s 20] [--redis-restarts 1]
 *     [--redis-down-s 2] [--pg-cuts 1] [--pg-cut-s 3] [--timeout-s N] [--detector NAME]
 *
 * Kills come every --kill-every-s; Redis restarts and PostgreSQL cuts alternate at even fractions of the run's
 * progress (1/(E+1), 2/(E+1), ... of the articles finished, E = restarts + cuts), so each happens mid-run whatever
 * N is. Private redis-server, private s3rver and a throwaway database (pmc_curator_loadtest_<pid>, dropped at the end); S3 and PostgreSQL are
 * reached through counting proxies and Redis' INFO commandstats is read (summed across restarts), so the report
 * also gives the S3 requests, SQL statements and Redis commands per article (the load test's own polling and
 * accounting use a direct database connection and are not counted). Checks at the end: every article accounted
 * for (curated, or failed/partial with a ledger row), no duplicate row, no orphan or dangling object, every planned
 * Redis restart and PostgreSQL cut done. Reports the chaos events, throughput and p50/p95/p99 job latency per stage
 * (BullMQ timestamps: wait = processedOn - timestamp, run = finishedOn - processedOn), queue depths over time,
 * Redis used_memory and worker RSS (process tree). Everything at the end reads rows, objects and finished jobs in
 * pages, so it scales to the cap. Writes .tmp/loadtest/report.json. Bounded: at most --timeout-s for the run
 * (default max(540, N) s), N ≤ 20,000.
 */
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Job } from 'bullmq';
import { loadConfig, type Config } from '../../apps/worker/src/config.ts';
import { createDb, type Db } from '../../packages/store/src/db/client.ts';
import { createRedis } from '../../packages/store/src/queues/connection.ts';
import { FINALIZE_JOB } from '../../packages/store/src/queues/jobs.ts';
import { createQueueSet, obliterateQueues } from '../../packages/store/src/queues/queues.ts';
import { STAGES, type StageName } from '../../packages/store/src/queues/stage-versions.ts';
import type { RunProgress } from '../../packages/store/src/lifecycle.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import { startLocalS3Server } from '../../apps/worker/src/storage/local-s3-server.ts';
import { curatedCounts, enqueueSample, FAST, objectAccounting, publishSampleCopies, SAMPLE_ARTICLES, SAMPLE_FIGURES, testStore } from '../fault/support/harness.ts';
import { spawnWorker, type WorkerProcess } from '../fault/support/processes.ts';
import { TcpProxy } from '../fault/support/proxies.ts';
import { freeClusterPorts } from '../fault/support/redis-cluster.ts';
import { PrivateRedis } from '../fault/support/redis-server.ts';
import { dropDatabase, freshDatabase } from '../support/databases.ts';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '140' },
    workers: { type: 'string', default: '3' },
    kills: { type: 'string', default: '3' },
    'kill-every-s': { type: 'string', default: '20' },
    'redis-restarts': { type: 'string', default: '1' },
    'redis-down-s': { type: 'string', default: '2' },
    'pg-cuts': { type: 'string', default: '1' },
    'pg-cut-s': { type: 'string', default: '3' },
    'timeout-s': { type: 'string' },
    // Without it, the pipeline's own default (DETECTOR in the worker config), not the fault tests' cheaper `layout`.
    detector: { type: 'string' },
  },
});
const MAX_ARTICLES = 20_000;
const REQUESTED = Math.min(MAX_ARTICLES, Math.max(SAMPLE_ARTICLES, Number(values.articles)));
const COPIES = Math.ceil(REQUESTED / SAMPLE_ARTICLES);
const ARTICLES = COPIES * SAMPLE_ARTICLES;
const WORKERS = Math.max(1, Number(values.workers));
const KILLS = Math.max(0, Number(values.kills));
const KILL_EVERY_MS = Number(values['kill-every-s']) * 1000;
const REDIS_RESTARTS = Math.max(0, Number(values['redis-restarts']));
const REDIS_DOWN_MS = Number(values['redis-down-s']) * 1000;
const PG_CUTS = Math.max(0, Number(values['pg-cuts']));
const PG_CUT_MS = Number(values['pg-cut-s']) * 1000;
// 0.3 s (10,003 articles, quiet) to 0.6 s (busy) per article measured on 2 cores; the default leaves room for chaos and neighbours.
const TIMEOUT_MS = Number(values['timeout-s'] ?? Math.max(540, ARTICLES)) * 1000;
/** Finished jobs read per page for the latency report. */
const JOB_PAGE = 1000;
const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, '.tmp/loadtest');
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The cuttable proxy of the fault tests, also counting the SQL statements clients send (frontend 'Q' simple
 * queries and 'E' executes of the extended protocol).
 */
class CountingPgProxy extends TcpProxy {
  statements = 0;

  protected override onClientData(): (chunk: Buffer) => void {
    let buffer: Buffer = Buffer.alloc(0);
    let startup = true;
    return (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        if (startup) {
          if (buffer.length < 8) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const code = buffer.readInt32BE(4);
          // SSLRequest / GSSENCRequest are followed by another startup message.
          if (code !== 80877103 && code !== 80877104) startup = false;
          buffer = buffer.subarray(length);
        } else {
          if (buffer.length < 5) break;
          const length = buffer.readInt32BE(1);
          if (buffer.length < length + 1) break;
          const type = String.fromCharCode(buffer[0]!);
          if (type === 'Q' || type === 'E') this.statements += 1;
          buffer = buffer.subarray(length + 1);
        }
      }
    };
  }
}

/** An HTTP proxy in front of s3rver counting requests by bucket and method. */
class CountingS3Proxy {
  counts = new Map<string, number>();
  port = 0;
  private server: http.Server;
  constructor(private readonly target: URL) {
    this.server = http.createServer((req, res) => {
      const bucket = (req.url ?? '/').split('/')[1]?.split('?')[0] ?? '';
      const key = `${bucket} ${req.method}${req.method === 'GET' && /[?&]list-type=2/.test(req.url ?? '') ? ' (list)' : ''}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      const upstream = http.request({ host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers }, (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      });
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** RSS of a process and all its descendants (the worker and its ingest/detect children), MiB. */
function treeRssMb(pid: number): number {
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop()!;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${current}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      for (const task of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, 'utf8').trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
/** Sorts `values` in place. */
function percentiles(values: number[]) {
  const sorted = values.sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? NaN };
}

function commandStats(info: string): Map<string, number> {
  const stats = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats.set(match[1]!, Number(match[2]));
  return stats;
}

/** Latency and throughput of one stage's finished jobs (or the finalising jobs in align), accumulated page by page. */
class StageLatency {
  jobs = 0;
  first = Infinity;
  last = 0;
  retried = 0;
  stalled = 0;
  wait: number[] = [];
  run: number[] = [];

  add(job: Job): void {
    this.jobs += 1;
    this.first = Math.min(this.first, job.processedOn ?? Infinity);
    this.last = Math.max(this.last, job.finishedOn ?? 0);
    if (job.attemptsMade > 1) this.retried += 1;
    if (job.stalledCounter > 0) this.stalled += 1;
    this.wait.push((job.processedOn ?? 0) - job.timestamp);
    this.run.push((job.finishedOn ?? 0) - (job.processedOn ?? 0));
  }

  summary() {
    const spanS = (this.last - this.first) / 1000;
    return { jobs: this.jobs, jobsPerS: +(this.jobs / spanS).toFixed(2), activeSpanS: +spanS.toFixed(1), waitMs: percentiles(this.wait), runMs: percentiles(this.run), attemptsOver1: this.retried, recoveredFromStall: this.stalled };
  }
}

/** Every completed job of every stage, read JOB_PAGE at a time (never all of a queue at once). */
async function stageLatencies(queues: ReturnType<typeof createQueueSet>) {
  const perStage: Record<string, ReturnType<StageLatency['summary']>> = {};
  for (const stage of STAGES) {
    const queue = queues.queues[stage];
    const total = await queue.getCompletedCount();
    const stats = new StageLatency();
    const finalize = new StageLatency();
    for (let start = 0; start < total; start += JOB_PAGE) {
      for (const job of (await queue.getJobs(['completed'], start, start + JOB_PAGE - 1, true)) as Job[]) {
        if (!job) continue;
        (job.name === FINALIZE_JOB ? finalize : stats).add(job);
      }
    }
    if (stats.jobs > 0) perStage[stage] = stats.summary();
    if (finalize.jobs > 0) perStage.finalize = finalize.summary();
  }
  return perStage;
}

/** The end-of-run accounting, in SQL and pages: outcomes, failed/partial articles without a ledger row, duplicates. */
async function accounting(db: Db) {
  const outcomes = await db.article.groupBy({ by: ['outcome'], _count: true });
  const [{ n: withoutLedgerCount }] = await db.$queryRawUnsafe<[{ n: number }]>(
    `SELECT count(*)::int AS n FROM "Article" a WHERE a.outcome::text IN ('failed', 'partial') AND NOT EXISTS (SELECT 1 FROM "Failure" f WHERE f."articleKey" = a.key)`,
  );
  const withoutLedger = (
    await db.$queryRawUnsafe<Array<{ key: string }>>(
      `SELECT a.key FROM "Article" a WHERE a.outcome::text IN ('failed', 'partial') AND NOT EXISTS (SELECT 1 FROM "Failure" f WHERE f."articleKey" = a.key) ORDER BY a.key LIMIT 50`,
    )
  ).map((row) => row.key);
  const duplicates = async (table: string, columns: string) =>
    (await db.$queryRawUnsafe<[{ n: number }]>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM "${table}" GROUP BY ${columns} HAVING count(*) > 1) d`))[0].n;
  return {
    outcomes: Object.fromEntries(outcomes.map((row) => [row.outcome ?? 'none', row._count])),
    withoutLedgerCount,
    withoutLedger,
    duplicateArticleKeys: await duplicates('Article', 'key'),
    duplicateFigureKeys: await duplicates('Figure', '"articleId", "jatsId", "graphicIndex"'),
    duplicateSubfigureKeys: await duplicates('Subfigure', '"figureId", "index"'),
    duplicatePairs: await duplicates('Pair', '"subfigureId"'),
  };
}

// ------------------------------------------------------------------ servers
const work = mkdtempSync(path.join(os.tmpdir(), 'pmc-loadtest-'));
const [redisPort, s3Port] = await freeClusterPorts(2);
// Append-only file (PrivateRedis' default) so a restart keeps the queues; fsync once a second, SHUTDOWN flushes it.
const redis = new PrivateRedis(redisPort!, ['--appendfsync', 'everysec']);
await redis.start();
const s3 = await startLocalS3Server({ directory: path.join(work, 's3'), port: s3Port! });
const s3Proxy = new CountingS3Proxy(new URL(s3.endpoint));
await s3Proxy.listen();
// A database of this run's own (dropped at the end), so concurrent load tests never share one.
const DB_NAME = `pmc_curator_loadtest_${process.pid}`;
const directUrl = await freshDatabase(DB_NAME);
const pgTarget = new URL(directUrl);
const pgProxy = new CountingPgProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
await pgProxy.listen();
const proxiedUrl = new URL(directUrl);
proxiedUrl.hostname = '127.0.0.1';
proxiedUrl.port = String(pgProxy.port);

const { DETECTOR: _testDetector, ...fast } = FAST;
const config: Config = loadConfig({
  ...process.env,
  ...fast,
  ...(values.detector ? { DETECTOR: values.detector } : {}),
  REDIS_URL: redis.url,
  REDIS_CLUSTER_NODES: '',
  DATABASE_URL: proxiedUrl.toString(),
  S3_ENDPOINT: s3Proxy.endpoint,
  S3_BUCKET: 'loadtest-curated',
  PMC_SOURCE_BUCKET: 'loadtest-src',
  PMC_SOURCE_ENDPOINT: '',
  QUEUE_PREFIX: '{load}',
  // Keep every finished job for the latency report.
  KEEP_COMPLETED_COUNT: '1000000',
  KEEP_COMPLETED_SECONDS: '86400',
});
/** Enqueues through the proxy (counted); the load test's own polling and accounting go straight to PostgreSQL. */
const db = createDb(config.DATABASE_URL);
const observer = createDb(directUrl);
const queues = createQueueSet(config);
const info = createRedis(config.REDIS_URL);
// Refused connections while Redis restarts are expected; ioredis reconnects by itself.
info.on('error', () => {});
const workers: WorkerProcess[] = [];
/** Worker slots whose replacement is starting, by slot. */
const replacing = new Map<number, Promise<void>>();
type ChaosKind = 'sigkill' | 'redis-restart' | 'pg-cut';
const chaos: Array<{ kind: ChaosKind; t: number; finished: number; detail: string }> = [];
const countOf = (kind: ChaosKind) => chaos.filter((event) => event.kind === kind).length;
// Ctrl-C / SIGTERM stop waiting for the run, so the cleanup below still stops the workers and servers.
const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupted.abort());

// Redis' commandstats restart from zero with the server: fold them into a running sum before each restart.
const redisCalls = new Map<string, number>();
let redisBase = new Map<string, number>();
async function foldRedisStats(): Promise<void> {
  for (const [name, calls] of commandStats(await info.info('commandstats'))) redisCalls.set(name, (redisCalls.get(name) ?? 0) + calls - (redisBase.get(name) ?? 0));
}

try {
  say(
    `# load test: ${ARTICLES} articles (${COPIES} × the ${SAMPLE_ARTICLES}-article sample, ${COPIES * SAMPLE_FIGURES} figures), ${WORKERS} worker processes; ` +
      `chaos: ${KILLS} SIGKILLs every ${KILL_EVERY_MS / 1000} s, ${REDIS_RESTARTS} Redis restarts (${REDIS_DOWN_MS / 1000} s down), ${PG_CUTS} PostgreSQL cuts (${PG_CUT_MS / 1000} s); ` +
      `detector ${config.DETECTOR}, ${os.cpus().length} CPUs, timeout ${TIMEOUT_MS / 1000} s`,
  );
  const publishStart = Date.now();
  const spec = await publishSampleCopies(config, COPIES);
  const store = await testStore(config);
  say(`published ${ARTICLES} source articles in ${((Date.now() - publishStart) / 1000).toFixed(1)} s`);
  s3Proxy.counts.clear();
  const sqlBefore = pgProxy.statements;
  redisBase = commandStats(await info.info('commandstats'));

  const start = Date.now();
  const run = await enqueueSample(db, queues, config, spec);
  const startWorker = () => spawnWorker(config, ['--stages', STAGES.join(',')]);
  workers.push(...(await Promise.all(Array.from({ length: WORKERS }, startWorker))));
  say(`enqueued ${run.listed ?? ARTICLES} articles; ${WORKERS} workers up after ${((Date.now() - start) / 1000).toFixed(1)} s`);

  // Redis restarts and PostgreSQL cuts alternate at even fractions of the articles finished.
  const kinds: Array<'redis-restart' | 'pg-cut'> = [];
  for (let i = 0; i < Math.max(REDIS_RESTARTS, PG_CUTS); i++) {
    if (i < REDIS_RESTARTS) kinds.push('redis-restart');
    if (i < PG_CUTS) kinds.push('pg-cut');
  }
  const planned = kinds.map((kind, index) => ({ kind, at: (index + 1) / (kinds.length + 1) }));

  const samples: Array<{ t: number; depth: Record<string, Record<string, number>>; redisMb: number; rssMb: number[] }> = [];
  const t = () => +((Date.now() - start) / 1000).toFixed(1);
  let latest = null as RunProgress | null;
  let lastKill = Date.now();
  let finished = false;
  const note = (kind: ChaosKind, detail: string) => {
    chaos.push({ kind, t: t(), finished: latest?.finished ?? 0, detail });
    say(`t=${t().toFixed(0)} s (${latest?.finished ?? 0}/${ARTICLES} finished): ${kind} ${detail}`);
  };
  const sampler = (async () => {
    while (!finished) {
      try {
        const depth: Record<string, Record<string, number>> = {};
        for (const stage of STAGES) depth[stage] = await queues.queues[stage].getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'completed', 'failed');
        const redisMb = Number(/used_memory:(\d+)/.exec(await info.info('memory'))?.[1] ?? 0) / 2 ** 20;
        samples.push({ t: t(), depth, redisMb, rssMb: workers.map((w) => treeRssMb(w.child.pid!)) });
      } catch (error) {
        say(`t=${t().toFixed(0)} s: sample skipped (${(error as Error).message})`);
      }
      const next = planned[0];
      if (next && latest && latest.finished >= next.at * ARTICLES && !finished) {
        planned.shift();
        if (next.kind === 'redis-restart') {
          await foldRedisStats();
          await redis.stop();
          note('redis-restart', `SHUTDOWN of redis-server :${redis.port}, down ${REDIS_DOWN_MS / 1000} s`);
          await sleep(REDIS_DOWN_MS);
          const restartStart = Date.now();
          await redis.start();
          redisBase = new Map();
          say(`  redis-server back after ${((Date.now() - restartStart) / 1000).toFixed(1)} s of start-up (append-only file loaded)`);
        } else {
          const cutBefore = pgProxy.cuts;
          pgProxy.cut();
          await sleep(PG_CUT_MS);
          pgProxy.restore();
          note('pg-cut', `${PG_CUT_MS / 1000} s: ${pgProxy.cuts - cutBefore} connections cut or refused`);
        }
      } else if (countOf('sigkill') < KILLS && Date.now() - lastKill > KILL_EVERY_MS && !finished) {
        // A live worker whose slot is not waiting for a replacement; the replacement starts without holding up sampling.
        const live = workers.map((worker, index) => ({ worker, index })).filter(({ worker, index }) => worker.child.exitCode === null && !replacing.has(index));
        const pick = live[Math.floor(Math.random() * live.length)];
        if (pick) {
          pick.worker.child.kill('SIGKILL');
          await pick.worker.exited;
          lastKill = Date.now();
          note('sigkill', `worker ${pick.index} (pid ${pick.worker.child.pid}); starting a replacement`);
          replacing.set(
            pick.index,
            startWorker().then(
              (worker) => void (workers[pick.index] = worker),
              (error: Error) => void say(`replacement of worker ${pick.index} failed: ${error.message}`),
            ).finally(() => {
              replacing.delete(pick.index);
            }),
          );
        }
      }
      await sleep(2000);
    }
  })();
  const progress = await waitForRun(observer, run.runId, { timeoutMs: TIMEOUT_MS, onProgress: (p) => (latest = p), signal: interrupted.signal }).finally(() => {
    finished = true;
  });
  const wallS = (Date.now() - start) / 1000;
  await sampler;
  say(`run finished in ${wallS.toFixed(1)} s: ${JSON.stringify(progress)}`);

  // ---------------------------------------------------------------- accounting
  const accountingStart = Date.now();
  const ledger = await accounting(observer);
  const counts = await curatedCounts(observer, store);
  const objects = await objectAccounting(observer, store);
  const chaosCounts = { sigkills: countOf('sigkill'), redisRestarts: countOf('redis-restart'), pgCuts: countOf('pg-cut'), pgConnectionsCutOrRefused: pgProxy.cuts };
  const checks = {
    everyArticleAccountedFor: progress.listed === ARTICLES && progress.finished === ARTICLES && ledger.withoutLedgerCount === 0,
    runFinished: progress.status === 'finished' && progress.finishedAt !== null,
    articleRows: counts.articles === ARTICLES,
    figureRows: counts.figures === COPIES * SAMPLE_FIGURES,
    noDuplicateCrops: counts.crops === counts.distinctCropShas,
    onePairPerSubfigure: counts.pairs === counts.subfigures,
    noDuplicateRows: ledger.duplicateArticleKeys + ledger.duplicateFigureKeys + ledger.duplicateSubfigureKeys + ledger.duplicatePairs === 0,
    noOrphanObjects: objects.orphans.length === 0,
    noDanglingKeys: objects.dangling.length === 0,
    plannedChaosDone: chaosCounts.redisRestarts === REDIS_RESTARTS && chaosCounts.pgCuts === PG_CUTS,
  };

  // ---------------------------------------------------------------- latency and throughput
  const perStage = await stageLatencies(queues);
  const accountingS = (Date.now() - accountingStart) / 1000;
  await foldRedisStats();
  const redisByCommand = [...redisCalls].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const redisTotal = redisByCommand.reduce((sum, [, n]) => sum + n, 0);
  const s3Requests = [...s3Proxy.counts].sort((a, b) => b[1] - a[1]);
  const s3Total = s3Requests.reduce((sum, [, n]) => sum + n, 0);
  const perArticle = {
    s3Requests: +(s3Total / ARTICLES).toFixed(2),
    s3ByBucketMethod: Object.fromEntries(s3Requests.map(([key, n]) => [key, +(n / ARTICLES).toFixed(2)])),
    sqlStatements: +((pgProxy.statements - sqlBefore) / ARTICLES).toFixed(1),
    redisCommands: +(redisTotal / ARTICLES).toFixed(1),
    redisTop: Object.fromEntries(redisByCommand.slice(0, 8).map(([name, n]) => [name, +(n / ARTICLES).toFixed(1)])),
    note: 'redis commands include the sampler (getJobCounts, INFO), idle polling of blocked workers and the end-of-run job pages; EVALSHA = one BullMQ script; SQL excludes the load test\'s own polling',
  };
  const max = (list: number[]) => list.reduce((m, v) => Math.max(m, v), 0);
  const report = {
    articles: ARTICLES,
    figures: COPIES * SAMPLE_FIGURES,
    workers: WORKERS,
    chaos: chaosCounts,
    chaosEvents: chaos,
    cpus: os.cpus().length,
    detector: config.DETECTOR,
    wallS: +wallS.toFixed(1),
    accountingS: +accountingS.toFixed(1),
    articlesPerS: +(ARTICLES / wallS).toFixed(2),
    figuresPerS: +((COPIES * SAMPLE_FIGURES) / wallS).toFixed(2),
    ...ledger,
    counts,
    objects: { objects: objects.objects, orphans: objects.orphans.length, dangling: objects.dangling.length },
    checks,
    perStage,
    perArticle,
    redisUsedMemoryMb: { max: +max(samples.map((s) => s.redisMb)).toFixed(1), end: +(samples.at(-1)?.redisMb ?? 0).toFixed(1) },
    workerTreeRssMb: { max: +max(samples.flatMap((s) => s.rssMb)).toFixed(0) },
    samples,
  };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

  say(`\n${ARTICLES} articles, ${COPIES * SAMPLE_FIGURES} figures in ${wallS.toFixed(1)} s: ${report.articlesPerS} articles/s, ${report.figuresPerS} figures/s`);
  say(`chaos: ${chaosCounts.sigkills} SIGKILLs, ${chaosCounts.redisRestarts} Redis restarts, ${chaosCounts.pgCuts} PostgreSQL cuts (${chaosCounts.pgConnectionsCutOrRefused} connections cut or refused)`);
  say(`outcomes ${JSON.stringify(report.outcomes)}; failed/partial without a ledger row: ${ledger.withoutLedgerCount}`);
  say(`duplicates: articles ${ledger.duplicateArticleKeys}, figures ${ledger.duplicateFigureKeys}, subfigures ${ledger.duplicateSubfigureKeys}, pairs ${ledger.duplicatePairs}`);
  say(`rows ${JSON.stringify(counts)}; objects ${JSON.stringify(report.objects)}; accounting + latency pages took ${accountingS.toFixed(1)} s`);
  say(`checks ${JSON.stringify(checks)}`);
  say('\n| stage | jobs | jobs/s (active span) | wait p50/p95/p99 ms | run p50/p95/p99 ms | retried | taken back from a stalled worker |');
  say('|---|---|---|---|---|---|---|');
  for (const [label, s] of Object.entries(perStage)) {
    say(`| ${label} | ${s.jobs} | ${s.jobsPerS} (${s.activeSpanS} s) | ${s.waitMs.p50}/${s.waitMs.p95}/${s.waitMs.p99} | ${s.runMs.p50}/${s.runMs.p95}/${s.runMs.p99} | ${s.attemptsOver1} | ${s.recoveredFromStall} |`);
  }
  say('\nqueue depth (waiting+prioritized+delayed / active) over time, Redis used_memory, worker process-tree RSS:');
  say('| t s | ' + STAGES.map((s) => s).join(' | ') + ' | Redis MB | worker RSS MB |');
  say('|---|' + STAGES.map(() => '---').join('|') + '|---|---|');
  const step = Math.max(1, Math.floor(samples.length / 15));
  for (const sample of samples.filter((_, index) => index % step === 0 || index === samples.length - 1)) {
    const cells = STAGES.map((stage: StageName) => {
      const d = sample.depth[stage]!;
      return `${(d.waiting ?? 0) + (d.prioritized ?? 0) + (d.delayed ?? 0)} / ${d.active ?? 0}`;
    });
    say(`| ${sample.t.toFixed(0)} | ${cells.join(' | ')} | ${sample.redisMb.toFixed(1)} | ${sample.rssMb.map((r) => r.toFixed(0)).join(', ')} |`);
  }
  say(`\nper article: ${JSON.stringify(perArticle)}`);
  say(`report: ${path.relative(ROOT, path.join(OUT, 'report.json'))}`);
  if (!Object.values(checks).every(Boolean)) process.exitCode = 1;
} finally {
  await Promise.all(replacing.values());
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await Promise.race([Promise.all(workers.map((worker) => worker.exited)), sleep(15_000)]);
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await obliterateQueues(queues).catch(() => {});
  await queues.close();
  info.disconnect();
  await db.$disconnect();
  await observer.$disconnect();
  s3Proxy.close();
  await pgProxy.close();
  await s3.stop();
  await redis.destroy();
  await dropDatabase(DB_NAME).catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
