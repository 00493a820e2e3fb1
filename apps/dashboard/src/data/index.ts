import type { Db } from '@pmc-curator/store/db';
import { articleDetail } from './articles.ts';
import { stageCounts } from './counts.ts';
import { failureClasses, failureCountsForMetrics, listFailures } from './failures.ts';
import { listPairs, pairMethods } from './pairs.ts';
import { listRuns, runDetail } from './runs.ts';
import type { DashboardData } from './types.ts';

/** The Postgres-backed data layer. */
export function prismaData(db: Db): DashboardData {
  return {
    stageCounts: () => stageCounts(db),
    runs: (limit) => listRuns(db, limit),
    run: (id) => runDetail(db, id),
    failureClasses: (filter) => failureClasses(db, filter),
    failures: (filter) => listFailures(db, filter),
    article: (key) => articleDetail(db, key),
    pairs: (filter) => listPairs(db, filter),
    pairMethods: () => pairMethods(db),
    failureCounts: () => failureCountsForMetrics(db),
    ping: async () => {
      await db.$queryRaw`SELECT 1`;
    },
  };
}

export type * from './types.ts';
