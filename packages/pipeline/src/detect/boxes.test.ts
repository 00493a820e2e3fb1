import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clampBox, iou, isValidBox, scaleBoxInto } from './boxes.ts';
import { readingOrder } from './order.ts';
import type { Box } from './types.ts';

describe('boxes', () => {
  it('computes IoU of known boxes', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
  });

  it('clampBox always yields a valid box inside the image (property)', () => {
    const n = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: false }), fc.constantFrom(Number.NaN, Infinity, -Infinity));
    fc.assert(fc.property(fc.tuple(n, n, n, n), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), (b, w, h) => {
      const c = clampBox(b, w, h);
      expect(isValidBox(c, w, h)).toBe(true);
    }));
  });

  it('reading order lists rows top to bottom, left to right (property: a permutation)', () => {
    const boxes: Box[] = [[300, 10, 400, 100], [0, 0, 100, 100], [0, 200, 100, 300], [150, 205, 250, 290]];
    expect(readingOrder(boxes)).toEqual([1, 0, 2, 3]);
    const box = fc.tuple(fc.nat(500), fc.nat(500), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }))
      .map(([x, y, w, h]) => [x, y, x + w, y + h] as Box);
    fc.assert(fc.property(fc.array(box, { maxLength: 12 }), (bs) => {
      expect([...readingOrder(bs)].sort((a, b) => a - b)).toEqual(bs.map((_, i) => i));
    }));
  });
});

describe('scaleBoxInto', () => {
  it('scales outward to whole pixels and clamps into the target image', () => {
    expect(scaleBoxInto([1, 1, 3, 3], [1.5, 0.5], [10, 10])).toEqual([1, 0, 5, 2]);
    expect(scaleBoxInto([0, 0, 10, 10], [2, 2], [15, 15])).toEqual([0, 0, 15, 15]);
  });
});
