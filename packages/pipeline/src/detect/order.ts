import type { Box } from './types.ts';

/**
 * Reading order for free-floating boxes (model outputs): rows top to bottom (a box joins the current row
 * when its vertical centre lies within the row's span), left to right within a row. Returns indices.
 */
export function readingOrder(boxes: readonly Box[]): number[] {
  const idx = boxes.map((_, i) => i).sort((a, b) => boxes[a]![1] - boxes[b]![1] || boxes[a]![0] - boxes[b]![0]);
  const rows: number[][] = [];
  let rowBottom = -Infinity;
  for (const i of idx) {
    const b = boxes[i]!;
    const cy = (b[1] + b[3]) / 2;
    const row = rows.at(-1);
    if (row && cy < rowBottom) {
      row.push(i);
      rowBottom = Math.max(rowBottom, Math.min(b[3], rowBottom + (b[3] - b[1]) / 2));
    } else {
      rows.push([i]);
      rowBottom = b[3];
    }
  }
  return rows.flatMap((r) => r.sort((a, b) => boxes[a]![0] - boxes[b]![0]));
}
