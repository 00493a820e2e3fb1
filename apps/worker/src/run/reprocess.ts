import { Prisma } from '@prisma/client';
import type { Config } from '../config.ts';
import { type Db, figureSubject } from '@pmc-curator/store/db';
import { articleFlow, ingestJob, type QueueSet, STAGE_VERSIONS, type StageName } from '@pmc-curator/store/queues';
import { reopenArticles } from '@pmc-curator/store/lifecycle';

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
  /** Ledger rows (or figure rows) this command claimed; a concurrent command claims none of the same. */
  matched: number;
  generation: string | null;
}

/** The connections reprocessing needs. */
export interface ReprocessContext {
  db: Db;
  queues: QueueSet;
  config: Config;
}

type FigureRef = { id: string; jatsId: string; graphicIndex: number };

interface Target {
  articleId: string;
  articleKey: string;
  runId: string | null;
  figures: Map<string, FigureRef>;
}

type ArticleSourceRow = { id: string; key: string; sourceKind: string; sourceRef: string; pmcid: string | null; version: number | null; runId: string | null };

const newGeneration = () => `r${Date.now().toString(36)}`;

async function latestRunOf(db: Db, articleId: string): Promise<string | null> {
  const link = await db.runArticle.findFirst({ where: { articleId }, orderBy: { run: { createdAt: 'desc' } }, select: { runId: true } });
  return link?.runId ?? null;
}

async function addFlows({ db, queues, config }: ReprocessContext, targets: Map<string, Target>, generation?: string): Promise<{ flows: number; figures: number }> {
  let figures = 0;
  await reopenArticles(db, [...targets.values()].map((target) => target.articleId));
  for (const target of targets.values()) {
    const runId = target.runId ?? (await latestRunOf(db, target.articleId));
    const list = [...target.figures.values()];
    figures += list.length;
    await queues.flows.add(
      articleFlow(config, { articleKey: target.articleKey, articleId: target.articleId, runId, figures: list, ...(generation ? { generation } : {}) }),
    );
  }
  return { flows: targets.size, figures };
}

async function addIngests({ db, queues, config }: ReprocessContext, articles: ArticleSourceRow[], options: { generation?: string; force: boolean }): Promise<void> {
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
      force: options.force,
      ...(options.generation ? { generation: options.generation } : {}),
    });
    await queues.queues.ingest.add(job.name, job.data, job.opts);
  }
}

/**
 * Claims unresolved ledger rows for re-enqueueing in one statement: a row is claimed when it was not re-enqueued
 * since it last failed. Two commands at once claim disjoint sets (the second waits on the first's row locks and
 * then no longer matches), so each failure is re-enqueued once; a failure that fails again is claimable again.
 */
async function claimFailures(db: Db, filter: ReprocessFailedFilter) {
  const conditions = [Prisma.sql`"resolved" = false`, Prisma.sql`("requeuedAt" IS NULL OR "requeuedAt" < "lastSeenAt")`];
  if (filter.stage) conditions.push(Prisma.sql`"stage" = ${filter.stage}`);
  if (filter.errorClass) conditions.push(Prisma.sql`"errorClass" = ${filter.errorClass}`);
  if (filter.since) conditions.push(Prisma.sql`"lastSeenAt" >= ${filter.since}`);
  if (filter.runId) conditions.push(Prisma.sql`"runId" = ${filter.runId}`);
  return db.$queryRaw<Array<{ articleKey: string; stage: string; subject: string; runId: string | null }>>`
    UPDATE "Failure" SET "requeuedAt" = now()
    WHERE ${Prisma.join(conditions, ' AND ')}
    RETURNING "articleKey", "stage", "subject", "runId"`;
}

/**
 * Re-enqueues exactly what the unresolved ledger rows matching the filter name: failed ingests as forced
 * ingest jobs, failed figures (detect/align) and finalising jobs as article flows over just those figures; the
 * articles and their runs are unfinished again until those jobs settle them. Jobs get a new generation in their
 * ids, so they run even while the failed jobs are still kept in Redis.
 */
