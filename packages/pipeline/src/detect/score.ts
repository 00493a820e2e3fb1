/** Detection scores: predicted panels against ground-truth panels (greedy IoU matching), and their summary. */
import { iou } from './boxes.ts';
import type { GroundTruthPanel } from './ground-truth.ts';
import type { Panel } from './types.ts';

/** Label comparison ignores brackets and punctuation; `caseSensitive` decides whether "a" equals "A". */
export function normaliseLabelForEval(label: string, caseSensitive: boolean): string {
  const s = label.normalize('NFKC').replace(/[^A-Za-z0-9]/g, '');
  return caseSensitive ? s : s.toLowerCase();
}

export interface FigureScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Matched ground-truth panels that carry a label. */
  labelled: number;
  /** ... of which the predicted label is right (ignoring case). */
  labelCorrect: number;
  /** ... of which the predicted label is right including case. */
  labelCorrectExact: number;
  /** ... of which the label was actually read (not inferred from caption order) and is right, ignoring case. */
  labelReadCorrect: number;
}

/** Greedy one-to-one matching by IoU (best pairs first) at IoU >= threshold: [predicted index, true index] pairs. */
export function matchPanels(predicted: Panel[], truth: GroundTruthPanel[], threshold = 0.5): Array<[number, number]> {
  const pairs: Array<[number, number, number]> = [];
  predicted.forEach((p, i) => truth.forEach((t, j) => {
    const v = iou(p.box, t.box);
    if (v >= threshold) pairs.push([v, i, j]);
  }));
  pairs.sort((a, b) => b[0] - a[0]);
  const usedP = new Set<number>();
  const usedT = new Set<number>();
  const out: Array<[number, number]> = [];
  for (const [, i, j] of pairs) {
    if (usedP.has(i) || usedT.has(j)) continue;
    usedP.add(i);
    usedT.add(j);
    out.push([i, j]);
  }
  return out;
}

/** Greedy one-to-one matching by IoU (best pairs first), counting a match at IoU >= threshold. */
export function scoreFigure(predicted: Panel[], truth: GroundTruthPanel[], threshold = 0.5): FigureScore {
  const pairs = matchPanels(predicted, truth, threshold);
  const score: FigureScore = { truePositives: 0, falsePositives: 0, falseNegatives: 0, labelled: 0, labelCorrect: 0, labelCorrectExact: 0, labelReadCorrect: 0 };
  for (const [i, j] of pairs) {
    score.truePositives++;
    const t = truth[j];
    const p = predicted[i];
    if (t?.label) {
      score.labelled++;
      const guess = p?.label?.text ?? '';
      if (normaliseLabelForEval(guess, false) === normaliseLabelForEval(t.label, false)) {
        score.labelCorrect++;
        if (!p?.label?.inferred) score.labelReadCorrect++;
      }
      if (normaliseLabelForEval(guess, true) === normaliseLabelForEval(t.label, true)) score.labelCorrectExact++;
    }
  }
  score.falsePositives = predicted.length - pairs.length;
  score.falseNegatives = truth.length - pairs.length;
  return score;
}

export interface EvalSummary {
  figures: number;
  precision: number;
  recall: number;
  f1: number;
  /** Label accuracy (ignoring case) over matched labelled panels. */
  labelAccuracy: number;
  labelAccuracyExact: number;
  /** Label accuracy counting only labels actually read by OCR (inferred ones count as wrong). */
  labelReadAccuracy: number;
  labelled: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export function summarise(scores: FigureScore[]): EvalSummary {
  const sum = (k: keyof FigureScore): number => scores.reduce((a, s) => a + s[k], 0);
  const tp = sum('truePositives');
  const fp = sum('falsePositives');
  const fn = sum('falseNegatives');
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const labelled = sum('labelled');
  return {
    figures: scores.length,
    precision,
    recall,
    f1,
    labelAccuracy: labelled ? sum('labelCorrect') / labelled : 0,
    labelAccuracyExact: labelled ? sum('labelCorrectExact') / labelled : 0,
    labelReadAccuracy: labelled ? sum('labelReadCorrect') / labelled : 0,
    labelled,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
  };
}
