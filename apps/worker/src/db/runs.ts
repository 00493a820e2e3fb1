import type { Db } from './client.ts';

/** Links an article to a run (idempotent); ingest calls it whatever the outcome, so failed articles count too. */
export async function linkRunArticle(db: Db, runId: string, articleKey: string): Promise<void> {
  const article = await db.article.findUnique({ where: { key: articleKey }, select: { id: true } });
  if (!article) return;
  await db.runArticle.createMany({ data: [{ runId, articleId: article.id }], skipDuplicates: true });
}

export interface RunProgress {
  listed: number;
  /** Articles with nothing left to do: curated, failed, or excluded by the filters. */
  finished: number;
  complete: number;
  failed: number;
}

export async function runProgress(db: Db, runId: string): Promise<RunProgress> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { articles: true } });
  const inRun = { runArticles: { some: { runId } } };
  const [complete, failed] = await Promise.all([
    db.article.count({ where: { ...inRun, OR: [{ ingestStatus: 'skipped' }, { ingestStatus: 'done', alignStatus: 'done' }] } }),
    db.article.count({ where: { ...inRun, OR: [{ ingestStatus: 'failed' }, { ingestStatus: 'done', alignStatus: 'failed' }] } }),
  ]);
  return { listed: run?.articles ?? 0, finished: complete + failed, complete, failed };
}
