import tar from 'tar-stream';
import { drained, type ShardOutput } from '../sink.ts';
import type { ResolvedSample } from '../sample.ts';
import type { ShardWriter } from './types.ts';

/**
 * WebDataset tar shard: per sample `<key>.<jpg|png>` (image bytes, when exported), `<key>.json`, `<key>.txt`, in
 * that order and contiguous. Headers are fixed (mtime 0, uid/gid 0, mode 644) so the same samples give the same bytes.
 */
const EPOCH = new Date(0);

function webdatasetJson(sample: ResolvedSample) {
  const { meta, spec } = sample;
  return { ...meta, caption: spec.caption, image: sample.bytes ? `${spec.key}.${spec.ext}` : sample.imageUrl };
}

export function createWebdatasetWriter(out: ShardOutput): ShardWriter {
  const pack = tar.pack();
  const pumping = (async () => {
    for await (const chunk of pack) {
      if (!out.stream.write(chunk)) await drained(out.stream);
    }
  })();
  pumping.catch(() => {});
  const entry = (name: string, body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      pack.entry({ name, size: body.byteLength, mtime: EPOCH, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', type: 'file' }, body, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  return {
    async add(sample) {
      const { key, ext } = sample.spec;
      if (sample.bytes) await entry(`${key}.${ext}`, Buffer.from(sample.bytes.buffer, sample.bytes.byteOffset, sample.bytes.byteLength));
      await entry(`${key}.json`, Buffer.from(`${JSON.stringify(webdatasetJson(sample))}\n`));
      await entry(`${key}.txt`, Buffer.from(sample.spec.text));
      await drained(out.stream);
    },
    async end() {
      pack.finalize();
      await pumping;
    },
  };
}
