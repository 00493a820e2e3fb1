/**
 * The learned model's panel boxes, labelled by the layout+OCR detector's label reader with the caption's label
 * set; layout+OCR itself is the fallback for figures the model is unsure of (a weak box, or a panel count that
 * disagrees with the caption's labels while layout+OCR's agrees). A split needs evidence where the caption's labels
 * are not seen on the figure: with no caption labels, an unsure model and no label run read, or with caption labels
 * none of which either reading finds and gutters that do not reproduce the model's boxes, the figure is one panel.
 * Boxes with no label of their own join a labelled one when the labels read show several plots under one label
 * (see groupUnderLabels).
 */
import { LayoutOcrDetector } from './layout-detector.ts';
import type { LayoutOcrOptions } from './layout-detector.ts';
import { LearnedDetector } from './learned-detector.ts';
import type { LearnedDetectorOptions } from './learned-detector.ts';
import { boxArea, boxGap, intersection, iou, union } from './boxes.ts';
import { consecutiveLabels, labelRank, withoutMinorityCase } from './ocr/labels.ts';
import { readingOrder } from './order.ts';
import type { Box, DetectionHints, DetectionResult, Panel, PanelLabel, RawImage, SubfigureDetector } from './types.ts';

export interface CombinedOptions {
  learned?: LearnedDetectorOptions;
  layout?: LayoutOcrOptions;
  /**
   * The model is unsure of a figure when one of its boxes scores below this; layout+OCR is then asked too.
   * Default COMBINED_UNSURE_SCORE (chosen on the real-dev `dev` split).
   */
  unsureScore?: number;
}

/** Chosen on the real-dev `dev` split (tools/train-detector/tune.ts), as is COMBINED_CONF_THRESHOLD. */
const COMBINED_UNSURE_SCORE = 0.7;
/** The model's score threshold inside the combined detector (lower than alone: the caption and OCR check it). */
const COMBINED_CONF_THRESHOLD = 0.4;

export class CombinedDetector implements SubfigureDetector {
  readonly name = 'combined';
  readonly version: string;
  /** Figures answered by the fallback so far (for evaluation). */
  fallbacks = 0;

  private constructor(private readonly learned: LearnedDetector, readonly layout: LayoutOcrDetector, private readonly unsure: number) {
    this.version = `combined-4+${learned.version}+${layout.version}`;
  }

  static async create(options: CombinedOptions = {}): Promise<CombinedDetector> {
    const learned = await LearnedDetector.create({ confThreshold: COMBINED_CONF_THRESHOLD, ...options.learned });
    const layout = await LayoutOcrDetector.create(options.layout);
    return new CombinedDetector(learned, layout, options.unsureScore ?? COMBINED_UNSURE_SCORE);
  }

  async detect(image: RawImage, hints?: DetectionHints): Promise<DetectionResult> {
    const [r] = await this.detectBatch([{ image, ...(hints ? { hints } : {}) }]);
    return r!;
  }

  async detectBatch(items: Array<{ image: RawImage; hints?: DetectionHints }>): Promise<DetectionResult[]> {
    const model = await this.learned.detectBatch(items);
    return Promise.all(items.map((item, k) => this.combine(item.image, item.hints, model[k]!)));
  }

  private async combine(image: RawImage, hints: DetectionHints | undefined, model: DetectionResult): Promise<DetectionResult> {
    const expected = (hints?.captionLabels ?? []).filter((l) => l.trim().length > 0).length;
    const count = model.panels.length;
    // The label reading and the fallback look at the same figure: one analysis image, each word read once, and
    // layout+OCR run at most once.
    const figure = this.layout.analyse(image);
    let fallback: DetectionResult | undefined;
    if (modelInDoubt(model.panels, expected, this.unsure)) {
      fallback = await this.layout.detect(image, hints, figure);
      const answer = answerInDoubt(expected, count, fallback.panels);
      if (answer === 'layout-ocr' && count > expected && expected >= 2 && fallback.panels.length !== expected) {
        // More boxes than the caption names and layout+OCR cannot match it either: several plots under a label?
        const grouped = groupUnderLabels(model.panels, await this.layout.readLabelsIn(image, model.panels.map((p) => p.box), hints, figure), hints?.captionLabels);
        if (grouped) return { ...model, method: `${this.name}/grouped`, modelVersion: this.version, panels: grouped };
      }
      if (answer !== 'model') this.fallbacks++;
      if (answer === 'whole') return this.whole(image, model);
      if (answer === 'layout-ocr') return { ...fallback, method: `${this.name}/layout-ocr`, modelVersion: this.version };
    }
    const boxes = model.panels.map((p) => p.box);
    let labels = await this.layout.readLabelsIn(image, boxes, hints, figure);
    if (expected < 2) {
      const grouped = groupUnderLabels(model.panels, labels);
      if (grouped) return { ...model, method: `${this.name}/grouped`, modelVersion: this.version, panels: grouped };
    }
    const read = labels.filter((l) => l && !l.inferred).length;
    if (expected >= 2 && read < expected) {
      // Labels outside the model's corners (centred above, under a diagram): take those layout+OCR read.
      fallback ??= await this.layout.detect(image, hints, figure);
      // The caption names labels, yet neither reading finds any of them and layout+OCR's gutters do not
      // reproduce the model's split: the caption's letters name something else (lines, conditions) and the
      // pieces are parts of one panel (stacked plots sharing an axis).
      if (count > 1 && !readsCaptionLabel(labels, fallback.panels, hints?.captionLabels ?? []) && !splitReproduced(boxes, fallback.panels)) return this.whole(image, model);
      labels = transferLabels(boxes, labels, fallback.panels, hints?.captionLabels ?? []);
    }
    const panels: Panel[] = model.panels.map((p, i) => (labels[i] ? { ...p, label: labels[i] } : { ...p }));
    return { ...model, method: this.name, modelVersion: this.version, panels };
  }

