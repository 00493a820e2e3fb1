import { describe, expect, it } from 'vitest';
import { backoffDelay } from './policy.ts';

describe('backoffDelay', () => {
  it('doubles per attempt and stays within [half, full] of the exponential delay', () => {
    expect(backoffDelay(1, 1000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, () => 0)).toBe(2000);
    expect(backoffDelay(3, 1000, () => 1)).toBe(4000);
  });

  it('is capped so a long outage does not push retries out for hours', () => {
    expect(backoffDelay(40, 1000, () => 1)).toBe(600_000);
  });

  it('spreads concurrent retries', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(4, 1000)));
    expect(delays.size).toBeGreaterThan(1);
  });
});
