/**
 * Load test on loopback: N synthetic articles (copies of the bundled real sample under distinct PMC ids), several
 * `curator worker` processes, random SIGKILLs of workers during the run (each replaced), then the accounting.
 *
 *   npm run loadtest -- --articles 140 [--workers 3] [--kills 3] [--kill-every-s 20] [--timeout-s 540] [--detector layout-ocr]
 *
 * Private redis-server, private s3rver and a throwaway database (pmc_curator_loadtest); S3 and PostgreSQL are
 * reached through counting proxies and Redis' INFO commandstats is read, so the report also gives the S3 requests,
 * SQL statements and Redis commands per article. Checks at the end: every article accounted for (curated, or
 * failed/partial with a ledger row), no duplicate row, no orphan or dangling object. Reports throughput and
 * p50/p95/p99 job latency per stage (BullMQ timestamps: wait = processedOn - timestamp, run = finishedOn -
 * processedOn), queue depths over time, Redis used_memory and worker RSS (process tree). Writes
 * .tmp/loadtest/report.json. Bounded: at most --timeout-s for the run, N ≤ 5000.
 */
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Job } from 'bullmq';
import { loadConfig, type Config } from '../../apps/worker/src/config.ts';
import { createDb } from '../../packages/store/src/db/client.ts';
import { createRedis } from '../../packages/store/src/queues/connection.ts';
import { FINALIZE_JOB } from '../../packages/store/src/queues/jobs.ts';
import { createQueueSet, obliterateQueues } from '../../packages/store/src/queues/queues.ts';
import { STAGES, type StageName } from '../../packages/store/src/queues/stage-versions.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import { startLocalS3Server } from '../../apps/worker/src/storage/local-s3-server.ts';
import { curatedCounts, enqueueSample, FAST, objectAccounting, publishSampleCopies, SAMPLE_ARTICLES, SAMPLE_FIGURES, testStore } from '../fault/support/harness.ts';
import { spawnWorker, type WorkerProcess } from '../fault/support/processes.ts';
import { freeClusterPorts } from '../fault/support/redis-cluster.ts';
import { PrivateRedis } from '../fault/support/redis-server.ts';
import { freshDatabase } from '../support/databases.ts';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '140' },
    workers: { type: 'string', default: '3' },
    kills: { type: 'string', default: '3' },
    'kill-every-s': { type: 'string', default: '20' },
    'timeout-s': { type: 'string', default: '540' },
    detector: { type: 'string', default: 'layout-ocr' },
  },
});
const REQUESTED = Math.min(5000, Math.max(SAMPLE_ARTICLES, Number(values.articles)));
const COPIES = Math.ceil(REQUESTED / SAMPLE_ARTICLES);
const ARTICLES = COPIES * SAMPLE_ARTICLES;
const WORKERS = Math.max(1, Number(values.workers));
const KILLS = Math.max(0, Number(values.kills));
const KILL_EVERY_MS = Number(values['kill-every-s']) * 1000;
const TIMEOUT_MS = Number(values['timeout-s']) * 1000;
const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, '.tmp/loadtest');
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the SQL statements clients send (frontend 'Q' simple queries and 'E' executes of the extended protocol). */
class CountingPgProxy {
  statements = 0;
  connections = 0;
  port = 0;
  private server = net.createServer((client) => this.relay(client));
  constructor(private readonly target: { host: string; port: number }) {}

  private relay(client: net.Socket): void {
    this.connections += 1;
    const upstream = net.connect(this.target.port, this.target.host);
    let buffer = Buffer.alloc(0);
    let startup = true;
    client.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
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
      upstream.write(chunk);
    });
    upstream.pipe(client);
    for (const socket of [client, upstream]) socket.on('error', () => {});
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  close(): void {
    this.server.close();
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
function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? NaN };
}

function commandStats(info: string): Map<string, number> {
  const stats = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats.set(match[1]!, Number(match[2]));
  return stats;
}

// ------------------------------------------------------------------ servers
const work = mkdtempSync(path.join(os.tmpdir(), 'pmc-loadtest-'));
const [redisPort, s3Port] = await freeClusterPorts(2);
const redis = new PrivateRedis(redisPort!, ['--appendonly', 'no']);
await redis.start();
const s3 = await startLocalS3Server({ directory: path.join(work, 's3'), port: s3Port! });
const s3Proxy = new CountingS3Proxy(new URL(s3.endpoint));
await s3Proxy.listen();
const pgProxy = new CountingPgProxy({ host: '127.0.0.1', port: 5432 });
await pgProxy.listen();
const DB_NAME = 'pmc_curator_loadtest';
await freshDatabase(DB_NAME);

