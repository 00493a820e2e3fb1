import { describe, expect, it } from 'vitest';
import { emptyStageCounts } from './data/counts.ts';
import { DashboardMetrics, formatMetrics } from './metrics.ts';

describe('prometheus text', () => {
  it('writes one gauge family per measure with escaped labels', async () => {
    const counts = { articles: emptyStageCounts(), figures: emptyStageCounts() };
    counts.articles.ingest.done = 7;
    const text = await formatMetrics({
      counts,
      failures: [{ stage: 'ingest', errorClass: 'Weird"Class\\', resolved: false, count: 2 }],
      queues: [
        { name: 'ingest', counts: { waiting: 3, failed: 1 } },
        { name: 'detect', counts: null, error: 'down' },
      ],
    });
    expect(text).toContain('# TYPE pmc_curator_articles gauge\n');
    expect(text).toContain('pmc_curator_articles{stage="ingest",status="done"} 7\n');
    expect(text).toContain('pmc_curator_figures{stage="align",status="pending"} 0\n');
    expect(text).toContain('pmc_curator_failures{stage="ingest",error_class="Weird\\"Class\\\\",resolved="false"} 2\n');
    expect(text).toContain('pmc_curator_queue_jobs{queue="ingest",state="waiting"} 3\n');
    expect(text).toContain('pmc_curator_queue_up{queue="detect"} 0\n');
    expect(text.endsWith('\n')).toBe(true);
    // prom-client separates families with a blank line, which the format allows.
    for (const line of text.trim().split('\n').filter(Boolean)) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+\{[^}]*\} \d+)$/);
  });

  it('exports a backlog per queue: waiting + prioritized + delayed, not active, finished or paused jobs', async () => {
    const counts = { articles: emptyStageCounts(), figures: emptyStageCounts() };
    const text = await formatMetrics({
      counts,
      failures: [],
      queues: [
        { name: 'detect', counts: { waiting: 3, prioritized: 40, delayed: 5, active: 8, completed: 900, failed: 2, paused: 7, 'waiting-children': 1 } },
        { name: 'align', counts: {} },
        { name: 'ingest', counts: null, error: 'down' },
      ],
    });
    expect(text).toContain('# TYPE pmc_curator_queue_backlog gauge\n');
    expect(text).toContain('pmc_curator_queue_backlog{queue="detect"} 48\n');
    expect(text).toContain('pmc_curator_queue_backlog{queue="align"} 0\n');
    expect(text).not.toContain('pmc_curator_queue_backlog{queue="ingest"}');
  });

  it('a label set missing from the next reading disappears (a queue that stops answering has no backlog)', async () => {
    const metrics = new DashboardMetrics();
    const counts = { articles: emptyStageCounts(), figures: emptyStageCounts() };
    await formatMetrics({ counts, failures: [], queues: [{ name: 'detect', counts: { waiting: 4 } }] }, metrics);
    const text = await formatMetrics({ counts, failures: [], queues: [{ name: 'detect', counts: null, error: 'down' }] }, metrics);
    expect(text).not.toContain('pmc_curator_queue_backlog{queue="detect"}');
    expect(text).not.toContain('pmc_curator_queue_jobs{queue="detect"');
    expect(text).toContain('pmc_curator_queue_up{queue="detect"} 0\n');
  });

  it('two apps keep separate registries', async () => {
    const counts = { articles: emptyStageCounts(), figures: emptyStageCounts() };
    const [a, b] = [new DashboardMetrics(), new DashboardMetrics()];
    await formatMetrics({ counts, failures: [], queues: [{ name: 'align', counts: { waiting: 1 } }] }, a);
    await formatMetrics({ counts, failures: [], queues: [{ name: 'align', counts: { waiting: 9 } }] }, b);
    expect(await a.text()).toContain('pmc_curator_queue_backlog{queue="align"} 1\n');
    expect(await b.text()).toContain('pmc_curator_queue_backlog{queue="align"} 9\n');
  });
});

describe('job duration histogram', () => {
  const job = (id: string, processedOn: number, finishedOn: number, name = 'detect') => ({ id, name, processedOn, finishedOn });

  it('observes finishedOn - processedOn of each completed job once across scrapes', async () => {
    const metrics = new DashboardMetrics();
    // Newest first, as BullMQ lists the completed set.
    metrics.observeCompleted('detect', [job('b', 1000, 1300), job('a', -19_000, 1000)]);
    metrics.observeCompleted('detect', [job('c', 2000, 2000 + 700), job('b', 1000, 1300), job('a', -19_000, 1000)]);
    // Same finishing millisecond as the newest seen, but another job: still new.
    metrics.observeCompleted('detect', [job('d', 2100, 2700), job('c', 2000, 2700), { id: 'x', name: 'detect' }]);
    const text = await metrics.text();
    expect(text).toContain('# TYPE pmc_curator_job_duration_seconds histogram\n');
    expect(text).toContain('pmc_curator_job_duration_seconds_count{queue="detect",job_name="detect"} 4\n');
    expect(text).toContain('pmc_curator_job_duration_seconds_bucket{le="0.5",queue="detect",job_name="detect"} 1\n');
    expect(text).toContain('pmc_curator_job_duration_seconds_bucket{le="1",queue="detect",job_name="detect"} 3\n');
    expect(text).toContain('pmc_curator_job_duration_seconds_bucket{le="30",queue="detect",job_name="detect"} 4\n');
    expect(text).toMatch(/pmc_curator_job_duration_seconds_sum\{queue="detect",job_name="detect"\} 21\.6\d*\n/);
  });

  it('reads recent completed jobs from queues that list them and skips a queue that does not answer', async () => {
    const metrics = new DashboardMetrics();
    const calls: unknown[][] = [];
    await metrics.observeQueues([
      {
        name: 'align',
        getJobCounts: async () => ({}),
        getJobs: async (...args) => {
          calls.push(args);
          return [job('f1', 10, 60, 'finalize'), job('a1', 0, 5, 'align')];
        },
      },
      { name: 'ingest', getJobCounts: async () => ({}), getJobs: async () => Promise.reject(new Error('ECONNREFUSED')) },
      { name: 'detect', getJobCounts: async () => ({}) },
    ]);
    expect(calls).toEqual([[['completed'], 0, 199, false]]);
    const text = await metrics.text();
    expect(text).toContain('pmc_curator_job_duration_seconds_count{queue="align",job_name="finalize"} 1\n');
    expect(text).toContain('pmc_curator_job_duration_seconds_count{queue="align",job_name="align"} 1\n');
    expect(text).not.toContain('queue="ingest"');
  });
});
