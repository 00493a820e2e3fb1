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
});
