import type { Db } from '@pmc-curator/store/db';
import type { Queue } from 'bullmq';
import { type QueueSet, STAGES, type StageName } from '@pmc-curator/store/queues';
import { articleWhere, runProgress, type RunProgress } from '@pmc-curator/store/lifecycle';
import { findStuckArticles } from './reprocess.ts';

interface StageStatus {
  stage: StageName;
  /** Jobs in Redis by state. */
  queue: { waiting: number; active: number; delayed: number; waitingChildren: number; completed: number; failed: number };
  /** Rows in Postgres by status (articles for ingest, figures for detect/align). */
  rows: Record<string, number>;
  /** Jobs completed per second over the last `windowMinutes` (from BullMQ metrics). */
  perSecond: number;
  /** Seconds until the jobs still queued are done at that rate (null when idle or unknown). */
  etaSeconds: number | null;
}

export interface RunStatus {
  runId: string | null;
  stages: StageStatus[];
  /** Article outcomes (lifecycle.ts); `unfinished` still have work queued or running. */
  articles: { total: number; curated: number; partial: number; failed: number; excluded: number; unfinished: number };
  /** The run's state when one is asked for. */
  run: { status: 'running' | 'finished'; finishedAt: Date | null } | null;
  /** Unfinished articles without a live job in any queue (`curator reprocess --stuck` re-enqueues them); null when not checked. */
  stuck: number | null;
  /** Articles finished per second over the window, and the time left for the unfinished ones at that rate. */
  articlesPerSecond: number;
  etaSeconds: number | null;
  topFailures: Array<{ errorClass: string; stage: string; count: number }>;
  windowMinutes: number;
}

/**
 * Jobs completed per second over the last `minutes`, from the counters workers keep in Redis (Worker option
 * `metrics`). BullMQ writes a minute's count only when a later job completes, so the minute in progress is
 * read from the running counter (`count - prevCount` since `prevTS`): a run shorter than a minute still shows
 * its rate, and a stage whose workers stopped decays towards 0.
 */
async function completedPerSecond(queue: Queue, minutes: number, now = Date.now()): Promise<number> {
  const metrics = await queue.getMetrics('completed', 0, minutes - 1);
  const prevTS = Number(metrics.meta.prevTS);
  if (!Number.isFinite(prevTS) || prevTS <= 0) return 0;
  return ratePerSecond({ count: Number(metrics.meta.count), prevCount: Number(metrics.meta.prevCount), prevTS, data: metrics.data }, minutes, now);
}

/** The arithmetic of `completedPerSecond`, on BullMQ's metric fields. */
export function ratePerSecond(metrics: { count: number; prevCount: number; prevTS: number; data: number[] }, minutes: number, now: number): number {
  const minute = 60_000;
  const sincePrev = Math.max(0, (metrics.count || 0) - (metrics.prevCount || 0));
  const ageMinutes = Math.floor(now / minute) - Math.floor(metrics.prevTS / minute);
  // data[k] counts the minute that ended k minutes before the minute of prevTS.
  const points = Math.max(0, Math.min(metrics.data.length, minutes - ageMinutes - 1));
  const older = metrics.data.slice(0, points).reduce((sum, n) => sum + (Number.isFinite(Number(n)) ? Number(n) : 0), 0);
  const start = points > 0 ? Math.floor(metrics.prevTS / minute) * minute - points * minute : Math.max(metrics.prevTS, now - minutes * minute);
  const seconds = Math.max(1, (now - start) / 1000);
  return (sincePrev + older) / seconds;
}

function countBy<T extends { status: string; _count: { _all: number } }>(rows: T[]): Record<string, number> {
  return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
}

/** Above this many unfinished articles, status does not list every live job to find the stuck ones. */
const STUCK_CHECK_LIMIT = 20_000;

