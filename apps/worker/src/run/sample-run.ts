import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Config } from '../config.ts';
import { isPortOpen, startLocalS3Server, type LocalS3Server } from '../storage/local-s3-server.ts';
import { S3ObjectStore, createS3Client } from '@pmc-curator/store/storage';
import { migrateDatabase } from '@pmc-curator/store/db';
import { createRuntime } from '../runtime.ts';
import { INVENTORY_MANIFEST_KEY, loadSampleArticles, publishPmcLayout } from '../sample/sample-articles.ts';
import { createSource, type SourceSpec } from '../sources.ts';
import { startWorkerPool, type WorkerPool } from '../workers/pool.ts';
import type { StageName } from '@pmc-curator/store/queues';
import { enqueueRun, type EnqueueSummary } from './enqueue.ts';
import { formatRunSummary, summarizeRun, type RunSummary } from './summary.ts';
import { waitForRun } from './wait.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface SampleRunOptions {
  config: Config;
  /** Start the dashboard (when apps/dashboard provides startDashboard). @defaultValue true */
  dashboard?: boolean;
  dashboardPort?: number;
  /** Licence groups of the run. @defaultValue ['comm'] */
  licenseGroups?: Array<'comm' | 'noncomm' | 'other'>;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export interface SampleRun {
  enqueue: EnqueueSummary;
  summary: RunSummary;
  seconds: number;
  stageRates: Record<string, number>;
  dashboardUrl: string | null;
  /** Stops workers, dashboard and the local s3rver (when this started one). */
  close(): Promise<void>;
}

function localEndpoint(endpoint: string): { host: string; port: number } | null {
  const url = new URL(endpoint);
  if (!['127.0.0.1', 'localhost', '::1'].includes(url.hostname)) return null;
  return { host: url.hostname === 'localhost' ? '127.0.0.1' : url.hostname, port: Number(url.port || 80) };
}

/** An s3rver under .tmp/s3 when nothing answers on a local S3_ENDPOINT. */
async function ensureObjectStore(config: Config, log: (line: string) => void): Promise<LocalS3Server | null> {
  const local = localEndpoint(config.S3_ENDPOINT);
  if (!local || (await isPortOpen(local.port, local.host))) return null;
  log(`nothing answers on ${config.S3_ENDPOINT}; starting a local s3rver (data in .tmp/s3)`);
  return startLocalS3Server({ directory: path.join(REPO_ROOT, '.tmp', 's3'), port: local.port, host: local.host });
}

type StartDashboard = (options: { config: Config; queues?: unknown[]; db?: unknown; store?: unknown; port?: number }) => Promise<{ url: string; close(): Promise<void> }>;

async function loadDashboard(): Promise<StartDashboard> {
  const mod = await import('@pmc-curator/dashboard');
  return mod.startDashboard as StartDashboard;
}

/**
 * `curator run --sample`: the bundled real articles curated end to end through the queues, with workers for
 * every stage in this process and the dashboard.
 */
export async function runSample(options: SampleRunOptions): Promise<SampleRun> {
  const { config } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const s3 = await ensureObjectStore(config, log);
  const closers: Array<() => Promise<void>> = [];
  if (s3) closers.push(() => s3.stop());
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {});
  };
  try {
    // The main job sets itself up: the database is created and migrated when it is not.
    await migrateDatabase(config.DATABASE_URL, log);
    const runtime = await createRuntime(config);
    closers.push(() => runtime.close());
    const sourceEndpoint = config.PMC_SOURCE_ENDPOINT || config.S3_ENDPOINT;
    const sourceClient = createS3Client({
      endpoint: sourceEndpoint,
      region: config.PMC_SOURCE_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
    });
    const sourceStore = new S3ObjectStore(sourceClient, config.PMC_SOURCE_BUCKET);
    await sourceStore.ensureBucket();
    const names = await publishPmcLayout(sourceStore, await loadSampleArticles());
    sourceClient.destroy();
    log(`published ${names.length} sample articles to s3://${config.PMC_SOURCE_BUCKET} (PMC Cloud layout with a daily inventory)`);

    const pool: WorkerPool = await startWorkerPool({ config, runtime, log });
    closers.push(() => pool.close());
    let dashboardUrl: string | null = null;
    if (options.dashboard !== false) {
      const start = await loadDashboard();
      const port = options.dashboardPort ?? config.DASHBOARD_PORT;
      const handle = await start({ config, queues: Object.values(pool.queues.queues), db: runtime.db, store: runtime.store, port });
      dashboardUrl = handle.url;
      closers.push(() => handle.close());
    }
    const spec: SourceSpec = { kind: 'pmc-s3', bucket: config.PMC_SOURCE_BUCKET, endpoint: sourceEndpoint, inventory: INVENTORY_MANIFEST_KEY(config.PMC_SOURCE_BUCKET) };
    const started = Date.now();
    const enqueue = await enqueueRun(runtime.db, pool.queues, config, {
      source: createSource(spec, config),
      spec,
      filters: { licenseGroups: options.licenseGroups ?? ['comm'], skipRetracted: config.SKIP_RETRACTED },
    });
    log(`run ${enqueue.runId}: ${enqueue.enqueued} articles enqueued, ${enqueue.skipped} already complete`);
    let last = '';
    await waitForRun(runtime.db, enqueue.runId, {
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      onProgress: (p) => {
        const s = pool.stats;
        const line = `articles ${p.finished}/${p.listed} finished (${p.failed} failed) | jobs done: ingest ${s.ingest?.completed ?? 0}, detect ${s.detect?.completed ?? 0}, align ${s.align?.completed ?? 0} (incl. finalising)`;
        if (line !== last) log(line);
        last = line;
      },
    });
    const seconds = (Date.now() - started) / 1000;
    const stageRates = Object.fromEntries(
      (Object.keys(pool.stats) as StageName[]).map((stage) => [stage, pool.stats[stage].completed / Math.max(seconds, 0.001)]),
    );
    const summary = await summarizeRun(runtime.db, enqueue.runId);
    return { enqueue, summary, seconds, stageRates, dashboardUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export function formatSampleRun(run: SampleRun): string {
  const rates = Object.entries(run.stageRates).map(([stage, rate]) => `${stage} ${rate.toFixed(2)}/s`).join(', ');
  return [
    formatRunSummary(run.summary),
    `time ${run.seconds.toFixed(1)} s; jobs per second: ${rates}`,
    `dashboard: ${run.dashboardUrl ?? 'not running'}`,
  ].join('\n');
}
