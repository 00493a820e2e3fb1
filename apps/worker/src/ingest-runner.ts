import pLimit from 'p-limit';
import { classifyError } from '@pmc-curator/pipeline/errors';
import type { IngestOptions } from '@pmc-curator/pipeline/ingest';
import type { ArticleRef, ArticleSource } from '@pmc-curator/pipeline/sources';
import { withTransientRetries } from './cli/support/retry.ts';
import type { Runtime } from './runtime.ts';
import { settleArticle } from '@pmc-curator/store/lifecycle';
import { recordExhaustedIngest, runIngestStage, type IngestOutcome } from './stages/ingest.ts';

export interface DirectIngestOptions {
  source: ArticleSource;
  ingest: IngestOptions;
  limit?: number;
  since?: Date;
  /** Articles in flight at once. @defaultValue 2 */
  concurrency?: number;
  force?: boolean;
  runId?: string | null;
  retries?: number;
  onListed?: (count: number) => void;
  onArticle?: (outcome: IngestOutcome) => void;
}

export interface IngestSummary {
  articles: number;
  ingested: number;
  unchanged: number;
  skipped: number;
  failedArticles: number;
  figures: number;
  images: number;
  objectsWritten: number;
  failuresByClass: Record<string, number>;
  seconds: number;
  timingsMs: { parse: number; fetch: number; image: number; store: number; db: number };
}

/** Ingests articles straight from a source, without queues (used by `curator ingest` and benchmarks). */
export async function ingestDirect(runtime: Runtime, options: DirectIngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const refs: ArticleRef[] = [];
  for await (const ref of options.source.list({
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.since ? { since: options.since } : {}),
  })) {
    refs.push(ref);
  }
  options.onListed?.(refs.length);
  const summary: IngestSummary = {
    articles: refs.length,
    ingested: 0,
    unchanged: 0,
    skipped: 0,
    failedArticles: 0,
    figures: 0,
    images: 0,
    objectsWritten: 0,
    failuresByClass: {},
    seconds: 0,
    timingsMs: { parse: 0, fetch: 0, image: 0, store: 0, db: 0 },
  };
  const deps = { db: runtime.db, store: runtime.store, source: options.source, options: options.ingest, worker: runtime.workerName };
  const limit = pLimit(options.concurrency ?? 2);
  const count = (errorClass: string) => {
    summary.failuresByClass[errorClass] = (summary.failuresByClass[errorClass] ?? 0) + 1;
  };
  await Promise.all(
    refs.map((ref) =>
      limit(async () => {
        let outcome: IngestOutcome;
        let attempts = 0;
        try {
          outcome = await withTransientRetries(
            (attempt) => {
              attempts = attempt;
              return runIngestStage(deps, { ref, attempt, runId: options.runId ?? null, force: options.force ?? false });
            },
            { retries: options.retries ?? 4 },
          );
        } catch (error) {
          const classified = classifyError(error);
          await recordExhaustedIngest(runtime.db, ref, { error: classified, attempt: attempts, runId: options.runId });
          outcome = { status: 'failed', articleKey: ref.key, error: classified };
        }
        if (outcome.status === 'ingested') {
          summary.ingested += 1;
          summary.figures += outcome.figures;
          summary.images += outcome.images;
          summary.objectsWritten += outcome.objectsWritten;
          for (const failure of outcome.failures) count(failure.errorClass);
          summary.timingsMs.parse += outcome.timings.parseMs;
          summary.timingsMs.fetch += outcome.timings.fetchMs;
          summary.timingsMs.image += outcome.timings.imageMs;
          summary.timingsMs.store += outcome.timings.storeMs;
          summary.timingsMs.db += outcome.timings.dbMs;
        } else if (outcome.status === 'unchanged') summary.unchanged += 1;
        else if (outcome.status === 'skipped') {
          summary.skipped += 1;
          await settleArticle(runtime.db, outcome.articleKey, 'excluded');
        } else {
          await settleArticle(runtime.db, outcome.articleKey, 'failed');
          summary.failedArticles += 1;
          count(outcome.error.errorClass);
        }
        options.onArticle?.(outcome);
      }),
    ),
  );
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

export function formatIngestSummary(summary: IngestSummary): string {
  const failures = Object.entries(summary.failuresByClass)
    .sort((a, b) => b[1] - a[1])
    .map(([errorClass, n]) => `${errorClass}=${n}`)
    .join(', ');
  const perSecond = (n: number) => (summary.seconds > 0 ? (n / summary.seconds).toFixed(2) : '0');
  const t = summary.timingsMs;
  return [
    `articles ${summary.articles}: ingested ${summary.ingested}, unchanged ${summary.unchanged}, skipped ${summary.skipped}, failed ${summary.failedArticles}`,
    `figures ${summary.figures}, images ${summary.images}, objects written ${summary.objectsWritten}`,
    `failures by class: ${failures || 'none'}`,
    `time ${summary.seconds.toFixed(2)} s: ${perSecond(summary.ingested + summary.unchanged)} articles/s, ${perSecond(summary.figures)} figures/s`,
    `time split (summed over workers): xml parse ${(t.parse / 1000).toFixed(2)} s, media fetch ${(t.fetch / 1000).toFixed(2)} s, image decode ${(t.image / 1000).toFixed(2)} s, s3 writes ${(t.store / 1000).toFixed(2)} s, db ${(t.db / 1000).toFixed(2)} s`,
  ].join('\n');
}
