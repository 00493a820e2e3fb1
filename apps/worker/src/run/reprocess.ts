import type { Prisma } from '@prisma/client';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { articleFlow, ingestJob } from '../queues/jobs.ts';
import type { QueueSet } from '../queues/queues.ts';
import { STAGE_VERSIONS, type StageName } from '../queues/stage-versions.ts';
import { reopenArticles } from './lifecycle.ts';

export interface ReprocessFailedFilter {
  stage?: StageName;
  errorClass?: string;
  since?: Date;
  runId?: string;
}

export interface ReprocessSummary {
  /** Articles re-ingested. */
  articles: number;
  /** Figures sent through detect/align again (in `flows` article flows). */
  figures: number;
  flows: number;
  /** Ledger rows matched. */
  matched: number;
  generation: string | null;
}

/** The connections reprocessing needs. */
export interface ReprocessContext {
  db: Db;
  queues: QueueSet;
  config: Config;
}

interface Target {
  articleId: string;
  articleKey: string;
  runId: string | null;
  figures: Map<string, number>;
}

async function latestRunOf(db: Db, articleId: string): Promise<string | null> {
  const link = await db.runArticle.findFirst({ where: { articleId }, orderBy: { run: { createdAt: 'desc' } }, select: { runId: true } });
  return link?.runId ?? null;
}

async function addFlows({ db, queues, config }: ReprocessContext, targets: Map<string, Target>, generation?: string): Promise<{ flows: number; figures: number }> {
  let figures = 0;
  await reopenArticles(db, [...targets.values()].map((target) => target.articleId));
  for (const target of targets.values()) {
    const runId = target.runId ?? (await latestRunOf(db, target.articleId));
    const list = [...target.figures.entries()].map(([id, ordinal]) => ({ id, ordinal }));
    figures += list.length;
    await queues.flows.add(
      articleFlow(config, { articleKey: target.articleKey, articleId: target.articleId, runId, figures: list, ...(generation ? { generation } : {}) }),
    );
  }
  return { flows: targets.size, figures };
}

async function addIngests(
  { db, queues, config }: ReprocessContext,
  articles: Array<{ id: string; key: string; sourceKind: string; sourceRef: string; pmcid: string | null; version: number | null; runId: string | null }>,
  generation?: string,
): Promise<void> {
  await reopenArticles(db, articles.map((article) => article.id));
  for (const article of articles) {
    const runId = article.runId ?? (await latestRunOf(db, article.id));
    const job = ingestJob(config, {
      ref: {
        key: article.key,
        sourceKind: article.sourceKind as 'pmc-s3' | 'legacy' | 'dir',
        location: article.sourceRef,
        ...(article.pmcid ? { pmcid: article.pmcid } : {}),
        ...(article.version !== null ? { version: article.version } : {}),
      },
      runId,
      force: true,
      ...(generation ? { generation } : {}),
    });
    await queues.queues.ingest.add(job.name, job.data, job.opts);
  }
}

/**
 * Re-enqueues exactly what the unresolved ledger rows matching the filter name: failed ingests as forced
 * ingest jobs, failed figures (detect/align) and finalising jobs as article flows over just those figures; the
 * articles and their runs are unfinished again until those jobs settle them.
 * Jobs get a new generation in their ids, so they run even while the failed jobs are still kept in Redis.
 */
