import type { Db } from '@pmc-curator/store/db';
import { STAGES, STATUSES, type Stage, type Status } from '../schemas.ts';
import type { StageCounts, StageStatusCounts, StatusCounts } from './types.ts';

function emptyStatusCounts(): StatusCounts {
  return Object.fromEntries(STATUSES.map((status) => [status, 0])) as StatusCounts;
}

export function emptyStageCounts(): StageStatusCounts {
  return Object.fromEntries(STAGES.map((stage) => [stage, emptyStatusCounts()])) as StageStatusCounts;
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
    const stage = counts[row.stage as Stage];
    if (stage && (STATUSES as readonly string[]).includes(row.status)) stage[row.status as Status] += Number(row.n);
  }
  return counts;
}

type Grouped<K extends string> = Array<Record<K, string> & { _count: { _all: number } }>;

function rowsOf<K extends string>(stage: Stage, column: K, groups: Grouped<K>): StageStatusRow[] {
  return groups.map((group) => ({ stage, status: group[column], n: group._count._all }));
}

/**
 * Per-stage status counts of all articles and all figures: one GROUP BY per status column, so Postgres
 * can answer each from the narrow status index instead of scanning the wide rows (captions).
 */
export async function stageCounts(db: Db): Promise<StageCounts> {
  const count = { _count: { _all: true } } as const;
  const [articleIngest, articleDetect, articleAlign, figureIngest, figureDetect, figureAlign] = await Promise.all([
    db.article.groupBy({ by: ['ingestStatus'], ...count }),
    db.article.groupBy({ by: ['detectStatus'], ...count }),
    db.article.groupBy({ by: ['alignStatus'], ...count }),
    db.figure.groupBy({ by: ['ingestStatus'], ...count }),
    db.figure.groupBy({ by: ['detectStatus'], ...count }),
    db.figure.groupBy({ by: ['alignStatus'], ...count }),
  ]);
  return {
    articles: foldStageRows([
      ...rowsOf('ingest', 'ingestStatus', articleIngest),
      ...rowsOf('detect', 'detectStatus', articleDetect),
      ...rowsOf('align', 'alignStatus', articleAlign),
    ]),
    figures: foldStageRows([
      ...rowsOf('ingest', 'ingestStatus', figureIngest),
      ...rowsOf('detect', 'detectStatus', figureDetect),
      ...rowsOf('align', 'alignStatus', figureAlign),
    ]),
  };
}
