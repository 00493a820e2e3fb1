/**
 * Evaluation of the splitter against hand-split captions (format of the NLM/PanelSeg prostate set:
 * `{ [figure]: { caption, gt_subfigures: [{ label: { text }, caption }] } }`).
 * Labels are compared case-insensitively; subcaptions by bag-of-tokens F1.
 */
import { labelKey } from './label-sets.ts';
import { type SplitCaption, splitCaption } from './split.ts';

const TOKEN_RE = /[\p{L}\p{N}]+/gu;

export function tokenize(s: string): string[] {
  return (s.toLowerCase().match(TOKEN_RE) ?? []) as string[];
}

/** Bag-of-tokens F1 (SQuAD/MedICaT style). Both empty -> 1. */
export function tokenF1(predicted: string, truth: string): number {
  const p = tokenize(predicted);
  const t = tokenize(truth);
  if (p.length === 0 && t.length === 0) return 1;
  if (p.length === 0 || t.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const x of t) counts.set(x, (counts.get(x) ?? 0) + 1);
  let common = 0;
  for (const x of p) {
    const c = counts.get(x) ?? 0;
    if (c > 0) {
      common++;
      counts.set(x, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / t.length;
  return (2 * precision * recall) / (precision + recall);
}

export interface GroundTruthFigure {
  caption: string;
  gt_subfigures?: Array<{ label?: { text?: string } | null; caption?: string | null }>;
}

export interface CaptionFigureResult {
  id: string;
  truthLabels: string[];
  predictedLabels: string[];
  tokenF1: number[];
  /** Per predicted subcaption: its confidence, whether its label is true, and its token F1 (0 for a false label). */
  predictions: ScoredPrediction[];
  split: SplitCaption;
}

export interface ScoredPrediction {
  label: string;
  confidence: number;
  labelCorrect: boolean;
  tokenF1: number;
}

export interface CaptionEvalReport {
  figures: number;
  trueLabels: number;
  predictedLabels: number;
  matchedLabels: number;
  labelPrecision: number;
  labelRecall: number;
  labelF1: number;
  /** Mean over true labels of token F1(predicted subcaption for that label, true subcaption); 0 when the label was missed. */
  meanSubcaptionTokenF1: number;
  perFigure: CaptionFigureResult[];
}

function isFigure(v: unknown): v is GroundTruthFigure {
  return typeof v === 'object' && v !== null && typeof (v as { caption?: unknown }).caption === 'string';
}

/** Accepts the object-of-figures format or an array of figures (with optional `id`). */
export function parseGroundTruth(data: unknown): Array<{ id: string; figure: GroundTruthFigure }> {
  const out: Array<{ id: string; figure: GroundTruthFigure }> = [];
  if (Array.isArray(data)) {
    data.forEach((v, i) => {
      if (isFigure(v)) out.push({ id: String((v as { id?: unknown }).id ?? i), figure: v });
    });
  } else if (typeof data === 'object' && data !== null) {
    for (const [id, v] of Object.entries(data)) if (isFigure(v)) out.push({ id, figure: v });
  }
  return out;
}

export function evaluateCaptions(data: unknown): CaptionEvalReport {
  const figures = parseGroundTruth(data);
  let trueLabels = 0;
  let predictedLabels = 0;
  let matched = 0;
  let f1Sum = 0;
  const perFigure: CaptionFigureResult[] = [];
  for (const { id, figure } of figures) {
    const split = splitCaption(figure.caption);
    const predicted = new Map<string, string>();
    for (const s of split.subcaptions) predicted.set(labelKey(s.label), s.text);
    const truth = (figure.gt_subfigures ?? [])
      .map((s) => ({ key: labelKey(s.label?.text ?? ''), label: s.label?.text ?? '', caption: s.caption ?? '' }))
      .filter((s) => s.key.length > 0);
    const truthKeys = new Set(truth.map((t) => t.key));
    trueLabels += truthKeys.size;
    predictedLabels += predicted.size;
    for (const k of predicted.keys()) if (truthKeys.has(k)) matched++;
    const f1s: number[] = [];
    for (const t of truth) {
      const p = predicted.get(t.key);
      const f = p === undefined ? 0 : tokenF1(p, t.caption);
      f1s.push(f);
      f1Sum += f;
    }
    const truthText = new Map(truth.map((t) => [t.key, t.caption]));
    const predictions = split.subcaptions.map((sub): ScoredPrediction => {
      const text = truthText.get(labelKey(sub.label));
      return { label: sub.label, confidence: sub.confidence, labelCorrect: text !== undefined, tokenF1: text === undefined ? 0 : tokenF1(sub.text, text) };
    });
    perFigure.push({ id, truthLabels: truth.map((t) => t.label), predictedLabels: split.labels, tokenF1: f1s, predictions, split });
  }
  const totalTruthSubfigures = perFigure.reduce((a, f) => a + f.tokenF1.length, 0);
  const precision = predictedLabels === 0 ? 0 : matched / predictedLabels;
  const recall = trueLabels === 0 ? 0 : matched / trueLabels;
  return {
    figures: figures.length,
    trueLabels,
    predictedLabels,
    matchedLabels: matched,
    labelPrecision: precision,
    labelRecall: recall,
    labelF1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    meanSubcaptionTokenF1: totalTruthSubfigures === 0 ? 0 : f1Sum / totalTruthSubfigures,
    perFigure,
  };
}
