import type { Db } from '../db/client.ts';
import type { QueueSet } from '../queues/queues.ts';
import { STAGES, type StageName } from '../queues/stage-versions.ts';

export interface StageStatus {
  stage: StageName;
  /** Jobs in Redis by state. */
  queue: { waiting: number; active: number; delayed: number; waitingChildren: number; completed: number; failed: number };
  /** Rows in Postgres by status (articles for ingest/export, figures for detect/align). */
  rows: Record<string, number>;
  /** Jobs completed per second over the last `windowMinutes` (from BullMQ metrics). */
  perSecond: number;
  /** Seconds until the jobs still queued are done at that rate (null when idle or unknown). */
  etaSeconds: number | null;
}

export interface RunStatus {
  runId: string | null;
  stages: StageStatus[];
  articles: { total: number; complete: number; failed: number };
  topFailures: Array<{ errorClass: string; stage: string; count: number }>;
  windowMinutes: number;
}

/** Per-minute completion counts that workers record (Worker option `metrics`). */
async function completedPerSecond(queues: QueueSet, stage: StageName, minutes: number): Promise<number> {
  const metrics = await queues.queues[stage].getMetrics('completed', 0, minutes - 1);
  const points = metrics.data.slice(0, minutes);
  const total = points.reduce((sum, n) => sum + (Number.isFinite(n) ? n : 0), 0);
  return points.length > 0 ? total / (points.length * 60) : 0;
}

function countBy<T extends { status: string; _count: { _all: number } }>(rows: T[]): Record<string, number> {
  return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
}

/** What `curator status` prints: queue counts, row counts, throughput, ETA and the top failure classes. */
export async function getStatus(db: Db, queues: QueueSet, options: { runId?: string; windowMinutes?: number } = {}): Promise<RunStatus> {
  const windowMinutes = options.windowMinutes ?? 5;
  const runId = options.runId ?? null;
  const articleWhere = runId ? { runArticles: { some: { runId } } } : {};
  const figureWhere = runId ? { article: { runArticles: { some: { runId } } } } : {};
  const [ingest, articleAlign, detect, align] = await Promise.all([
    db.article.groupBy({ by: ['ingestStatus'], where: articleWhere, _count: { _all: true } }),
    db.article.groupBy({ by: ['alignStatus'], where: articleWhere, _count: { _all: true } }),
    db.figure.groupBy({ by: ['detectStatus'], where: figureWhere, _count: { _all: true } }),
    db.figure.groupBy({ by: ['alignStatus'], where: figureWhere, _count: { _all: true } }),
  ]);
  const rows: Record<StageName, Record<string, number>> = {
    ingest: countBy(ingest.map((r) => ({ status: r.ingestStatus, _count: r._count }))),
    detect: countBy(detect.map((r) => ({ status: r.detectStatus, _count: r._count }))),
    align: countBy(align.map((r) => ({ status: r.alignStatus, _count: r._count }))),
    export: countBy(articleAlign.map((r) => ({ status: r.alignStatus, _count: r._count }))),
  };
  const stages: StageStatus[] = [];
  for (const stage of STAGES) {
    const counts = await queues.queues[stage].getJobCounts('waiting', 'active', 'delayed', 'waiting-children', 'completed', 'failed', 'prioritized');
    const queue = {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      waitingChildren: counts['waiting-children'] ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
    const perSecond = await completedPerSecond(queues, stage, windowMinutes);
    const remaining = queue.waiting + queue.active + queue.delayed + queue.waitingChildren;
    stages.push({ stage, queue, rows: rows[stage], perSecond, etaSeconds: remaining === 0 ? 0 : perSecond > 0 ? remaining / perSecond : null });
  }
  const total = await db.article.count({ where: articleWhere });
  const complete = await db.article.count({ where: { ...articleWhere, OR: [{ alignStatus: 'done' }, { ingestStatus: 'skipped' }] } });
  const failed = await db.article.count({ where: { ...articleWhere, OR: [{ ingestStatus: 'failed' }, { alignStatus: 'failed' }] } });
  const failures = await db.failure.groupBy({
    by: ['errorClass', 'stage'],
    where: { resolved: false, ...(runId ? { runId } : {}) },
    _count: { _all: true },
    orderBy: { _count: { errorClass: 'desc' } },
    take: 10,
  });
  return {
    runId,
    stages,
    articles: { total, complete, failed },
    topFailures: failures.map((row) => ({ errorClass: row.errorClass, stage: row.stage, count: row._count._all })),
    windowMinutes,
  };
}

const fmtEta = (seconds: number | null) =>
  seconds === null ? '?' : seconds < 90 ? `${Math.round(seconds)}s` : seconds < 5400 ? `${Math.round(seconds / 60)}m` : `${(seconds / 3600).toFixed(1)}h`;

export function formatStatus(status: RunStatus): string {
  const lines = [`${status.runId ? `run ${status.runId}` : 'all runs'}: articles ${status.articles.complete}/${status.articles.total} complete, ${status.articles.failed} failed`];
  lines.push('stage    waiting  active  delayed  children  failed(redis)  rows                                  jobs/s   ETA');
  for (const s of status.stages) {
    const rows = Object.entries(s.rows).map(([k, v]) => `${k}=${v}`).join(' ');
    lines.push(
      `${s.stage.padEnd(8)} ${String(s.queue.waiting).padStart(7)} ${String(s.queue.active).padStart(7)} ${String(s.queue.delayed).padStart(8)} ${String(s.queue.waitingChildren).padStart(9)} ${String(s.queue.failed).padStart(14)}  ${rows.padEnd(36)} ${s.perSecond.toFixed(2).padStart(7)} ${fmtEta(s.etaSeconds).padStart(5)}`,
    );
  }
  lines.push(`throughput over the last ${status.windowMinutes} min (needs running workers)`);
  lines.push(
    status.topFailures.length === 0
      ? 'failures: none unresolved'
      : `top failures: ${status.topFailures.map((f) => `${f.errorClass} (${f.stage}) ${f.count}`).join(', ')}`,
  );
  return lines.join('\n');
}