export async function reprocessFailed(
  ctx: ReprocessContext,
  filter: ReprocessFailedFilter,
  generation = `r${Date.now().toString(36)}`,
): Promise<ReprocessSummary> {
  const { db } = ctx;
  const where: Prisma.FailureWhereInput = {
    resolved: false,
    ...(filter.stage ? { stage: filter.stage } : {}),
    ...(filter.errorClass ? { errorClass: filter.errorClass } : {}),
    ...(filter.since ? { lastSeenAt: { gte: filter.since } } : {}),
    ...(filter.runId ? { runId: filter.runId } : {}),
  };
  const failures = await db.failure.findMany({ where, select: { articleKey: true, stage: true, subject: true, runId: true } });
  const keys = [...new Set(failures.map((f) => f.articleKey))];
  const articles = await db.article.findMany({
    where: { key: { in: keys } },
    select: { id: true, key: true, sourceKind: true, sourceRef: true, pmcid: true, version: true, figures: { select: { id: true, jatsId: true, ordinal: true } } },
  });
  const byKey = new Map(articles.map((a) => [a.key, a]));
  const ingest = new Map<string, (typeof articles)[number] & { runId: string | null }>();
  const targets = new Map<string, Target>();
  for (const failure of failures) {
    const article = byKey.get(failure.articleKey);
    if (!article) continue;
    // An ingest failure of the article (or of one of its figures' images) means ingesting it again.
    if (failure.stage === 'ingest') {
      ingest.set(article.key, { ...article, runId: failure.runId });
      continue;
    }
    const target = targets.get(article.key) ?? { articleId: article.id, articleKey: article.key, runId: failure.runId, figures: new Map<string, number>() };
    targets.set(article.key, target);
    // An article-level align failure is its finalising job: the flow re-runs it (with no figures when none failed).
    if (failure.subject === '') continue;
    const figure = article.figures.find((f) => f.jatsId === failure.subject || f.id === failure.subject);
    if (figure) target.figures.set(figure.id, figure.ordinal);
  }
  for (const key of ingest.keys()) targets.delete(key);
  await addIngests(ctx, [...ingest.values()], generation);
  const added = await addFlows(ctx, targets, generation);
  return { articles: ingest.size, figures: added.figures, flows: added.flows, matched: failures.length, generation };
}

/** Parses "detect:2" as given to --stage-version-below. */
export function parseStageVersion(value: string): { stage: StageName; version: number } {
  const match = /^(ingest|detect|align):(\d+)$/.exec(value.trim());
  if (!match) throw new Error(`--stage-version-below takes STAGE:VERSION with STAGE ingest, detect or align, e.g. detect:2 (got "${value}")`);
  return { stage: match[1] as StageName, version: Number(match[2]) };
}

/**
 * Re-enqueues what an older stage version produced: articles ingested below version V (re-ingest), or figures
 * detected/aligned below V (article flows over just those figures).
 */
export async function reprocessBelowVersion(
  ctx: ReprocessContext,
  below: { stage: StageName; version: number; runId?: string },
  generation = `r${Date.now().toString(36)}`,
): Promise<ReprocessSummary> {
  const { db } = ctx;
  const { stage, version, runId } = below;
  const current = STAGE_VERSIONS[stage];
  if (version > current) {
    throw new Error(`${stage} is at version ${current}; bump STAGE_VERSIONS.${stage} in apps/worker/src/queues/stage-versions.ts before reprocessing below ${version}`);
  }
  const inRun = runId ? { runArticles: { some: { runId } } } : {};
  if (stage === 'ingest') {
    const articles = await db.article.findMany({
      where: { ...inRun, ingestVersion: { lt: version } },
      select: { id: true, key: true, sourceKind: true, sourceRef: true, pmcid: true, version: true },
    });
    await addIngests(ctx, articles.map((a) => ({ ...a, runId: runId ?? null })), generation);
    return { articles: articles.length, figures: 0, flows: 0, matched: articles.length, generation };
  }
  const column = stage === 'detect' ? 'detectVersion' : 'alignVersion';
  const status = stage === 'detect' ? 'detectStatus' : 'alignStatus';
  const figures = await db.figure.findMany({
    where: { article: inRun, ingestStatus: 'done', [status]: 'done', [column]: { lt: version } },
    select: { id: true, ordinal: true, article: { select: { id: true, key: true } } },
  });
  const targets = new Map<string, Target>();
  for (const figure of figures) {
    const target = targets.get(figure.article.key) ?? { articleId: figure.article.id, articleKey: figure.article.key, runId: runId ?? null, figures: new Map<string, number>() };
    target.figures.set(figure.id, figure.ordinal);
    targets.set(figure.article.key, target);
  }
  // The stage skips figures done at the current version, so mark these as due.
  if (figures.length > 0) {
    await db.figure.updateMany({ where: { id: { in: figures.map((f) => f.id) } }, data: stage === 'detect' ? { detectStatus: 'pending' } : { alignStatus: 'pending' } });
  }
  // A new generation in the ids: jobs of the same ids may still be kept in Redis from the figures' earlier runs.
  const added = await addFlows(ctx, targets, generation);
  return { articles: 0, figures: added.figures, flows: added.flows, matched: figures.length, generation };
}
