/**
 * Alignment evaluation (MedICaT's metric): for every true subfigure, the detected panel with the
 * highest IoU (>= 0.5) is looked up; the token F1 between the subcaption paired with that panel and
 * the true subcaption is scored (0 when no panel overlaps enough). The mean over true subfigures is reported.
 *
 * Ground truth in the EXSCLAIM `expected.json` format: per figure `full_caption` and `master_images[]`
 * with `geometry` (4 points), `subfigure_label.text` and `caption` (string or list of fragments).
 * Panels come from a caller-supplied function, so this module does not depend on any detector.
 */
import type { Box, Panel } from '../detect/types.ts';
import { splitCaption } from '../captions/split.ts';
import { tokenF1 } from '../captions/eval.ts';
import { alignPanels, type Alignment } from './align.ts';

export interface ExsclaimSubfigure {
  box: Box;
  label: string | null;
  caption: string;
}

export interface ExsclaimFigure {
  id: string;
  caption: string;
  subfigures: ExsclaimSubfigure[];
}

interface RawPoint {
  x?: unknown;
  y?: unknown;
}

function boxOf(points: unknown): Box | undefined {
  if (!Array.isArray(points) || points.length === 0) return undefined;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of points as RawPoint[]) {
    if (typeof p?.x === 'number' && typeof p?.y === 'number') {
      xs.push(p.x);
      ys.push(p.y);
    }
  }
  if (xs.length === 0) return undefined;
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Reads the EXSCLAIM format; figures or panels it cannot read are skipped. */
export function parseExsclaim(data: unknown): ExsclaimFigure[] {
  const out: ExsclaimFigure[] = [];
  if (typeof data !== 'object' || data === null) return out;
  for (const [id, raw] of Object.entries(data as Record<string, unknown>)) {
    const fig = raw as { full_caption?: unknown; master_images?: unknown };
    if (typeof fig?.full_caption !== 'string' || !Array.isArray(fig.master_images)) continue;
    const subfigures: ExsclaimSubfigure[] = [];
    for (const m of fig.master_images as Array<Record<string, unknown>>) {
      const box = boxOf(m?.geometry);
      if (!box) continue;
      const lab = (m.subfigure_label as { text?: unknown } | undefined)?.text;
      const cap = m.caption;
      const caption = Array.isArray(cap) ? cap.filter((c) => typeof c === 'string').join(' ') : typeof cap === 'string' ? cap : '';
      subfigures.push({ box, label: typeof lab === 'string' && lab.length > 0 ? lab : null, caption });
    }
    out.push({ id, caption: fig.full_caption, subfigures });
  }
  return out;
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union <= 0 ? 0 : inter / union;
}

/** Reading order used when the panels come from ground-truth boxes: rows top to bottom, then left to right. */
export function readingOrder<T extends { box: Box }>(items: T[]): T[] {
  const sorted = [...items].sort((a, b) => a.box[1] - b.box[1]);
  const rows: T[][] = [];
  for (const it of sorted) {
    const row = rows[rows.length - 1];
    const first = row?.[0];
    const h = it.box[3] - it.box[1];
    // Same row when the vertical overlap with the row's first item is at least half the smaller height.
    if (row && first) {
      const overlap = Math.min(first.box[3], it.box[3]) - Math.max(first.box[1], it.box[1]);
      if (overlap >= 0.5 * Math.min(h, first.box[3] - first.box[1])) {
        row.push(it);
        continue;
      }
    }
    rows.push([it]);
  }
  return rows.flatMap((r) => r.sort((a, b) => a.box[0] - b.box[0]));
}

export type PanelSource = (figure: ExsclaimFigure) => Promise<Panel[]>;

/** Ground-truth boxes in reading order, labels hidden (or kept, as an upper bound). */
export function groundTruthPanels(keepLabels: boolean): PanelSource {
  return async (figure) =>
    readingOrder(figure.subfigures).map((s) => {
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

export async function evaluateAlignment(figures: ExsclaimFigure[], panelsFor: PanelSource): Promise<AlignEvalReport> {
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
    for (const sf of fig.subfigures) {
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
      const fs = pair ? tokenF1(pair.specific.length > 0 ? pair.specific : pair.subcaption, sf.caption) : 0;
      const ff = pair ? tokenF1(pair.subcaption, sf.caption) : 0;
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
    perFigure.push({ id: fig.id, panels: panels.length, subfigures: fig.subfigures.length, specificF1, fullF1, alignment });
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
