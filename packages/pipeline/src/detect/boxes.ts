import type { Box } from './types.ts';

export const boxArea = (b: Box): number => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

export function intersection(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Horizontal plus vertical distance between two boxes (0 when they touch or overlap). */
export const boxGap = (a: Box, b: Box): number =>
  Math.max(0, Math.max(a[0] - b[2], b[0] - a[2])) + Math.max(0, Math.max(a[1] - b[3], b[1] - a[3]));

export function union(a: Box, b: Box): Box {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/**
 * Rounds to integers and clamps into [0,width]x[0,height], keeping at least one pixel in each direction, so
 * that every box satisfies the `Box` invariant (x2 > x1, y2 > y1, inside the image).
 */
export function clampBox(b: readonly number[], width: number, height: number): Box {
  const W = Math.max(1, Math.floor(width));
  const H = Math.max(1, Math.floor(height));
  const fix = (v: number | undefined, max: number): number => (Number.isFinite(v) ? Math.min(max, Math.max(0, Math.round(v as number))) : 0);
  let x1 = fix(b[0], W - 1);
  let y1 = fix(b[1], H - 1);
  let x2 = fix(b[2], W);
  let y2 = fix(b[3], H);
  if (x2 <= x1) { x2 = Math.min(W, x1 + 1); x1 = x2 - 1; }
  if (y2 <= y1) { y2 = Math.min(H, y1 + 1); y1 = y2 - 1; }
  return [x1, y1, x2, y2];
}

/**
 * A box scaled by [sx, sy] into an image of [width, height]: outward to whole pixels (floor the near edges, ceil
 * the far ones, so nothing of the box is lost), then clamped (clampBox).
 */
export function scaleBoxInto(b: readonly number[], [sx, sy]: readonly [number, number], [width, height]: readonly [number, number]): Box {
  return clampBox([Math.floor(b[0]! * sx), Math.floor(b[1]! * sy), Math.ceil(b[2]! * sx), Math.ceil(b[3]! * sy)], width, height);
}

export function isValidBox(b: Box, width: number, height: number): boolean {
  return b.every((v) => Number.isInteger(v)) && b[0] >= 0 && b[1] >= 0 && b[2] <= width && b[3] <= height && b[2] > b[0] && b[3] > b[1];
}
