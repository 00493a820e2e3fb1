/**
 * Does the splitter's confidence mean something? Predicted subcaptions are grouped by confidence and
 * each group's label precision and mean token F1 are reported: higher bins should be more often right.
 */
import type { ScoredPrediction } from './evaluate.ts';

export interface CalibrationBin {
  /** Confidence range [from, to). The last bin includes 1. */
  from: number;
  to: number;
  predictions: number;
  labelPrecision: number;
  meanTokenF1: number;
}

export const CALIBRATION_EDGES = [0, 0.6, 0.8, 0.9, 1] as const;

export function calibrationBins(predictions: readonly ScoredPrediction[], edges: readonly number[] = CALIBRATION_EDGES): CalibrationBin[] {
  const bins: CalibrationBin[] = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const from = edges[k] ?? 0;
    const to = edges[k + 1] ?? 1;
    const last = k + 2 === edges.length;
    const inBin = predictions.filter((p) => p.confidence >= from && (p.confidence < to || (last && p.confidence <= to)));
    const n = inBin.length;
    bins.push({
      from,
      to,
      predictions: n,
      labelPrecision: n === 0 ? 0 : inBin.filter((p) => p.labelCorrect).length / n,
      meanTokenF1: n === 0 ? 0 : inBin.reduce((a, p) => a + p.tokenF1, 0) / n,
    });
  }
  return bins;
}
