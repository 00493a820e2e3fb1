import { describe, expect, it } from 'vitest';
import { DynamicBatcher } from './batcher.ts';

describe('DynamicBatcher', () => {
  it('groups concurrent submissions up to maxBatch into one run call', async () => {
    const calls: number[][] = [];
    const batcher = new DynamicBatcher<number, number>({
      maxBatch: 3,
      maxWaitMs: 1000,
      run: async (items) => {
        calls.push(items);
        return items.map((n) => n * 2);
      },
    });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n)));
    expect(results).toEqual([2, 4, 6, 8, 10, 12]);
    expect(calls).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('flushes a partial batch after maxWaitMs', async () => {
    const batcher = new DynamicBatcher<string, string>({ maxBatch: 10, maxWaitMs: 5, run: async (items) => items.map((s) => s.toUpperCase()) });
    expect(await Promise.all([batcher.submit('a'), batcher.submit('b')])).toEqual(['A', 'B']);
    expect(batcher.batchSizes).toEqual([2]);
  });

  it('fails only the items whose result is an Error, or all of them when the run throws', async () => {
    const batcher = new DynamicBatcher<number, number>({
      maxBatch: 2,
      maxWaitMs: 1,
      run: async (items) => items.map((n) => (n < 0 ? new Error(`bad ${n}`) : n)),
    });
    const [good, bad] = await Promise.allSettled([batcher.submit(1), batcher.submit(-1)]);
    expect(good).toEqual({ status: 'fulfilled', value: 1 });
    expect(bad).toMatchObject({ status: 'rejected', reason: { message: 'bad -1' } });
    const failing = new DynamicBatcher<number, number>({ maxBatch: 2, maxWaitMs: 1, run: async () => { throw new Error('down'); } });
    await expect(failing.submit(1)).rejects.toThrow('down');
  });
});
