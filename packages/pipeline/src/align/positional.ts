/**
 * Pairing by position for captions whose labels are positional words ("Left: …; right: …",
 * "top left", "bottom"): each word names a point of the figure, and each panel takes the nearest
 * free word by the centre of its box. Caption order does not matter: "Right: X. Left: Y." pairs right.
 */
import type { Box } from '../detect/types.ts';

const POSITIONAL_LABEL_RE = /^(?:(upper|lower|top|bottom|middle|center) )?(left|right|top|bottom|upper|lower|middle|center)$/;

interface Target {
  x?: number;
  y?: number;
}

function axisOf(word: string, target: Target): void {
  if (word === 'left') target.x = 0;
  else if (word === 'right') target.x = 1;
  else if (word === 'top' || word === 'upper') target.y = 0;
  else if (word === 'bottom' || word === 'lower') target.y = 1;
  else if (word === 'middle' || word === 'center') {
    // "middle" alone is the centre; "upper middle" is the centre column of the top row.
    if (target.y === undefined) target.y = 0.5;
    else target.x = 0.5;
  }
}

/** The point a positional label names, in [0,1]² of the figure; undefined for other labels and "inset". */
export function positionalTarget(label: string): Target | undefined {
  const m = POSITIONAL_LABEL_RE.exec(label.trim().toLowerCase());
  if (!m) return undefined;
  const target: Target = {};
  if (m[1]) axisOf(m[1], target);
  if (m[2]) axisOf(m[2], target);
  return target;
}

/**
 * Panel index -> label index for the panels that `free` allows, nearest pairs first, each label at most once.
 * Returns an empty map when any label is not positional.
 */
export function assignByPosition(boxes: readonly Box[], labels: readonly string[], free: (panel: number) => boolean): Map<number, number> {
  const targets = labels.map(positionalTarget);
  const out = new Map<number, number>();
  if (targets.length === 0 || targets.some((t) => t === undefined) || boxes.length === 0) return out;
  const x1 = Math.min(...boxes.map((b) => b[0]));
  const y1 = Math.min(...boxes.map((b) => b[1]));
  const w = Math.max(1, Math.max(...boxes.map((b) => b[2])) - x1);
  const h = Math.max(1, Math.max(...boxes.map((b) => b[3])) - y1);
  const costs: Array<{ panel: number; label: number; cost: number }> = [];
  boxes.forEach((b, panel) => {
    if (!free(panel)) return;
    const cx = ((b[0] + b[2]) / 2 - x1) / w;
    const cy = ((b[1] + b[3]) / 2 - y1) / h;
    targets.forEach((t, label) => {
      const cost = (t?.x === undefined ? 0 : Math.abs(cx - t.x)) + (t?.y === undefined ? 0 : Math.abs(cy - t.y));
      costs.push({ panel, label, cost });
    });
  });
  costs.sort((a, b) => a.cost - b.cost || a.panel - b.panel || a.label - b.label);
  const usedLabels = new Set<number>();
  for (const c of costs) {
    if (out.has(c.panel) || usedLabels.has(c.label)) continue;
    out.set(c.panel, c.label);
    usedLabels.add(c.label);
  }
  return out;
}
