/**
 * Export throughput: ≥ 10,000 synthetic pairs (copies of real crops from test/fixtures, made distinct) in a
 * throwaway database and s3rver bucket, exported in each format, each in its own process so peak RSS is that
 * export's alone. Prints samples/s, MB/s and peak RSS per format.
 *
 *   npx tsx test/bench/export.ts [--articles 250] [--figures 10] [--panels 4] [--concurrency 16]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../../packages/store/src/db/client.ts';
import { runExport } from '../../apps/worker/src/export/export.ts';
import { parseExportOptions } from '../../apps/worker/src/export/options.ts';
import { LocalSink, parseS3Url, S3Sink } from '../../apps/worker/src/export/sink.ts';
import { startLocalS3Server } from '../../apps/worker/src/storage/local-s3-server.ts';
import { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { createS3Client } from '../../packages/store/src/storage/s3-client.ts';
import { seedExportRun } from '../support/export-seed.ts';
import { dropDatabase, freePort, freshDatabase } from '../support/databases.ts';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '250' },
    figures: { type: 'string', default: '10' },
    panels: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '16' },
    // Internal: run one export in this process and print its numbers.
    child: { type: 'string' },
    database: { type: 'string' },
    endpoint: { type: 'string' },
    out: { type: 'string' },
    flags: { type: 'string' },
  },
});

const BUCKET = 'bench-export-curated';
const s3Client = (endpoint: string) => createS3Client({ endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });

if (values.child) {
  // ru_maxrss would include the parent's memory at fork time; sample this process's own RSS instead.
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const db = createDb(values.database!);
  const client = s3Client(values.endpoint!);
  const target = parseS3Url(values.out!);
  const options = parseExportOptions({ run: values.child, out: values.out, concurrency: values.concurrency, ...JSON.parse(values.flags!) });
  const sink = target ? new S3Sink(client, target) : new LocalSink(values.out!);
  const summary = await runExport({ db, store: new S3ObjectStore(client, BUCKET), sink }, options);
  process.stdout.write(`${JSON.stringify({ samples: summary.samples, shards: summary.shards, seconds: summary.seconds, maxRssMiB: Math.max(peakRss, process.memoryUsage.rss()) / 1024 / 1024 })}\n`);
  clearInterval(sampler);
  await db.$disconnect();
  client.destroy();
  process.exit(0);
}

const databaseUrl = await freshDatabase('pmc_curator_bench_export');

const s3Dir = mkdtempSync(path.join(os.tmpdir(), 'bench-export-s3-'));
const outDir = mkdtempSync(path.join(os.tmpdir(), 'bench-export-out-'));
const s3 = await startLocalS3Server({ directory: s3Dir, port: await freePort() });
const client = s3Client(s3.endpoint);
const db = createDb(databaseUrl);
try {
  const store = new S3ObjectStore(client, BUCKET);
  await store.ensureBucket();
  await new S3ObjectStore(client, 'bench-export-out').ensureBucket();
  const seedStart = Date.now();
  const { runId } = await seedExportRun(db, store, { articles: Number(values.articles), figuresPerArticle: Number(values.figures), panelsPerFigure: Number(values.panels) });
  const pairs = await db.pair.count();
  process.stdout.write(`seeded ${pairs} pairs (${Number(values.articles)} articles) in ${((Date.now() - seedStart) / 1000).toFixed(1)} s; image reads at concurrency ${values.concurrency}\n\n`);
  const runs: Array<[string, string, Record<string, unknown>]> = [
    ['webdataset → dir', path.join(outDir, 'wds'), { format: 'webdataset' }],
    ['parquet → dir', path.join(outDir, 'parquet'), { format: 'parquet' }],
    ['jsonl → dir', path.join(outDir, 'jsonl'), { format: 'jsonl' }],
    ['webdataset → s3', 's3://bench-export-out/wds', { format: 'webdataset' }],
    ['parquet --no-image-bytes → dir', path.join(outDir, 'parquet-keys'), { format: 'parquet', imageBytes: false }],
  ];
  process.stdout.write('| export | samples | shards | seconds | samples/s | peak RSS MiB |\n|---|---|---|---|---|---|\n');
  for (const [label, out, flags] of runs) {
    const args = ['--import', 'tsx', import.meta.filename, '--child', runId, '--database', databaseUrl, '--endpoint', s3.endpoint, '--out', out, '--flags', JSON.stringify(flags), '--concurrency', values.concurrency];
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    if (result.status !== 0) throw new Error(`${label} failed: ${result.stderr}`);
    const numbers = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { samples: number; shards: number; seconds: number; maxRssMiB: number };
    process.stdout.write(`| ${label} | ${numbers.samples} | ${numbers.shards} | ${numbers.seconds.toFixed(1)} | ${(numbers.samples / numbers.seconds).toFixed(0)} | ${numbers.maxRssMiB.toFixed(0)} |\n`);
  }
} finally {
  await db.$disconnect();
  client.destroy();
  await s3.stop();
  rmSync(s3Dir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
  await dropDatabase('pmc_curator_bench_export');
}
