import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, testConfig, testDb } from '../../../../test/support/servers.ts';
import type { Db } from './client.ts';
import { persistAlignment, persistDetection, type DetectionRecord } from './figures.ts';

let db: Db;
let figureId: string;

beforeAll(() => {
  db = testDb(testConfig());
});

beforeEach(async () => {
  await resetDatabase(db);
  const article = await db.article.create({ data: { key: 'PMC1.1', sourceKind: 'dir', sourceRef: 'x', ingestStatus: 'done' } });
  const figure = await db.figure.create({ data: { articleId: article.id, jatsId: 'F1', ordinal: 0, caption: '(A) left. (B) right.', ingestStatus: 'done' } });
  figureId = figure.id;
});

afterAll(async () => {
  await db.$disconnect();
});

function detection(panels: number, method = 'layout'): DetectionRecord {
  return {
    figureId,
    method,
    modelVersion: 'layout@test',
    detectVersion: 2,
    subfigures: Array.from({ length: panels }, (_, index) => ({
      index,
      box: [index * 10, 0, index * 10 + 9, 9] as [number, number, number, number],
      labelText: String.fromCharCode(65 + index),
      labelBox: index === 0 ? ([1, 1, 3, 3] as [number, number, number, number]) : null,
      score: 0.9,
      cropKey: `crops/${index}.jpg`,
      cropSha256: `sha-${index}`,
    })),
  };
}

async function align(methods: Array<'label' | 'whole-caption'>) {
  const subfigures = await db.subfigure.findMany({ where: { figureId }, orderBy: { index: 'asc' } });
  await persistAlignment(db, {
    figureId,
    alignVersion: 2,
    sharedCaption: null,
    subcaptions: [
      { index: 0, label: 'A', text: 'left.', confidence: 0.9 },
      { index: 1, label: 'B', text: 'right.', confidence: 0.9 },
    ],
    pairs: subfigures.map((sub, i) => ({ subfigureId: sub.id, label: i < 2 ? 'AB'[i]! : null, text: `panel ${i}`, method: methods[i] ?? 'label', confidence: 0.8 })),
  });
}

describe('persistDetection', () => {
  it('replaces the subfigures of a figure; persisting twice leaves one set', async () => {
    await persistDetection(db, detection(3));
    await persistDetection(db, detection(3));
    expect(await db.subfigure.count({ where: { figureId } })).toBe(3);
    await persistDetection(db, detection(2, 'onnx-yolo'));
    const rows = await db.subfigure.findMany({ where: { figureId }, orderBy: { index: 'asc' } });
    expect(rows.map((row) => [row.index, row.method, row.x1])).toEqual([
      [0, 'onnx-yolo', 0],
      [1, 'onnx-yolo', 10],
    ]);
    expect(rows[0]!.labelBox).toEqual([1, 1, 3, 3]);
    expect(rows[1]!.labelBox).toBeNull();
    const figure = await db.figure.findUniqueOrThrow({ where: { id: figureId } });
    expect(figure).toMatchObject({ detectStatus: 'done', detectVersion: 2, detectMethod: 'onnx-yolo', alignStatus: 'pending' });
  });

  it('drops the pairs of the replaced subfigures (cascade) and sends the figure back to align', async () => {
    await persistDetection(db, detection(2));
    await align(['label', 'label']);
    expect(await db.pair.count({ where: { figureId } })).toBe(2);
    await persistDetection(db, detection(2));
    expect(await db.pair.count({ where: { figureId } })).toBe(0);
    expect((await db.figure.findUniqueOrThrow({ where: { id: figureId } })).alignStatus).toBe('pending');
  });

  it('with unlessDoneAt, a late writer (its job taken over) leaves a figure done at that version, and its pairs, alone', async () => {
    expect(await persistDetection(db, detection(2), { unlessDoneAt: 2 })).toBe(true);
    await align(['label', 'label']);
    const late = detection(3, 'onnx-yolo');
    expect(await persistDetection(db, late, { unlessDoneAt: 2 })).toBe(false);
    expect(await db.subfigure.count({ where: { figureId } })).toBe(2);
    expect(await db.pair.count({ where: { figureId } })).toBe(2);
    expect(await db.figure.findUniqueOrThrow({ where: { id: figureId } })).toMatchObject({ detectMethod: 'layout', alignStatus: 'done' });
    // Done at an older version: written as usual.
    await db.figure.update({ where: { id: figureId }, data: { detectVersion: 1 } });
    expect(await persistDetection(db, late, { unlessDoneAt: 2 })).toBe(true);
    expect(await db.subfigure.count({ where: { figureId } })).toBe(3);
  });

  it('with unlessDoneAt, of two concurrent writers exactly one writes', async () => {
    const results = await Promise.all([persistDetection(db, detection(2), { unlessDoneAt: 2 }), persistDetection(db, detection(3), { unlessDoneAt: 2 })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await db.subfigure.count({ where: { figureId } })).toBe(results[0] ? 2 : 3);
  });

  it('is one transaction: a record that cannot be written leaves the previous rows', async () => {
    await persistDetection(db, detection(2));
    const broken = detection(2);
    broken.subfigures[1]!.index = 0; // unique (figureId, index)
    await expect(persistDetection(db, broken)).rejects.toThrow();
    const rows = await db.subfigure.findMany({ where: { figureId }, orderBy: { index: 'asc' } });
    expect(rows.map((row) => row.index)).toEqual([0, 1]);
  });
});

describe('persistAlignment', () => {
  it('replaces subcaptions and pairs; persisting twice leaves one set, linked by label', async () => {
    await persistDetection(db, detection(3));
    await align(['label', 'whole-caption', 'label']);
    await align(['label', 'whole-caption', 'label']);
    expect(await db.subcaption.count({ where: { figureId } })).toBe(2);
    const pairs = await db.pair.findMany({ where: { figureId }, include: { subcaption: true, subfigure: true }, orderBy: { subfigure: { index: 'asc' } } });
    expect(pairs.map((pair) => [pair.subfigure.index, pair.label, pair.subcaption?.label ?? null, pair.method])).toEqual([
      [0, 'A', 'A', 'label'],
      [1, 'B', 'B', 'whole_caption'],
      [2, null, null, 'label'],
    ]);
    const figure = await db.figure.findUniqueOrThrow({ where: { id: figureId } });
    expect(figure).toMatchObject({ alignStatus: 'done', alignVersion: 2 });
  });

  it('stores the aligner\'s spelling of a method (whole-caption), as raw SQL and exports see it', async () => {
    await persistDetection(db, detection(2));
    await align(['whole-caption', 'label']);
    const rows = await db.$queryRaw<Array<{ method: string }>>`SELECT "method"::text AS method FROM "Pair" ORDER BY "method"::text`;
    expect(rows.map((row) => row.method)).toEqual(['label', 'whole-caption']);
  });

  it('is one transaction: a pair for a missing subfigure leaves the previous alignment', async () => {
    await persistDetection(db, detection(2));
    await align(['label', 'label']);
    await expect(
      persistAlignment(db, { figureId, alignVersion: 3, sharedCaption: null, subcaptions: [], pairs: [{ subfigureId: 'no-such-subfigure', label: null, text: 't', method: 'order', confidence: 0.1 }] }),
    ).rejects.toThrow();
    expect(await db.subcaption.count({ where: { figureId } })).toBe(2);
    expect(await db.pair.count({ where: { figureId } })).toBe(2);
    expect((await db.figure.findUniqueOrThrow({ where: { id: figureId } })).alignVersion).toBe(2);
  });
});
