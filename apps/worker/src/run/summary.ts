import type { Db } from '../db/client.ts';

export interface RunSummary {
  runId: string;
  articles: number;
  complete: number;
  failedArticles: number;
  skippedArticles: number;
  figures: number;
  subfigures: number;
  pairs: number;
  failuresByClass: Record<string, number>;
}

/** What a run produced, from Postgres. */
export async function summarizeRun(db: Db, runId: string): Promise<RunSummary> {
  const inRun = { runArticles: { some: { runId } } };
  const figureInRun = { article: inRun };
  const [articles, complete, failedArticles, skippedArticles, figures, subfigures, pairs, failures] = await Promise.all([
    db.article.count({ where: inRun }),
    db.article.count({ where: { ...inRun, ingestStatus: 'done', alignStatus: 'done' } }),
    db.article.count({ where: { ...inRun, OR: [{ ingestStatus: 'failed' }, { alignStatus: 'failed' }] } }),
    db.article.count({ where: { ...inRun, ingestStatus: 'skipped' } }),
    db.figure.count({ where: figureInRun }),
    db.subfigure.count({ where: { figure: figureInRun } }),
    db.pair.count({ where: { figure: figureInRun } }),
    db.failure.groupBy({ by: ['errorClass'], where: { resolved: false, runId }, _count: { _all: true } }),
  ]);
  return {
    runId,
    articles,
    complete,
    failedArticles,
    skippedArticles,
    figures,
    subfigures,
    pairs,
    failuresByClass: Object.fromEntries(failures.map((row) => [row.errorClass, row._count._all])),
  };
}

export function formatRunSummary(summary: RunSummary): string {
  const failures = Object.entries(summary.failuresByClass).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}=${n}`).join(', ');
  return [
    `run ${summary.runId}`,
    `articles ${summary.articles}: complete ${summary.complete}, failed ${summary.failedArticles}, excluded by filters ${summary.skippedArticles}`,
    `figures ${summary.figures}, subfigures ${summary.subfigures}, pairs ${summary.pairs}`,
    `failures by class: ${failures || 'none'}`,
  ].join('\n');
}
