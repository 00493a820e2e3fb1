import type { ArticleRef, ArticleSource } from '@pmc-curator/pipeline/sources';
import type { Config } from '../config.ts';
import { type Db, linkRunMembers } from '@pmc-curator/store/db';
import { ingestJob, refToData, type QueueSet, removeStaleFinishedJobs } from '@pmc-curator/store/queues';
import type { SourceSpec } from '../sources.ts';
import { isArticleComplete, markRunListed, reopenArticles } from '@pmc-curator/store/lifecycle';
import { createRun, type RunFilters } from './runs.ts';

export interface EnqueueOptions {
  source: ArticleSource;
  spec: SourceSpec;
  filters: RunFilters;
  /** Use this run id instead of a new one. */
  runId?: string;
  /** Articles per addBulk call and per "already complete?" query. @defaultValue 1000 */
  chunkSize?: number;
  onProgress?: (progress: { listed: number; enqueued: number; skipped: number }) => void;
}

export interface EnqueueSummary {
  runId: string;
  listed: number;
  enqueued: number;
  skipped: number;
  seconds: number;
}

/** Adds ingest jobs for refs in one addBulk; ids are content-derived, so refs already queued are no-ops. */
export async function addIngestJobs(queues: QueueSet, config: Config, refs: ArticleRef[], runId: string | null): Promise<void> {
  if (refs.length === 0) return;
  const jobs = refs.map((ref) => ingestJob(config, { ref: refToData(ref), runId }));
  await removeStaleFinishedJobs(queues.queues.ingest, queues.connection, jobs.map((job) => job.opts.jobId as string));
  await queues.queues.ingest.addBulk(jobs);
}

/**
 * Creates a run and enqueues its articles in chunks: per chunk, a few queries link the articles to the run and
 * find those already complete for this run (lifecycle.ts: curated at the current stage versions, or excluded by
 * filters this run also applies), and one addBulk queues the rest. Once all are listed the run may finish.
 */
export async function enqueueRun(db: Db, queues: QueueSet, config: Config, options: EnqueueOptions): Promise<EnqueueSummary> {
  const started = Date.now();
  const run = await createRun(db, options.spec, options.filters, options.runId);
  const chunkSize = options.chunkSize ?? 1000;
  const summary: EnqueueSummary = { runId: run.id, listed: 0, enqueued: 0, skipped: 0, seconds: 0 };
  let chunk: ArticleRef[] = [];
  const flush = async () => {
    const refs = chunk;
    chunk = [];
    // Placeholder rows (ingest fills them in) make the run's membership exact from the start, even for
    // articles another run already queued (those jobs are deduplicated by id).
    const existing = await linkRunMembers(
      db,
      run.id,
      refs.map((ref) => ({ key: ref.key, sourceKind: ref.sourceKind, location: ref.location, pmcid: ref.pmcid ?? null, version: ref.version ?? null })),
    );
    const complete = new Set(existing.filter((article) => isArticleComplete(article, options.filters)).map((article) => article.key));
    const todo = refs.filter((ref) => !complete.has(ref.key));
    // Work is due for these: unfinished again until their jobs settle them (a failed or excluded article too).
    await reopenArticles(db, existing.filter((article) => !complete.has(article.key)).map((article) => article.id));
    await addIngestJobs(queues, config, todo, run.id);
    summary.enqueued += todo.length;
    summary.skipped += complete.size;
    options.onProgress?.(summary);
  };
  const since = options.filters.since ? new Date(options.filters.since) : undefined;
  for await (const ref of options.source.list({ ...(options.filters.limit !== undefined ? { limit: options.filters.limit } : {}), ...(since ? { since } : {}) })) {
    summary.listed += 1;
    chunk.push(ref);
    if (chunk.length >= chunkSize) await flush();
  }
  if (chunk.length > 0) await flush();
  await markRunListed(db, run.id, { articles: summary.listed, enqueued: summary.enqueued, skipped: summary.skipped });
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}
