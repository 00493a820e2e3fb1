import { Gauge, Histogram, Registry } from 'prom-client';
import type { FinishedJob, QueueCounts, QueueLike } from './data/queues.ts';
import type { StageCounts } from './data/types.ts';

/** Prometheus text exposition format (version 0.0.4). */
const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** BullMQ states of jobs not yet taken: the wait list, the prioritised set and the delayed set (retries, outages). */
const BACKLOG_STATES = ['waiting', 'prioritized', 'delayed'] as const;

/** How many of a queue's most recently completed jobs each scrape reads for the duration histogram. */
const RECENT_JOBS = 200;

/** Upper bounds (seconds) of the job-duration histogram: a figure's align takes milliseconds, a big ingest minutes. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export interface MetricsInput {
  counts: StageCounts;
  failures: Array<{ stage: string; errorClass: string; resolved: boolean; count: number }>;
  queues: QueueCounts[];
}

/**
 * One dashboard app's metrics: a prom-client registry of its own (not the global default, so several apps in one
 * process, as in tests, do not collide). Gauges are set from Postgres and Redis on every scrape; the histogram
 * accumulates across scrapes.
 */
export class DashboardMetrics {
  readonly registry = new Registry();
  readonly contentType = METRICS_CONTENT_TYPE;
  private readonly articles = this.gauge('pmc_curator_articles', 'Articles by stage and status.', ['stage', 'status']);
  private readonly figures = this.gauge('pmc_curator_figures', 'Figures by stage and status.', ['stage', 'status']);
  private readonly failures = this.gauge('pmc_curator_failures', 'Failure ledger rows by stage, error class and whether they are resolved.', ['stage', 'error_class', 'resolved']);
  private readonly queueJobs = this.gauge('pmc_curator_queue_jobs', 'BullMQ jobs by queue and state.', ['queue', 'state']);
  private readonly backlog = this.gauge(
    'pmc_curator_queue_backlog',
    'Jobs a worker could still take, by queue: waiting + prioritized + delayed (what autoscaling watches; absent while the queue does not answer).',
    ['queue'],
  );
  private readonly queueUp = this.gauge('pmc_curator_queue_up', '1 when the queue answered getJobCounts, else 0.', ['queue']);
  private readonly duration = new Histogram({
    name: 'pmc_curator_job_duration_seconds',
    help: 'Run time of completed stage jobs (BullMQ finishedOn - processedOn of the last attempt), by queue and job name; each job is counted once, when this dashboard first sees it among the queue\'s most recently completed jobs at a scrape.',
    labelNames: ['queue', 'job_name'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  /** Per queue: the newest finishedOn observed and the job ids finished at that millisecond. */
  private readonly seen = new Map<string, { finishedOn: number; ids: Set<string> }>();

  private gauge(name: string, help: string, labelNames: string[]): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /** Sets every gauge from one reading; label sets absent from it (a queue that did not answer) disappear. */
  set(input: MetricsInput): void {
    for (const [table, gauge] of [
      ['articles', this.articles],
      ['figures', this.figures],
    ] as const) {
      gauge.reset();
      for (const [stage, statuses] of Object.entries(input.counts[table])) {
        for (const [status, value] of Object.entries(statuses)) gauge.set({ stage, status }, value);
      }
    }
    this.failures.reset();
    for (const row of input.failures) this.failures.set({ stage: row.stage, error_class: row.errorClass, resolved: String(row.resolved) }, row.count);
    for (const gauge of [this.queueJobs, this.backlog, this.queueUp]) gauge.reset();
    for (const queue of input.queues) {
      this.queueUp.set({ queue: queue.name }, queue.counts ? 1 : 0);
      if (!queue.counts) continue;
      for (const [state, value] of Object.entries(queue.counts)) this.queueJobs.set({ queue: queue.name, state }, value);
      this.backlog.set({ queue: queue.name }, BACKLOG_STATES.reduce((sum, state) => sum + (queue.counts![state] ?? 0), 0));
    }
  }

  /** Observes the durations of jobs finished after the newest one seen before (jobs without both timestamps are skipped). */
  observeCompleted(queue: string, jobs: readonly FinishedJob[]): void {
    const last = this.seen.get(queue) ?? { finishedOn: -Infinity, ids: new Set<string>() };
    let newest = last;
    for (const job of jobs) {
      const { processedOn, finishedOn } = job;
      if (processedOn === undefined || finishedOn === undefined) continue;
      const id = job.id ?? '';
      if (finishedOn < last.finishedOn || (finishedOn === last.finishedOn && last.ids.has(id))) continue;
      this.duration.observe({ queue, job_name: job.name }, Math.max(0, finishedOn - processedOn) / 1000);
      if (finishedOn > newest.finishedOn) newest = { finishedOn, ids: new Set([id]) };
      else if (finishedOn === newest.finishedOn) newest.ids.add(id);
    }
    this.seen.set(queue, newest);
  }

  /** Reads the most recently completed jobs of each queue that can list them; a queue that does not answer is skipped. */
  async observeQueues(queues: readonly QueueLike[]): Promise<void> {
    await Promise.all(
      queues.map(async (queue) => {
        if (!queue.getJobs) return;
        try {
          this.observeCompleted(queue.name, await queue.getJobs(['completed'], 0, RECENT_JOBS - 1, false));
        } catch {
          // Redis not answering shows as pmc_curator_queue_up 0; the histogram just misses this scrape.
        }
      }),
    );
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The exposition text of one reading, from a fresh registry (or the given one). */
export async function formatMetrics(input: MetricsInput, metrics = new DashboardMetrics()): Promise<string> {
  metrics.set(input);
  return metrics.text();
}
