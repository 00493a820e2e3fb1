import { describe, expect, it } from 'vitest';
import { countDottedIs } from './label-candidates.ts';
import type { GreyCrop } from './recognizer.ts';

/** A white crop with black rectangles [x1, y1, x2, y2]. */
function crop(width: number, height: number, rects: Array<[number, number, number, number]>): GreyCrop {
  const data = new Uint8Array(width * height).fill(255);
  for (const [x1, y1, x2, y2] of rects) for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) data[y * width + x] = 0;
  return { data, width, height };
}

describe('dotted i shapes', () => {
  it('counts stems with a dot above each', () => {
    expect(countDottedIs(crop(20, 24, [[5, 4, 8, 7], [5, 9, 8, 20]]))).toBe(1);
    expect(countDottedIs(crop(26, 24, [[5, 4, 8, 7], [5, 9, 8, 20], [13, 4, 16, 7], [13, 9, 16, 20]]))).toBe(2);
    // A separator rule along the crop's side does not count.
    expect(countDottedIs(crop(34, 24, [[0, 0, 2, 24], [5, 4, 8, 7], [5, 9, 8, 20], [13, 4, 16, 7], [13, 9, 16, 20], [21, 4, 24, 7], [21, 9, 24, 20]]))).toBe(3);
  });
  it('rejects stems without dots and other glyphs', () => {
    expect(countDottedIs(crop(20, 24, [[5, 4, 8, 20]]))).toBe(0);
    expect(countDottedIs(crop(26, 24, [[5, 4, 8, 7], [5, 9, 8, 20], [12, 9, 22, 20]]))).toBe(0);
  });
});
