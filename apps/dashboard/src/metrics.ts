import type { QueueCounts } from './data/queues.ts';
import type { StageCounts } from './data/types.ts';

/** Prometheus text exposition format (version 0.0.4). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(entries: Record<string, string>): string {
  return `{${Object.entries(entries)
    .map(([key, value]) => `${key}="${labelValue(value)}"`)
    .join(',')}}`;
}

interface Family {
  name: string;
  help: string;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

function family(out: string[], metric: Family): void {
  out.push(`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} gauge`);
  for (const sample of metric.samples) out.push(`${metric.name}${labels(sample.labels)} ${sample.value}`);
}

/** BullMQ states of jobs not yet taken: the wait list, the prioritised set and the delayed set (retries, outages). */
export const BACKLOG_STATES = ['waiting', 'prioritized', 'delayed'] as const;

export interface MetricsInput {
  counts: StageCounts;
  failures: Array<{ stage: string; errorClass: string; resolved: boolean; count: number }>;
  queues: QueueCounts[];
}

export function formatMetrics(input: MetricsInput): string {
  const out: string[] = [];
  for (const [table, name] of [
    ['articles', 'pmc_curator_articles'],
    ['figures', 'pmc_curator_figures'],
  ] as const) {
    family(out, {
      name,
      help: `${table === 'articles' ? 'Articles' : 'Figures'} by stage and status.`,
      samples: Object.entries(input.counts[table]).flatMap(([stage, statuses]) =>
        Object.entries(statuses).map(([status, value]) => ({ labels: { stage, status }, value })),
      ),
    });
  }
  family(out, {
    name: 'pmc_curator_failures',
    help: 'Failure ledger rows by stage, error class and whether they are resolved.',
    samples: input.failures.map((row) => ({
      labels: { stage: row.stage, error_class: row.errorClass, resolved: String(row.resolved) },
      value: row.count,
    })),
  });
  family(out, {
    name: 'pmc_curator_queue_jobs',
    help: 'BullMQ jobs by queue and state.',
    samples: input.queues.flatMap((queue) =>
      Object.entries(queue.counts ?? {}).map(([state, value]) => ({ labels: { queue: queue.name, state }, value })),
    ),
  });
  family(out, {
    name: 'pmc_curator_queue_backlog',
    help: 'Jobs a worker could still take, by queue: waiting + prioritized + delayed (what autoscaling watches; absent while the queue does not answer).',
    samples: input.queues.flatMap((queue) =>
      queue.counts ? [{ labels: { queue: queue.name }, value: BACKLOG_STATES.reduce((sum, state) => sum + (queue.counts![state] ?? 0), 0) }] : [],
    ),
  });
  family(out, {
    name: 'pmc_curator_queue_up',
    help: '1 when the queue answered getJobCounts, else 0.',
    samples: input.queues.map((queue) => ({ labels: { queue: queue.name }, value: queue.counts ? 1 : 0 })),
  });
  return `${out.join('\n')}\n`;
}
