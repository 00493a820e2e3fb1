import { copyFile, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectorySource } from '../../packages/pipeline/src/sources/index.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { ingestDirect } from '../../apps/worker/src/ingest-runner.ts';
import type { Runtime } from '../../apps/worker/src/runtime.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { listAll, resetDatabase, testConfig, testDb, testStore } from '../support/servers.ts';

// A real article (Tropical Medicine and Health, CC BY; test/fixtures/jats/LICENSES.md): its 16 figures have
// one <graphic> each, except Figures 13 and 14, which have two (tmh-42-2-suppl_033-g013-1 + -2, g014-1 + -2).
// The images are generated here (the article's own images are not in the fixtures), one distinct JPEG per graphic.
const XML = path.resolve(import.meta.dirname, '../fixtures/jats/PMC4204058.fulltext.xml');
const graphic = (n: string) => `tmh-42-2-suppl_033-g${n}`;
const GRAPHICS = [...Array.from({ length: 16 }, (_, i) => String(i + 1).padStart(3, '0')).flatMap((n) => (n === '013' || n === '014' ? [`${n}-1`, `${n}-2`] : [n]))];
const MISSING = graphic('014-2');

let db: Db;
let store: S3ObjectStore;
let runtime: Runtime;
let root: string;
let folder: string;

function ingest(force = false) {
  return ingestDirect(runtime, { source: new DirectorySource({ root }), ingest: { licenseGroups: ['comm'] }, force });
}

async function rows() {
  return db.figure.findMany({
    where: { article: { key: 'PMC4204058.1' } },
    orderBy: { ordinal: 'asc' },
    omit: { updatedAt: true },
  });
}

async function ledger() {
  return db.failure.findMany({ where: { articleKey: 'PMC4204058.1' }, orderBy: { subject: 'asc' }, omit: { lastSeenAt: true } });
}

beforeAll(async () => {
  const config = testConfig();
  db = testDb(config);
  await resetDatabase(db);
  store = await testStore(config);
  runtime = { config, db, store, workerName: 'test', close: async () => {} };
  root = await mkdtemp(path.join(os.tmpdir(), 'graphics-'));
  folder = path.join(root, 'tmh');
  await mkdir(folder);
  await copyFile(XML, path.join(folder, 'PMC4204058.fulltext.xml'));
  // PMC metadata without a licence: the article's own <license> (CC BY) decides, so it is not skipped.
  await writeFile(path.join(folder, 'PMC4204058.1.json'), JSON.stringify({ pmcid: 'PMC4204058', version: 1, doi: '10.2149/tmh.2014-S05', license_code: '' }));
  for (const [i, name] of GRAPHICS.entries()) {
    if (name === '014-2') continue;
    const jpeg = await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: i * 15, g: 255 - i * 15, b: 128 } } }).jpeg().toBuffer();
    await writeFile(path.join(folder, `${graphic(name)}.jpg`), jpeg);
  }
});

afterAll(async () => {
  await db.$disconnect();
  await rm(root, { recursive: true, force: true });
});

