import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../packages/store/src/db/client.ts';
import { STAGE_VERSIONS } from '../../packages/store/src/queues/stage-versions.ts';
import { runAlignStage } from '../../apps/worker/src/stages/align.ts';
import { resetDatabase, testConfig, testDb } from '../support/servers.ts';

let db: Db;
const caption = 'Colony growth on agar. (A) Colonies after one day. (B) Colonies after five days. Scale bars, 1 mm.';

beforeAll(async () => {
  db = testDb(testConfig());
  await resetDatabase(db);
});

afterAll(async () => {
  await db.$disconnect();
});

describe('align stage: a <fig> delivered as two graphics (gr3a + gr3b), one panel each', () => {
  it('pairs each graphic with the label it shows, not both with A', async () => {
    const article = await db.article.create({ data: { key: 'PMC3.1', sourceKind: 'dir', sourceRef: 'x', ingestStatus: 'done', ingestVersion: STAGE_VERSIONS.ingest } });
    const rows = [];
    for (const [graphicIndex, href] of ['gr3a.jpg', 'gr3b.jpg'].entries()) {
      const figure = await db.figure.create({
        data: {
          articleId: article.id,
          jatsId: 'F3',
          graphicIndex,
          graphicHref: href,
          ordinal: graphicIndex,
          caption,
          ingestStatus: 'done',
          detectStatus: 'done',
          detectVersion: STAGE_VERSIONS.detect,
          subfigures: { create: { index: 0, x1: 0, y1: 0, x2: 400, y2: 300, score: 0.9, method: 'layout', modelVersion: 'test', detectVersion: STAGE_VERSIONS.detect } },
        },
      });
      rows.push(figure);
    }
    for (const figure of rows) {
      await runAlignStage(db, { articleKey: article.key, articleId: article.id, figureId: figure.id, figureKey: `F3.g${figure.graphicIndex}`, runId: null });
    }
    const pairs = await db.pair.findMany({ include: { figure: { select: { graphicIndex: true } } }, orderBy: { figure: { graphicIndex: 'asc' } } });
    expect(pairs.map((pair) => [pair.figure.graphicIndex, pair.label])).toEqual([
      [0, 'A'],
      [1, 'B'],
    ]);
    expect(pairs[1]!.text).toContain('five days');
    expect(pairs[1]!.text).toContain('Colony growth on agar');
  });
});
