import { Prisma, type ArticleOutcome } from '@prisma/client';
import type { LicenseGroup } from '@pmc-curator/pipeline/ingest';
import type { Db } from './db/client.ts';
import { STAGE_VERSIONS } from './queues/stage-versions.ts';

/**
 * The one definition of where an article and a run stand. Enqueue, the stages, status, the run summary, the
 * dashboard and export all ask this module; none decides it for itself.
 *
 * - An article is *finished* when its work at the current stage versions is over: `outcome` is set
 *   (curated, partial, failed or excluded). New work (ingest of new bytes, reprocess) clears it.
 * - An article is *complete for a run* when that run has nothing to do for it: it is curated or partial at the
 *   current versions, or it was excluded for a reason the run's own filters also exclude. A failed article is
 *   finished but not complete: a new run tries it again. An excluded article is ingested by a later run whose
 *   filters admit it, without `--force`.
 * - A run is *finished* when every article it lists is finished; the last article to finish sets
 *   `Run.finishedAt` and `status = finished`, whichever worker process finishes it.
 */

/** The filters a run decides with (stored on the Run row). */
export interface ExclusionFilters {
  licenseGroups: LicenseGroup[];
  skipRetracted: boolean;
}

/** The article columns the lifecycle reads. */
export interface LifecycleColumns {
  ingestStatus: string;
  ingestVersion: number | null;
  detectVersion: number | null;
  alignVersion: number | null;
  outcome: ArticleOutcome | null;
  licenseGroup: string;
  retracted: boolean;
}

export const LIFECYCLE_SELECT = {
  ingestStatus: true,
  ingestVersion: true,
  detectVersion: true,
  alignVersion: true,
  outcome: true,
  licenseGroup: true,
  retracted: true,
} as const satisfies Prisma.ArticleSelect;

/** Outcomes that carry curated figures (what export reads). */
const USABLE_OUTCOMES: readonly ArticleOutcome[] = ['curated', 'partial'];

/** The filters an ingest applies, with the pipeline's defaults (commercial-use licences, no retractions). */
export function ingestFilters(options: { licenseGroups?: LicenseGroup[]; skipRetracted?: boolean }): ExclusionFilters {
  return { licenseGroups: options.licenseGroups ?? ['comm'], skipRetracted: options.skipRetracted ?? true };
}

/** Why these filters exclude the article, or null when they admit it. */
export function exclusionReason(article: { licenseGroup: string; retracted: boolean }, filters: ExclusionFilters): string | null {
  if (!(filters.licenseGroups as string[]).includes(article.licenseGroup)) {
    return `licence group "${article.licenseGroup}" is not in ${filters.licenseGroups.join(',')}`;
  }
  if (article.retracted && filters.skipRetracted) return 'the article is retracted';
  return null;
}

/** Nothing left for a run with these filters to do for this article at the current stage versions. */
export function isArticleComplete(article: LifecycleColumns, filters: ExclusionFilters): boolean {
  if (article.ingestVersion !== STAGE_VERSIONS.ingest) return false;
  if (article.outcome === 'excluded') return exclusionReason(article, filters) !== null;
  return (
    (article.outcome === 'curated' || article.outcome === 'partial') &&
    article.detectVersion === STAGE_VERSIONS.detect &&
    article.alignVersion === STAGE_VERSIONS.align
  );
}

/** Prisma filters, so counts agree with the predicates above. */
export const articleWhere = {
  inRun: (runId: string): Prisma.ArticleWhereInput => ({ runArticles: { some: { runId } } }),
  finished: { outcome: { not: null } } satisfies Prisma.ArticleWhereInput,
  unfinished: { outcome: null } satisfies Prisma.ArticleWhereInput,
  usable: { outcome: { in: [...USABLE_OUTCOMES] } } satisfies Prisma.ArticleWhereInput,
  outcome: (outcome: ArticleOutcome): Prisma.ArticleWhereInput => ({ outcome }),
};

/** A figure whose pairs are part of the dataset. */
export const figureUsableWhere = { ingestStatus: 'done', detectStatus: 'done', alignStatus: 'done' } satisfies Prisma.FigureWhereInput;

type FigureStates = { ingestStatus: string; detectStatus: string; detectVersion: number | null; alignStatus: string; alignVersion: number | null };

/** A figure has nothing left to do at the current versions: curated, or stopped by a failure or a skip. */
export function isFigureSettled(figure: FigureStates): boolean {
  if (figure.ingestStatus !== 'done') return true;
  if (figure.detectStatus === 'failed' || figure.detectStatus === 'skipped') return true;
  if (figure.detectStatus !== 'done' || figure.detectVersion !== STAGE_VERSIONS.detect) return false;
  if (figure.alignStatus === 'failed' || figure.alignStatus === 'skipped') return true;
  return figure.alignStatus === 'done' && figure.alignVersion === STAGE_VERSIONS.align;
}

/** The outcome of an ingested article whose figures are all settled. */
export function outcomeOf(figures: FigureStates[]): ArticleOutcome {
  const curated = figures.filter((figure) => figure.ingestStatus === 'done' && figure.detectStatus === 'done' && figure.alignStatus === 'done').length;
  if (figures.length === 0) return 'curated';
  if (curated === figures.length) return 'curated';
  return curated > 0 ? 'partial' : 'failed';
}

