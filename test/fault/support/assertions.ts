import { expect } from 'vitest';
import type { Db } from '../../../packages/store/src/db/client.ts';
import type { S3ObjectStore } from '../../../packages/store/src/storage/object-store.ts';
import { curatedCounts, objectAccounting } from './harness.ts';

/**
 * The rows of a run that curated every article exactly once: all articles and figures there and done, no open
 * failure, one pair per subfigure, one crop object per distinct crop.
 */
export async function expectCuratedOnce(db: Db, store: S3ObjectStore, expected: { articles: number; figures: number }): Promise<void> {
  const counts = await curatedCounts(db, store);
  expect(counts).toMatchObject({ articles: expected.articles, doneArticles: expected.articles, figures: expected.figures, detectedFigures: expected.figures, failures: 0 });
  expect(counts.pairs).toBe(counts.subfigures);
  expect(counts.crops).toBe(counts.distinctCropShas);
}

/** Every stored original, normalised copy and crop has a row pointing at it, and every row's key has its object. */
export async function expectNoOrphanObjects(db: Db, store: S3ObjectStore): Promise<void> {
  const objects = await objectAccounting(db, store);
  expect(objects.orphans).toEqual([]);
  expect(objects.dangling).toEqual([]);
}
