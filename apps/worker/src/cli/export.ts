import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { formatExportSummary, runExport, type SampleEvent } from '../export/export.ts';
import { FORMATS, parseExportOptions } from '../export/options.ts';
import { LocalSink, parseS3Url, S3Sink, type Sink } from '../export/sink.ts';
import { createRuntime } from '../runtime.ts';
import { S3ObjectStore, curatedS3Client } from '@pmc-curator/store/storage';

interface ExportFlags {
  run: string;
  format: string;
  out: string;
  minConfidence?: string;
  license?: string;
  methods?: string;
  wholeFigures?: boolean;
  shardSize?: string;
  shardBytes?: string;
  imageBytes: boolean;
  concurrency?: string;
  json?: boolean;
  quiet?: boolean;
}

/** A bar with counts, rate and ETA on stderr; the total grows if the estimate was low. */
function exportProgress(quiet: boolean) {
  if (quiet) return { start: (_total: number) => {}, tick: (_event: SampleEvent) => {}, shard: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: 'export [{bar}] {value}/{total} | {percentage}% | {rate}/s | ETA {eta_formatted} | dup {duplicates} | missing {missing} | shards {shards}',
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 2000,
      etaBuffer: 200,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const counts = { done: 0, total: 0, duplicates: 0, missing: 0, shards: 0 };
  const started = Date.now();
  return {
    start(total: number) {
      counts.total = total;
      bar.start(total, 0, { rate: '0.0', duplicates: 0, missing: 0, shards: 0 });
    },
    tick(event: SampleEvent) {
      counts.done += 1;
      if (event === 'duplicate') counts.duplicates += 1;
      if (event === 'missing') counts.missing += 1;
      if (counts.done > counts.total) bar.setTotal((counts.total = counts.done));
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar.increment(1, { rate: (counts.done / seconds).toFixed(1), duplicates: counts.duplicates, missing: counts.missing });
    },
    shard() {
      counts.shards += 1;
      bar.update({ shards: counts.shards });
    },
    stop: () => bar.stop(),
  };
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a run\'s subfigure–subcaption pairs as a dataset: webdataset tar, parquet or jsonl shards, with manifest, dedup report and card')
    .requiredOption('--run <id>', 'run id, or "latest"')
    .requiredOption('--format <format>', `one of ${FORMATS.join(', ')}`)
    .requiredOption('--out <dirOrS3>', 'a directory, or s3://bucket/prefix (same S3 endpoint and credentials as S3_ENDPOINT)')
    .option('--min-confidence <x>', 'only pairs with confidence ≥ x (0..1)')
    .option('--license <group>', 'licence group: comm, noncomm or all', 'all')
    .option('--methods <list>', 'only pairs aligned by these methods, comma-separated (e.g. label,position,order)')
    .option('--whole-figures', 'also export figures with no pairs or a single panel as figure + full caption (method whole-figure)')
    .option('--shard-size <n>', 'samples per shard', '10000')
    .option('--shard-bytes <n>', 'about this many bytes per shard at most', '1000000000')
    .option('--no-image-bytes', 'reference images by their s3:// key instead of copying the bytes')
    .option('--concurrency <n>', 'images read from S3 at once', '16')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress bar')
    .action(async (flags: ExportFlags) => {
      const options = parseExportOptions({
        run: flags.run,
        format: flags.format,
        out: flags.out,
        minConfidence: flags.minConfidence,
        license: flags.license,
        methods: flags.methods,
        wholeFigures: Boolean(flags.wholeFigures),
        shardSize: flags.shardSize,
        shardBytes: flags.shardBytes,
        imageBytes: flags.imageBytes,
        concurrency: flags.concurrency,
      });
      const config = loadConfig();
      const runtime = await createRuntime(config);
      const target = parseS3Url(options.out);
      const client = target
        ? curatedS3Client(config)
        : null;
      const progress = exportProgress(Boolean(flags.quiet));
      try {
        let sink: Sink;
        if (target && client) {
          await new S3ObjectStore(client, target.bucket).ensureBucket().catch((error: Error) => {
            throw new Error(`cannot use bucket ${target.bucket} at ${config.S3_ENDPOINT} (${error.message}); check S3_ENDPOINT and the credentials`);
          });
          sink = new S3Sink(client, target);
        } else {
          if (options.out.includes('://')) throw new Error(`--out takes a directory or s3://bucket/prefix, not ${options.out}`);
          sink = new LocalSink(options.out);
        }
        const summary = await runExport({ db: runtime.db, store: runtime.store, sink }, options, {
          onStart: ({ run, candidates, resumedShards }) => {
            if (run.status !== 'finished') process.stderr.write(`note: run ${run.id} is still running; exporting what is curated so far\n`);
            if (resumedShards > 0) process.stderr.write(`resuming: ${resumedShards} finished shard(s) in ${sink.location}/manifest.json are kept\n`);
            progress.start(candidates);
          },
          onSample: (event) => progress.tick(event),
          onShard: () => progress.shard(),
        });
        progress.stop();
        process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatExportSummary(summary)}\n`);
      } catch (error) {
        progress.stop();
        throw error;
      } finally {
        client?.destroy();
        await runtime.close();
      }
    });
}
