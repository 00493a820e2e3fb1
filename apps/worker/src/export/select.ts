import type { Prisma } from '@prisma/client';
import { pairMethodOf, type Db } from '@pmc-curator/store/db';
import { articleWhere, figureUsableWhere } from '@pmc-curator/store/lifecycle';
import type { ExportIdentity } from './options.ts';

/**
 * The rows an export reads: usable figures of the run's usable articles, streamed with keyset pagination in
 * one stable order — (article key, figure JATS id, graphic index), then subfigure index inside a figure.
 * Only one page of figures (with their panels and pairs) is in memory at a time.
 */

const FIGURE_SELECT = {
  id: true,
  jatsId: true,
  graphicIndex: true,
  graphicHref: true,
  graphicHrefs: true,
  mediaName: true,
  label: true,
  caption: true,
  normalizedKey: true,
  sha256: true,
  width: true,
  height: true,
  article: {
    select: { key: true, pmcid: true, version: true, doi: true, licenseCode: true, licenseGroup: true, ingestVersion: true, detectVersion: true, alignVersion: true },
  },
  subfigures: {
    orderBy: { index: 'asc' },
    select: {
      index: true,
      x1: true,
      y1: true,
      x2: true,
      y2: true,
      labelText: true,
      method: true,
      modelVersion: true,
      detectVersion: true,
      cropKey: true,
      cropSha256: true,
      pair: { select: { label: true, text: true, method: true, confidence: true, alignVersion: true } },
    },
  },
} as const satisfies Prisma.FigureSelect;

export type FigureRow = Prisma.FigureGetPayload<{ select: typeof FIGURE_SELECT }>;
export type SubfigureRow = FigureRow['subfigures'][number];

/** The pair filters of the export (--min-confidence, --methods). */
function pairWhere(filters: ExportIdentity['filters']): Prisma.PairWhereInput {
  return {
    ...(filters.minConfidence !== null ? { confidence: { gte: filters.minConfidence } } : {}),
    ...(filters.methods ? { method: { in: filters.methods.map(pairMethodOf) } } : {}),
  };
}

/** A figure can give a whole-figure sample when it has no pairs or at most one panel (every subfigure index is 0). */
const wholeFigureEligibleWhere: Prisma.FigureWhereInput = { OR: [{ pairs: { none: {} } }, { subfigures: { every: { index: 0 } } }] };

/** Which figures an export reads. */
export function figureWhere(runId: string, filters: ExportIdentity['filters']): Prisma.FigureWhereInput {
  const article: Prisma.ArticleWhereInput = {
    AND: [articleWhere.inRun(runId), articleWhere.usable, ...(filters.license !== 'all' ? [{ licenseGroup: filters.license }] : [])],
  };
  const withPairs: Prisma.FigureWhereInput = { pairs: { some: pairWhere(filters) } };
  return {
    AND: [figureUsableWhere, { article }, filters.wholeFigures ? { OR: [withPairs, wholeFigureEligibleWhere] } : withPairs],
  };
}

interface FigureCursor {
  articleKey: string;
  jatsId: string;
  graphicIndex: number;
}

/** Rows strictly after the cursor in (article key, JATS id, graphic index) order. */
function afterCursor(cursor: FigureCursor): Prisma.FigureWhereInput {
  const { articleKey, jatsId, graphicIndex } = cursor;
  return {
    OR: [
      { article: { key: { gt: articleKey } } },
      { article: { key: articleKey }, jatsId: { gt: jatsId } },
      { article: { key: articleKey }, jatsId, graphicIndex: { gt: graphicIndex } },
    ],
  };
}

const FIGURE_ORDER = [{ article: { key: 'asc' } }, { jatsId: 'asc' }, { graphicIndex: 'asc' }] as const satisfies Prisma.FigureOrderByWithRelationInput[];

/** Streams the export's figures page by page; a page holds `pageSize` figures with their panels and pairs. */
export async function* streamFigures(db: Db, where: Prisma.FigureWhereInput, pageSize = 200): AsyncGenerator<FigureRow> {
  let cursor: FigureCursor | null = null;
  for (;;) {
    const page: FigureRow[] = await db.figure.findMany({
      where: cursor ? { AND: [where, afterCursor(cursor)] } : where,
      orderBy: [...FIGURE_ORDER],
      select: FIGURE_SELECT,
      take: pageSize,
    });
    for (const row of page) yield row;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    cursor = { articleKey: last.article.key, jatsId: last.jatsId, graphicIndex: last.graphicIndex };
  }
}

/** How many samples the export will look at, for the progress bar (before dedup and missing crops). */
export async function countCandidates(db: Db, runId: string, filters: ExportIdentity['filters']): Promise<number> {
  const where = figureWhere(runId, filters);
  const pairs = await db.pair.count({ where: { ...pairWhere(filters), figure: where } });
  const whole = filters.wholeFigures ? await db.figure.count({ where: { AND: [where, wholeFigureEligibleWhere] } }) : 0;
  return pairs + whole;
}

export interface RunRow {
  id: string;
  source: string;
  status: string;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The run to export: an id, or `latest` (the newest run). Errors say what to do next. */
export async function resolveRun(db: Db, run: string): Promise<RunRow> {
  const select = { id: true, source: true, status: true, createdAt: true, finishedAt: true } as const;
  if (run === 'latest') {
    const latest = await db.run.findFirst({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select });
    if (!latest) throw new Error('there are no runs yet; create one with curator enqueue (or curator run --sample), then export it');
    return latest;
  }
  const found = await db.run.findUnique({ where: { id: run }, select });
  if (!found) throw new Error(`no run ${run}; list runs with curator status --json, or use --run latest`);
  return found;
}
