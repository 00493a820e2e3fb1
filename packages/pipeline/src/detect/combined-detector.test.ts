import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { answerInDoubt, CombinedDetector, groupUnderLabels, modelInDoubt, transferLabels } from './combined-detector.ts';
import { loadPanelSources } from './evaluate.ts';
import { decodeImage } from '../images/decode.ts';
import { captionPanelLabels } from '../captions/panel-labels.ts';
import { parseExsclaimGroundTruth } from './ground-truth.ts';
import { scoreFigure } from './score.ts';
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

describe('combined detector: a split needs evidence when the caption names no panel labels read on the figure', () => {
  // Invented figures: the model and layout+OCR are stubbed, so only the combining rule is under test.
  const image = { data: new Uint8Array(400 * 300 * 3).fill(255), width: 400, height: 300, channels: 3 as const };
  const result = (panels: Panel[], method = 'stub'): { width: number; height: number; method: string; modelVersion: string; panels: Panel[] } => ({ width: 400, height: 300, method, modelVersion: 'stub', panels });
  const stub = async (model: Panel[], layout: Panel[], modelLabels: Array<Panel['label']>): Promise<CombinedDetector> => {
    const det = await CombinedDetector.create();
    vi.spyOn(det['learned'], 'detectBatch').mockResolvedValue([result(model, 'learned')]);
    vi.spyOn(det.layout, 'detect').mockResolvedValue(result(layout, 'layout-ocr'));
    vi.spyOn(det.layout, 'readLabelsIn').mockResolvedValue(modelLabels);
    return det;
  };
  const whole: Box = [0, 0, 400, 300];

  it('answers one panel when the model is unsure, the caption names no labels and layout+OCR cut the figure without a label run', async () => {
    // A chart with its legend: the model weakly sees two parts, layout+OCR cuts at the gutter and reads a legend's "t" and an axis "A".
    const det = await stub(
      [{ box: [0, 0, 400, 90], score: 0.6 }, { box: [0, 100, 400, 300], score: 0.74 }],
      [{ box: [0, 0, 400, 95], score: 0.5, label: { text: 't', box: [5, 5, 12, 14] } }, { box: [0, 100, 400, 300], score: 0.5, label: { text: 'A', box: [5, 105, 12, 114] } }],
      [undefined, undefined],
    );
    try {
      const r = await det.detect(image);
      expect(r.panels.map((p) => p.box)).toEqual([whole]);
      expect(r.method).toBe('combined/whole');
    } finally {
      await det.close();
    }
  });

  it('keeps layout+OCR\'s split when it read a label run, and the model\'s when it is sure of every box', async () => {
    const parts: Panel[] = [{ box: [0, 0, 195, 300], score: 0.8, label: { text: 'a', box: [2, 2, 10, 12] } }, { box: [205, 0, 400, 300], score: 0.8, label: { text: 'b', box: [207, 2, 215, 12] } }];
    const unsure = await stub([{ box: [0, 0, 195, 300], score: 0.6 }, { box: [205, 0, 400, 300], score: 0.65 }], parts, [undefined, undefined]);
    try {
      expect((await unsure.detect(image)).panels.map((p) => p.label?.text)).toEqual(['a', 'b']);
    } finally {
      await unsure.close();
    }
    const sure = await stub([{ box: [0, 0, 195, 300], score: 0.8 }, { box: [205, 0, 400, 300], score: 0.85 }], [], [undefined, undefined]);
    try {
      expect((await sure.detect(image)).panels).toHaveLength(2);
    } finally {
      await sure.close();
    }
  });

  it('answers one panel when none of the caption\'s labels is read and layout+OCR\'s gutters do not give back the model\'s split', async () => {
    // Three stacked plots sharing an x-axis title; the caption's "a, b, c" name threshold lines, not panels.
    const model: Panel[] = [{ box: [40, 0, 400, 100], score: 0.76 }, { box: [40, 100, 400, 200], score: 0.78 }, { box: [40, 200, 400, 300], score: 0.81 }];
    const det = await stub(model, [{ box: [0, 0, 35, 300], score: 0.5 }, { box: [40, 0, 400, 300], score: 0.5 }], [undefined, undefined, undefined]);
    try {
      expect((await det.detect(image, { captionLabels: ['a', 'b', 'c'] })).panels.map((p) => p.box)).toEqual([whole]);
    } finally {
      await det.close();
    }
    // The same boxes with layout+OCR cutting the same rows: three panels whose labels OCR missed.
    const rows = await stub(model, model.map((p) => ({ ...p, score: 0.5 })), [undefined, undefined, undefined]);
    try {
      expect((await rows.detect(image, { captionLabels: ['a', 'b', 'c'] })).panels).toHaveLength(3);
    } finally {
      await rows.close();
    }
    // Or with one caption label read in a model box.
    const read = await stub(model, [{ box: [0, 0, 35, 300], score: 0.5 }, { box: [40, 0, 400, 300], score: 0.5 }], [{ text: 'a', box: [42, 2, 50, 12] }, undefined, undefined]);
    try {
      expect((await read.detect(image, { captionLabels: ['a', 'b', 'c'] })).panels).toHaveLength(3);
    } finally {
      await read.close();
    }
  });
});

