import type { Db } from '../../../worker/src/db/client.ts';
import { ROW_STAGES, STATUSES, type RowStage, type Status } from '../schemas.ts';
import type { StageCounts, StageStatusCounts, StatusCounts } from './types.ts';

export function emptyStatusCounts(): StatusCounts {
  return Object.fromEntries(STATUSES.map((status) => [status, 0])) as StatusCounts;
}

export function emptyStageCounts(): StageStatusCounts {
  return Object.fromEntries(ROW_STAGES.map((stage) => [stage, emptyStatusCounts()])) as StageStatusCounts;
}

export interface StageStatusRow {
  stage: string;
  status: string;
  n: number;
}

/** Folds (stage, status, n) rows into the nested record, ignoring anything unknown. */
export function foldStageRows(rows: StageStatusRow[]): StageStatusCounts {
  const counts = emptyStageCounts();
  for (const row of rows) {
    const stage = counts[row.stage as RowStage];
    if (stage && (STATUSES as readonly string[]).includes(row.status)) stage[row.status as Status] += Number(row.n);
  }
  return counts;
}

/** Per-stage status counts of all articles and all figures (two grouped scans). */
export async function stageCounts(db: Db): Promise<StageCounts> {
  const articles = await db.$queryRaw<StageStatusRow[]>`
    SELECT s.stage, s.status::text AS status, count(*)::int AS n
    FROM "Article" a
    CROSS JOIN LATERAL (VALUES ('ingest', a."ingestStatus"), ('detect', a."detectStatus"), ('align', a."alignStatus")) AS s(stage, status)
    GROUP BY 1, 2`;
  const figures = await db.$queryRaw<StageStatusRow[]>`
    SELECT s.stage, s.status::text AS status, count(*)::int AS n
    FROM "Figure" f
    CROSS JOIN LATERAL (VALUES ('ingest', f."ingestStatus"), ('detect', f."detectStatus"), ('align', f."alignStatus")) AS s(stage, status)
    GROUP BY 1, 2`;
  return { articles: foldStageRows(articles), figures: foldStageRows(figures) };
}
