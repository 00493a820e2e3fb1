import type { FailureStage, Prisma } from '@prisma/client';
import type { Db } from '@pmc-curator/store/db';
import type { FailureClassCount, FailureFilter, FailurePage } from './types.ts';

/** The Prisma filter for a parsed failures query. Shared by the list and anything that counts it. */
function failureWhere(filter: Omit<FailureFilter, 'page' | 'pageSize'>): Prisma.FailureWhereInput {
  return {
    ...(filter.stage ? { stage: filter.stage } : {}),
    ...(filter.errorClass ? { errorClass: filter.errorClass } : {}),
    ...(filter.resolved === 'all' ? {} : { resolved: filter.resolved === 'true' }),
    ...(filter.run ? { runId: filter.run } : {}),
    ...(filter.since ? { lastSeenAt: { gte: filter.since } } : {}),
  };
}

function byCount(a: FailureClassCount, b: FailureClassCount): number {
  return b.count - a.count || a.stage.localeCompare(b.stage) || a.errorClass.localeCompare(b.errorClass);
}

export async function listFailures(db: Db, filter: FailureFilter): Promise<FailurePage> {
  const where = failureWhere(filter);
  const [items, total, groups] = await Promise.all([
    db.failure.findMany({
      where,
      orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }],
      skip: (filter.page - 1) * filter.pageSize,
      take: filter.pageSize,
    }),
    db.failure.count({ where }),
    db.failure.groupBy({ by: ['stage', 'errorClass', 'kind'], where, _count: { _all: true } }),
  ]);
  const classes = groups
    .map((group) => ({ stage: group.stage, errorClass: group.errorClass, kind: group.kind, count: group._count._all }))
    .sort(byCount);
  return { items, total, page: filter.page, pageSize: filter.pageSize, classes };
}

/** Unresolved failures grouped by (stage, class, kind), largest first. */
export async function failureClasses(db: Db, filter: { runId?: string; limit?: number }): Promise<FailureClassCount[]> {
  const groups = await db.failure.groupBy({
    by: ['stage', 'errorClass', 'kind'],
    where: { resolved: false, ...(filter.runId ? { runId: filter.runId } : {}) },
    _count: { _all: true },
  });
  return groups
    .map((group) => ({ stage: group.stage, errorClass: group.errorClass, kind: group.kind, count: group._count._all }))
    .sort(byCount)
    .slice(0, filter.limit ?? 1000);
}

/** Unresolved and resolved failure counts by (stage, class), for /metrics. */
export async function failureCountsForMetrics(db: Db): Promise<Array<{ stage: FailureStage; errorClass: string; resolved: boolean; count: number }>> {
  const groups = await db.failure.groupBy({ by: ['stage', 'errorClass', 'resolved'], _count: { _all: true } });
  return groups.map((group) => ({ stage: group.stage, errorClass: group.errorClass, resolved: group.resolved, count: group._count._all }));
}