describe('combined detector: the decision for a figure the model is in doubt of', () => {
  const panel = (x: number, score = 0.9, label?: string): Panel => ({ box: [x, 0, x + 10, 10], score, ...(label ? { label: { text: label, box: [x, 0, x + 3, 3] } } : {}) });

  it('asks layout+OCR when a box is weak or the count differs from two or more caption labels', () => {
    expect(modelInDoubt([panel(0), panel(20)], 2, 0.7)).toBe(false);
    expect(modelInDoubt([panel(0), panel(20, 0.6)], 2, 0.7)).toBe(true);
    expect(modelInDoubt([panel(0)], 2, 0.7)).toBe(true);
    // One caption label says nothing about the count.
    expect(modelInDoubt([panel(0), panel(20)], 1, 0.7)).toBe(false);
  });

  it('keeps the model when it alone matches the caption, makes an unlabelled split without a label run one panel, else layout+OCR', () => {
    expect(answerInDoubt(2, 2, [panel(0)])).toBe('model');
    expect(answerInDoubt(2, 2, [panel(0), panel(20)])).toBe('layout-ocr');
    expect(answerInDoubt(3, 2, [panel(0), panel(20), panel(40)])).toBe('layout-ocr');
    expect(answerInDoubt(0, 1, [panel(0), panel(20)])).toBe('whole');
    expect(answerInDoubt(0, 1, [panel(0, 0.9, 'a'), panel(20, 0.9, 'b')])).toBe('layout-ocr');
    expect(answerInDoubt(0, 2, [panel(0)])).toBe('layout-ocr');
  });

  it('counts a label run only among the labels of the case most of them share', () => {
    // A stacked bar chart: legend letters "A", "B" and axis text read as "n", "g", "e".
    const legend = ['n', 'B', 'g', 'e', 'A'].map((l, i) => panel(20 * i, 0.9, l));
    expect(answerInDoubt(0, 1, legend)).toBe('whole');
    // A labelled figure with one stray lower-case letter read beside its labels.
    const labelled = ['A', 'B', 'C', 'n'].map((l, i) => panel(20 * i, 0.9, l));
    expect(answerInDoubt(0, 1, labelled)).toBe('layout-ocr');
  });
});