export async function reprocessFailed(ctx: ReprocessContext, filter: ReprocessFailedFilter, generation = newGeneration()): Promise<ReprocessSummary> {
  const { db } = ctx;
  const failures = await claimFailures(db, filter);
  const keys = [...new Set(failures.map((f) => f.articleKey))];
  const articles = await db.article.findMany({
    where: { key: { in: keys } },
    select: {
      id: true,
      key: true,
      sourceKind: true,
      sourceRef: true,
      pmcid: true,
      version: true,
      figures: { select: { id: true, jatsId: true, graphicIndex: true, graphicHref: true } },
    },
  });
  const byKey = new Map(articles.map((a) => [a.key, a]));
  const ingest = new Map<string, ArticleSourceRow>();
  const targets = new Map<string, Target>();
  for (const failure of failures) {
    const article = byKey.get(failure.articleKey);
    if (!article) continue;
    // An ingest failure of the article (or of one of its figures' images) means ingesting it again.
    if (failure.stage === 'ingest') {
      ingest.set(article.key, { ...article, runId: failure.runId });
      continue;
    }
    const target = targets.get(article.key) ?? { articleId: article.id, articleKey: article.key, runId: failure.runId, figures: new Map<string, FigureRef>() };
    targets.set(article.key, target);
    // An article-level align failure is its finalising job: the flow re-runs it (with no figures when none failed).
    if (failure.subject === '') continue;
    const figure = article.figures.find((f) => figureSubject(f) === failure.subject || f.id === failure.subject);
    if (figure) target.figures.set(figure.id, figure);
  }
  for (const key of ingest.keys()) targets.delete(key);
  await addIngests(ctx, [...ingest.values()], { generation, force: true });
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
 * detected/aligned below V (article flows over just those figures). Figures are claimed by setting them back to
 * pending in one statement, so a concurrent command does not enqueue them again.
 */
export async function reprocessBelowVersion(
  ctx: ReprocessContext,
  below: { stage: StageName; version: number; runId?: string },
  generation = newGeneration(),
): Promise<ReprocessSummary> {
  const { db } = ctx;
  const { stage, version, runId } = below;
  const current = STAGE_VERSIONS[stage];
  if (version > current) {
    throw new Error(`${stage} is at version ${current}; bump STAGE_VERSIONS.${stage} in packages/store/src/queues/stage-versions.ts before reprocessing below ${version}`);
  }
  const inRun = runId ? Prisma.sql`AND a."id" IN (SELECT "articleId" FROM "RunArticle" WHERE "runId" = ${runId})` : Prisma.empty;
  if (stage === 'ingest') {
    const articles = await db.$queryRaw<ArticleSourceRow[]>`
      UPDATE "Article" a SET "ingestStatus" = 'pending'
      WHERE a."ingestVersion" < ${version} AND a."ingestStatus" <> 'pending' ${inRun}
      RETURNING a."id", a."key", a."sourceKind", a."sourceRef", a."pmcid", a."version", NULL::text AS "runId"`;
    await addIngests(ctx, articles.map((a) => ({ ...a, runId: runId ?? null })), { generation, force: true });
    return { articles: articles.length, figures: 0, flows: 0, matched: articles.length, generation };
  }
  // Column names come from this fixed pair, never from input.
  const [status, column] = stage === 'detect' ? ['"detectStatus"', '"detectVersion"'] : ['"alignStatus"', '"alignVersion"'];
  const figures = await db.$queryRaw<Array<FigureRef & { articleId: string; articleKey: string }>>`
    UPDATE "Figure" f SET ${Prisma.raw(status)} = 'pending' FROM "Article" a
    WHERE a."id" = f."articleId" AND f."ingestStatus" = 'done' AND f.${Prisma.raw(status)} = 'done' AND f.${Prisma.raw(column)} < ${version} ${inRun}
    RETURNING f."id", f."jatsId", f."graphicIndex", a."id" AS "articleId", a."key" AS "articleKey"`;
  const targets = new Map<string, Target>();
  for (const figure of figures) {
    const target = targets.get(figure.articleKey) ?? { articleId: figure.articleId, articleKey: figure.articleKey, runId: runId ?? null, figures: new Map<string, FigureRef>() };
    target.figures.set(figure.id, { id: figure.id, jatsId: figure.jatsId, graphicIndex: figure.graphicIndex });
    targets.set(figure.articleKey, target);
  }
  // A new generation in the ids: jobs of the same ids may still be kept in Redis from the figures' earlier runs.
  const added = await addFlows(ctx, targets, generation);
  return { articles: 0, figures: added.figures, flows: added.flows, matched: figures.length, generation };
}

/**
 * Unfinished articles with no job that will finish them (lost to an outage, a flushed Redis, a crash between
 * writes): what `curator status` reports as stuck. An article counts as stuck when neither its ingest job nor
 * its finalising job is waiting, delayed, running or waiting for children in Redis.
 */
export async function findStuckArticles(ctx: Pick<ReprocessContext, 'db' | 'queues'>, options: { runId?: string; limit?: number } = {}): Promise<ArticleSourceRow[]> {
  const { db, queues } = ctx;
  const candidates = await db.article.findMany({
    where: { outcome: null, ...(options.runId ? { runArticles: { some: { runId: options.runId } } } : {}) },
    select: { id: true, key: true, sourceKind: true, sourceRef: true, pmcid: true, version: true },
    take: options.limit ?? 10_000,
    orderBy: { key: 'asc' },
  });
  const live = await liveArticleKeys(queues);
  return candidates.filter((article) => !live.has(article.key)).map((article) => ({ ...article, runId: options.runId ?? null }));
}

/** Article keys of every job still to run in any stage queue (their data names the article). */
async function liveArticleKeys(queues: QueueSet): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const queue of Object.values(queues.queues)) {
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'waiting-children'], 0, -1);
    for (const job of jobs) {
      const data = job.data as { articleKey?: unknown; ref?: { key?: unknown } } | undefined;
      const key = data?.articleKey ?? data?.ref?.key;
      if (typeof key === 'string') keys.add(key);
    }
  }
  return keys;
}

/**
 * Re-enqueues stuck articles: an ingest job each (not forced: ingest leaves a done article as it is, and the
 * figures still unsettled go on to detect and align, then the finalising job).
 */
export async function reprocessStuck(ctx: ReprocessContext, options: { runId?: string } = {}, generation = newGeneration()): Promise<ReprocessSummary> {
  const stuck = await findStuckArticles(ctx, options);
  await addIngests(ctx, stuck, { generation, force: false });
  return { articles: stuck.length, figures: 0, flows: 0, matched: stuck.length, generation };
}