const config: Config = loadConfig({
  ...process.env,
  ...FAST,
  DETECTOR: values.detector,
  REDIS_URL: redis.url,
  REDIS_CLUSTER_NODES: '',
  DATABASE_URL: `postgresql://postgres@127.0.0.1:${pgProxy.port}/${DB_NAME}`,
  S3_ENDPOINT: s3Proxy.endpoint,
  S3_BUCKET: 'loadtest-curated',
  PMC_SOURCE_BUCKET: 'loadtest-src',
  PMC_SOURCE_ENDPOINT: '',
  QUEUE_PREFIX: '{load}',
  // Keep every finished job for the latency report.
  KEEP_COMPLETED_COUNT: '1000000',
  KEEP_COMPLETED_SECONDS: '86400',
});
const db = createDb(config.DATABASE_URL);
const queues = createQueueSet(config);
const info = createRedis(config.REDIS_URL);
const workers: WorkerProcess[] = [];
let kills = 0;

try {
  say(`# load test: ${ARTICLES} articles (${COPIES} × the ${SAMPLE_ARTICLES}-article sample, ${COPIES * SAMPLE_FIGURES} figures), ${WORKERS} worker processes, ${KILLS} SIGKILLs, detector ${config.DETECTOR}, ${os.cpus().length} CPUs`);
  const spec = await publishSampleCopies(config, COPIES);
  const store = await testStore(config);
  s3Proxy.counts.clear();
  const sqlBefore = pgProxy.statements;
  const redisBefore = commandStats(await info.info('commandstats'));

  const start = Date.now();
  const run = await enqueueSample(db, queues, config, spec);
  const startWorker = () => spawnWorker(config, ['--stages', STAGES.join(',')]);
  for (let i = 0; i < WORKERS; i++) workers.push(await startWorker());
  say(`enqueued ${run.listed ?? ARTICLES} articles; ${WORKERS} workers up after ${((Date.now() - start) / 1000).toFixed(1)} s`);

  const samples: Array<{ t: number; depth: Record<string, Record<string, number>>; redisMb: number; rssMb: number[] }> = [];
  let lastKill = Date.now();
  let finished = false;
  const sampler = (async () => {
    while (!finished) {
      const depth: Record<string, Record<string, number>> = {};
      for (const stage of STAGES) depth[stage] = await queues.queues[stage].getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'completed', 'failed');
      const redisMb = Number(/used_memory:(\d+)/.exec(await info.info('memory'))?.[1] ?? 0) / 2 ** 20;
      samples.push({ t: (Date.now() - start) / 1000, depth, redisMb, rssMb: workers.map((w) => treeRssMb(w.child.pid!)) });
      if (kills < KILLS && Date.now() - lastKill > KILL_EVERY_MS) {
        const index = Math.floor(Math.random() * workers.length);
        const victim = workers[index]!;
        victim.child.kill('SIGKILL');
        await victim.exited;
        kills += 1;
        lastKill = Date.now();
        say(`t=${((Date.now() - start) / 1000).toFixed(0)} s: SIGKILL worker ${index} (pid ${victim.child.pid}); starting a replacement`);
        workers[index] = await startWorker();
      }
      await sleep(2000);
    }
  })();
  const progress = await waitForRun(db, run.runId, { timeoutMs: TIMEOUT_MS });
  const wallS = (Date.now() - start) / 1000;
  finished = true;
  await sampler;
  say(`run finished in ${wallS.toFixed(1)} s: ${JSON.stringify(progress)}`);

  // ---------------------------------------------------------------- accounting
  const outcomes = await db.article.groupBy({ by: ['outcome'], _count: true });
  const failedOrPartial = await db.article.findMany({ where: { outcome: { in: ['failed', 'partial'] } }, select: { key: true } });
  const ledgerKeys = new Set((await db.failure.findMany({ select: { articleKey: true } })).map((row) => row.articleKey));
  const withoutLedger = failedOrPartial.filter((article) => !ledgerKeys.has(article.key)).map((a) => a.key);
  const counts = await curatedCounts(db, store);
  const objects = await objectAccounting(db, store);
  const duplicateFigures = await db.$queryRawUnsafe<Array<{ n: bigint }>>(
    'SELECT count(*) AS n FROM (SELECT "articleId", "jatsId", "graphicIndex" FROM "Figure" GROUP BY 1, 2, 3 HAVING count(*) > 1) d',
  ).catch(() => [{ n: -1n }]);
  const checks = {
    everyArticleAccountedFor: progress.listed === ARTICLES && progress.finished === ARTICLES && withoutLedger.length === 0,
    articleRows: counts.articles === ARTICLES,
    figureRows: counts.figures === COPIES * SAMPLE_FIGURES,
    noDuplicateCrops: counts.crops === counts.distinctCropShas,
    onePairPerSubfigure: counts.pairs === counts.subfigures,
    noDuplicateFigureKeys: Number(duplicateFigures[0]?.n ?? -1) === 0,
    noOrphanObjects: objects.orphans.length === 0,
    noDanglingKeys: objects.dangling.length === 0,
  };

  // ---------------------------------------------------------------- latency and throughput
  const perStage: Record<string, unknown> = {};
  for (const stage of STAGES) {
    const jobs = (await queues.queues[stage].getJobs(['completed'], 0, -1)) as Job[];
    for (const [label, group] of [
      [stage, jobs.filter((job) => job.name !== FINALIZE_JOB)],
      ...(stage === 'align' ? [['finalize', jobs.filter((job) => job.name === FINALIZE_JOB)] as const] : []),
    ] as Array<[string, Job[]]>) {
      if (group.length === 0) continue;
      const first = Math.min(...group.map((job) => job.processedOn ?? Infinity));
      const last = Math.max(...group.map((job) => job.finishedOn ?? 0));
      perStage[label] = {
        jobs: group.length,
        jobsPerS: +(group.length / ((last - first) / 1000)).toFixed(2),
        activeSpanS: +((last - first) / 1000).toFixed(1),
        waitMs: percentiles(group.map((job) => (job.processedOn ?? 0) - job.timestamp)),
        runMs: percentiles(group.map((job) => (job.finishedOn ?? 0) - (job.processedOn ?? 0))),
        attemptsOver1: group.filter((job) => job.attemptsMade > 1).length,
      };
    }
  }
  const redisAfter = commandStats(await info.info('commandstats'));
  const redisCalls = [...redisAfter].map(([name, calls]) => [name, calls - (redisBefore.get(name) ?? 0)] as const).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const redisTotal = redisCalls.reduce((sum, [, n]) => sum + n, 0);
  const s3Requests = [...s3Proxy.counts].sort((a, b) => b[1] - a[1]);
  const s3Total = s3Requests.reduce((sum, [, n]) => sum + n, 0);
  const perArticle = {
    s3Requests: +(s3Total / ARTICLES).toFixed(2),
    s3ByBucketMethod: Object.fromEntries(s3Requests.map(([key, n]) => [key, +(n / ARTICLES).toFixed(2)])),
    sqlStatements: +((pgProxy.statements - sqlBefore) / ARTICLES).toFixed(1),
    redisCommands: +(redisTotal / ARTICLES).toFixed(1),
    redisTop: Object.fromEntries(redisCalls.slice(0, 8).map(([name, n]) => [name, +(n / ARTICLES).toFixed(1)])),
    note: 'redis commands include the sampler (getJobCounts, INFO) and idle polling of blocked workers; EVALSHA = one BullMQ script',
  };
  const report = {
    articles: ARTICLES,
    figures: COPIES * SAMPLE_FIGURES,
    workers: WORKERS,
    kills,
    cpus: os.cpus().length,
    detector: config.DETECTOR,
    wallS: +wallS.toFixed(1),
    articlesPerS: +(ARTICLES / wallS).toFixed(2),
    figuresPerS: +((COPIES * SAMPLE_FIGURES) / wallS).toFixed(2),
    outcomes: Object.fromEntries(outcomes.map((row) => [row.outcome ?? 'none', row._count])),
    withoutLedger,
    counts,
    objects: { objects: objects.objects, orphans: objects.orphans.length, dangling: objects.dangling.length },
    checks,
    perStage,
    perArticle,
    redisUsedMemoryMb: { max: +Math.max(...samples.map((s) => s.redisMb)).toFixed(1), end: +(samples.at(-1)?.redisMb ?? 0).toFixed(1) },
    workerTreeRssMb: { max: +Math.max(...samples.flatMap((s) => s.rssMb)).toFixed(0) },
    samples,
  };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

  say(`\n${ARTICLES} articles, ${COPIES * SAMPLE_FIGURES} figures in ${wallS.toFixed(1)} s: ${report.articlesPerS} articles/s, ${report.figuresPerS} figures/s; ${kills} SIGKILLs`);
  say(`outcomes ${JSON.stringify(report.outcomes)}; failed/partial without a ledger row: ${withoutLedger.length}`);
  say(`rows ${JSON.stringify(counts)}; objects ${JSON.stringify(report.objects)}`);
  say(`checks ${JSON.stringify(checks)}`);
  say('\n| stage | jobs | jobs/s (active span) | wait p50/p95/p99 ms | run p50/p95/p99 ms | retried |');
  say('|---|---|---|---|---|---|');
  for (const [label, s] of Object.entries(perStage) as Array<[string, { jobs: number; jobsPerS: number; activeSpanS: number; waitMs: ReturnType<typeof percentiles>; runMs: ReturnType<typeof percentiles>; attemptsOver1: number }]>) {
    say(`| ${label} | ${s.jobs} | ${s.jobsPerS} (${s.activeSpanS} s) | ${s.waitMs.p50}/${s.waitMs.p95}/${s.waitMs.p99} | ${s.runMs.p50}/${s.runMs.p95}/${s.runMs.p99} | ${s.attemptsOver1} |`);
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
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await Promise.race([Promise.all(workers.map((worker) => worker.exited)), sleep(15_000)]);
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await obliterateQueues(queues).catch(() => {});
  await queues.close();
  info.disconnect();
  await db.$disconnect();
  s3Proxy.close();
  pgProxy.close();
  await s3.stop();
  await redis.destroy();
  rmSync(work, { recursive: true, force: true });
}
