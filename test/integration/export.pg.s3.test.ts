import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PairMethod } from '@prisma/client';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { alignMethodOf, pairMethodOf, type AlignMethod } from '../../packages/store/src/db/pair-methods.ts';
import { runExport, type ExportSummary } from '../../apps/worker/src/export/export.ts';
import type { Manifest } from '../../apps/worker/src/export/manifest.ts';
import { parseExportOptions } from '../../apps/worker/src/export/options.ts';
import { LocalSink, S3Sink } from '../../apps/worker/src/export/sink.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { createS3Client } from '../../packages/store/src/storage/s3-client.ts';
import { imageVariant, seedExportRun, seedNoise, sha256 } from '../support/export-seed.ts';
import { listAll, resetDatabase, testConfig, testDb, testStore } from '../support/servers.ts';

const exec = promisify(execFile);
const CURATOR = new URL('../../apps/worker/bin/curator.js', import.meta.url).pathname;

let config: Config;
let db: Db;
let store: S3ObjectStore;
let runId: string;
let tmp: string;
const missingKeys: string[] = [];
let corruptKey: string;

/** What the database says the exported samples are, computed here without the export code. */
interface ExpectedSample {
  key: string;
  article: { key: string; pmcid: string | null; version: number | null; doi: string | null; licenseCode: string | null; licenseGroup: string; ingestVersion: number | null };
  figure: { jatsId: string; graphicIndex: number; graphicHref: string | null; graphicHrefs: string[]; caption: string; label: string | null };
  sub: { index: number; x1: number; y1: number; x2: number; y2: number; cropKey: string | null; cropSha256: string | null; modelVersion: string; detectVersion: number };
  pair: { label: string | null; text: string; method: PairMethod; confidence: number; alignVersion: number };
}

async function databaseSamples(filters: { minConfidence?: number; license?: string; methods?: AlignMethod[] } = {}): Promise<ExpectedSample[]> {
  const pairs = await db.pair.findMany({
    where: {
      ...(filters.minConfidence !== undefined ? { confidence: { gte: filters.minConfidence } } : {}),
      ...(filters.methods ? { method: { in: filters.methods.map(pairMethodOf) } } : {}),
      figure: {
        ingestStatus: 'done',
        detectStatus: 'done',
        alignStatus: 'done',
        article: { outcome: { in: ['curated', 'partial'] }, runArticles: { some: { runId } }, ...(filters.license ? { licenseGroup: filters.license } : {}) },
      },
    },
    include: { subfigure: true, figure: { include: { article: true } } },
  });
  const samples = pairs.map((pair) => ({
    key: `${pair.figure.article.pmcid}_${pair.figure.article.version}__${pair.figure.jatsId}_g${pair.figure.graphicIndex}__p${pair.subfigure.index}`,
    article: pair.figure.article,
    figure: pair.figure,
    sub: pair.subfigure,
    pair,
  }));
  const order = (s: ExpectedSample) => [s.article.key, s.figure.jatsId, s.figure.graphicIndex, s.sub.index] as const;
  return samples.sort((x, y) => {
    const a = order(x);
    const b = order(y);
    for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  });
}

/** Expected exported samples: missing/corrupt crops skipped, later identical crops dropped in favour of the first. */
function dedup(samples: ExpectedSample[]) {
  const first = new Map<string, string>();
  const kept: ExpectedSample[] = [];
  const dropped: Array<{ dropped: string; kept: string }> = [];
  for (const sample of samples) {
    if (missingKeys.includes(sample.sub.cropKey!) || sample.sub.cropKey === corruptKey) continue;
    const winner = first.get(sample.sub.cropSha256!);
    if (winner) dropped.push({ dropped: sample.key, kept: winner });
    else {
      first.set(sample.sub.cropSha256!, sample.key);
      kept.push(sample);
    }
  }
  return { kept, dropped };
}

function expectMetadata(json: Record<string, unknown>, expected: ExpectedSample) {
  expect(json).toMatchObject({
    key: expected.key,
    pmcid: expected.article.pmcid,
    version: expected.article.version,
    doi: expected.article.doi,
    license: expected.article.licenseCode,
    license_group: expected.article.licenseGroup,
    figure_id: expected.figure.jatsId,
    graphic_index: expected.figure.graphicIndex,
    graphic: expected.figure.graphicHref ?? expected.figure.graphicHrefs[0],
    label: expected.pair.label,
    box: [expected.sub.x1, expected.sub.y1, expected.sub.x2, expected.sub.y2],
    subcaption: expected.pair.text,
    method: alignMethodOf(expected.pair.method),
    confidence: expected.pair.confidence,
    sha256: expected.sub.cropSha256,
    image_key: expected.sub.cropKey,
    ingest_version: expected.article.ingestVersion,
    detect_version: expected.sub.detectVersion,
    align_version: expected.pair.alignVersion,
    model_version: expected.sub.modelVersion,
  });
}

