import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import type { ResolvedSample } from '../sample.ts';
import type { ShardOutput } from '../sink.ts';
import { createParquetWriter, ROW_GROUP_ROWS } from './parquet.ts';
import { createWebdatasetWriter } from './webdataset.ts';

function memoryOutput(): ShardOutput & { bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return {
    stream,
    bytes: () => Buffer.concat(chunks),
    commit: async () => ({ sha256: createHash('sha256').update(Buffer.concat(chunks)).digest('hex'), bytes: Buffer.concat(chunks).byteLength }),
    abort: async () => {},
  };
}

function sample(i: number, bytes: Uint8Array | null = Buffer.from(`image ${i}`)): ResolvedSample {
  const key = `PMC1_1__F1_g0__p${i}`;
  return {
    spec: { key, imageKey: `crops/x/${i}.jpg`, ext: 'jpg', expectedSha256: null, dedupKey: `crop:${i}`, text: `sub ${i} — ünïcode`, caption: 'full caption', meta: {} as never },
    meta: {
      key,
      pmcid: 'PMC1',
      version: 1,
      article_key: 'PMC1.1',
      doi: null,
      license: 'CC BY 4.0',
      license_group: 'comm',
      figure_id: 'F1',
      graphic_index: 0,
      graphic: null,
      figure_label: null,
      label: i % 2 ? 'B' : null,
      box: i % 3 ? [i, 0, i + 5, 5] : null,
      subcaption: `sub ${i} — ünïcode`,
      method: 'label',
      confidence: i % 4 ? 0.5 : null,
      sha256: 'ab',
      image_key: `crops/x/${i}.jpg`,
      ingest_version: 3,
      detect_version: 2,
      align_version: 2,
      model_version: 'm',
    },
    bytes,
    imageUrl: `s3://b/crops/x/${i}.jpg`,
  };
}

describe('webdataset writer', () => {
  it('writes image, json and txt per sample with fixed headers: the same samples give the same bytes', async () => {
    const outputs = [memoryOutput(), memoryOutput()];
    for (const out of outputs) {
      const writer = createWebdatasetWriter(out);
      for (let i = 0; i < 3; i += 1) await writer.add(sample(i));
      await writer.end();
    }
    expect(outputs[0]!.bytes().equals(outputs[1]!.bytes())).toBe(true);
    const extract = tar.extract();
    const names: string[] = [];
    const done = (async () => {
      for await (const entry of extract) {
        names.push(entry.header.name);
        expect(entry.header.mtime?.getTime()).toBe(0);
        entry.resume();
      }
    })();
    extract.end(outputs[0]!.bytes());
    await done;
    expect(names.slice(0, 3)).toEqual(['PMC1_1__F1_g0__p0.jpg', 'PMC1_1__F1_g0__p0.json', 'PMC1_1__F1_g0__p0.txt']);
    expect(names).toHaveLength(9);
  });
});

describe('parquet writer', () => {
  it('streams row groups that parquet-wasm (arrow-rs) reads back, nulls and lists included', async () => {
    const out = memoryOutput();
    const writer = createParquetWriter(out, { imageBytes: true });
    const count = ROW_GROUP_ROWS + 7;
    for (let i = 0; i < count; i += 1) await writer.add(sample(i));
    await writer.end();
    const table = tableFromIPC(readParquet(out.bytes()).intoIPCStream());
    expect(table.numRows).toBe(count);
    const rows = (table.toArray() as Array<{ toJSON(): Record<string, unknown> }>).map((row) => row.toJSON());
    for (const [i, row] of rows.entries()) {
      expect(Buffer.from(row.image as Uint8Array).toString()).toBe(`image ${i}`);
      expect(row.caption).toBe(`sub ${i} — ünïcode`);
      expect(row.box === null ? null : Array.from(row.box as Iterable<number>)).toEqual(i % 3 ? [i, 0, i + 5, 5] : null);
      expect(row.confidence).toBe(i % 4 ? 0.5 : null);
      expect(row.label).toBe(i % 2 ? 'B' : null);
      expect(row.doi).toBeNull();
    }
  });
});
