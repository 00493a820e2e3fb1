import { describe, expect, it } from 'vitest';
import { emptyStageCounts } from './data/counts.ts';
import { formatMetrics } from './metrics.ts';

describe('prometheus text', () => {
  it('writes one gauge family per measure with escaped labels', () => {
    const counts = { articles: emptyStageCounts(), figures: emptyStageCounts() };
    counts.articles.ingest.done = 7;
    const text = formatMetrics({
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
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+\{[^}]*\} \d+)$/);
  });

  it('exports a backlog per queue: waiting + prioritized + delayed, not active, finished or paused jobs', () => {
    const counts = { articles: emptyStageCounts(), figures: emptyStageCounts() };
    const text = formatMetrics({
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
});
