import { isDeepStrictEqual } from 'node:util';
import type { ExportFormat, ExportIdentity } from './options.ts';
import type { Sink } from './sink.ts';

/**
 * `<out>/manifest.json`: what the export was asked for and every finished shard with its sha256, sample count and
 * first/last sample key. It is rewritten after each shard; a rerun skips the shards it lists (when their files are
 * still there with the recorded size) and redoes the rest. It holds no wall-clock time, so an interrupted and
 * resumed export and an uninterrupted one give the same bytes.
 */

export const MANIFEST_NAME = 'manifest.json';
export const DEDUP_NAME = 'dedup.jsonl';
export const MISSING_NAME = 'missing.jsonl';
export const CARD_NAME = 'README.md';

export interface MissingEntry {
  key: string;
  image_key: string;
  reason: string;
}

export interface ShardEntry {
  name: string;
  samples: number;
  bytes: number;
  sha256: string;
  first: string;
  last: string;
  /** Samples skipped while this shard was open because their image is missing or does not match its sha256. */
  missing: MissingEntry[];
}

export interface FileEntry {
  name: string;
  bytes: number;
  sha256: string;
}

interface ExportTotals {
  samples: number;
  articles: number;
  figures: number;
  shards: number;
  duplicates: number;
  missing: number;
}

export interface Manifest {
  tool: 'pmc-curator export';
  manifest_version: 1;
  export: ExportIdentity;
  complete: boolean;
  shards: ShardEntry[];
  /** Missing samples after the last shard (only in a complete manifest). */
  trailing_missing?: MissingEntry[];
  totals?: ExportTotals;
  files?: FileEntry[];
}

const EXTENSIONS: Record<ExportFormat, string> = { webdataset: 'tar', parquet: 'parquet', jsonl: 'jsonl' };

/** Shard n of a format: `shard-000000.tar`, `shard-000001.parquet`, … */
export function shardName(format: ExportFormat, index: number): string {
  return `shard-${String(index).padStart(6, '0')}.${EXTENSIONS[format]}`;
}

export function newManifest(identity: ExportIdentity): Manifest {
  return { tool: 'pmc-curator export', manifest_version: 1, export: identity, complete: false, shards: [] };
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function parseManifest(bytes: Uint8Array, location: string): Manifest {
  let parsed: Manifest;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as Manifest;
  } catch {
    throw new Error(`${location}/${MANIFEST_NAME} is not valid JSON; delete it (and the shards beside it) or export to a new --out`);
  }
  if (parsed.tool !== 'pmc-curator export' || !Array.isArray(parsed.shards)) {
    throw new Error(`${location}/${MANIFEST_NAME} was not written by curator export; export to a new --out`);
  }
  return parsed;
}

/** The existing manifest, checked against what this export is asked for; null when the output is new. */
export async function loadManifest(sink: Sink, identity: ExportIdentity): Promise<Manifest | null> {
  const bytes = await sink.read(MANIFEST_NAME);
  if (!bytes) return null;
  const manifest = parseManifest(bytes, sink.location);
  if (!isDeepStrictEqual(manifest.export, identity)) {
    throw new Error(
      `${sink.location} holds an export with other options (${JSON.stringify(manifest.export)}); rerun with the same options to resume it, or export to a new --out`,
    );
  }
  return manifest;
}

/** The leading shards whose files are still there with the recorded size: these are skipped on resume. */
export async function finishedPrefix(sink: Sink, manifest: Manifest | null): Promise<ShardEntry[]> {
  const kept: ShardEntry[] = [];
  for (const [index, entry] of (manifest?.shards ?? []).entries()) {
    if (entry.name !== shardName(manifest!.export.format, index)) break;
    if ((await sink.size(entry.name)) !== entry.bytes) break;
    kept.push(entry);
  }
  return kept;
}
