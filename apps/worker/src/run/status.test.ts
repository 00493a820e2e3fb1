import { describe, expect, it } from 'vitest';
import { ratePerSecond } from './status.ts';

const minute = 60_000;
const t0 = 1_700_000_000_000 - (1_700_000_000_000 % minute);

describe('ratePerSecond (jobs/s from BullMQ metric counters)', () => {
  it('counts the minute in progress, which BullMQ has not written to its data points yet', () => {
    // 30 jobs since the first completion 20 s ago, no finished minute yet: 1.5 jobs/s, not 0.
    expect(ratePerSecond({ count: 30, prevCount: 0, prevTS: t0 + 10_000, data: [] }, 5, t0 + 30_000)).toBeCloseTo(1.5);
  });

  it('adds the finished minutes that fall inside the window', () => {
    // Two full minutes of 60 jobs each, then 30 jobs in the current minute so far (30 s in).
    const rate = ratePerSecond({ count: 150, prevCount: 120, prevTS: t0 + 1_000, data: [60, 60] }, 5, t0 + 30_000);
    expect(rate).toBeCloseTo(150 / 150);
  });

  it('drops minutes older than the window and decays when workers stopped', () => {
    const busy = ratePerSecond({ count: 10, prevCount: 0, prevTS: t0, data: [600, 600, 600] }, 2, t0 + 30_000);
    expect(busy).toBeCloseTo((10 + 600) / 90);
    const idle = ratePerSecond({ count: 10, prevCount: 0, prevTS: t0, data: [600] }, 5, t0 + 30 * minute);
    expect(idle).toBeLessThan(0.05);
  });

  it('is 0 without completions', () => {
    expect(ratePerSecond({ count: 0, prevCount: 0, prevTS: t0, data: [] }, 5, t0 + 1000)).toBe(0);
  });
});