const FIGURE_STATE_SELECT = {
  ingestStatus: true,
  detectStatus: true,
  detectVersion: true,
  alignStatus: true,
  alignVersion: true,
} as const satisfies Prisma.FigureSelect;

/**
 * Marks the running, fully listed runs in `scope` finished when none of their articles is unfinished. One
 * statement, after the article's own write has committed: of two articles finishing at once, the one whose
 * check runs last sees both outcomes, so a run is never left running with nothing left to do.
 */
function finishRuns(db: Db, scope: Prisma.Sql): Promise<number> {
  return db.$executeRaw`
    UPDATE "Run" AS r SET "status" = 'finished', "finishedAt" = now()
    WHERE ${scope} AND r."status" = 'running' AND r."listedAt" IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM "RunArticle" ra JOIN "Article" a ON a."id" = ra."articleId"
        WHERE ra."runId" = r."id" AND a."outcome" IS NULL)`;
}

/** The runs that list this article. */
const finishRunsOf = (db: Db, articleId: string) =>
  finishRuns(db, Prisma.sql`r."id" IN (SELECT ra."runId" FROM "RunArticle" ra WHERE ra."articleId" = ${articleId})`);

/** One run (enqueue calls it once it has listed everything). */
async function finishRunIfDone(db: Db, runId: string): Promise<boolean> {
  return (await finishRuns(db, Prisma.sql`r."id" = ${runId}`)) > 0;
}

/**
 * After an article's figure jobs (the finalising job): when every figure is settled, rolls the figures up into
 * the article's outcome and stage columns and finishes its runs. Returns the outcome, or null while work is left.
 */
export async function finalizeArticle(db: Db, articleId: string): Promise<ArticleOutcome | null> {
  const article = await db.article.findUnique({
    where: { id: articleId },
    select: { ingestStatus: true, figures: { select: FIGURE_STATE_SELECT } },
  });
  if (!article || article.ingestStatus !== 'done') return null;
  if (!article.figures.every(isFigureSettled)) return null;
  const outcome = outcomeOf(article.figures);
  const withImage = article.figures.filter((figure) => figure.ingestStatus === 'done');
  const detectFailed = withImage.some((figure) => figure.detectStatus === 'failed');
  const alignFailed = withImage.some((figure) => figure.alignStatus === 'failed');
  await db.article.update({
    where: { id: articleId },
    data: {
      outcome,
      finishedAt: new Date(),
      detectStatus: detectFailed ? 'failed' : 'done',
      detectVersion: STAGE_VERSIONS.detect,
      alignStatus: alignFailed || detectFailed ? 'failed' : 'done',
      alignVersion: STAGE_VERSIONS.align,
    },
  });
  await finishRunsOf(db, articleId);
  return outcome;
}

/** An article that ends before detection: excluded by the run's filters, or failed at ingest. */
export async function settleArticle(db: Db, articleKey: string, outcome: 'excluded' | 'failed'): Promise<void> {
  const article = await db.article.findUnique({ where: { key: articleKey }, select: { id: true } });
  if (!article) return;
  await db.article.update({ where: { id: article.id }, data: { outcome, finishedAt: new Date() } });
  await finishRunsOf(db, article.id);
}

/** New work for these articles (enqueue of unfinished work, reprocess): unfinished again, and so are their runs. */
export async function reopenArticles(db: Db, articleIds: string[]): Promise<void> {
  if (articleIds.length === 0) return;
  await db.article.updateMany({ where: { id: { in: articleIds }, outcome: { not: null } }, data: { outcome: null, finishedAt: null } });
  await db.run.updateMany({
    where: { status: 'finished', runArticles: { some: { articleId: { in: articleIds } } } },
    data: { status: 'running', finishedAt: null },
  });
}

/** Enqueue has listed every article of the run; it may finish now (at once, when nothing was left to do). */
export async function markRunListed(db: Db, runId: string, counts: { articles: number; enqueued: number; skipped: number }): Promise<boolean> {
  await db.run.update({ where: { id: runId }, data: { ...counts, listedAt: new Date() } });
  return finishRunIfDone(db, runId);
}

export interface RunProgress {
  /** Articles the run lists (so far, while enqueue is still listing). */
  listed: number;
  /** Articles with nothing left to do: curated, partial, failed, or excluded by the filters. */
  finished: number;
  curated: number;
  partial: number;
  failed: number;
  excluded: number;
  /** Nothing left for this run to redo: curated, partial or excluded. */
  complete: number;
  status: 'running' | 'finished';
  finishedAt: Date | null;
}

/** Where a run stands, from the article outcomes. */
export async function runProgress(db: Db, runId: string): Promise<RunProgress> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true, finishedAt: true } });
  const groups = await db.article.groupBy({ by: ['outcome'], where: articleWhere.inRun(runId), _count: { _all: true } });
  const count = (outcome: ArticleOutcome) => groups.find((group) => group.outcome === outcome)?._count._all ?? 0;
  const members = groups.reduce((sum, group) => sum + group._count._all, 0);
  const curated = count('curated');
  const partial = count('partial');
  const failed = count('failed');
  const excluded = count('excluded');
  return {
    listed: members,
    finished: curated + partial + failed + excluded,
    curated,
    partial,
    failed,
    excluded,
    complete: curated + partial + excluded,
    status: run?.status ?? 'running',
    finishedAt: run?.finishedAt ?? null,
  };
}
