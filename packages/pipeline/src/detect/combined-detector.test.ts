import { describe, expect, it, vi } from 'vitest';
import { CombinedDetector, transferLabels } from './combined-detector.ts';
import { loadPanelSources } from './evaluate.ts';
import { generateSyntheticFigure } from './synthetic.ts';
import type { Box, Panel } from './types.ts';

describe('combined detector: one figure analysis per figure', () => {
  it('runs layout+OCR at most once per figure, on the analysis its label reading uses', async () => {
    const det = await CombinedDetector.create();
    try {
      const sources = await loadPanelSources(new URL('../../../../test/fixtures/figures/exsclaim-ccby/', import.meta.url).pathname);
      const analyse = vi.spyOn(det.layout, 'analyse');
      const detect = vi.spyOn(det.layout, 'detect');
      const read = vi.spyOn(det.layout, 'readLabelsIn');
      for (const [seed, extra] of [3, 8, 14, 21, 40, 77].flatMap((s) => [[s, false], [s, true]] as const)) {
        const fig = await generateSyntheticFigure(seed, sources);
        // extra: a caption naming one label too many, so that the model disagrees with it and layout+OCR is asked.
        const hints = { captionLabels: extra ? [...fig.captionLabels, 'z'] : fig.captionLabels };
        analyse.mockClear();
        detect.mockClear();
        read.mockClear();
        await det.detect(fig.image, hints);
        expect(analyse).toHaveBeenCalledTimes(1);
        expect(detect.mock.calls.length).toBeLessThanOrEqual(1);
        const figure = analyse.mock.results[0]!.value as unknown;
        for (const call of [...detect.mock.calls, ...read.mock.calls]) expect(call.at(-1)).toBe(figure);
      }
    } finally {
      await det.close();
    }
  });
});

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
