import { Prisma } from '@prisma/client';
import type { Db } from '@pmc-curator/store/db';
import { runProgress } from '@pmc-curator/store/lifecycle';
import { emptyStageCounts, foldStageRows, type StageStatusRow } from './counts.ts';
import { failureClasses } from './failures.ts';
import type { RunDetail, RunSummary } from './types.ts';

type RunRow = Prisma.RunGetPayload<{ include: { _count: { select: { runArticles: true } } } }>;

async function summarise(db: Db, runs: RunRow[]): Promise<RunSummary[]> {
  if (runs.length === 0) return [];
  const ids = runs.map((run) => run.id);
  const rows = await db.$queryRaw<Array<StageStatusRow & { runId: string }>>`
    SELECT ra."runId" AS "runId", s.stage, s.status::text AS status, count(*)::int AS n
    FROM "RunArticle" ra
    JOIN "Article" a ON a.id = ra."articleId"
    CROSS JOIN LATERAL (VALUES ('ingest', a."ingestStatus"), ('detect', a."detectStatus"), ('align', a."alignStatus")) AS s(stage, status)
    WHERE ra."runId" IN (${Prisma.join(ids)})
    GROUP BY 1, 2, 3`;
  const failures = await db.failure.groupBy({ by: ['runId'], where: { runId: { in: ids }, resolved: false }, _count: { _all: true } });
  const openFailures = new Map(failures.map((row) => [row.runId, row._count._all]));
  const progress = new Map(await Promise.all(ids.map(async (id) => [id, await runProgress(db, id)] as const)));
  return runs.map((run) => {
    const p = progress.get(run.id)!;
    const mine = rows.filter((row) => row.runId === run.id);
    return {
      id: run.id,
      source: run.source,
      filters: run.filters,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      listed: run.articles,
      enqueued: run.enqueued,
      skipped: run.skipped,
      articles: run._count.runArticles,
      stages: mine.length > 0 ? foldStageRows(mine) : emptyStageCounts(),
      status: run.status,
      outcomes: { curated: p.curated, partial: p.partial, failed: p.failed, excluded: p.excluded, unfinished: p.listed - p.finished },
      openFailures: openFailures.get(run.id) ?? 0,
    };
  });
}

/** The newest runs with per-stage progress of their articles. */
export async function listRuns(db: Db, limit: number): Promise<RunSummary[]> {
  const runs = await db.run.findMany({
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: limit,
    include: { _count: { select: { runArticles: true } } },
  });
  return summarise(db, runs);
}

export async function runDetail(db: Db, id: string): Promise<RunDetail | null> {
  const run = await db.run.findUnique({ where: { id }, include: { _count: { select: { runArticles: true } } } });
  if (!run) return null;
  const [summary] = await summarise(db, [run]);
  return { run: summary!, failureClasses: await failureClasses(db, { runId: id }) };
}
