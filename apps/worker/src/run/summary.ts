import { articleWhere, runProgress } from '@pmc-curator/store/lifecycle';
import type { Db } from '@pmc-curator/store/db';

export interface RunSummary {
  runId: string;
  status: 'running' | 'finished';
  finishedAt: Date | null;
  articles: number;
  curated: number;
  partial: number;
  failedArticles: number;
  excludedArticles: number;
  unfinished: number;
  figures: number;
  subfigures: number;
  pairs: number;
  failuresByClass: Record<string, number>;
}

/** What a run produced, from Postgres. */
export async function summarizeRun(db: Db, runId: string): Promise<RunSummary> {
  const figureInRun = { article: articleWhere.inRun(runId) };
  const [progress, figures, subfigures, pairs, failures] = await Promise.all([
    runProgress(db, runId),
    db.figure.count({ where: figureInRun }),
    db.subfigure.count({ where: { figure: figureInRun } }),
    db.pair.count({ where: { figure: figureInRun } }),
    db.failure.groupBy({ by: ['errorClass'], where: { resolved: false, runId }, _count: { _all: true } }),
  ]);
  return {
    runId,
    status: progress.status,
    finishedAt: progress.finishedAt,
    articles: progress.listed,
    curated: progress.curated,
    partial: progress.partial,
    failedArticles: progress.failed,
    excludedArticles: progress.excluded,
    unfinished: progress.listed - progress.finished,
    figures,
    subfigures,
    pairs,
    failuresByClass: Object.fromEntries(failures.map((row) => [row.errorClass, row._count._all])),
  };
}

export function formatRunSummary(summary: RunSummary): string {
  const failures = Object.entries(summary.failuresByClass).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}=${n}`).join(', ');
  return [
    `run ${summary.runId} ${summary.status === 'finished' ? `finished ${summary.finishedAt?.toISOString() ?? ''}` : 'running'}`,
    `articles ${summary.articles}: curated ${summary.curated}, partial ${summary.partial}, failed ${summary.failedArticles}, excluded by filters ${summary.excludedArticles}` +
      (summary.unfinished > 0 ? `, unfinished ${summary.unfinished}` : ''),
    `figures ${summary.figures}, subfigures ${summary.subfigures}, pairs ${summary.pairs}`,
    `failures by class: ${failures || 'none'}`,
  ].join('\n');
}
