/**
 * The one reader of panel ground truth in the EXSCLAIM `expected.json` format, used by detection and
 * alignment evaluation and by the synthetic-figure tiles: per figure (keyed by name) `figure_name`,
 * `full_caption` and `master_images[]`, each with `geometry` (points), `subfigure_label` (`text`, `geometry`)
 * and `caption` (a string or a list of fragments).
 */
import type { Box } from './types.ts';

export interface GroundTruthPanel {
  box: Box;
  label?: string;
  /** Where the label is drawn, when the ground truth says. */
  labelBox?: Box;
  /** The panel's subcaption, when the ground truth has one (fragments joined with spaces). */
  caption?: string;
}

export interface GroundTruthFigure {
  /** The figure's key in the ground truth. */
  id: string;
  /** File name of the image, relative to the ground-truth directory (`figure_name`, else the key). */
  file: string;
  /** The full caption ('' when the ground truth has none). */
  caption: string;
  panels: GroundTruthPanel[];
}

interface RawPoint {
  x?: unknown;
  y?: unknown;
}

/** The bounding box of a list of points; points without numeric x and y are ignored. */
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

/**
 * Reads ground truth in the EXSCLAIM format. A figure without a `master_images` list, and a panel without
 * a readable geometry, are skipped; the input must be a JSON object.
 */
export function parseExsclaimGroundTruth(json: unknown): GroundTruthFigure[] {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('EXSCLAIM ground truth must be a JSON object of figures');
  const out: GroundTruthFigure[] = [];
  for (const [id, raw] of Object.entries(json as Record<string, unknown>)) {
    const fig = raw as { figure_name?: unknown; full_caption?: unknown; master_images?: unknown } | null;
    if (!fig || !Array.isArray(fig.master_images)) continue;
    const panels: GroundTruthPanel[] = [];
    for (const m of fig.master_images as Array<Record<string, unknown> | null>) {
      const box = boxOf(m?.geometry);
      if (!m || !box) continue;
      const sublabel = m.subfigure_label as { text?: unknown; geometry?: unknown } | null | undefined;
      const label = typeof sublabel?.text === 'string' && sublabel.text.length > 0 ? sublabel.text : undefined;
      const labelBox = boxOf(sublabel?.geometry);
      const cap = m.caption;
      const caption = Array.isArray(cap) ? cap.filter((c) => typeof c === 'string').join(' ') : typeof cap === 'string' ? cap : undefined;
      panels.push({ box, ...(label ? { label } : {}), ...(labelBox ? { labelBox } : {}), ...(caption !== undefined ? { caption } : {}) });
    }
    out.push({
      id,
      file: typeof fig.figure_name === 'string' && fig.figure_name.length > 0 ? fig.figure_name : id,
      caption: typeof fig.full_caption === 'string' ? fig.full_caption : '',
      panels,
    });
  }
  return out;
}
