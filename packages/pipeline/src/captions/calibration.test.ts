import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { calibrationBins } from './calibration.ts';
import { evaluateCaptions } from './evaluate.ts';

describe('calibrationBins', () => {
  it('groups predictions by confidence, the top bin including 1', () => {
    const bins = calibrationBins(
      [
        { label: 'A', confidence: 0.3, labelCorrect: false, tokenF1: 0 },
        { label: 'B', confidence: 0.95, labelCorrect: true, tokenF1: 0.8 },
        { label: 'C', confidence: 1, labelCorrect: true, tokenF1: 0.6 },
      ],
      [0, 0.6, 1],
    );
    expect(bins).toEqual([
      { from: 0, to: 0.6, predictions: 1, labelPrecision: 0, meanTokenF1: 0 },
      { from: 0.6, to: 1, predictions: 2, labelPrecision: 1, meanTokenF1: expect.closeTo(0.7, 6) as unknown },
    ]);
  });

  it('on the prostate development set, confident subcaptions are right more often than uncertain ones', () => {
    const path = fileURLToPath(new URL('../../../../test/fixtures/captions/prostate-subcaptions.json', import.meta.url));
    const report = evaluateCaptions(JSON.parse(readFileSync(path, 'utf8')));
    const bins = calibrationBins(report.perFigure.flatMap((f) => f.predictions), [0, 0.6, 1]);
    expect(bins.reduce((a, b) => a + b.predictions, 0)).toBe(report.predictedLabels);
    expect(bins[1]?.meanTokenF1).toBeGreaterThan(bins[0]?.meanTokenF1 ?? 1);
  });
});
