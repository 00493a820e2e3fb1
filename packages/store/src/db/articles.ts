import type { ArticleFacts, IngestedFigure } from '@pmc-curator/pipeline/ingest';
import type { ArticleRef } from '@pmc-curator/pipeline/sources';
import type { Db } from './client.ts';

export interface StoredImageKeys {
  imageKey: string;
  normalizedKey: string;
}

function articleColumns(facts: ArticleFacts) {
  return {
    pmcid: facts.pmcid,
    version: facts.version,
    pmid: facts.pmid,
    doi: facts.doi,
    title: facts.title,
    licenseCode: facts.licenseCode,
    licenseGroup: facts.licenseGroup,
    retracted: facts.retracted,
  };
}

export interface PersistIngestInput {
  ref: ArticleRef;
  facts: ArticleFacts;
  figures: Array<{ ingested: IngestedFigure; keys: StoredImageKeys | null }>;
  ingestVersion: number;
  runId?: string | null;
}

/**
 * Writes an ingested article and its figure rows in one transaction, keyed by (article key) and
 * (article, JATS figure id, graphic index) — one row per graphic of a `<fig>` — so re-running it rewrites
 * the same rows and never adds new ones; rows whose (figure, graphic) is no longer produced are deleted.
 * Returns the article id.
 */
export async function persistIngestedArticle(db: Db, input: PersistIngestInput): Promise<string> {
  const { ref, facts } = input;
  return db.$transaction(async (tx) => {
    const article = await tx.article.upsert({
      where: { key: facts.key },
      create: {
        key: facts.key,
        sourceKind: ref.sourceKind,
        sourceRef: ref.location,
        ...articleColumns(facts),
        ingestStatus: 'done',
        ingestVersion: input.ingestVersion,
        figureCount: input.figures.length,
      },
      update: {
        sourceKind: ref.sourceKind,
        sourceRef: ref.location,
        ...articleColumns(facts),
        ingestStatus: 'done',
        ingestVersion: input.ingestVersion,
        skipReason: null,
        figureCount: input.figures.length,
      },
    });
    const rowKey = (jatsId: string, graphicIndex: number) => `${graphicIndex}\u0000${jatsId}`;
    const wanted = new Set(input.figures.map(({ ingested }) => rowKey(ingested.figure.id, ingested.graphicIndex)));
    const existing = await tx.figure.findMany({ where: { articleId: article.id }, select: { id: true, jatsId: true, graphicIndex: true, sha256: true } });
    const stale = existing.filter((row) => !wanted.has(rowKey(row.jatsId, row.graphicIndex))).map((row) => row.id);
    if (stale.length > 0) await tx.figure.deleteMany({ where: { id: { in: stale } } });
    const previousSha = new Map(existing.map((row) => [rowKey(row.jatsId, row.graphicIndex), row.sha256]));
    for (const { ingested, keys } of input.figures) {
      const { figure, image, graphicIndex } = ingested;
      const columns = {
        parentJatsId: figure.parentId,
        ordinal: ingested.ordinal,
        graphicHref: ingested.graphicHref,
        label: figure.label,
        caption: figure.caption,
        boldSpans: figure.boldSpans,
        graphicHrefs: figure.graphics,
        mediaName: ingested.mediaName,
        imageKey: keys?.imageKey ?? null,
        normalizedKey: keys?.normalizedKey ?? null,
        sha256: image?.sha256 ?? null,
        width: image?.width ?? null,
        height: image?.height ?? null,
        format: image?.format ?? null,
        byteSize: image?.original.byteLength ?? null,
        ingestStatus: image ? ('done' as const) : ('failed' as const),
      };
      // Downstream results stay valid while the image bytes are the same; new bytes send the figure back.
      const downstream = {
        detectStatus: image ? ('pending' as const) : ('skipped' as const),
        alignStatus: image ? ('pending' as const) : ('skipped' as const),
      };
      const key = rowKey(figure.id, graphicIndex);
      const unchangedImage = previousSha.has(key) && previousSha.get(key) === (image?.sha256 ?? null);
      await tx.figure.upsert({
        where: { articleId_jatsId_graphicIndex: { articleId: article.id, jatsId: figure.id, graphicIndex } },
        create: { articleId: article.id, jatsId: figure.id, graphicIndex, ...columns, ...downstream },
        update: unchangedImage ? columns : { ...columns, ...downstream },
      });
    }
    if (input.runId) {
      await tx.runArticle.upsert({
        where: { runId_articleId: { runId: input.runId, articleId: article.id } },
        create: { runId: input.runId, articleId: article.id },
        update: {},
      });
    }
    return article.id;
  });
}

/** Records an article that the filters excluded (licence, retraction): a row with a reason, no figures. */
export interface SkippedArticle {
  ref: ArticleRef;
  facts: ArticleFacts;
  reason: string;
  ingestVersion: number;
}

export async function persistSkippedArticle(db: Db, { ref, facts, reason, ingestVersion }: SkippedArticle): Promise<void> {
  const columns = { sourceKind: ref.sourceKind, sourceRef: ref.location, ...articleColumns(facts), ingestVersion, skipReason: reason };
  await db.article.upsert({
    where: { key: facts.key },
    create: { key: facts.key, ...columns, ingestStatus: 'skipped', detectStatus: 'skipped', alignStatus: 'skipped' },
    update: { ...columns, ingestStatus: 'skipped', detectStatus: 'skipped', alignStatus: 'skipped' },
  });
}

/** Records an article whose ingest failed permanently, so it shows up with a status even without facts. */
export async function markArticleFailed(db: Db, ref: ArticleRef, stage: 'ingest' | 'detect' | 'align'): Promise<void> {
  const status = { [`${stage}Status`]: 'failed' as const };
  await db.article.upsert({
    where: { key: ref.key },
    create: { key: ref.key, sourceKind: ref.sourceKind, sourceRef: ref.location, pmcid: ref.pmcid ?? null, version: ref.version ?? null, ...status },
    update: status,
  });
}