/** What `curator status` prints: queue counts, row counts, throughput, ETA and the top failure classes. */
export async function getStatus(db: Db, queues: QueueSet, options: { runId?: string; windowMinutes?: number } = {}): Promise<RunStatus> {
  const windowMinutes = options.windowMinutes ?? 5;
  const runId = options.runId ?? null;
  const inScope = runId ? articleWhere.inRun(runId) : {};
  const figureWhere = runId ? { article: { runArticles: { some: { runId } } } } : {};
  const [ingest, detect, align] = await Promise.all([
    db.article.groupBy({ by: ['ingestStatus'], where: inScope, _count: { _all: true } }),
    db.figure.groupBy({ by: ['detectStatus'], where: figureWhere, _count: { _all: true } }),
    db.figure.groupBy({ by: ['alignStatus'], where: figureWhere, _count: { _all: true } }),
  ]);
  const rows: Record<StageName, Record<string, number>> = {
    ingest: countBy(ingest.map((r) => ({ status: r.ingestStatus, _count: r._count }))),
    detect: countBy(detect.map((r) => ({ status: r.detectStatus, _count: r._count }))),
    align: countBy(align.map((r) => ({ status: r.alignStatus, _count: r._count }))),
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
    const perSecond = await completedPerSecond(queues.queues[stage], windowMinutes);
    // Finalising jobs wait in the align queue for their figures; they are not work the align pool can do yet.
    const remaining = queue.waiting + queue.active + queue.delayed;
    stages.push({ stage, queue, rows: rows[stage], perSecond, etaSeconds: remaining === 0 ? 0 : perSecond > 0 ? remaining / perSecond : null });
  }
  const articles = runId ? progressCounts(await runProgress(db, runId)) : await allOutcomes(db);
  const windowStart = new Date(Date.now() - windowMinutes * 60_000);
  const run = runId ? await db.run.findUnique({ where: { id: runId }, select: { status: true, finishedAt: true, startedAt: true } }) : null;
  const since = run?.startedAt && run.startedAt > windowStart ? run.startedAt : windowStart;
  const recent = await db.article.count({ where: { ...inScope, finishedAt: { gte: since } } });
  const articlesPerSecond = recent / Math.max(1, (Date.now() - since.getTime()) / 1000);
  const stuck = articles.unfinished === 0 ? 0 : articles.unfinished <= STUCK_CHECK_LIMIT ? (await findStuckArticles({ db, queues }, runId ? { runId } : {})).length : null;
  const etaSeconds = articles.unfinished === 0 ? 0 : articlesPerSecond > 0 ? articles.unfinished / articlesPerSecond : null;
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
    articles,
    run: run ? { status: run.status, finishedAt: run.finishedAt } : null,
    stuck,
    articlesPerSecond,
    etaSeconds,
    topFailures: failures.map((row) => ({ errorClass: row.errorClass, stage: row.stage, count: row._count._all })),
    windowMinutes,
  };
}

function progressCounts(progress: RunProgress): RunStatus['articles'] {
  const { listed, curated, partial, failed, excluded } = progress;
  return { total: listed, curated, partial, failed, excluded, unfinished: listed - progress.finished };
}

async function allOutcomes(db: Db): Promise<RunStatus['articles']> {
  const groups = await db.article.groupBy({ by: ['outcome'], _count: { _all: true } });
  const count = (outcome: string | null) => groups.find((group) => group.outcome === outcome)?._count._all ?? 0;
  const total = groups.reduce((sum, group) => sum + group._count._all, 0);
  return { total, curated: count('curated'), partial: count('partial'), failed: count('failed'), excluded: count('excluded'), unfinished: count(null) };
}

const fmtEta = (seconds: number | null) =>
  seconds === null ? '?' : seconds < 90 ? `${Math.round(seconds)}s` : seconds < 5400 ? `${Math.round(seconds / 60)}m` : `${(seconds / 3600).toFixed(1)}h`;

export function formatStatus(status: RunStatus): string {
  const a = status.articles;
  const state = status.run ? (status.run.status === 'finished' ? ` — finished ${status.run.finishedAt?.toISOString() ?? ''}` : ' — running') : '';
  const lines = [
    `${status.runId ? `run ${status.runId}` : 'all runs'}${state}`,
    `articles ${a.total}: curated ${a.curated}, partial ${a.partial}, failed ${a.failed}, excluded ${a.excluded}, unfinished ${a.unfinished}` +
      (a.unfinished > 0 ? ` | ${status.articlesPerSecond.toFixed(2)} articles/s, ETA ${fmtEta(status.etaSeconds)}` : ''),
  ];
  if (status.stuck) lines.push(`stuck: ${status.stuck} unfinished articles have no live job; re-enqueue them with: curator reprocess --stuck${status.runId ? ` --run ${status.runId}` : ''}`);
  lines.push('stage    waiting  active  delayed  children  failed(redis)  rows                                  jobs/s   ETA');
  for (const s of status.stages) {
    const rows = Object.entries(s.rows).map(([k, v]) => `${k}=${v}`).join(' ');
    lines.push(
      `${s.stage.padEnd(8)} ${String(s.queue.waiting).padStart(7)} ${String(s.queue.active).padStart(7)} ${String(s.queue.delayed).padStart(8)} ${String(s.queue.waitingChildren).padStart(9)} ${String(s.queue.failed).padStart(14)}  ${rows.padEnd(36)} ${s.perSecond.toFixed(2).padStart(7)} ${fmtEta(s.etaSeconds).padStart(5)}`,
    );
  }
  lines.push(`jobs/s: completions over the last ${status.windowMinutes} min; align includes each article's finalising job`);
  lines.push(
    status.topFailures.length === 0
      ? 'failures: none unresolved'
      : `top failures: ${status.topFailures.map((f) => `${f.errorClass} (${f.stage}) ${f.count}`).join(', ')}`,
  );
  return lines.join('\n');
}
