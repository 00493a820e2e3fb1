import { createHash } from 'node:crypto';
import { CurationError } from '@pmc-curator/pipeline/errors';
import type { Db } from '@pmc-curator/store/db';
import type { ObjectStore } from '@pmc-curator/store/storage';
import { renderCard } from './card.ts';
import {
  CARD_NAME,
  DEDUP_NAME,
  finishedPrefix,
  loadManifest,
  MANIFEST_NAME,
  MISSING_NAME,
  newManifest,
  serializeManifest,
  shardName,
  type FileEntry,
  type Manifest,
  type MissingEntry,
  type ShardEntry,
} from './manifest.ts';
import { exportIdentity, type ExportIdentity, type ExportOptions } from './options.ts';
import { lookahead } from './ordered.ts';
import { samplesOfFigure, type ResolvedSample, type SampleSpec } from './sample.ts';
import { countCandidates, figureWhere, resolveRun, streamFigures, type RunRow } from './select.ts';
import { drained, type ShardOutput, type Sink } from './sink.ts';
import { ExportStats } from './stats.ts';
import type { ShardWriter, WriterFactory } from './writers/types.ts';
import { createJsonlWriter } from './writers/jsonl.ts';
import { createParquetWriter } from './writers/parquet.ts';
import { createWebdatasetWriter } from './writers/webdataset.ts';

/**
 * `curator export`: the run's usable pairs → shards in a local directory or an S3 prefix.
 *
 * Order and shards: samples come in the stable order of select.ts (article key, figure JATS id, graphic index,
 * subfigure index). Shard n+1 starts at the first exportable sample after shard n holds `shardSize` samples or
 * would pass `shardBytes`; so the same rows always land in the same shard.
 * Dedup: the first sample of an image (same sha256) in that order is exported; later ones are dropped and listed.
 * Resume: finished shards are listed in manifest.json; a rerun replays their rows from Postgres without reading
 * any image (to rebuild the dedup state, counts and reports) and writes only the shards after them.
 */

export interface ExportDeps {
  db: Db;
  /** The curated bucket (crops, normalised copies). */
  store: ObjectStore;
  sink: Sink;
}

export type SampleEvent = 'written' | 'replayed' | 'duplicate' | 'missing';

export interface ExportHooks {
  onStart?(info: { run: RunRow; candidates: number; resumedShards: number }): void;
  onSample?(event: SampleEvent): void;
  onShard?(entry: ShardEntry): void;
}

export interface ExportSummary {
  run: string;
  format: ExportIdentity['format'];
  location: string;
  samples: number;
  articles: number;
  figures: number;
  shards: number;
  shardsWritten: number;
  shardsResumed: number;
  duplicates: number;
  missing: number;
  missingSamples: MissingEntry[];
  seconds: number;
}

const WRITERS: Record<ExportIdentity['format'], (identity: ExportIdentity) => WriterFactory> = {
  webdataset: () => (out) => createWebdatasetWriter(out),
  jsonl: () => (out, context) => createJsonlWriter(out, context),
  parquet: (identity) => (out) => createParquetWriter(out, { imageBytes: identity.imageBytes }),
};

type Fetched = { ok: true; bytes: Uint8Array | null; sha256: string | null } | { ok: false; missing: string } | { ok: false; error: unknown };

interface Planned {
  spec: SampleSpec;
  replay: boolean;
  fetched: Promise<Fetched> | null;
}

/** Reads one image and checks it against its recorded sha256; a missing object or a mismatch is a missing sample. */
async function fetchImage(store: ObjectStore, spec: SampleSpec): Promise<Fetched> {
  try {
    const bytes = await store.get(spec.imageKey);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (spec.expectedSha256 && sha256 !== spec.expectedSha256) return { ok: false, missing: `sha256 mismatch: the object has ${sha256}, the database says ${spec.expectedSha256}` };
    return { ok: true, bytes, sha256 };
  } catch (error) {
    if (error instanceof CurationError && error.errorClass === 'ObjectVanished') return { ok: false, missing: 'object missing from the store' };
    return { ok: false, error };
  }
}

/** What one sample adds to a shard's byte budget (deterministic: image bytes plus its text). */
function sampleBudget(spec: SampleSpec, imageBytes: number): number {
  return imageBytes + Buffer.byteLength(spec.text) + Buffer.byteLength(spec.caption) + 512;
}