describe('combined detector: several plots under one label', () => {
  // Two rows of two charts; a label at the left of each row.
  const grid: Panel[] = [
    { box: [0, 40, 300, 300], score: 0.8 }, { box: [310, 20, 600, 300], score: 0.75 },
    { box: [0, 340, 300, 600], score: 0.8 }, { box: [310, 330, 600, 600], score: 0.7 },
  ];
  const at = (text: string, x: number, y: number): { text: string; box: Box } => ({ text, box: [x, y, x + 20, y + 20] });

  it('makes each row one panel when one label run from A names the rows at their left', () => {
    const out = groupUnderLabels(grid, [at('A', 2, 2), undefined, at('B', 2, 312), undefined]);
    expect(out?.map((p) => [p.box, p.label?.text, p.score])).toEqual([[[0, 20, 600, 300], 'A', 0.75], [[0, 330, 600, 600], 'B', 0.7]]);
  });

  it('keeps the boxes when a row holds two labels, a box has no label in its row, the run skips or is inferred', () => {
    expect(groupUnderLabels(grid, [at('A', 2, 2), at('B', 312, 2), undefined, undefined])).toBeNull();
    expect(groupUnderLabels(grid, [at('A', 2, 2), undefined, undefined, undefined])).toBeNull();
    expect(groupUnderLabels(grid, [at('A', 2, 2), undefined, at('C', 2, 312), undefined])).toBeNull();
    expect(groupUnderLabels(grid, [at('B', 2, 2), undefined, at('C', 2, 312), undefined])).toBeNull();
    expect(groupUnderLabels(grid, [at('A', 2, 2), undefined, { ...at('B', 2, 312), inferred: true }, undefined])).toBeNull();
    // The label is right of the unlabelled box: that box is a panel of its own whose label was missed.
    expect(groupUnderLabels(grid, [undefined, at('A', 312, 2), undefined, at('B', 312, 312)])).toBeNull();
    expect(groupUnderLabels(grid, [at('A', 2, 2), at('B', 312, 2), at('C', 2, 312), at('D', 312, 312)])).toBeNull();
  });

  it('with caption labels, all of them read: unlabelled boxes join the label to their left in the row, else the one above', () => {
    // Row 1: A and B; row 2: C over two plots; a plot stacked under D in the right column of row 3.
    const panels: Panel[] = [
      { box: [0, 0, 290, 200], score: 0.8 }, { box: [310, 0, 600, 200], score: 0.8 },
      { box: [0, 220, 290, 400], score: 0.8 }, { box: [310, 220, 600, 400], score: 0.6 },
      { box: [0, 420, 600, 600], score: 0.8 }, { box: [0, 610, 600, 700], score: 0.5 },
    ];
    const labels = [at('A', 2, 2), at('B', 312, 2), at('C', 2, 222), undefined, at('D', 2, 422), undefined];
    const out = groupUnderLabels(panels, labels, ['A', 'B', 'C', 'D']);
    expect(out?.map((p) => [p.label?.text, p.box])).toEqual([['A', [0, 0, 290, 200]], ['B', [310, 0, 600, 200]], ['C', [0, 220, 600, 400]], ['D', [0, 420, 600, 700]]]);
    // A caption label unread, or a label the caption does not name: the boxes stay.
    expect(groupUnderLabels(panels, [...labels.slice(0, 4), undefined, undefined], ['A', 'B', 'C', 'D'])).toBeNull();
    expect(groupUnderLabels(panels, labels, ['A', 'B', 'C', 'E'])).toBeNull();
  });

  it('keeps the boxes when joining would make two panels overlap', () => {
    // The unlabelled box sits right of A but reaches down into C's row: A's panel would swallow part of C.
    const panels: Panel[] = [{ box: [0, 0, 290, 200], score: 0.8 }, { box: [310, 0, 600, 330], score: 0.6 }, { box: [0, 220, 600, 400], score: 0.8 }];
    expect(groupUnderLabels(panels, [at('A', 2, 2), undefined, at('B', 2, 222)], ['A', 'B'])).toBeNull();
  });
});

/** The combined detector's result on a real-dev figure and its score against the annotation. */
async function detectRealDev(file: string, withCaption: boolean): Promise<{ method: string; score: ReturnType<typeof scoreFigure> }> {
  const dir = new URL('../../../../test/fixtures/figures/real-dev/', import.meta.url);
  const fig = parseExsclaimGroundTruth(JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'))).find((f) => f.file === file)!;
  const det = await CombinedDetector.create();
  try {
    const { image } = await decodeImage(new URL(fig.file, dir).pathname);
    const r = await det.detect(image, withCaption ? { captionLabels: captionPanelLabels(fig.caption) } : undefined);
    return { method: r.method, score: scoreFigure(r.panels, fig.panels) };
  } finally {
    await det.close();
  }
}

describe('combined detector: real figures', () => {
  it('gives a figure with row titles ("A: 60 x 120 Networks" over two charts) one panel per row, no caption labels (pone.0097823 fig 1)', async () => {
    const { method, score } = await detectRealDev('pone.0097823_g001.jpg', false);
    expect(score).toMatchObject({ truePositives: 2, falsePositives: 0, falseNegatives: 0, labelCorrectExact: 2 });
    expect(method).toBe('combined/grouped');
  });

  it('joins two raster plots under "C" and two line plots under "D" when every caption label is read on the model\'s boxes (elife-15600 fig 1)', async () => {
    const { method, score } = await detectRealDev('elife-15600_fig1.jpg', true);
    expect(score).toMatchObject({ truePositives: 4, falsePositives: 0, falseNegatives: 0, labelCorrectExact: 4 });
    expect(method).toBe('combined/grouped');
  });

  it('reads labels printed in the gutter well above the model\'s tight boxes, so the caption\'s count holds (elife-01239 fig 2)', async () => {
    const { score } = await detectRealDev('elife-01239_fig2.jpg', true);
    expect(score).toMatchObject({ truePositives: 3, falsePositives: 0, falseNegatives: 0, labelCorrectExact: 3 });
  });
});
