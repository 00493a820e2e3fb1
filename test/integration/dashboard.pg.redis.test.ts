import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../apps/dashboard/src/index.ts';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { ingestDirect } from '../../apps/worker/src/ingest-runner.ts';
import type { Runtime } from '../../apps/worker/src/runtime.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { DirectorySource } from '../../packages/pipeline/src/sources/index.ts';
import { truncatedJpeg } from '../support/bad-inputs.ts';
import { resetDatabase, testConfig, testDb, testStore } from '../support/servers.ts';

/**
 * The dashboard against the real servers: rows written by the real ingest of the bundled articles
 * (plus one article with a corrupt figure, and panels/pairs inserted with Prisma), images in s3rver,
 * BullMQ queues in Redis under a prefix of this file's own.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/articles');
const RUN_ID = 'run-dash-1';
const HOSTILE = '<script>alert("pwned")</script>';

let config: Config;
let db: Db;
let store: S3ObjectStore;
let queues: Queue[];
let dashboard: RunningDashboard;
let work: string;
let cropKey: string;
let normalizedKey: string;

async function get(pathAndQuery: string, init?: RequestInit): Promise<{ status: number; text: string; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${dashboard.url}${pathAndQuery}`, init);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, text: bytes.toString('utf8'), headers: response.headers, bytes };
}

async function getJson(pathAndQuery: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await get(pathAndQuery);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: JSON.parse(response.text) as Record<string, unknown> };
}

beforeAll(async () => {
  const prefix = `{dash-${Math.random().toString(36).slice(2, 8)}}`;
  config = testConfig({ QUEUE_PREFIX: prefix });
  db = testDb(config);
  await resetDatabase(db);
  store = await testStore(config);
  const runtime: Runtime = { config, db, store, workerName: 'dash-test', close: async () => {} };

  await db.run.create({ data: { id: RUN_ID, source: 'dir', filters: { license: ['comm'] }, articles: 8, enqueued: 8, startedAt: new Date() } });
  const good = await ingestDirect(runtime, { source: new DirectorySource({ root: FIXTURES }), ingest: { licenseGroups: ['comm'] }, runId: RUN_ID });
  expect(good).toMatchObject({ articles: 7, ingested: 7, figures: 23 });

  work = await mkdtemp(path.join(os.tmpdir(), 'dash-articles-'));
  await cp(path.join(FIXTURES, 'pone.0000010'), path.join(work, 'pone-corrupt'), { recursive: true });
  await writeFile(path.join(work, 'pone-corrupt', 'pone.0000010.g001.png'), await truncatedJpeg());
  const bad = await ingestDirect(runtime, { source: new DirectorySource({ root: work }), ingest: { licenseGroups: ['comm'] }, runId: RUN_ID, retries: 0 });
  expect(bad.failuresByClass).toEqual({ CorruptImage: 1 });

  // Panels and pairs for the first figure of elife-46472, with a real crop in the bucket, and a hostile caption.
  const figure = await db.figure.findFirstOrThrow({ where: { article: { key: 'dir:elife-46472' } }, orderBy: { ordinal: 'asc' } });
  normalizedKey = figure.normalizedKey!;
  const width = figure.width!;
  const height = figure.height!;
  const crop = await sharp(Buffer.from(await store.get(normalizedKey)))
    .extract({ left: 0, top: 0, width: Math.floor(width / 2), height: Math.floor(height / 2) })
    .jpeg()
    .toBuffer();
  cropKey = `crops/dashboard-test-${figure.sha256!.slice(0, 12)}.jpg`;
  await store.putIfAbsent(cropKey, crop, 'image/jpeg');
  await db.figure.update({
    where: { id: figure.id },
    data: { caption: `${HOSTILE} Cells <b>stained</b> & imaged.`, detectStatus: 'done', detectMethod: 'layout', alignStatus: 'done' },
  });
  const panels = [
    { index: 0, x1: 0, y1: 0, x2: Math.floor(width / 2), y2: Math.floor(height / 2), labelText: 'A', cropKey },
    { index: 1, x1: Math.floor(width / 2), y1: 0, x2: width, y2: Math.floor(height / 2), labelText: 'B', cropKey: null },
  ];
  for (const panel of panels) {
    const sub = await db.subfigure.create({ data: { figureId: figure.id, ...panel, score: 0.93, method: 'layout', modelVersion: 'test-1', detectVersion: 1 } });
    const subcaption = await db.subcaption.create({
      data: { figureId: figure.id, index: panel.index, label: panel.labelText, text: `panel ${panel.labelText} ${HOSTILE}`, confidence: 0.9, alignVersion: 1 },
    });
    await db.pair.create({
      data: {
        figureId: figure.id,
        subfigureId: sub.id,
        subcaptionId: subcaption.id,
        label: panel.labelText,
        text: `panel ${panel.labelText} ${HOSTILE}`,
        method: panel.index === 0 ? 'whole_caption' : 'order',
        confidence: panel.index === 0 ? 0.95 : 0.4,
        alignVersion: 1,
      },
    });
  }

  // A detect failure as the detect stage would record it (a transient Timeout, resolved once before, run-less).
  await db.failure.create({
    data: { articleKey: 'dir:elife-43154', stage: 'detect', subject: 'fig2', figureJatsId: 'fig2', errorClass: 'Timeout', kind: 'transient', message: 'detector took > 60 s', attempt: 2, worker: 'gpu-1' },
  });
  await db.failure.create({
    data: { articleKey: 'dir:elife-43154', stage: 'detect', subject: 'fig1', errorClass: 'Timeout', kind: 'transient', message: 'old', resolved: true, resolvedAt: new Date() },
  });

  queues = ['ingest', 'detect', 'align'].map((name) => new Queue(name, { connection: { url: config.REDIS_URL }, prefix }));
  await queues[0]!.add('article', { key: 'dir:waiting' });
  await queues[0]!.add('article', { key: 'dir:later' }, { delay: 3_600_000 });

  dashboard = await startDashboard({ config, queues, port: 0, host: '127.0.0.1', onError: () => {} });
});

afterAll(async () => {
  await dashboard?.close();
  for (const queue of queues ?? []) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await db?.$disconnect();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('dashboard over Postgres, s3rver and Redis', () => {
  it('binds where it was told and refuses a public address without credentials', async () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startDashboard({ config, port: 0, host: '0.0.0.0' })).rejects.toThrow(/DASHBOARD_USER/);
  });

  it('overview shows per-stage counts of articles and figures, the run, failure classes and queue counts', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/id="article-counts"[\s\S]*?<tr data-stage="ingest">[\s\S]*?data-status="done">8<\/td><td class="num" data-status="failed">0</);
    expect(page.text).toMatch(/id="figure-counts"[\s\S]*?<tr data-stage="ingest">[\s\S]*?data-status="done">25<\/td><td class="num" data-status="failed">1</);
    expect(page.text).toContain(`href="/runs/${RUN_ID}"`);
    expect(page.text).toContain('href="/failures?stage=ingest&amp;errorClass=CorruptImage"');
    expect(page.text).toMatch(/<tr data-queue="ingest">[\s\S]*?data-state="waiting">1<\/td>[\s\S]*?data-state="delayed">1<\/td>/);

    const { body } = await getJson('/api/overview');
    const counts = body.counts as { articles: Record<string, Record<string, number>>; figures: Record<string, Record<string, number>> };
    expect(counts.articles.ingest).toEqual({ pending: 0, done: 8, failed: 0, skipped: 0 });
    expect(counts.figures.ingest).toMatchObject({ done: 25, failed: 1 });
    const figureDetect = counts.figures.detect ?? {};
    expect(figureDetect.done).toBe(1);
    expect(Object.values(figureDetect).reduce((sum, n) => sum + n, 0)).toBe(26);
    expect(body.failureClasses).toEqual([
      { stage: 'detect', errorClass: 'Timeout', kind: 'transient', count: 1 },
      { stage: 'ingest', errorClass: 'CorruptImage', kind: 'permanent', count: 1 },
    ]);
    expect((body.queues as Array<{ name: string; counts: Record<string, number> }>).find((q) => q.name === 'ingest')?.counts).toMatchObject({ waiting: 1, delayed: 1 });
  });

  it('run page shows the run progress per stage and its failures by class', async () => {
    const page = await get(`/runs/${RUN_ID}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/id="run-stages"[\s\S]*?<tr data-stage="ingest">[\s\S]*?data-status="done">8</);
    expect(page.text).toContain('CorruptImage');
    const { body } = await getJson(`/api/runs/${RUN_ID}`);
    expect(body.run).toMatchObject({ id: RUN_ID, articles: 8, openFailures: 1, listed: 8 });
    expect((body.run as { stages: Record<string, Record<string, number>> }).stages.detect).toMatchObject({ pending: 8, done: 0 });
    expect((await get('/runs/no-such-run')).status).toBe(404);
  });

  it('failure ledger shows the row with its fields and the exact reprocess command for the filter', async () => {
    const page = await get('/failures?stage=ingest&errorClass=CorruptImage');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<pre class="cmd" id="reprocess">curator reprocess --failed --stage ingest --error-class CorruptImage</pre>');
    expect(page.text).toContain('href="/articles/dir%3Apone-corrupt"');
    expect(page.text).toContain('pone.0000010.g001.png');
    expect(page.text).toContain('dash-test');

    const { body } = await getJson(`/api/failures?stage=ingest&errorClass=CorruptImage&run=${RUN_ID}&since=1h`);
    expect(body.total).toBe(1);
    expect(body.reprocessCommand).toMatch(new RegExp(`^curator reprocess --failed --stage ingest --error-class CorruptImage --run ${RUN_ID} --since \\d{4}-`));
    expect(body.items).toEqual([
      expect.objectContaining({ articleKey: 'dir:pone-corrupt', stage: 'ingest', errorClass: 'CorruptImage', kind: 'permanent', attempt: 1, worker: 'dash-test', resolved: false }),
    ]);
    expect((await getJson('/api/failures?errorClass=MalformedXml')).body.total).toBe(0);

    // Unfiltered: both open failures, newest first, and the class breakdown of the selection.
    const open = await getJson('/api/failures');
    expect(open.body).toMatchObject({ total: 2, reprocessCommand: 'curator reprocess --failed' });
    expect((open.body.items as Array<{ errorClass: string }>).map((f) => f.errorClass)).toEqual(['Timeout', 'CorruptImage']);
    expect(open.body.classes).toEqual([
      { stage: 'detect', errorClass: 'Timeout', kind: 'transient', count: 1 },
      { stage: 'ingest', errorClass: 'CorruptImage', kind: 'permanent', count: 1 },
    ]);
    const detect = await get('/failures?stage=detect');
    expect(detect.text).toContain('<pre class="cmd" id="reprocess">curator reprocess --failed --stage detect</pre>');
    expect(detect.text).toContain('detector took &gt; 60 s');
    expect(detect.text).not.toContain('dir:pone-corrupt');
    expect((await getJson('/api/failures?stage=detect&resolved=all')).body.total).toBe(2);
    expect((await getJson(`/api/failures?run=${RUN_ID}`)).body.total).toBe(1);
    expect((await getJson('/api/failures?resolved=true')).body).toMatchObject({ total: 1, reprocessCommand: null });
    const second = await getJson('/api/failures?pageSize=1&page=2');
    expect(second.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect((second.body.items as Array<{ errorClass: string }>).map((f) => f.errorClass)).toEqual(['CorruptImage']);
    expect((await getJson('/api/failures?pageSize=1&page=3')).body).toMatchObject({ total: 2, items: [] });
  });

  it('answers 400 on bad query parameters', async () => {
    expect((await get('/failures?stage=bogus')).status).toBe(400);
    const bad = await getJson('/api/failures?since=someday&page=0');
    expect(bad.status).toBe(400);
    expect((bad.body.issues as Array<{ path: string }>).map((issue) => issue.path).sort()).toEqual(['page', 'since']);
    expect((await get('/api/pairs?minConfidence=7')).status).toBe(400);
  });

  it('article page shows metadata, escaped caption, image, boxes and pairs with crops', async () => {
    const page = await get(`/articles/${encodeURIComponent('dir:elife-46472')}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(HOSTILE);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; Cells &lt;b&gt;stained&lt;/b&gt; &amp; imaged.');
    expect(page.text).toContain('10.7554/eLife.46472');
    expect(page.text).toContain(`src="/objects/${normalizedKey}"`);
    expect(page.text).toMatch(/<div class="box" style="left:0\.000%;top:0\.000%;width:50\.\d+%;height:50\.\d+%"/);
    expect(page.text).toContain(`<img class="crop" src="/objects/${cropKey}"`);
    expect(page.text).toContain('<td>whole-caption</td>');

    const { body } = await getJson(`/api/articles/${encodeURIComponent('dir:elife-46472')}`);
    expect(body.article).toMatchObject({ key: 'dir:elife-46472', doi: '10.7554/eLife.46472', licenseGroup: 'comm' });
    expect(body.runIds).toEqual([RUN_ID]);
    const figures = body.figures as Array<{ subfigures: unknown[]; pairs: Array<{ label: string; cropKey: string | null }> }>;
    expect(figures).toHaveLength(8);
    expect(figures[0]!.subfigures).toHaveLength(2);
    expect(figures[0]!.pairs.map((pair) => [pair.label, pair.cropKey])).toEqual([
      ['A', cropKey],
      ['B', null],
    ]);
  });

  it('answers 404 on an unknown article', async () => {
    expect((await get('/articles/PMC0.1')).status).toBe(404);
    expect(await getJson('/api/articles/PMC0.1')).toEqual({ status: 404, body: { error: 'no article PMC0.1' } });
  });

  it('serves the real image bytes from the curated bucket', async () => {
    const image = await get(`/objects/${normalizedKey}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\/(jpeg|png)$/);
    expect(image.bytes.equals(Buffer.from(await store.get(normalizedKey)))).toBe(true);
    const crop = await get(`/objects/${cropKey}`);
    expect(crop.bytes.equals(Buffer.from(await store.get(cropKey)))).toBe(true);
    expect((await get('/objects/normalized/does-not-exist.jpg')).status).toBe(404);
    expect((await get('/objects/..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
  });

  it('browses pairs filtered by method and confidence', async () => {
    expect((await getJson('/api/pairs')).body.total).toBe(2);
    const confident = await getJson('/api/pairs?minConfidence=0.9');
    expect(confident.body.total).toBe(1);
    expect(confident.body.items).toEqual([expect.objectContaining({ label: 'A', method: 'whole-caption', cropKey, articleKey: 'dir:elife-46472' })]);
    expect((await getJson('/api/pairs?method=order')).body.total).toBe(1);
    expect((await getJson('/api/pairs?method=whole-caption')).body.total).toBe(1);
    const page = await get('/pairs?method=whole-caption');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(HOSTILE);
    expect(page.text).toContain(`src="/objects/${cropKey}"`);
  });

  it('exposes Prometheus metrics', async () => {
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = metrics.text.split('\n');
    expect(lines).toContain('pmc_curator_articles{stage="ingest",status="done"} 8');
    expect(lines).toContain('pmc_curator_figures{stage="ingest",status="failed"} 1');
    expect(lines).toContain('pmc_curator_failures{stage="ingest",error_class="CorruptImage",resolved="false"} 1');
    expect(lines).toContain('pmc_curator_failures{stage="detect",error_class="Timeout",resolved="true"} 1');
    expect(lines).toContain('pmc_curator_queue_jobs{queue="ingest",state="waiting"} 1');
    expect(lines).toContain('pmc_curator_queue_up{queue="align"} 1');
  });

  it('reports health of Postgres and Redis', async () => {
    expect(await getJson('/healthz')).toEqual({ status: 200, body: { ok: true, postgres: 'ok', redis: 'ok' } });
  });

  it('reports Redis down on /healthz with 503 and still serves the pages', async () => {
    const broken = await startDashboard({ config: { ...config, REDIS_URL: 'redis://127.0.0.1:1' }, port: 0, host: '127.0.0.1', db, store, onError: () => {} });
    try {
      const response = await fetch(`${broken.url}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ ok: false, postgres: 'ok', redis: expect.not.stringMatching(/^ok$/) });
      expect((await fetch(`${broken.url}/api/failures`)).status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it('asks for basic auth when credentials are configured', async () => {
    const secured = await startDashboard({
      config: { ...config, DASHBOARD_USER: 'curator', DASHBOARD_PASSWORD: 's3cret' },
      queues,
      port: 0,
      host: '127.0.0.1',
      db,
      store,
    });
    try {
      expect((await fetch(`${secured.url}/`)).status).toBe(401);
      expect((await fetch(`${secured.url}/queues/`)).status).toBe(401);
      expect((await fetch(`${secured.url}/healthz`)).status).toBe(200);
      const authorization = `Basic ${Buffer.from('curator:s3cret').toString('base64')}`;
      expect((await fetch(`${secured.url}/api/overview`, { headers: { authorization } })).status).toBe(200);
    } finally {
      await secured.close();
    }
  });

  it('serves bull-board at /queues with the stage queues', async () => {
    const ui = await get('/queues/');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/<div id="root">/);
    const api = await getJson('/queues/api/queues');
    const names = (api.body.queues as Array<{ name: string }>).map((queue) => queue.name).sort();
    expect(names).toEqual(['align', 'detect', 'ingest']);
  });
});
