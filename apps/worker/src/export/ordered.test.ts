import { describe, expect, it } from 'vitest';
import { lookahead } from './ordered.ts';

async function* numbers(n: number, pulled: number[]) {
  for (let i = 0; i < n; i += 1) {
    pulled.push(i);
    yield i;
  }
}

describe('lookahead', () => {
  it('yields in input order although later items finish first, with at most depth started ahead', async () => {
    const pulled: number[] = [];
    const started: number[] = [];
    const results: number[] = [];
    const delays = [30, 1, 20, 1, 5, 1, 1];
    for await (const value of lookahead(
      numbers(delays.length, pulled),
      (i) => {
        started.push(i);
        return new Promise<number>((resolve) => setTimeout(() => resolve(i * 10), delays[i]));
      },
      3,
    )) {
      expect(started.length - results.length).toBeLessThanOrEqual(3);
      results.push(value);
    }
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(pulled).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('stops reading the source when the consumer stops', async () => {
    const pulled: number[] = [];
    for await (const value of lookahead(numbers(100, pulled), (i) => i, 4)) {
      if (value === 2) break;
    }
    expect(pulled.length).toBeLessThanOrEqual(7);
  });
});
