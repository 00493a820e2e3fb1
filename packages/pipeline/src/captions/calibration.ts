/**
 * Does the splitter's confidence mean something, and what does it mean?
 *
 * - `calibrationBins`: predicted subcaptions grouped by confidence, each group's label precision and mean token F1.
 * - Calibration: the splitter's raw score (label form, sequence penalties) is mapped to the probability that the
 *   subcaption is *right* — its label is a true label and its text has token F1 ≥ RIGHT_MIN_TOKEN_F1 against the
 *   annotators' subcaption. The map is an isotonic (pool-adjacent-violators) fit on one fold of the two development
 *   sets (prostate and Zou, figures split by a hash of their id), and is reported on the other, held-out fold
 *   (`calibrationTable`), so that a confidence of 0.8 means that about 80 % of such subcaptions are right.
 *   `test/bench/calibrate-captions.ts` refits it and prints SPLIT_CALIBRATION and both folds' tables.
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

/** Predictions grouped by confidence into [edges[k], edges[k+1]); the last range includes its upper edge. */
function byConfidenceRange(predictions: readonly ScoredPrediction[], edges: readonly number[]): Array<{ from: number; to: number; inRange: ScoredPrediction[] }> {
  const ranges: Array<{ from: number; to: number; inRange: ScoredPrediction[] }> = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const from = edges[k] ?? 0;
    const to = edges[k + 1] ?? 1;
    const last = k + 2 === edges.length;
    ranges.push({ from, to, inRange: predictions.filter((p) => p.confidence >= from && (p.confidence < to || (last && p.confidence <= to))) });
  }
  return ranges;
}

export function calibrationBins(predictions: readonly ScoredPrediction[], edges: readonly number[] = CALIBRATION_EDGES): CalibrationBin[] {
  return byConfidenceRange(predictions, edges).map(({ from, to, inRange }) => {
    const n = inRange.length;
    return {
      from,
      to,
      predictions: n,
      labelPrecision: n === 0 ? 0 : inRange.filter((p) => p.labelCorrect).length / n,
      meanTokenF1: n === 0 ? 0 : inRange.reduce((a, p) => a + p.tokenF1, 0) / n,
    };
  });
}

/** A subcaption is right when its label is true and its text has at least this token F1. */
export const RIGHT_MIN_TOKEN_F1 = 0.75;

export function isRight(p: Pick<ScoredPrediction, 'labelCorrect' | 'tokenF1'>): boolean {
  return p.labelCorrect && p.tokenF1 >= RIGHT_MIN_TOKEN_F1;
}

/** One step of the calibration map: raw scores up to `upTo` (inclusive) get `confidence`. */
export interface CalibrationStep {
  upTo: number;
  confidence: number;
}

/**
 * The fitted map (fold 0 of prostate + Zou dev, splitter 1.5.0; refit with test/bench/calibrate-captions.ts).
 * Raw scores above the last step get its confidence.
 */
export const SPLIT_CALIBRATION: readonly CalibrationStep[] = [
  { upTo: 0.55, confidence: 0.61 },
  { upTo: 0.65, confidence: 0.77 },
  { upTo: 0.8, confidence: 0.84 },
  { upTo: 0.95, confidence: 0.9 },
];

/** Calibrated confidence of a raw splitter score (the raw score itself when the map is empty). */
export function calibrateConfidence(raw: number, steps: readonly CalibrationStep[] = SPLIT_CALIBRATION): number {
  if (steps.length === 0) return raw;
  for (const s of steps) if (raw <= s.upTo) return s.confidence;
  return steps[steps.length - 1]?.confidence ?? raw;
}

/** Isotonic regression (pool adjacent violators) of right/wrong on the raw score: a non-decreasing step map. */
export function fitIsotonic(points: ReadonlyArray<{ raw: number; right: boolean }>): CalibrationStep[] {
  // One block per distinct raw score, then merge neighbours that violate monotonicity.
  const byRaw = new Map<number, { n: number; right: number }>();
  for (const p of points) {
    const b = byRaw.get(p.raw) ?? { n: 0, right: 0 };
    b.n++;
    if (p.right) b.right++;
    byRaw.set(p.raw, b);
  }
  const blocks = [...byRaw.entries()].sort((a, b) => a[0] - b[0]).map(([raw, b]) => ({ upTo: raw, n: b.n, right: b.right }));
  const out: Array<{ upTo: number; n: number; right: number }> = [];
  for (const b of blocks) {
    out.push({ ...b });
    for (;;) {
      const last = out[out.length - 1];
      const prev = out[out.length - 2];
      if (!last || !prev || prev.right / prev.n < last.right / last.n) break;
      out.splice(out.length - 2, 2, { upTo: last.upTo, n: prev.n + last.n, right: prev.right + last.right });
    }
  }
  return out.map((b) => ({ upTo: b.upTo, confidence: Math.round((b.right / b.n) * 100) / 100 }));
}

export interface CalibrationRow {
  /** Calibrated confidence range [from, to); the last includes 1. */
  confidence: string;
  subcaptions: number;
  meanConfidence: number;
  /** Share of these subcaptions that are right (see isRight). */
  right: number;
}

const CALIBRATION_TABLE_EDGES = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

/** The reliability table: per confidence range, how many subcaptions, their mean confidence and the share right. */
export function calibrationTable(predictions: readonly ScoredPrediction[], edges: readonly number[] = CALIBRATION_TABLE_EDGES): CalibrationRow[] {
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return byConfidenceRange(predictions, edges).map(({ from, to, inRange }) => {
    const n = inRange.length;
    return {
      confidence: `${from}-${to}`,
      subcaptions: n,
      meanConfidence: n === 0 ? 0 : round(inRange.reduce((a, p) => a + p.confidence, 0) / n),
      right: n === 0 ? 0 : round(inRange.filter(isRight).length / n),
    };
  });
}

/** Expected calibration error: the subcaption-weighted mean gap between confidence and share right. */
export function calibrationError(rows: readonly CalibrationRow[]): number {
  const n = rows.reduce((a, r) => a + r.subcaptions, 0);
  return n === 0 ? 0 : rows.reduce((a, r) => a + r.subcaptions * Math.abs(r.meanConfidence - r.right), 0) / n;
}

/** Fold of a figure (0: fitting, 1: held out), from a hash of its id. */
export function calibrationFold(id: string): 0 | 1 {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 2 === 0 ? 0 : 1;
}
