import type { ResolvedSample } from '../sample.ts';
import type { ShardOutput, Sink } from '../sink.ts';

/** One shard being written: samples go in, in order; end() flushes the format's trailer. */
export interface ShardWriter {
  add(sample: ResolvedSample): Promise<void>;
  end(): Promise<void>;
}

export interface WriterContext {
  /** The export's output, for files beside the shards (jsonl images). */
  sink: Sink;
}

export type WriterFactory = (out: ShardOutput, context: WriterContext) => ShardWriter;

/** Fields shared by the jsonl lines and parquet rows: PMC-OA's `image` + `caption` (the subcaption), then provenance. */
export function flatRecord(sample: ResolvedSample, image: string) {
  const { meta, spec } = sample;
  return { image, caption: spec.text, figure_caption: spec.caption, ...meta };
}
