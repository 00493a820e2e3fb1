import type { Prisma } from '@prisma/client';
import { alignMethodOf, pairMethodOf, type AlignMethod, type Db } from '@pmc-curator/store/db';
import type { Page, PairFilter, PairListItem } from './types.ts';

export async function listPairs(db: Db, filter: PairFilter): Promise<Page<PairListItem>> {
  const where: Prisma.PairWhereInput = {
    ...(filter.method ? { method: pairMethodOf(filter.method) } : {}),
    ...(filter.minConfidence !== undefined ? { confidence: { gte: filter.minConfidence } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.pair.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: (filter.page - 1) * filter.pageSize,
      take: filter.pageSize,
      include: {
        subfigure: { select: { cropKey: true, x1: true, y1: true, x2: true, y2: true } },
        figure: { select: { label: true, jatsId: true, article: { select: { key: true, title: true } } } },
      },
    }),
    db.pair.count({ where }),
  ]);
  const items = rows.map((row) => ({
    id: row.id,
    articleKey: row.figure.article.key,
    articleTitle: row.figure.article.title,
    figureLabel: row.figure.label,
    figureJatsId: row.figure.jatsId,
    cropKey: row.subfigure.cropKey,
    box: { x1: row.subfigure.x1, y1: row.subfigure.y1, x2: row.subfigure.x2, y2: row.subfigure.y2 },
    label: row.label,
    text: row.text,
    method: alignMethodOf(row.method),
    confidence: row.confidence,
    createdAt: row.createdAt,
  }));
  return { items, total, page: filter.page, pageSize: filter.pageSize };
}

/** The distinct pair methods, for the filter form, by name (Postgres orders an enum by declaration). */
export async function pairMethods(db: Db): Promise<AlignMethod[]> {
  const rows = await db.pair.groupBy({ by: ['method'] });
  return rows.map((row) => alignMethodOf(row.method)).sort();
}
