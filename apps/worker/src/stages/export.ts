import type { Db } from '../db/client.ts';
import { resolveFailure } from '../db/figures.ts';
import type { ArticleJobData } from '../queues/jobs.ts';
import { STAGE_VERSIONS } from '../queues/stage-versions.ts';

export interface ArticleSummary {
  articleId: string;
  articleKey: string;
  figures: number;
  detected: number;
  aligned: number;
  failedFigures: number;
}

/** Called once per completed article (e.g. to write WebDataset shards); must be idempotent. */
export type ExportHook = (db: Db, summary: ArticleSummary) => Promise<void>;

let exportHook: ExportHook | null = null;

/** Installs the export hook the export stage calls after finalising each article (null = none). */
export function setExportHook(hook: ExportHook | null): void {
  exportHook = hook;
}

/**
 * The flow parent: runs when every figure of the article has been through detect and align (successfully or
 * not), rolls the figure statuses up to the article, then calls the export hook.
 */
export async function runExportStage(db: Db, data: ArticleJobData): Promise<ArticleSummary> {
  const figures = await db.figure.findMany({ where: { articleId: data.articleId }, select: { ingestStatus: true, detectStatus: true, alignStatus: true } });
  const withImage = figures.filter((figure) => figure.ingestStatus === 'done');
  const detected = withImage.filter((figure) => figure.detectStatus === 'done').length;
  const aligned = withImage.filter((figure) => figure.alignStatus === 'done').length;
  const failedFigures = withImage.filter((figure) => figure.detectStatus === 'failed' || figure.alignStatus === 'failed').length;
  const detectFailed = withImage.some((figure) => figure.detectStatus === 'failed');
  const alignFailed = withImage.some((figure) => figure.alignStatus === 'failed');
  const pendingLeft = withImage.some((figure) => figure.detectStatus === 'pending' || figure.alignStatus === 'pending');
  const article = await db.article.update({
    where: { id: data.articleId },
    data: {
      detectStatus: detectFailed ? 'failed' : pendingLeft && detected < withImage.length ? 'pending' : 'done',
      detectVersion: STAGE_VERSIONS.detect,
      alignStatus: alignFailed || detectFailed ? 'failed' : pendingLeft ? 'pending' : 'done',
      alignVersion: STAGE_VERSIONS.align,
    },
    select: { key: true },
  });
  await resolveFailure(db, article.key, 'export', '');
  const summary = { articleId: data.articleId, articleKey: article.key, figures: figures.length, detected, aligned, failedFigures };
  if (exportHook) await exportHook(db, summary);
  return summary;
}
