/**
 * Failure kinds of one figure, derived from its ground truth and the prediction (no annotation tags needed): how
 * the boxes went wrong (a single panel cut up, a panel over-split, panels merged, a panel missed, a stray box) and
 * how the labels went wrong on matched panels (missed, misread, a label where none is printed), plus the figure's
 * class (single panel, labelled, unlabelled). `curator eval-detect` prints them per source.
 */
import { boxArea, intersection } from './boxes.ts';
import type { GroundTruthPanel } from './ground-truth.ts';
import { matchPanels, normaliseLabelForEval } from './score.ts';
import type { Box, Panel } from './types.ts';

export const FAILURE_KINDS = [
  /** The figure is one panel and came back as several. */
  'single-panel-cut',
  /** A true panel (of a compound figure) holding two or more predicted boxes. Counted per true panel. */
  'over-split',
  /** A predicted box holding two or more true panels. Counted per predicted box. */
  'merged',
  /** A true panel left unmatched that is neither cut up (over-split, single-panel-cut) nor inside a merged box. */
  'missed-panel',
  /** An unmatched predicted box that is neither a fragment of a cut-up panel nor a merge (header strip, shifted or cropped box). */
  'stray-box',
  /** A matched panel whose printed label was not read (no label, or only one inferred from caption order). */
  'label-missed',
  /** A matched panel whose label was read (not inferred) with another text (case ignored). */
  'label-misread',
  /** A matched panel with no printed label given a read label. */
  'false-label',
  /** The predicted panel count is outside the annotated range. Counted per figure. */
  'count-out-of-range',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export type FigureClass = 'single-panel' | 'labelled' | 'unlabelled';

/** single-panel: one true panel; labelled: several, at least one with a printed label; unlabelled: several, none. */
export function figureClass(truth: GroundTruthPanel[]): FigureClass {
  if (truth.length <= 1) return 'single-panel';
  return truth.some((t) => t.label && t.label.trim().length > 0) ? 'labelled' : 'unlabelled';
}

/** Fraction of `a`'s area inside `b`. */
function inside(a: Box, b: Box): number {
  const area = boxArea(a);
  return area > 0 ? intersection(a, b) / area : 0;
}

/**
 * Instances of each failure kind in one figure (kinds absent have none). `range`: the accepted panel counts (default
 * the number of true panels). Boxes are matched one to one at IoU >= threshold as in scoreFigure; "holding" means
 * more than half of the held box's area lies inside.
 */
export function figureFailures(predicted: Panel[], truth: GroundTruthPanel[], options: { threshold?: number; range?: [number, number] } = {}): Partial<Record<FailureKind, number>> {
  const out: Partial<Record<FailureKind, number>> = {};
  const add = (k: FailureKind, n = 1): void => { if (n > 0) out[k] = (out[k] ?? 0) + n; };
  const pairs = matchPanels(predicted, truth, options.threshold ?? 0.5);
  const matchedP = new Set(pairs.map(([i]) => i));
  const matchedT = new Set(pairs.map(([, j]) => j));
  const [lo, hi] = options.range ?? [truth.length, truth.length];
  if (predicted.length < lo || predicted.length > hi) add('count-out-of-range');

  const single = truth.length === 1;
  if (single && predicted.length > 1) add('single-panel-cut');
  // Predicted boxes mostly inside each true panel, and true panels mostly inside each predicted box.
  const fragments = truth.map((t) => predicted.flatMap((p, i) => (inside(p.box, t.box) > 0.5 ? [i] : [])));
  const held = predicted.map((p) => truth.flatMap((t, j) => (inside(t.box, p.box) > 0.5 ? [j] : [])));
  const overSplit = new Set(single ? [] : truth.flatMap((_, j) => (fragments[j]!.length >= 2 ? [j] : [])));
  add('over-split', overSplit.size);
  const merges = new Set(predicted.flatMap((_, i) => (held[i]!.length >= 2 ? [i] : [])));
  add('merged', merges.size);
  const mergedTruth = new Set([...merges].flatMap((i) => held[i]!));
  const cutTruth = single && predicted.length > 1 ? new Set([0]) : overSplit;
  add('missed-panel', truth.filter((_, j) => !matchedT.has(j) && !cutTruth.has(j) && !mergedTruth.has(j)).length);
  add('stray-box', predicted.filter((_, i) => !matchedP.has(i) && !merges.has(i) && ![...cutTruth].some((j) => fragments[j]!.includes(i))).length);

  for (const [i, j] of pairs) {
    const t = truth[j]!.label?.trim();
    const p = predicted[i]!.label;
    const read = p && !p.inferred ? p.text : undefined;
    if (t) {
      if (read === undefined) add('label-missed');
      else if (normaliseLabelForEval(read, false) !== normaliseLabelForEval(t, false)) add('label-misread');
    } else if (read !== undefined && read.trim().length > 0) add('false-label');
  }
  return out;
}

/** Per kind: figures showing it and its instances. */
export type FailureCounts = Record<FailureKind, { figures: number; instances: number }>;

/** Sums figure failures: figures with each kind and the kind's instances. */
export function countFailures(figures: Array<Partial<Record<FailureKind, number>>>): FailureCounts {
  const out = Object.fromEntries(FAILURE_KINDS.map((k) => [k, { figures: 0, instances: 0 }])) as FailureCounts;
  for (const f of figures) {
    for (const k of FAILURE_KINDS) {
      const n = f[k] ?? 0;
      if (n > 0) { out[k].figures++; out[k].instances += n; }
    }
  }
  return out;
}
