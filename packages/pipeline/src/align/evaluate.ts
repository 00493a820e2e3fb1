/**
 * Alignment evaluation (MedICaT's metric): for every true subfigure, the detected panel with the
 * highest IoU (>= 0.5) is looked up; the token F1 between the subcaption paired with that panel and
 * the true subcaption is scored (0 when no panel overlaps enough). The mean over true subfigures is reported.
 *
 * Ground truth is the EXSCLAIM format read by `parseExsclaimGroundTruth` (detect/ground-truth.ts): per figure
 * the full caption and its panels with boxes, labels and subcaptions.
 * Panels come from a caller-supplied function, so this module does not depend on any detector.
 */
import { iou } from '../detect/boxes.ts';
import type { GroundTruthFigure } from '../detect/ground-truth.ts';
import { readingOrder } from '../detect/order.ts';
import type { Panel } from '../detect/types.ts';
import { splitCaption } from '../captions/split.ts';
import { tokenF1 } from '../captions/evaluate.ts';
import { alignPanels, type Alignment } from './align.ts';

export type PanelSource = (figure: GroundTruthFigure) => Promise<Panel[]>;

/** Ground-truth boxes in the detectors' reading order, labels hidden (or kept, as an upper bound). */
export function groundTruthPanels(keepLabels: boolean): PanelSource {
  return async (figure) =>
    readingOrder(figure.panels.map((s) => s.box)).map((i) => {
      const s = figure.panels[i]!;
      const p: Panel = { box: s.box, score: 1 };
      if (keepLabels && s.label) p.label = { text: s.label, box: s.box };
      return p;
    });
}

export interface AlignFigureResult {
  id: string;
  panels: number;
  subfigures: number;
  /** Token F1 per true subfigure, against the paired label-specific text (MedICaT) and against the full subcaption. */
  specificF1: number[];
  fullF1: number[];
  alignment: Alignment;
}

export interface AlignEvalReport {
  figures: number;
  subfigures: number;
  /** Mean token F1 of the label-specific text of the pair matched by IoU >= 0.5 (MedICaT metric). */
  meanTokenF1: number;
  /** Same with the full training subcaption (shared + specific). */
  meanTokenF1Full: number;
  /** True subfigures with a detected panel of IoU >= 0.5. */
  detectedSubfigures: number;
  /** Per pairing method: true subfigures paired that way, their mean token F1 and mean pair confidence. */
  byMethod: Record<string, { subfigures: number; meanTokenF1: number; meanConfidence: number }>;
  perFigure: AlignFigureResult[];
}

export async function evaluateAlignment(figures: GroundTruthFigure[], panelsFor: PanelSource): Promise<AlignEvalReport> {
  const perFigure: AlignFigureResult[] = [];
  let sumSpecific = 0;
  let sumFull = 0;
  let n = 0;
  let detected = 0;
  const methods = new Map<string, { n: number; f1: number; conf: number }>();
  for (const fig of figures) {
    const panels = await panelsFor(fig);
    const split = splitCaption(fig.caption);
    const alignment = alignPanels(panels, split);
    const specificF1: number[] = [];
    const fullF1: number[] = [];
    for (const sf of fig.panels) {
      let best = -1;
      let bestIou = 0.5;
      alignment.pairs.forEach((p, k) => {
        const v = iou(p.box, sf.box);
        if (v >= bestIou) {
          bestIou = v;
          best = k;
        }
      });
      const pair = best >= 0 ? alignment.pairs[best] : undefined;
      const fs = pair ? tokenF1(pair.specific.length > 0 ? pair.specific : pair.subcaption, sf.caption ?? '') : 0;
      const ff = pair ? tokenF1(pair.subcaption, sf.caption ?? '') : 0;
      if (pair) {
        detected++;
        const m = methods.get(pair.method) ?? { n: 0, f1: 0, conf: 0 };
        methods.set(pair.method, { n: m.n + 1, f1: m.f1 + fs, conf: m.conf + pair.confidence });
      }
      specificF1.push(fs);
      fullF1.push(ff);
      sumSpecific += fs;
      sumFull += ff;
      n++;
    }
    perFigure.push({ id: fig.id, panels: panels.length, subfigures: fig.panels.length, specificF1, fullF1, alignment });
  }
  return {
    figures: figures.length,
    subfigures: n,
    meanTokenF1: n === 0 ? 0 : sumSpecific / n,
    meanTokenF1Full: n === 0 ? 0 : sumFull / n,
    detectedSubfigures: detected,
    byMethod: Object.fromEntries([...methods].map(([k, m]) => [k, { subfigures: m.n, meanTokenF1: m.f1 / m.n, meanConfidence: m.conf / m.n }])),
    perFigure,
  };
}
