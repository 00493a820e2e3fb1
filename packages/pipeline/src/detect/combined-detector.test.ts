import { describe, expect, it } from 'vitest';
import { transferLabels } from './combined-detector.ts';
import type { Box, Panel } from './types.ts';

describe('combined detector: labels from layout+OCR onto the model boxes', () => {
  const boxes: Box[] = [[0, 20, 100, 100], [110, 20, 200, 100], [0, 120, 100, 200], [110, 120, 200, 200]];
  it('moves read labels into the box holding them or just below them, then fills the rest by caption order', () => {
    const other: Panel[] = [
      { box: [0, 0, 100, 100], score: 0.9, label: { text: 'a', box: [40, 2, 60, 16] } }, // centred above box 0, in the gutter
      { box: [110, 0, 200, 100], score: 0.9, label: { text: 'b', box: [112, 22, 125, 35] } },
      { box: [0, 120, 200, 200], score: 0.9, label: { text: 'c', box: [2, 122, 15, 135], inferred: true } },
    ];
    const out = transferLabels(boxes, [undefined, undefined, undefined, undefined], other, ['a', 'b', 'c', 'd']);
    expect(out.map((l) => l?.text)).toEqual(['a', 'b', 'c', 'd']);
    expect(out.map((l) => !!l?.inferred)).toEqual([false, false, true, true]);
  });

  it('keeps labels read on the model boxes and never gives one text to two boxes', () => {
    const own = [{ text: 'a', box: [2, 22, 12, 32] as Box }, undefined, undefined, undefined];
    const other: Panel[] = [{ box: [110, 20, 200, 100], score: 0.9, label: { text: 'a', box: [112, 22, 125, 35] } }];
    const out = transferLabels(boxes, own, other, []);
    expect(out.map((l) => l?.text)).toEqual(['a', undefined, undefined, undefined]);
  });
});