  private whole(image: RawImage, model: DetectionResult): DetectionResult {
    return { ...model, method: `${this.name}/whole`, modelVersion: this.version, panels: [{ box: [0, 0, image.width, image.height], score: 0.5 }] };
  }

  async close(): Promise<void> {
    await this.learned.close();
    await this.layout.close();
  }
}

/** Whether layout+OCR is asked too: a box of the model scores below `unsure`, or its count differs from the caption's labels. */
export function modelInDoubt(model: readonly Panel[], expected: number, unsure: number): boolean {
  return model.some((p) => p.score < unsure) || (expected >= 2 && model.length !== expected);
}

/**
 * Who answers a figure the model is in doubt of (before labels are read): the model keeps it when it alone matches
 * the caption's label count; otherwise layout+OCR answers, except that with no caption labels and no label run
 * read nothing but layout+OCR's gutters says the figure is compound, and those also cut one chart at its legend or
 * between the parts of a schematic: then it is one whole panel.
 */
export function answerInDoubt(expected: number, modelCount: number, fallback: readonly Panel[]): 'model' | 'layout-ocr' | 'whole' {
  const fallbackAgrees = expected >= 2 && fallback.length === expected;
  if (expected >= 2 && modelCount === expected && !fallbackAgrees) return 'model';
  if (expected < 2 && fallback.length > 1 && !readsLabelRun(fallback)) return 'whole';
  return 'layout-ocr';
}

/**
 * Whether the panels' read (not inferred) labels hold a run of two consecutive labels (a b, C D, ii iii) among
 * those of the figure's majority case (legend letters "A B" beside axis text read as "n g e" are no labelling).
 */
function readsLabelRun(panels: readonly Panel[]): boolean {
  const texts = withoutMinorityCase([...new Set(panels.flatMap((p) => (p.label && !p.label.inferred ? [p.label.text] : [])))]);
  return texts.some((a) => texts.some((b) => consecutiveLabels(a, b)));
}

/**
 * Several plots under one label ("A: 60 x 120 Networks" over a pair of charts, two raster plots under "C"): the
 * unlabelled boxes join a labelled box, or null when the labels read (not inferred) do not show that.
 * - `captionLabels` naming two or more: every one of them is read, on as many boxes, and each unlabelled box has a
 *   labelled box to its left in its row (the nearest joins), or else above it in its column (stacked plots).
 * - Otherwise: the labels read run from the first (a, A) with none missing, each row of boxes holds at most one
 *   of them, and every unlabelled box has that row's label to its left.
 * The joined panels must not overlap each other.
 */
