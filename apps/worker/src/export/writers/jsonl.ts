import { drained, type ShardOutput } from '../sink.ts';
import type { ResolvedSample } from '../sample.ts';
import { flatRecord, type ShardWriter, type WriterContext } from './types.ts';

/**
 * JSON Lines shard, one PMC-OA style line per sample. With image bytes each image is written once under
 * `images/<sha256>.<ext>` (content-addressed, so a redone shard rewrites nothing new) before the shard is committed.
 */
function imagePath(sample: ResolvedSample): string {
  return `images/${sample.meta.sha256}.${sample.spec.ext}`;
}

function jsonlLine(sample: ResolvedSample): string {
  return `${JSON.stringify(flatRecord(sample, sample.bytes ? imagePath(sample) : sample.imageUrl))}\n`;
}

const IMAGE_WRITES_IN_FLIGHT = 8;

export function createJsonlWriter(out: ShardOutput, { sink }: WriterContext): ShardWriter {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  async function putImage(sample: ResolvedSample): Promise<void> {
    const name = imagePath(sample);
    if (sink.checksExisting && (await sink.size(name)) === sample.bytes!.byteLength) return;
    await sink.put(name, sample.bytes!, sample.spec.ext === 'png' ? 'image/png' : 'image/jpeg');
  }
  return {
    async add(sample) {
      if (failure) throw failure;
      if (sample.bytes) {
        const write = putImage(sample).then(
          () => {
            inFlight.delete(write);
          },
          (error: unknown) => {
            inFlight.delete(write);
            failure ??= error;
          },
        );
        inFlight.add(write);
        if (inFlight.size >= IMAGE_WRITES_IN_FLIGHT) await Promise.race(inFlight);
      }
      if (!out.stream.write(jsonlLine(sample))) await drained(out.stream);
    },
    async end() {
      await Promise.all(inFlight);
      if (failure) throw failure;
    },
  };
}
