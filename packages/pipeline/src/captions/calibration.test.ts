import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { calibrateConfidence, calibrationBins, calibrationError, calibrationFold, calibrationTable, fitIsotonic } from './calibration.ts';
import type { ScoredPrediction } from './evaluate.ts';
import { evaluateCaptions } from './evaluate.ts';

describe('calibrationBins', () => {
  it('groups predictions by confidence, the top bin including 1', () => {
    const bins = calibrationBins(
      [
        { label: 'A', confidence: 0.3, rawConfidence: 0.3, labelCorrect: false, tokenF1: 0 },
        { label: 'B', confidence: 0.95, rawConfidence: 0.95, labelCorrect: true, tokenF1: 0.8 },
        { label: 'C', confidence: 1, rawConfidence: 1, labelCorrect: true, tokenF1: 0.6 },
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

describe('confidence calibration', () => {
  it('fits a non-decreasing step map by pooling adjacent violators', () => {
    const pts = [
      { raw: 0.5, right: false },
      { raw: 0.5, right: true },
      { raw: 0.7, right: true },
      { raw: 0.8, right: false },
      { raw: 0.9, right: true },
      { raw: 0.9, right: true },
    ];
    // 0.7 (1/1) and 0.8 (0/1) violate the order and are pooled to 0.5, as is 0.5 (1/2).
    expect(fitIsotonic(pts)).toEqual([
      { upTo: 0.8, confidence: 0.5 },
      { upTo: 0.9, confidence: 1 },
    ]);
    expect(calibrateConfidence(0.6, fitIsotonic(pts))).toBe(0.5);
    expect(calibrateConfidence(0.99, fitIsotonic(pts))).toBe(1);
  });

  it('reports the share right per confidence range and the calibration error', () => {
    const p = (confidence: number, labelCorrect: boolean, tokenF1: number) => ({ label: 'A', confidence, rawConfidence: confidence, labelCorrect, tokenF1 });
    const rows = calibrationTable([p(0.85, true, 0.9), p(0.85, true, 0.5), p(0.95, true, 0.8), p(0.95, false, 0)], [0, 0.9, 1]);
    expect(rows).toEqual([
      { confidence: '0-0.9', subcaptions: 2, meanConfidence: 0.85, right: 0.5 },
      { confidence: '0.9-1', subcaptions: 2, meanConfidence: 0.95, right: 0.5 },
    ]);
    expect(calibrationError(rows)).toBeCloseTo(0.4, 6);
  });

  it('on the held-out fold of both development sets, calibrated confidences are closer to the share right than raw scores', () => {
    const held: ScoredPrediction[] = [];
    for (const file of ['prostate-subcaptions.json', 'zou-panelseg-dev.json']) {
      const path = fileURLToPath(new URL(`../../../../test/fixtures/captions/${file}`, import.meta.url));
      for (const f of evaluateCaptions(JSON.parse(readFileSync(path, 'utf8'))).perFigure) if (calibrationFold(`${file}:${f.id}`) === 1) held.push(...f.predictions);
    }
    const raw = calibrationError(calibrationTable(held.map((x) => ({ ...x, confidence: x.rawConfidence }))));
    const calibrated = calibrationError(calibrationTable(held));
    expect(calibrated).toBeLessThan(raw);
    expect(calibrated).toBeLessThan(0.06);
  });
});