async function exportTo(out: string, flags: Record<string, unknown>): Promise<ExportSummary> {
  const options = parseExportOptions({ run: runId, out, ...flags });
  return runExport({ db, store, sink: new LocalSink(out) }, options);
}

async function readTar(file: string): Promise<Array<{ name: string; body: Buffer }>> {
  const extract = tar.extract();
  createReadStream(file).pipe(extract);
  const entries: Array<{ name: string; body: Buffer }> = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ name: entry.header.name, body: Buffer.concat(chunks) });
  }
  return entries;
}

async function shardFiles(dir: string, ext: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('shard-') && name.endsWith(`.${ext}`)).sort();
}

/** Every file under dir (relative path → sha256), to compare two exports byte for byte. */
async function treeHashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = sha256(await readFile(full));
  }
  return out;
}

async function readManifest(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

beforeAll(async () => {
  config = testConfig();
  db = testDb(config);
  await resetDatabase(db);
  store = await testStore(config);
  const seeded = await seedExportRun(db, store, { articles: 6, figuresPerArticle: 3, panelsPerFigure: 3, duplicateEvery: 4 });
  runId = seeded.runId;
  await seedNoise(db, runId);
  // One crop gone from the store, one whose bytes no longer match the recorded sha256.
  missingKeys.push(seeded.cropKeys[5]!);
  await store.delete(missingKeys[0]!);
  corruptKey = seeded.cropKeys[9]!;
  await store.delete(corruptKey);
  await store.putIfAbsent(corruptKey, imageVariant('tampered'), 'image/jpeg');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'export-test-'));
});

