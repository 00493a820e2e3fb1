import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { intFlag, numberFlag, parseFlags, portFlag } from './flags.ts';

describe('numeric flags', () => {
  const schema = z.object({ limit: intFlag({ min: 1 }).optional(), window: intFlag({ min: 1, unit: 'minutes' }).default(5), maxMb: numberFlag({ above: 0, unit: 'MiB' }).optional(), port: portFlag().optional() });

  it('parses plain numbers and keeps defaults; other flags are left out', () => {
    expect(parseFlags(schema, { limit: '3', maxMb: '0.5', port: '0', json: true })).toEqual({ limit: 3, window: 5, maxMb: 0.5, port: 0 });
    expect(parseFlags(schema, { window: ' 10 ' })).toEqual({ window: 10 });
  });

  it.each([
    [{ window: 'x' }, '--window takes an integer ≥ 1 (minutes), not "x"'],
    [{ window: '' }, '--window takes an integer ≥ 1 (minutes), not ""'],
    [{ window: '0' }, '--window takes an integer ≥ 1 (minutes), not "0"'],
    [{ limit: '2.5' }, '--limit takes an integer ≥ 1, not "2.5"'],
    [{ limit: '8x' }, '--limit takes an integer ≥ 1, not "8x"'],
    [{ maxMb: '0' }, '--max-mb takes a number above 0 (MiB), not "0"'],
    [{ port: '70000' }, '--port takes an integer from 0 to 65535, not "70000"'],
  ])('refuses %o with a message naming the flag', (flags, message) => {
    expect(() => parseFlags(schema, flags)).toThrow(message);
  });

  it('names every bad flag at once', () => {
    expect(() => parseFlags(schema, { limit: '-1', port: 'http' })).toThrow(/--limit takes .*; --port takes /);
  });
});
