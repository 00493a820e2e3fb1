import { alignMethodOf, type Db } from '@pmc-curator/store/db';
import type { ArticleDetail } from './types.ts';

/** One article with its figures, detected panels, subcaptions, pairs and ledger rows. */
export async function articleDetail(db: Db, key: string): Promise<ArticleDetail | null> {
  const found = await db.article.findUnique({
    where: { key },
    include: {
      runArticles: { select: { runId: true }, orderBy: { runId: 'asc' } },
      figures: {
        orderBy: [{ ordinal: 'asc' }, { jatsId: 'asc' }],
        include: {
          subfigures: { orderBy: { index: 'asc' } },
          subcaptions: { orderBy: { index: 'asc' } },
          pairs: { include: { subfigure: { select: { index: true, cropKey: true } } } },
        },
      },
    },
  });
  if (!found) return null;
  const failures = await db.failure.findMany({ where: { articleKey: key }, orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }] });
  const { runArticles, figures, ...article } = found;
  return {
    article,
    runIds: runArticles.map((row) => row.runId),
    failures,
    figures: figures.map((figure) => ({
      id: figure.id,
      jatsId: figure.jatsId,
      graphicIndex: figure.graphicIndex,
      graphicHref: figure.graphicHref,
      ordinal: figure.ordinal,
      label: figure.label,
      caption: figure.caption,
      imageKey: figure.imageKey,
      normalizedKey: figure.normalizedKey,
      width: figure.width,
      height: figure.height,
      format: figure.format,
      byteSize: figure.byteSize,
      ingestStatus: figure.ingestStatus,
      detectStatus: figure.detectStatus,
      detectMethod: figure.detectMethod,
      alignStatus: figure.alignStatus,
      subfigures: figure.subfigures.map((sub) => ({
        id: sub.id,
        index: sub.index,
        x1: sub.x1,
        y1: sub.y1,
        x2: sub.x2,
        y2: sub.y2,
        labelText: sub.labelText,
        score: sub.score,
        method: sub.method,
        modelVersion: sub.modelVersion,
        cropKey: sub.cropKey,
      })),
      subcaptions: figure.subcaptions.map((sub) => ({ index: sub.index, label: sub.label, text: sub.text, confidence: sub.confidence })),
      pairs: figure.pairs
        .map((pair) => ({
          id: pair.id,
          subfigureIndex: pair.subfigure.index,
          cropKey: pair.subfigure.cropKey,
          label: pair.label,
          text: pair.text,
          method: alignMethodOf(pair.method),
          confidence: pair.confidence,
        }))
        .sort((a, b) => a.subfigureIndex - b.subfigureIndex),
    })),
  };
}
