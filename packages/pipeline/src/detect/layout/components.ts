import type { Box } from '../types.ts';

/** A connected component's bounding box (half-open) and pixel count. */
export interface Component {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  area: number;
  /** True when the component touches the left/top/right/bottom edge of the searched window. */
  touches: [boolean, boolean, boolean, boolean];
}

/**
 * 8-connected components of the set pixels of `mask` (row-major, `width` wide) inside the window
 * [x1,x2) x [y1,y2), in the raster order of their first pixel. Works on horizontal runs of set pixels joined
 * by union-find, so a large blob costs its run count rather than a flood fill of its pixels.
 */
export function connectedComponents(
  mask: Uint8Array,
  width: number,
  window: Box,
): Component[] {
  const [x1, y1, x2, y2] = window;
  const w = x2 - x1;
  const h = y2 - y1;
  if (w <= 0 || h <= 0) return [];
  let cap = 64;
  let start: Int32Array = new Int32Array(cap);
  let end: Int32Array = new Int32Array(cap);
  let row: Int32Array = new Int32Array(cap);
  let parent: Int32Array = new Int32Array(cap);
  let n = 0;
  const find = (r: number): number => {
    while (parent[r] !== r) {
      parent[r] = parent[parent[r]!]!;
      r = parent[r]!;
    }
    return r;
  };
  let prevFirst = 0;
  let prevEnd = 0;
  for (let y = 0; y < h; y++) {
    const base = (y1 + y) * width + x1;
    const first = n;
    let p = prevFirst;
    let x = 0;
    while (x < w) {
      if (!mask[base + x]) { x++; continue; }
      const s = x;
      while (x < w && mask[base + x]) x++;
      if (n === cap) {
        cap *= 2;
        const grow = (a: Int32Array): Int32Array => { const b = new Int32Array(cap); b.set(a); return b; };
        start = grow(start); end = grow(end); row = grow(row); parent = grow(parent);
      }
      start[n] = s; end[n] = x; row[n] = y; parent[n] = n;
      // Runs of the row above that touch [s - 1, x] (diagonals included) join this run; the earliest root wins.
      while (p < prevEnd && end[p]! < s) p++;
      for (let q = p; q < prevEnd && start[q]! <= x; q++) {
        const a = find(q);
        const b = find(n);
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
      n++;
    }
    prevFirst = first;
    prevEnd = n;
  }
  const index = new Int32Array(n).fill(-1);
  const out: Component[] = [];
  for (let r = 0; r < n; r++) {
    const root = find(r);
    let k = index[root]!;
    if (k < 0) {
      k = out.length;
      index[root] = k;
      out.push({ x1: start[r]!, y1: row[r]!, x2: end[r]!, y2: row[r]! + 1, area: 0, touches: [false, false, false, false] });
    }
    const c = out[k]!;
    if (start[r]! < c.x1) c.x1 = start[r]!;
    if (end[r]! > c.x2) c.x2 = end[r]!;
    c.y2 = row[r]! + 1;
    c.area += end[r]! - start[r]!;
  }
  for (const c of out) {
    c.touches = [c.x1 === 0, c.y1 === 0, c.x2 === w, c.y2 === h];
    c.x1 += x1; c.x2 += x1; c.y1 += y1; c.y2 += y1;
  }
  return out;
}

/** Otsu's threshold of the grey values inside a window. */
export function otsuThreshold(gray: Uint8Array, width: number, window: Box): number {
  const hist = new Float64Array(256);
  const [x1, y1, x2, y2] = window;
  let total = 0;
  for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) { hist[gray[y * width + x]!]!++; total++; }
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0, wB = 0, best = 0, threshold = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) { best = between; threshold = t; }
  }
  return threshold;
}