afterAll(async () => {
  await db.$disconnect();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('curator export round trip', () => {
  it('webdataset: tar shards of N samples hold each pair as image + txt + json, equal to the database row by row', async () => {
    const out = path.join(tmp, 'wds');
    const summary = await exportTo(out, { format: 'webdataset', shardSize: 7 });
    const { kept, dropped } = dedup(await databaseSamples());
    expect(kept.length).toBeGreaterThan(20);
    expect(dropped.length).toBeGreaterThan(0);
    expect(summary).toMatchObject({ samples: kept.length, duplicates: dropped.length, missing: 2, shards: Math.ceil(kept.length / 7) });

    const keys: string[] = [];
    const shards = await shardFiles(out, 'tar');
    expect(shards).toEqual(Array.from({ length: summary.shards }, (_, i) => `shard-${String(i).padStart(6, '0')}.tar`));
    const manifest = await readManifest(out);
    for (const [index, shard] of shards.entries()) {
      const entries = await readTar(path.join(out, shard));
      const bytes = await readFile(path.join(out, shard));
      expect(manifest.shards[index]).toMatchObject({ name: shard, sha256: sha256(bytes), bytes: bytes.byteLength });
      const shardKeys = [...new Set(entries.map((entry) => entry.name.slice(0, entry.name.indexOf('.'))))];
      expect(manifest.shards[index]!.samples).toBe(shardKeys.length);
      expect(shardKeys.length).toBe(index < shards.length - 1 ? 7 : kept.length - 7 * index);
      for (const key of shardKeys) {
        const expected = kept[keys.length]!;
        expect(key).toBe(expected.key);
        const files = Object.fromEntries(entries.filter((entry) => entry.name.startsWith(`${key}.`)).map((entry) => [entry.name.slice(key.length + 1), entry.body]));
        expect(Object.keys(files).sort()).toEqual(['jpg', 'json', 'txt']);
        expect(sha256(files.jpg!)).toBe(expected.sub.cropSha256);
        expect(Buffer.compare(files.jpg!, Buffer.from(await store.get(expected.sub.cropKey!)))).toBe(0);
        expect(files.txt!.toString('utf8')).toBe(expected.pair.text);
        const json = JSON.parse(files.json!.toString('utf8')) as Record<string, unknown>;
        expectMetadata(json, expected);
        expect(json.caption).toBe(expected.figure.caption);
        keys.push(key);
      }
    }
    expect(keys).toEqual(kept.map((sample) => sample.key));

    const dedupLines = (await readFile(path.join(out, 'dedup.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(dedupLines.map(({ dropped: d, kept: k }) => ({ dropped: d, kept: k }))).toEqual(dropped);
    const missing = (await readFile(path.join(out, 'missing.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(missing.map((entry) => entry.image_key).sort()).toEqual([...missingKeys, corruptKey].sort());
    expect(missing.find((entry) => entry.image_key === corruptKey).reason).toMatch(/sha256 mismatch/);
    expect(manifest).toMatchObject({ complete: true, totals: { samples: kept.length, duplicates: dropped.length, missing: 2 } });

    const card = await readFile(path.join(out, 'README.md'), 'utf8');
    expect(card).toContain(`| ${kept.length} | 6 | 18 | ${shards.length} | ${dropped.length} | 2 |`);
    expect(card).toMatch(/CC BY-NC 4\.0 \| \d+ \| 2 \|/);
    expect(card).toContain(`--run ${runId} --format webdataset`);
    expect(card).toContain('layout-ocr@seed');
  });

  it('jsonl: PMC-OA lines with images under images/<sha256>.jpg, equal to the database row by row', async () => {
    const out = path.join(tmp, 'jsonl');
    const summary = await exportTo(out, { format: 'jsonl', shardSize: 10 });
    const { kept } = dedup(await databaseSamples());
    const lines = [];
    for (const shard of await shardFiles(out, 'jsonl')) {
      for (const line of (await readFile(path.join(out, shard), 'utf8')).trim().split('\n')) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    expect(lines.length).toBe(kept.length);
    expect(summary.shards).toBe(Math.ceil(kept.length / 10));
    for (const [index, line] of lines.entries()) {
      const expected = kept[index]!;
      expect(line.image).toBe(`images/${expected.sub.cropSha256}.jpg`);
      expect(line.caption).toBe(expected.pair.text);
      expect(line.figure_caption).toBe(expected.figure.caption);
      expectMetadata(line, expected);
      expect(sha256(await readFile(path.join(out, line.image as string)))).toBe(expected.sub.cropSha256);
    }
    expect((await readdir(path.join(out, 'images'))).length).toBe(kept.length);
  });

  it('parquet: shards read back with an independent reader (parquet-wasm, arrow-rs) equal the database row by row', async () => {
    const out = path.join(tmp, 'parquet');
    await exportTo(out, { format: 'parquet', shardSize: 12 });
    const { kept } = dedup(await databaseSamples());
    const rows: Array<Record<string, unknown>> = [];
    for (const shard of await shardFiles(out, 'parquet')) {
      const table = tableFromIPC(readParquet(await readFile(path.join(out, shard))).intoIPCStream());
      expect(table.schema.fields.find((field) => field.name === 'image')?.type.toString()).toMatch(/Binary/);
      for (const row of table.toArray() as Array<{ toJSON(): Record<string, unknown> }>) rows.push(row.toJSON());
    }
    expect(rows.length).toBe(kept.length);
    for (const [index, row] of rows.entries()) {
      const expected = kept[index]!;
      const image = row.image as Uint8Array;
      expect(sha256(image)).toBe(expected.sub.cropSha256);
      const box = Array.from(row.box as Iterable<number>);
      expectMetadata({ ...row, box }, expected);
      expect(row.caption).toBe(expected.pair.text);
      expect(row.figure_caption).toBe(expected.figure.caption);
      expect(row.image_format).toBe('jpg');
    }
  });

  it('parquet with --no-image-bytes keeps the s3:// key in the image column', async () => {
    const out = path.join(tmp, 'parquet-keys');
    const summary = await exportTo(out, { format: 'parquet', imageBytes: false });
    const all = await databaseSamples();
    const table = tableFromIPC(readParquet(await readFile(path.join(out, 'shard-000000.parquet'))).intoIPCStream());
    const rows = (table.toArray() as Array<{ toJSON(): Record<string, unknown> }>).map((row) => row.toJSON());
    // Nothing is read from the store, so nothing is found missing; duplicates are still dropped by sha256.
    const unique = new Set(all.map((sample) => sample.sub.cropSha256)).size;
    expect(summary).toMatchObject({ samples: unique, missing: 0 });
    expect(rows[0]!.image).toBe(`s3://${store.bucket}/${all[0]!.sub.cropKey}`);
  });
});

describe('curator export filters and whole figures', () => {
  it('--min-confidence, --license and --methods select exactly the matching pairs', async () => {
    const filters = { minConfidence: 0.5, license: 'comm', methods: ['label', 'order'] satisfies AlignMethod[] };
    const out = path.join(tmp, 'filtered');
    const summary = await exportTo(out, { format: 'jsonl', ...filters, methods: 'order,label', imageBytes: false });
    const expected = (await databaseSamples(filters)).map((sample) => sample.key);
    const lines = (await readFile(path.join(out, 'shard-000000.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const exported = lines.map((line) => line.key as string);
    expect(expected.length).toBeGreaterThan(3);
    // Dedup can only remove samples, and only those whose crop appeared earlier.
    expect(exported.every((key) => expected.includes(key))).toBe(true);
    expect(summary.samples + summary.duplicates).toBe(expected.length);
    for (const line of lines) {
      expect(line.confidence).toBeGreaterThanOrEqual(0.5);
      expect(line.license_group).toBe('comm');
      expect(['label', 'order']).toContain(line.method);
    }
  });

  it('--whole-figures adds figure + full caption for figures with no pairs or a single panel', async () => {
    const article = await db.article.findFirstOrThrow({ where: { key: 'PMC900000.1' } });
    const single = imageVariant('single-panel');
    const noPairs = imageVariant('no-pairs');
    for (const [jatsId, bytes, panels] of [['S1', single, 1], ['S2', noPairs, 0]] as const) {
      const sha = sha256(bytes);
      const key = `normalized/${sha.slice(0, 2)}/${sha}.jpg`;
      await store.putIfAbsent(key, bytes, 'image/jpeg');
      const figure = await db.figure.create({
        data: { articleId: article.id, jatsId, ordinal: 9, caption: `Caption of ${jatsId}`, normalizedKey: key, sha256: sha, width: 640, height: 480, ingestStatus: 'done', detectStatus: 'done', alignStatus: 'done' },
      });
      if (panels === 1) {
        const cropBytes = imageVariant('single-panel-crop');
        const cropSha = sha256(cropBytes);
        await store.putIfAbsent(`crops/${cropSha.slice(0, 2)}/${cropSha}.jpg`, cropBytes, 'image/jpeg');
        const sub = await db.subfigure.create({
          data: { figureId: figure.id, index: 0, x1: 0, y1: 0, x2: 640, y2: 480, score: 1, method: 'layout', modelVersion: 'layout-ocr@seed', detectVersion: 2, cropKey: `crops/${cropSha.slice(0, 2)}/${cropSha}.jpg`, cropSha256: cropSha },
        });
        await db.pair.create({ data: { figureId: figure.id, subfigureId: sub.id, text: `Caption of ${jatsId}`, method: 'whole_caption', confidence: 1, alignVersion: 2 } });
      }
    }
    // Each seeded figure has three panels and pairs, so only S1 and S2 qualify.
    const out = path.join(tmp, 'whole');
    await exportTo(out, { format: 'webdataset', wholeFigures: true });
    const entries = await readTar(path.join(out, 'shard-000000.tar'));
    const whole = entries.filter((entry) => entry.name.endsWith('__fig.json')).map((entry) => JSON.parse(entry.body.toString('utf8')));
    expect(whole.map((json) => json.figure_id).sort()).toEqual(['S1', 'S2']);
    for (const json of whole) {
      expect(json).toMatchObject({ method: 'whole-figure', caption: `Caption of ${json.figure_id}`, box: [0, 0, 640, 480] });
      const image = entries.find((entry) => entry.name === `${json.key}.jpg`)!.body;
      expect(sha256(image)).toBe(json.sha256);
      expect(Buffer.compare(image, json.figure_id === 'S1' ? single : noPairs)).toBe(0);
      expect(entries.find((entry) => entry.name === `${json.key}.txt`)!.body.toString()).toBe(`Caption of ${json.figure_id}`);
    }
    // The single panel's own pair is still there.
    expect(entries.some((entry) => entry.name === 'PMC900000_1__S1_g0__p0.txt')).toBe(true);
    await db.figure.deleteMany({ where: { jatsId: { in: ['S1', 'S2'] } } });
  });
});

describe('curator export output, reruns and resume', () => {
  it('writes to an S3 prefix with multipart uploads, byte-identical to the local export', async () => {
    const local = path.join(tmp, 'wds-s3-twin');
    await exportTo(local, { format: 'webdataset', shardSize: 7 });
    const client = createS3Client({ endpoint: config.S3_ENDPOINT, region: config.S3_REGION, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
    const outStore = await testStore(config, `export-out-${runId.slice(-8)}`);
    const options = parseExportOptions({ run: runId, out: `s3://${outStore.bucket}/datasets/v1`, format: 'webdataset', shardSize: 7 });
    await runExport({ db, store, sink: new S3Sink(client, { bucket: outStore.bucket, prefix: 'datasets/v1' }) }, options);
    const keys = await listAll(outStore, 'datasets/v1/');
    const localFiles = await treeHashes(local);
    expect(keys.map((key) => key.slice('datasets/v1/'.length)).sort()).toEqual(Object.keys(localFiles).sort());
    for (const key of keys) expect(sha256(await outStore.get(key))).toBe(localFiles[key.slice('datasets/v1/'.length)]);
    client.destroy();
  });

  it('a rerun of a finished export changes no byte', async () => {
    const out = path.join(tmp, 'rerun');
    await exportTo(out, { format: 'parquet', shardSize: 9 });
    const before = await treeHashes(out);
    const mtime = (await stat(path.join(out, 'shard-000000.parquet'))).mtimeMs;
    const second = await exportTo(out, { format: 'parquet', shardSize: 9 });
    expect(second.shardsWritten).toBe(0);
    expect(await treeHashes(out)).toEqual(before);
    expect((await stat(path.join(out, 'shard-000000.parquet'))).mtimeMs).toBe(mtime);
    await expect(exportTo(out, { format: 'parquet', shardSize: 10 })).rejects.toThrow(/other options.*new --out/);
  });

  it('SIGKILL mid-export, then rerun: identical bytes to an uninterrupted export, no duplicate or missing sample', async () => {
    // Enough samples for many shards; one image read at a time so the kill lands mid-way.
    await resetDatabase(db);
    const seeded = await seedExportRun(db, store, { articles: 20, figuresPerArticle: 4, panelsPerFigure: 4, runId: 'export-resume' });
    const args = (out: string) => ['export', '--run', seeded.runId, '--format', 'webdataset', '--out', out, '--shard-size', '8', '--concurrency', '1', '--quiet', '--json'];
    const env = { ...process.env, DATABASE_URL: config.DATABASE_URL, S3_ENDPOINT: config.S3_ENDPOINT, S3_BUCKET: config.S3_BUCKET };

    const reference = path.join(tmp, 'resume-reference');
    const full = JSON.parse((await exec(process.execPath, [CURATOR, ...args(reference)], { env })).stdout) as ExportSummary;
    expect(full).toMatchObject({ samples: 320, shards: 40 });

    const killed = path.join(tmp, 'resume-killed');
    const child = spawn(process.execPath, [CURATOR, ...args(killed)], { env, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    let shardsAtKill = 0;
    for (let i = 0; i < 3000; i += 1) {
      const manifest = await readFile(path.join(killed, 'manifest.json'), 'utf8').then((text) => JSON.parse(text) as Manifest, () => null);
      if (manifest && manifest.shards.length >= 1) {
        child.kill('SIGKILL');
        shardsAtKill = manifest.shards.length;
        expect(manifest.complete).toBe(false);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await exited).toBe('SIGKILL');
    expect(shardsAtKill).toBeGreaterThanOrEqual(1);
    expect(shardsAtKill).toBeLessThan(40);

    const resumed = JSON.parse((await exec(process.execPath, [CURATOR, ...args(killed)], { env })).stdout) as ExportSummary;
    expect(resumed.shardsResumed).toBeGreaterThanOrEqual(shardsAtKill);
    expect(resumed.shardsWritten + resumed.shardsResumed).toBe(40);
    const killedFiles = await treeHashes(killed);
    expect(Object.keys(killedFiles).some((name) => name.endsWith('.partial'))).toBe(false);
    expect(killedFiles).toEqual(await treeHashes(reference));
    const names: string[] = [];
    for (const shard of await shardFiles(killed, 'tar')) for (const entry of await readTar(path.join(killed, shard))) if (entry.name.endsWith('.json')) names.push(entry.name);
    expect(names.length).toBe(320);
    expect(new Set(names).size).toBe(320);
  });

  it('tells the user what to do on an unknown run or a bad option, without a stack trace', async () => {
    const env = { ...process.env, DATABASE_URL: config.DATABASE_URL, S3_ENDPOINT: config.S3_ENDPOINT, S3_BUCKET: config.S3_BUCKET };
    const unknown = await exec(process.execPath, [CURATOR, 'export', '--run', 'nope', '--format', 'jsonl', '--out', path.join(tmp, 'x')], { env }).catch((error: { code: number; stderr: string }) => error);
    expect((unknown as { code: number }).code).toBe(1);
    expect((unknown as { stderr: string }).stderr).toMatch(/no run nope; list runs with curator status/);
    expect((unknown as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
    const bad = await exec(process.execPath, [CURATOR, 'export', '--run', 'latest', '--format', 'zip', '--out', path.join(tmp, 'x')], { env }).catch((error: { code: number; stderr: string }) => error);
    expect((bad as { stderr: string }).stderr).toMatch(/--format takes webdataset, parquet, jsonl/);
  });
});
