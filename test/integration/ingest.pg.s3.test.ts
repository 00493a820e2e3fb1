import { cp, mkdtemp, rm, unlink, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectorySource, PmcCloudSource } from '../../packages/pipeline/src/sources/index.ts';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { ingestDirect } from '../../apps/worker/src/ingest-runner.ts';
import type { Runtime } from '../../apps/worker/src/runtime.ts';
import { INVENTORY_MANIFEST_KEY, loadSampleArticles, publishPmcLayout, SAMPLE_DIR } from '../../apps/worker/src/sample/sample-articles.ts';
import { pmcLayoutObjects } from '../../apps/worker/src/sample/pmc-layout.ts';
import { S3BlobReader } from '../../packages/store/src/storage/s3-blob-reader.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { createS3Client } from '../../packages/store/src/storage/s3-client.ts';
import { bmpBytes, pngDeclaring, truncatedJpeg } from '../support/bad-inputs.ts';
import { listAll, resetDatabase, testConfig, testDb, testStore } from '../support/servers.ts';

let config: Config;
let db: Db;
let curated: S3ObjectStore;
let sourceStore: S3ObjectStore;
let runtime: Runtime;
const work: string[] = [];

function pmcSource(enumeration: ConstructorParameters<typeof PmcCloudSource>[0]['enumeration']) {
  const client = createS3Client({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
  return new PmcCloudSource({ reader: new S3BlobReader({ client, bucket: sourceStore.bucket }), bucket: sourceStore.bucket, enumeration });
}

async function snapshot() {
  const articles = await db.article.findMany({ orderBy: { key: 'asc' }, omit: { updatedAt: true } });
  const figures = await db.figure.findMany({ orderBy: [{ articleId: 'asc' }, { jatsId: 'asc' }], omit: { updatedAt: true } });
  const failures = await db.failure.findMany({ orderBy: [{ articleKey: 'asc' }, { subject: 'asc' }], omit: { lastSeenAt: true } });
  return { articles, figures, failures, objects: await listAll(curated) };
}

beforeAll(async () => {
  config = testConfig();
  db = testDb(config);
  await resetDatabase(db);
  curated = await testStore(config);
  sourceStore = await testStore(config, `pmc-oa-opendata-${curated.bucket.slice(-8)}`);
  runtime = { config, db, store: curated, workerName: 'test', close: async () => {} };
  await publishPmcLayout(sourceStore, await loadSampleArticles());
});

afterAll(async () => {
  await db.$disconnect();
  for (const dir of work) await rm(dir, { recursive: true, force: true });
});

describe('ingest from the PMC Cloud layout into Postgres and S3', () => {
  it('ingests every bundled article from the daily inventory with images in S3 and rows in Postgres', async () => {
    const summary = await ingestDirect(runtime, {
      source: pmcSource({ mode: 'inventory', manifestKey: INVENTORY_MANIFEST_KEY(sourceStore.bucket) }),
      ingest: { licenseGroups: ['comm'] },
    });
    expect(summary.articles).toBe(7);
    expect(summary.ingested).toBe(7);
    expect(summary.failedArticles).toBe(0);
    // elife-30274 5, elife-43154 3, elife-46472 8, elife-54296 1, elife-65581 1, pone.0000010 3, pone.0060593 2
    expect(summary.figures).toBe(23);
    expect(summary.images).toBe(23);
    const article = await db.article.findUniqueOrThrow({ where: { key: 'PMC990000003.1' }, include: { figures: { orderBy: { ordinal: 'asc' } } } });
    expect(article.doi).toBe('10.7554/eLife.46472');
    expect(article.licenseCode).toBe('CC0');
    expect(article.licenseGroup).toBe('comm');
    expect(article.figures).toHaveLength(8);
    const first = article.figures[0]!;
    expect(first.label).toBe('Figure 1');
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.format).toBe('jpeg');
    expect(first.width).toBeGreaterThan(100);
    expect(await curated.exists(first.imageKey!)).toBe(true);
    expect(await curated.exists(first.normalizedKey!)).toBe(true);
    const original = await curated.get(first.imageKey!);
    expect(Buffer.from(original).equals(await readFile(path.join(SAMPLE_DIR, 'elife-46472', 'fig1.jpg')))).toBe(true);
    const tiff = await db.figure.findFirstOrThrow({ where: { article: { key: 'PMC990000007.1' } } });
    expect(tiff.format).toBe('tiff');
    expect(tiff.normalizedKey).toMatch(/\.(jpg|png)$/);
    expect(await db.failure.count()).toBe(0);
  });

  it('changes nothing when the same articles are ingested again, forced or not', async () => {
    // Downstream results of an unchanged image must survive a forced re-ingest.
    const detected = await db.figure.findFirstOrThrow({ where: { article: { key: 'PMC990000003.1' } } });
    await db.figure.update({ where: { id: detected.id }, data: { detectStatus: 'done', detectVersion: 1 } });
    const before = await snapshot();
    const again = await ingestDirect(runtime, { source: pmcSource({ mode: 'prefix', prefix: 'PMC' }), ingest: { licenseGroups: ['comm'] } });
    expect(again.unchanged).toBe(7);
    expect(again.objectsWritten).toBe(0);
    const forced = await ingestDirect(runtime, { source: pmcSource({ mode: 'prefix', prefix: 'PMC' }), ingest: { licenseGroups: ['comm'] }, force: true });
    expect(forced.ingested).toBe(7);
    expect(forced.objectsWritten).toBe(0);
    expect(await snapshot()).toEqual(before);
    expect((await db.figure.findUniqueOrThrow({ where: { id: detected.id } })).detectStatus).toBe('done');
  });

  it('resolves the latest version of a PMCID by listing its prefixes', async () => {
    const [article] = await loadSampleArticles();
    for (const object of await pmcLayoutObjects({ ...article!, version: 3 }, sourceStore.bucket)) {
      await sourceStore.putIfAbsent(object.key, object.body, object.contentType);
    }
    const refs = [];
    for await (const ref of pmcSource({ mode: 'ids', ids: ['PMC990000001', '990000004', 'PMC990000005.1'] }).list()) refs.push(ref.key);
    expect(refs).toEqual(['PMC990000001.3', 'PMC990000004.1', 'PMC990000005.1']);
    await expect(async () => {
      for await (const ref of pmcSource({ mode: 'ids', ids: ['PMC123'] }).list()) void ref;
    }).rejects.toMatchObject({ errorClass: 'ArticleNotFound' });
  });

  it('reads the bucket with unsigned requests, as the public pmc-oa-opendata bucket needs', async () => {
    const client = createS3Client({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', anonymous: true, forcePathStyle: true });
    const unsignedRequests: boolean[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        unsignedRequests.push(!(args.request as { headers: Record<string, string> }).headers.authorization);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    const source = new PmcCloudSource({ reader: new S3BlobReader({ client, bucket: sourceStore.bucket }), bucket: sourceStore.bucket, enumeration: { mode: 'ids', ids: ['PMC990000006'] } });
    const refs = [];
    for await (const ref of source.list()) refs.push(ref);
    const bundle = await source.open(refs[0]!);
    expect(bundle.metadata?.doi).toBe('10.1371/journal.pone.0000010');
    expect(bundle.media.names).toHaveLength(3);
    expect(unsignedRequests.length).toBeGreaterThan(1);
    expect(unsignedRequests.every(Boolean)).toBe(true);
  });

  it('skips articles outside the licence groups and records why', async () => {
    const summary = await ingestDirect(runtime, {
      source: pmcSource({ mode: 'ids', ids: ['PMC990000002.2'] }),
      ingest: { licenseGroups: ['noncomm'] },
      force: true,
    });
    expect(summary.skipped).toBe(1);
    const article = await db.article.findUniqueOrThrow({ where: { key: 'PMC990000002.2' } });
    expect(article.ingestStatus).toBe('skipped');
    expect(article.skipReason).toContain('CC BY');
  });
});

describe('bad input is classified and recorded, the rest still ingested', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'bad-articles-'));
    work.push(root);
    // PNG figures: one truncated, one empty, one declaring 100k × 100k pixels.
    await cp(path.join(SAMPLE_DIR, 'pone.0000010'), path.join(root, 'pone-bad-images'), { recursive: true });
    await writeFile(path.join(root, 'pone-bad-images', 'pone.0000010.g001.png'), await truncatedJpeg());
    await writeFile(path.join(root, 'pone-bad-images', 'pone.0000010.g002.png'), Buffer.alloc(0));
    await writeFile(path.join(root, 'pone-bad-images', 'pone.0000010.g003.png'), await pngDeclaring(100_000, 100_000));
    // JPEG figures: one BMP in disguise, one missing; three intact.
    await cp(path.join(SAMPLE_DIR, 'elife-30274'), path.join(root, 'elife-partial'), { recursive: true });
    await writeFile(path.join(root, 'elife-partial', 'fig1.jpg'), bmpBytes());
    await unlink(path.join(root, 'elife-partial', 'fig2.jpg'));
    // Truncated XML.
    await cp(path.join(SAMPLE_DIR, 'elife-54296'), path.join(root, 'elife-truncated'), { recursive: true });
    const xmlPath = path.join(root, 'elife-truncated', 'elife-54296.xml');
    const xml = await readFile(xmlPath, 'utf8');
    await writeFile(xmlPath, xml.slice(0, Math.floor(xml.length / 2)));
  });

  it('records each problem in the failure ledger with its class and keeps the good figures', async () => {
    const summary = await ingestDirect(runtime, { source: new DirectorySource({ root }), ingest: { licenseGroups: ['comm'] } });
    expect(summary.articles).toBe(3);
    expect(summary.failedArticles).toBe(1);
    expect(summary.failuresByClass).toEqual({ CorruptImage: 1, EmptyImage: 1, DecompressionBomb: 1, UnsupportedFormat: 1, MissingImage: 1, MalformedXml: 1 });

    const failures = await db.failure.findMany({ where: { articleKey: { startsWith: 'dir:' } } });
    const byKey = Object.fromEntries(failures.map((f) => [`${f.articleKey}|${f.subject}`, f]));
    expect(byKey['dir:elife-truncated|']).toMatchObject({ errorClass: 'MalformedXml', kind: 'permanent', stage: 'ingest' });
    expect(failures.filter((f) => f.articleKey === 'dir:pone-bad-images').map((f) => f.errorClass).sort()).toEqual([
      'CorruptImage',
      'DecompressionBomb',
      'EmptyImage',
    ]);
    expect(failures.every((f) => f.kind === 'permanent' && !f.resolved)).toBe(true);

    const partial = await db.article.findUniqueOrThrow({ where: { key: 'dir:elife-partial' }, include: { figures: true } });
    expect(partial.ingestStatus).toBe('done');
    expect(partial.figures.filter((f) => f.imageKey)).toHaveLength(3);
    expect(partial.figures.filter((f) => f.ingestStatus === 'failed').map((f) => f.mediaName ?? f.graphicHrefs[0]).sort()).toEqual([
      'fig1.jpg',
      'fig2.jpg',
    ]);
    const truncated = await db.article.findUniqueOrThrow({ where: { key: 'dir:elife-truncated' } });
    expect(truncated.ingestStatus).toBe('failed');
  });

  it('retries an object that vanished, then records the exhausted transient failure', async () => {
    const [article] = await loadSampleArticles();
    const objects = await pmcLayoutObjects({ ...article!, pmcid: 'PMC990000099', version: 1 }, sourceStore.bucket);
    for (const object of objects) {
      if (object.key.endsWith('fig3.jpg')) continue; // listed in the metadata, absent from the bucket
      await sourceStore.putIfAbsent(object.key, object.body, object.contentType);
    }
    const summary = await ingestDirect(runtime, { source: pmcSource({ mode: 'ids', ids: ['PMC990000099'] }), ingest: {}, retries: 2 });
    expect(summary.failedArticles).toBe(1);
    const failure = await db.failure.findUniqueOrThrow({ where: { articleKey_stage_subject: { articleKey: 'PMC990000099.1', stage: 'ingest', subject: '' } } });
    expect(failure).toMatchObject({ errorClass: 'ObjectVanished', kind: 'transient', attempt: 3 });
  });
});