async function* allSamples(db: Db, runId: string, identity: ExportIdentity): AsyncGenerator<SampleSpec> {
  for await (const figure of streamFigures(db, figureWhere(runId, identity.filters))) {
    yield* samplesOfFigure(figure, identity.filters);
  }
}

async function writeLine(out: ShardOutput, value: unknown): Promise<void> {
  if (!out.stream.write(`${JSON.stringify(value)}\n`)) await drained(out.stream);
}

interface OpenShard {
  index: number;
  samples: number;
  budget: number;
  first: string | null;
  last: string | null;
  missing: MissingEntry[];
  out: ShardOutput | null;
  writer: ShardWriter | null;
}

export async function runExport(deps: ExportDeps, options: ExportOptions, hooks: ExportHooks = {}): Promise<ExportSummary> {
  const started = Date.now();
  const { db, store, sink } = deps;
  const run = await resolveRun(db, options.run);
  const identity = exportIdentity(options, run.id);
  const previous = await loadManifest(sink, identity);
  const prefix = await finishedPrefix(sink, previous);
  const manifest: Manifest = { ...newManifest(identity), shards: [...prefix] };
  const candidates = await countCandidates(db, run.id, identity.filters);
  hooks.onStart?.({ run, candidates, resumedShards: prefix.length });

  // Replay state: the finished shards are a prefix of the stable order, ending at prefixLast plus any missing
  // samples recorded after it while that shard was open.
  const replayMissing = new Map<string, MissingEntry>();
  for (const entry of prefix) for (const missing of entry.missing) replayMissing.set(missing.key, missing);
  const prefixLast = prefix.at(-1)?.last ?? null;
  let replaying = prefixLast !== null;
  let reachedLast = false;

  const winners = new Map<string, string>();
  const stats = new ExportStats();
  const missingAll: MissingEntry[] = [];
  const makeWriter = WRITERS[identity.format](identity);
  const dedupOut = sink.open(DEDUP_NAME, 'application/x-ndjson');
  const missingOut = sink.open(MISSING_NAME, 'application/x-ndjson');
  let shardsWritten = 0;
  let replayed = 0;

  const plan = (spec: SampleSpec): Planned => {
    if (replaying) {
      if (!reachedLast) {
        if (spec.key === prefixLast) reachedLast = true;
        return { spec, replay: true, fetched: null };
      }
      if (replayMissing.has(spec.key)) return { spec, replay: true, fetched: null };
      replaying = false;
    }
    if (winners.has(spec.dedupKey)) return { spec, replay: false, fetched: null };
    const fetched = identity.imageBytes
      ? fetchImage(store, spec)
      : Promise.resolve<Fetched>({ ok: true, bytes: null, sha256: spec.expectedSha256 });
    return { spec, replay: false, fetched };
  };

  let shard: OpenShard = { index: prefix.length, samples: 0, budget: 0, first: null, last: null, missing: [], out: null, writer: null };

  const commitShard = async (): Promise<void> => {
    const { writer, out } = shard;
    if (!writer || !out) return;
    await writer.end();
    const committed = await out.commit();
    const entry: ShardEntry = { name: shardName(identity.format, shard.index), samples: shard.samples, ...committed, first: shard.first!, last: shard.last!, missing: shard.missing };
    manifest.shards.push(entry);
    shardsWritten += 1;
    await sink.put(MANIFEST_NAME, serializeManifest(manifest), 'application/json');
    hooks.onShard?.(entry);
    shard = { index: shard.index + 1, samples: 0, budget: 0, first: null, last: null, missing: [], out: null, writer: null };
  };

  const recordMissing = async (entry: MissingEntry, replayed: boolean): Promise<void> => {
    stats.missing += 1;
    missingAll.push(entry);
    if (!replayed) shard.missing.push(entry);
    await writeLine(missingOut, entry);
    hooks.onSample?.('missing');
  };

  try {
    for await (const planned of lookahead(allSamples(db, run.id, identity), plan, options.concurrency)) {
      const { spec } = planned;
      const winner = winners.get(spec.dedupKey);
      if (winner !== undefined) {
        stats.duplicates += 1;
        await writeLine(dedupOut, { dropped: spec.key, kept: winner, image_key: spec.imageKey });
        hooks.onSample?.('duplicate');
        continue;
      }
      if (planned.replay) {
        const missing = replayMissing.get(spec.key);
        if (missing) {
          await recordMissing(missing, true);
          continue;
        }
        winners.set(spec.dedupKey, spec.key);
        stats.add(spec);
        replayed += 1;
        hooks.onSample?.('replayed');
        continue;
      }
      const fetched = await planned.fetched!;
      if (!fetched.ok) {
        if ('error' in fetched) {
          const message = fetched.error instanceof Error ? fetched.error.message : String(fetched.error);
          throw new Error(`reading ${spec.imageKey} failed (${message}); check the object store, then rerun the same command to resume`);
        }
        await recordMissing({ key: spec.key, image_key: spec.imageKey, reason: fetched.missing }, false);
        continue;
      }
      const budget = sampleBudget(spec, fetched.bytes?.byteLength ?? 0);
      if (shard.samples >= identity.shardSize || (shard.samples > 0 && shard.budget + budget > identity.shardBytes)) await commitShard();
      if (!shard.writer) {
        shard.out = sink.open(shardName(identity.format, shard.index));
        shard.writer = makeWriter(shard.out, { sink });
        shard.first = spec.key;
      }
      const sample: ResolvedSample = {
        spec,
        meta: { ...spec.meta, sha256: fetched.sha256 },
        bytes: fetched.bytes,
        imageUrl: `s3://${store.bucket}/${spec.imageKey}`,
      };
      await shard.writer.add(sample);
      shard.samples += 1;
      shard.budget += budget;
      shard.last = spec.key;
      winners.set(spec.dedupKey, spec.key);
      stats.add(spec);
      hooks.onSample?.('written');
    }
    const expectedReplay = prefix.reduce((sum, entry) => sum + entry.samples, 0);
    if ((prefixLast !== null && !reachedLast) || replayed !== expectedReplay) {
      throw new Error(
        `the run's rows changed since ${sink.location} was started (${replayed} of ${expectedReplay} finished samples found again); export to a new --out`,
      );
    }
    await commitShard();
  } catch (error) {
    await shard.out?.abort();
    await dedupOut.abort();
    await missingOut.abort();
    throw error;
  }

  const files: FileEntry[] = [];
  files.push({ name: DEDUP_NAME, ...(await dedupOut.commit()) });
  files.push({ name: MISSING_NAME, ...(await missingOut.commit()) });
  const card = renderCard({ identity, run, stats, shards: manifest.shards.length });
  await sink.put(CARD_NAME, card, 'text/markdown; charset=utf-8');
  files.push({ name: CARD_NAME, bytes: Buffer.byteLength(card), sha256: createHash('sha256').update(card).digest('hex') });
  const final: Manifest = {
    ...manifest,
    complete: true,
    trailing_missing: shard.missing,
    totals: {
      samples: stats.samples,
      articles: stats.articles,
      figures: stats.figures,
      shards: manifest.shards.length,
      duplicates: stats.duplicates,
      missing: stats.missing,
    },
    files,
  };
  await sink.put(MANIFEST_NAME, serializeManifest(final), 'application/json');
  return {
    run: run.id,
    format: identity.format,
    location: sink.location,
    samples: stats.samples,
    articles: stats.articles,
    figures: stats.figures,
    shards: manifest.shards.length,
    shardsWritten,
    shardsResumed: prefix.length,
    duplicates: stats.duplicates,
    missing: stats.missing,
    missingSamples: missingAll.slice(0, 20),
    seconds: (Date.now() - started) / 1000,
  };
}

export function formatExportSummary(summary: ExportSummary): string {
  const rate = summary.seconds > 0 ? (summary.samples / summary.seconds).toFixed(1) : '0';
  const lines = [
    `exported run ${summary.run} as ${summary.format} to ${summary.location}`,
    `samples ${summary.samples} from ${summary.articles} articles, ${summary.figures} figures; shards ${summary.shards} (${summary.shardsWritten} written, ${summary.shardsResumed} already done)`,
    `duplicates dropped ${summary.duplicates} (see dedup.jsonl); missing images ${summary.missing}${summary.missing ? ' (see missing.jsonl)' : ''}`,
    `${summary.seconds.toFixed(1)} s, ${rate} samples/s`,
  ];
  if (summary.missing > 0) {
    lines.push('missing samples (first 20):');
    for (const entry of summary.missingSamples) lines.push(`  ${entry.key}: ${entry.image_key} — ${entry.reason}`);
    lines.push('re-run detect for their figures (curator reprocess) and export again to include them');
  }
  return lines.join('\n');
}