describe('a fig with several graphics is several Figure rows', () => {
  it('stores one row per graphic with its own image, and a ledger row for the graphic whose file is missing', async () => {
    const summary = await ingest();
    expect(summary).toMatchObject({ articles: 1, ingested: 1, failedArticles: 0, figures: 17, images: 17, failuresByClass: { MissingImage: 1 } });
    const article = await db.article.findUniqueOrThrow({ where: { key: 'PMC4204058.1' } });
    expect(article).toMatchObject({ licenseCode: 'CC BY', licenseGroup: 'comm', figureCount: 17, ingestStatus: 'done' });

    const figures = await rows();
    expect(figures.map((f) => f.ordinal)).toEqual(Array.from({ length: 17 }, (_, i) => i));
    const f13 = figures.filter((f) => f.jatsId === 'F13');
    expect(f13.map((f) => [f.graphicIndex, f.graphicHref, f.mediaName, f.ingestStatus, f.detectStatus])).toEqual([
      [0, graphic('013-1'), `${graphic('013-1')}.jpg`, 'done', 'pending'],
      [1, graphic('013-2'), `${graphic('013-2')}.jpg`, 'done', 'pending'],
    ]);
    expect(f13[0]!.sha256).not.toBe(f13[1]!.sha256);
    expect(f13.every((f) => f.caption === 'Local team' && f.graphicHrefs.length === 2)).toBe(true);
    for (const f of f13) {
      expect(await store.exists(f.imageKey!)).toBe(true);
      expect(await store.exists(f.normalizedKey!)).toBe(true);
    }
    const f14 = figures.filter((f) => f.jatsId === 'F14');
    expect(f14.map((f) => [f.graphicIndex, f.graphicHref, f.ingestStatus])).toEqual([[0, graphic('014-1'), 'done']]);
    expect(figures.find((f) => f.jatsId === 'F1')).toMatchObject({ graphicIndex: 0, graphicHref: graphic('001') });

    expect((await ledger()).map((f) => [f.stage, f.subject, f.figureJatsId, f.errorClass, f.kind, f.resolved])).toEqual([
      ['ingest', `F14/${MISSING}`, 'F14', 'MissingImage', 'permanent', false],
    ]);
  });

  it('re-ingests idempotently: the same rows, no duplicates, downstream results kept', async () => {
    const second = (await rows()).find((f) => f.jatsId === 'F13' && f.graphicIndex === 1)!;
    await db.figure.update({ where: { id: second.id }, data: { detectStatus: 'done', detectVersion: 1 } });
    const before = { figures: await rows(), ledger: await ledger(), objects: await listAll(store) };
    // (Not "unchanged": a folder with PMC metadata is keyed by its PMCID only once opened, so it is ingested again.)
    expect(await ingest()).toMatchObject({ failedArticles: 0, objectsWritten: 0 });
    const forced = await ingest(true);
    expect(forced).toMatchObject({ ingested: 1, figures: 17, objectsWritten: 0 });
    expect({ figures: await rows(), ledger: await ledger(), objects: await listAll(store) }).toEqual(before);
    expect(await db.figure.count()).toBe(17);
  });

  it('adds the row when the missing file appears and drops the row when a graphic goes away', async () => {
    const kept = await rows();
    const jpeg = await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 1, g: 2, b: 3 } } }).jpeg().toBuffer();
    await writeFile(path.join(folder, `${MISSING}.jpg`), jpeg);
    expect(await ingest(true)).toMatchObject({ figures: 18, images: 18, failuresByClass: {} });
    let figures = await rows();
    expect(figures.filter((f) => f.jatsId === 'F14').map((f) => [f.graphicIndex, f.graphicHref])).toEqual([
      [0, graphic('014-1')],
      [1, MISSING],
    ]);
    expect(figures.map((f) => f.ordinal)).toEqual(Array.from({ length: 18 }, (_, i) => i));
    // Rows that were there keep their identity (and so their detect / align results).
    const ids = new Map(figures.map((f) => [`${f.jatsId}#${f.graphicIndex}`, f.id]));
    for (const f of kept) expect(ids.get(`${f.jatsId}#${f.graphicIndex}`)).toBe(f.id);
    expect((await ledger()).every((f) => f.resolved)).toBe(true);

    await unlink(path.join(folder, `${graphic('013-2')}.jpg`));
    expect(await ingest(true)).toMatchObject({ figures: 17, failuresByClass: { MissingImage: 1 } });
    figures = await rows();
    expect(figures.filter((f) => f.jatsId === 'F13').map((f) => f.graphicIndex)).toEqual([0]);
    expect(await db.figure.count()).toBe(17);
    expect((await ledger()).filter((f) => !f.resolved).map((f) => f.subject)).toEqual([`F13/${graphic('013-2')}`]);
  });
});
