import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { collectGarbage } from '../../apps/worker/src/run/gc.ts';
import type { S3ObjectStore } from '../../packages/store/src/storage/object-store.ts';
import { listAll, resetDatabase, testConfig, testDb, testStore } from '../support/servers.ts';

let config: Config;
let db: Db;
let store: S3ObjectStore;
const bytes = (text: string) => new TextEncoder().encode(text);

beforeAll(async () => {
  config = testConfig();
  db = testDb(config);
  await resetDatabase(db);
  store = await testStore(config);
  const article = await db.article.create({ data: { key: 'PMC7.1', sourceKind: 'dir', sourceRef: 'x' } });
  const figure = await db.figure.create({
    data: { articleId: article.id, jatsId: 'F1', ordinal: 0, caption: '', imageKey: 'originals/kept.png', normalizedKey: 'normalized/kept.jpg' },
  });
  await db.subfigure.create({ data: { figureId: figure.id, index: 0, x1: 0, y1: 0, x2: 1, y2: 1, score: 1, method: 'layout', modelVersion: 'm', detectVersion: 1, cropKey: 'crops/kept.png' } });
  for (const key of ['originals/kept.png', 'normalized/kept.jpg', 'crops/kept.png', 'originals/orphan.png', 'normalized/orphan.jpg', 'crops/orphan-a.png', 'crops/orphan-b.png']) {
    await store.putIfAbsent(key, bytes(key), 'application/octet-stream');
  }
  await store.putIfAbsent('source/other.xml', bytes('not curated'), 'application/xml');
});

afterAll(async () => {
  await db.$disconnect();
});

describe('curator gc', () => {
  it('keeps unreferenced objects younger than the grace period (a job may still commit its rows)', async () => {
    expect(await collectGarbage(db, store, { olderThanMs: 3_600_000 })).toMatchObject({ scanned: 7, referenced: 3, young: 4, deleted: 0 });
  });

  it('reports in a dry run, then deletes exactly the objects no row points at, and nothing on a second run', async () => {
    const dry = await collectGarbage(db, store, { olderThanMs: 0, dryRun: true, batchSize: 2 });
    expect(dry).toMatchObject({ scanned: 7, referenced: 3, deleted: 4 });
    expect(await listAll(store, 'crops/')).toHaveLength(3);
    const report = await collectGarbage(db, store, { olderThanMs: 0, batchSize: 2 });
    expect(report.sample.sort()).toEqual(['crops/orphan-a.png', 'crops/orphan-b.png', 'normalized/orphan.jpg', 'originals/orphan.png']);
    expect(report.byPrefix['crops/']).toEqual({ scanned: 3, deleted: 2 });
    expect(await listAll(store)).toEqual(['crops/kept.png', 'normalized/kept.jpg', 'originals/kept.png', 'source/other.xml']);
    expect(await collectGarbage(db, store, { olderThanMs: 0 })).toMatchObject({ scanned: 3, deleted: 0 });
  });
});