export function groupUnderLabels(panels: readonly Panel[], labels: ReadonlyArray<PanelLabel | undefined>, captionLabels: readonly string[] = []): Panel[] | null {
  const read = panels.map((_, i) => (labels[i] && !labels[i].inferred ? labels[i] : undefined));
  const texts = read.flatMap((l) => (l ? [l.text] : []));
  if (texts.length < 2 || texts.length === panels.length || new Set(texts).size !== texts.length) return null;
  const named = captionLabels.filter((l) => l.trim().length > 0);
  const byCaption = named.length >= 2;
  if (byCaption) {
    if (texts.length !== named.length || !named.every((l) => texts.includes(l))) return null;
  } else {
    const ranks = texts.map(labelRank).sort((a, b) => a - b);
    if (!ranks.every((r, k) => r === k)) return null;
  }
  const overlap = (a1: number, a2: number, b1: number, b2: number): number => Math.min(a2, b2) - Math.max(a1, b1);
  const sameRow = (a: Box, b: Box): boolean => overlap(a[1], a[3], b[1], b[3]) >= 0.5 * Math.min(a[3] - a[1], b[3] - b[1]);
  const sameColumn = (a: Box, b: Box): boolean => overlap(a[0], a[2], b[0], b[2]) >= 0.5 * Math.min(a[2] - a[0], b[2] - b[0]);
  const labelled = panels.flatMap((p, k) => (read[k] ? [k] : []));
  if (!byCaption && labelled.some((i) => labelled.some((k) => k !== i && sameRow(panels[i]!.box, panels[k]!.box)))) return null;
  const nearest = (candidates: number[], distance: (k: number) => number): number =>
    candidates.length === 0 ? -1 : candidates.reduce((best, k) => (distance(k) < distance(best) ? k : best));
  const host = panels.map((p, i) => {
    if (read[i]) return i;
    const left = labelled.filter((k) => sameRow(p.box, panels[k]!.box) && panels[k]!.box[0] < p.box[0]);
    const inRow = nearest(left, (k) => p.box[0] - panels[k]!.box[0]);
    if (inRow >= 0 || !byCaption) return inRow;
    const above = labelled.filter((k) => sameColumn(p.box, panels[k]!.box) && panels[k]!.box[1] < p.box[1]);
    return nearest(above, (k) => p.box[1] - panels[k]!.box[1]);
  });
  if (host.includes(-1)) return null;
  const joined = labelled.map((i) => {
    const members = panels.filter((_, k) => host[k] === i);
    return { box: members.reduce((u, q) => union(u, q.box), panels[i]!.box), score: Math.min(...members.map((q) => q.score)), label: read[i]! };
  });
  const clash = joined.some((a, i) => joined.some((b, k) => k > i && intersection(a.box, b.box) > 0.1 * Math.min(boxArea(a.box), boxArea(b.box))));
  return clash ? null : joined;
}

/** Whether either reading (the model boxes' labels, layout+OCR's panels) read one of the caption's labels (case-insensitive). */
function readsCaptionLabel(labels: ReadonlyArray<PanelLabel | undefined>, other: readonly Panel[], captionLabels: readonly string[]): boolean {
  const names = new Set(captionLabels.filter((l) => l.trim().length > 0).map((l) => l.toLowerCase()));
  const read = [...labels, ...other.map((p) => p.label)].filter((l): l is PanelLabel => !!l && !l.inferred);
  return read.some((l) => names.has(l.text.toLowerCase()));
}

/** Whether layout+OCR's gutters give back at least two of the model's boxes (IoU >= 0.5). */
function splitReproduced(boxes: readonly Box[], other: readonly Panel[]): boolean {
  return boxes.filter((b) => other.some((p) => iou(b, p.box) >= 0.5)).length >= 2;
}

/**
 * Adds the labels another detector read (not inferred) to the boxes whose own reading found none: a label goes to
 * the box holding its centre (else the nearest box within twice the label's size), when its text is not taken. Inferred labels are then recomputed: with as many boxes
 * as caption labels and at least two (or half) of the read ones at their caption position in reading order, the
 * rest are filled in by order.
 */
export function transferLabels(boxes: Box[], labels: Array<PanelLabel | undefined>, other: Panel[], captionLabels: string[]): Array<PanelLabel | undefined> {
  const out = labels.map((l) => (l && !l.inferred ? l : undefined));
  const taken = new Set(out.flatMap((l) => (l ? [l.text] : [])));
  for (const p of other) {
    const l = p.label;
    if (!l || l.inferred || taken.has(l.text)) continue;
    const cx = (l.box[0] + l.box[2]) / 2;
    const cy = (l.box[1] + l.box[3]) / 2;
    let i = boxes.findIndex((b, k) => !out[k] && cx >= b[0] && cx <= b[2] && cy >= b[1] && cy <= b[3]);
    if (i < 0) {
      // A label just outside a box (centred above it, in the gutter) names the nearest free box within reach.
      const reach = 2 * Math.max(l.box[2] - l.box[0], l.box[3] - l.box[1]);
      let best = Infinity;
      boxes.forEach((b, k) => {
        const gap = boxGap(l.box, b);
        if (!out[k] && gap <= reach && gap < best) { best = gap; i = k; }
      });
    }
    if (i < 0) continue;
    out[i] = { text: l.text, box: l.box };
    taken.add(l.text);
  }
  const hints = captionLabels.filter((h) => h.trim().length > 0);
  if (hints.length >= 2 && boxes.length === hints.length) {
    const order = readingOrder(boxes);
    let agree = 0;
    let conflict = false;
    order.forEach((k, pos) => {
      const l = out[k];
      if (!l) return;
      if (l.text === hints[pos]) agree++;
      else conflict = true;
    });
    if (!conflict && agree >= Math.max(2, Math.ceil(hints.length / 2)) && agree < hints.length) {
      order.forEach((k, pos) => {
        if (out[k]) return;
        const b = boxes[k]!;
        out[k] = { text: hints[pos]!, box: [b[0], b[1], Math.min(b[2], b[0] + 8), Math.min(b[3], b[1] + 8)], inferred: true };
      });
    }
  }
  return out;
}
