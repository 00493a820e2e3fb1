import { performance } from 'node:perf_hooks';
import { classifyError, type CurationError } from '@pmc-curator/pipeline/errors';
import { contentTypeOf, normalizedKey, originalKey } from '@pmc-curator/pipeline/images';
import { INGEST_VERSION, ingestArticle, type IngestOptions } from '@pmc-curator/pipeline/ingest';
import type { ArticleRef, ArticleSource } from '@pmc-curator/pipeline/sources';
import {
  type Db,
  markArticleFailed,
  persistIngestedArticle,
  persistSkippedArticle,
  type StoredImageKeys,
  recordFailure,
  resolveFailures,
} from '@pmc-curator/store/db';
import { exclusionReason, ingestFilters } from '@pmc-curator/store/lifecycle';
import type { ObjectStore } from '@pmc-curator/store/storage';

export interface IngestStageDeps {
  db: Db;
  store: ObjectStore;
  source: ArticleSource;
  options: IngestOptions;
  worker?: string;
}

export interface IngestStageInput {
  ref: ArticleRef;
  runId?: string | null;
  attempt?: number;
  /** Re-ingest even when the article is already done at the current ingest version. */
  force?: boolean;
}

export type IngestOutcome =
  | { status: 'unchanged'; articleKey: string }
  | { status: 'skipped'; articleKey: string; reason: string }
  | { status: 'failed'; articleKey: string; error: CurationError }
  | {
      status: 'ingested';
      articleKey: string;
      articleId: string;
      figures: number;
      images: number;
      objectsWritten: number;
      failures: CurationError[];
      timings: { parseMs: number; fetchMs: number; imageMs: number; storeMs: number; dbMs: number };
    };

/**
 * Ingests one article: source → pipeline → S3 (content-addressed) → Postgres (upserts) → ledger.
 * Permanent errors are recorded and returned; transient ones are thrown for the caller to retry.
 */
export async function runIngestStage(deps: IngestStageDeps, input: IngestStageInput): Promise<IngestOutcome> {
  const { db, store } = deps;
  let articleKey = input.ref.key;
  const ledger = { stage: 'ingest' as const, attempt: input.attempt ?? 1, worker: deps.worker ?? null, runId: input.runId ?? null };
  if (!input.force) {
    const existing = await db.article.findUnique({ where: { key: articleKey }, select: { ingestStatus: true, ingestVersion: true, licenseGroup: true, retracted: true } });
    // An exclusion is a decision of the run that made it: this run's filters may admit the article.
    const excludedHere = existing?.ingestStatus === 'skipped' && exclusionReason(existing, ingestFilters(deps.options)) !== null;
    if (existing && existing.ingestVersion === INGEST_VERSION && (existing.ingestStatus === 'done' || excludedHere)) {
      return { status: 'unchanged', articleKey };
    }
  }
  try {
    const bundle = await deps.source.open(input.ref);
    const ref = bundle.ref;
    articleKey = ref.key;
    const result = await ingestArticle(bundle, deps.options);
    if (result.status === 'skipped') {
      await persistSkippedArticle(db, { ref, facts: result.article, reason: result.reason, ingestVersion: INGEST_VERSION });
      await resolveFailures(db, articleKey, 'ingest');
      return { status: 'skipped', articleKey, reason: result.reason };
    }
    const storeStart = performance.now();
    let objectsWritten = 0;
    const figures: Array<{ ingested: (typeof result.figures)[number]; keys: StoredImageKeys | null }> = [];
    for (const ingested of result.figures) {
      const { image } = ingested;
      if (!image) {
        figures.push({ ingested, keys: null });
        continue;
      }
      const keys = { imageKey: originalKey(image.sha256, image.format), normalizedKey: normalizedKey(image.sha256, image.normalized.format) };
      if (await store.putIfAbsent(keys.imageKey, image.original, contentTypeOf(image.format))) objectsWritten += 1;
      if (await store.putIfAbsent(keys.normalizedKey, image.normalized.bytes, contentTypeOf(image.normalized.format))) objectsWritten += 1;
      figures.push({ ingested, keys });
    }
    const storeMs = performance.now() - storeStart;
    const dbStart = performance.now();
    const articleId = await persistIngestedArticle(db, { ref, facts: result.article, figures, ingestVersion: INGEST_VERSION, runId: input.runId ?? null });
    for (const failure of result.failures) {
      // The subject names the graphic when a fig has several ("fig3/gr3b"); figureJatsId stays the fig's id.
      await recordFailure(db, { ...ledger, articleKey, subject: failure.subject ?? '', figureJatsId: failure.figureId, error: failure });
    }
    await resolveFailures(db, articleKey, 'ingest', result.failures.map((failure) => failure.subject ?? ''));
    return {
      status: 'ingested',
      articleKey,
      articleId,
      figures: figures.length,
      images: figures.filter((figure) => figure.keys).length,
      objectsWritten,
      failures: result.failures,
      timings: { ...result.timings, storeMs, dbMs: performance.now() - dbStart },
    };
  } catch (error) {
    const classified = classifyError(error);
    if (!classified.permanent) throw classified;
    await recordFailure(db, { ...ledger, articleKey, error: classified });
    await markArticleFailed(db, { ...input.ref, key: articleKey }, 'ingest');
    return { status: 'failed', articleKey, error: classified };
  }
}

/** Records a transient error that ran out of retries. */
export async function recordExhaustedIngest(
  db: Db,
  ref: ArticleRef,
  failure: { error: CurationError; attempt: number; runId?: string | null | undefined },
): Promise<void> {
  await recordFailure(db, { articleKey: ref.key, stage: 'ingest', error: failure.error, attempt: failure.attempt, runId: failure.runId ?? null });
  await markArticleFailed(db, ref, 'ingest');
}
