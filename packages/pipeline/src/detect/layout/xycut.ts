import type { Box } from '../types.ts';
import type { AnalysisImage } from './analysis.ts';

// Boxes here are in analysis pixels, half-open: [x1, x2) x [y1, y2).

export interface XYCutOptions {
  /** Narrowest background gutter that may separate panels, as a fraction of the longer side. Default 0.004. */
  minGutter?: number;
  /** Ink pixels tolerated in a gutter row/column, as a fraction of its length (dust). Default 0: a thin letter such as "i" is one pixel wide. */
  gutterTolerance?: number;
  /**
   * A piece thinner than this fraction of the figure (along the cut direction) cannot be a panel on its own
   * (axis titles, tick labels, legends, panel letters): it is merged into the nearer neighbour. Default 0.09.
   */
  minPanelFraction?: number;
  /** Absolute floor for a panel side, in analysis pixels. Default 24. */
  minPanelPixels?: number;
  /** Standard deviation of grey below which a non-background row counts as a separator line. Default 6. */
  lineStd?: number;
  /** Maximum recursion depth. Default 8. */
  maxDepth?: number;
}

/** A leaf of the cut: the panel's content bounding box. */
export interface LayoutPiece {
  rect: Box;
  /** Depth-first order of the cut tree (rows top to bottom, then columns left to right, recursively). */
  order: number;
}

interface Profile {
  /** 1 where the row (or column) is empty: background only, or one uniform separator colour. */
  empty: Uint8Array;
  /**
   * 1 on separator lines that sit inside a gutter (background on both sides). Axis lines do not qualify:
   * their tick marks touch them.
   */
  rule: Uint8Array;
}

/**
 * Running sums along every row and every column (ink count, grey, grey squared), so that the profile of any
 * rectangle costs O(perimeter) instead of O(area) however deep the cut recursion goes.
 */
export interface LineSums {
  /** Row-wise prefix sums, (width+1) entries per row: index y*(width+1) + x. Grey sums cover ink pixels only. */
  rowInk: Int32Array;
  rowGray: Int32Array;
  rowGray2: Int32Array;
  /** Column-wise prefix sums stored row-major, (height+1) rows of width entries: index y*width + x. */
  colInk: Int32Array;
  colGray: Int32Array;
  colGray2: Int32Array;
}

/**
 * One reusable buffer for the running sums of one figure at a time: six fresh arrays of the figure's size
 * cost page faults and zeroing on every figure. A caller that finds it taken (concurrent detections) gets
 * fresh arrays instead.
 */
function freshSums(length: number): { arrays: Int32Array[]; release: () => void } {
  return { arrays: Array.from({ length: 6 }, () => new Int32Array(length)), release: () => {} };
}

export class LineSumsScratch {
  private buffer = new Int32Array(0);
  private taken = false;

  /** `length` entries for each of the six sums, and the function that gives them back. */
  take(length: number): { arrays: Int32Array[]; release: () => void } {
    if (this.taken) return freshSums(length);
    this.taken = true;
    if (this.buffer.length < 6 * length) this.buffer = new Int32Array(6 * length);
    const arrays = Array.from({ length: 6 }, (_, k) => this.buffer.subarray(k * length, (k + 1) * length));
    return { arrays, release: () => { this.taken = false; } };
  }
}

/**
 * Builds the running sums in one sequential pass (grey squares fit Int32 for rows up to 33,000 px). With a
 * scratch, the sums live in its buffer until `release()`; without one, `release()` does nothing.
 */
export function lineSums(img: AnalysisImage, scratch?: LineSumsScratch): LineSums & { release: () => void } {
  const { width: w, height: h, ink, gray } = img;
  const length = Math.max((w + 1) * h, (h + 1) * w);
  const { arrays, release } = scratch ? scratch.take(length) : freshSums(length);
  const [rowInk, rowGray, rowGray2, colInk, colGray, colGray2] = arrays as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  // The column sums' first row is zero; every other entry is written below (the scratch holds a previous figure's).
  colInk.fill(0, 0, w);
  colGray.fill(0, 0, w);
  colGray2.fill(0, 0, w);
  for (let y = 0; y < h; y++) {
    const base = y * w;
    const rb = y * (w + 1);
    const cPrev = y * w;
    const cNext = cPrev + w;
    // Background adds nothing, and most of a figure's rows start and end with background (margins, gutters):
    // those stretches are block copies and fills; only the span from the row's first to its last ink pixel is
    // summed pixel by pixel.
    const found = ink.indexOf(1, base);
    const first = found < 0 || found >= base + w ? w : found - base;
    const last = first === w ? w : ink.lastIndexOf(1, base + w - 1) - base + 1;
    colInk.copyWithin(cNext, cPrev, cNext);
    colGray.copyWithin(cNext, cPrev, cNext);
    colGray2.copyWithin(cNext, cPrev, cNext);
    rowInk.fill(0, rb, rb + first + 1);
    rowGray.fill(0, rb, rb + first + 1);
    rowGray2.fill(0, rb, rb + first + 1);
    let a = 0;
    let g = 0;
    let g2 = 0;
    for (let x = first; x < last; x++) {
      // Grey is summed over ink pixels only, so that a rule broken by a little background still reads as
      // uniform (see profile()).
      // ink is 0 or 1: a product instead of a branch the CPU cannot predict on photos.
      const k = ink[base + x]!;
      const v = gray[base + x]! * k;
      const v2 = v * v;
      a += k;
      g += v;
      g2 += v2;
      rowInk[rb + x + 1] = a;
      rowGray[rb + x + 1] = g;
      rowGray2[rb + x + 1] = g2;
      colInk[cNext + x]! += k;
      colGray[cNext + x]! += v;
      colGray2[cNext + x]! += v2;
    }
    rowInk.fill(a, rb + last + 1, rb + w + 1);
    rowGray.fill(g, rb + last + 1, rb + w + 1);
    rowGray2.fill(g2, rb + last + 1, rb + w + 1);
  }
  return { rowInk, rowGray, rowGray2, colInk, colGray, colGray2, release };
}

function profile(img: AnalysisImage, sums: LineSums, r: Box, rows: boolean, tol: number, lineStd: number): Profile {
  const [x1, y1, x2, y2] = r;
  const n = rows ? y2 - y1 : x2 - x1;
  const len = rows ? x2 - x1 : y2 - y1;
  const limit = Math.floor(len * tol);
  const maxVar = lineStd * lineStd;
  const empty = new Uint8Array(n);
  const rule = new Uint8Array(n);
  const w = img.width;
  for (let i = 0; i < n; i++) {
    let inkCount: number, graySum: number, gray2Sum: number;
    if (rows) {
      const b = (y1 + i) * (w + 1);
      inkCount = sums.rowInk[b + x2]! - sums.rowInk[b + x1]!;
      graySum = sums.rowGray[b + x2]! - sums.rowGray[b + x1]!;
      gray2Sum = sums.rowGray2[b + x2]! - sums.rowGray2[b + x1]!;
    } else {
      const x = x1 + i;
      inkCount = sums.colInk[y2 * w + x]! - sums.colInk[y1 * w + x]!;
      graySum = sums.colGray[y2 * w + x]! - sums.colGray[y1 * w + x]!;
      gray2Sum = sums.colGray2[y2 * w + x]! - sums.colGray2[y1 * w + x]!;
    }
    if (inkCount <= limit) { empty[i] = 1; continue; }
    if (len < 8 || inkCount < 0.85 * len) continue;
    const mean = graySum / inkCount;
    if (gray2Sum / inkCount - mean * mean < maxVar) empty[i] = 2;
  }
  // Uniform non-background rows are separator lines only when thin: a thick uniform band is content (a flat
  // illustration, the black background of a fluorescence image), not a gutter.
  const maxLine = Math.max(3, Math.round(0.006 * Math.max(img.width, img.height)));
  for (let i = 0; i < n;) {
    if (empty[i] !== 2) { i++; continue; }
    let j = i;
    while (j < n && empty[j] === 2) j++;
    const thin = j - i <= maxLine;
    // Background (value 1, set before this pass) on both sides: a rule inside a gutter.
    if (thin && i > 0 && j < n && empty[i - 1] === 1 && empty[j] === 1) rule.fill(1, i, j);
    empty.fill(thin ? 1 : 0, i, j);
    i = j;
  }
  return { empty, rule };
}

/** Runs of non-empty positions: the content segments between gutters at least `minGap` wide. */
function segmentsOf(empty: Uint8Array, minGap: number): Array<[number, number]> {
  const segs: Array<[number, number]> = [];
  let start = -1;
  let gapStart = -1;
  for (let i = 0; i <= empty.length; i++) {
    const isEmpty = i === empty.length || empty[i] === 1;
    if (!isEmpty) {
      if (start < 0) start = i;
      else if (gapStart >= 0 && i - gapStart < minGap) {
        // Gap too narrow to separate: keep extending the current segment.
      } else if (gapStart >= 0) {
        segs.push([start, gapStart]);
        start = i;
      }
      gapStart = -1;
    } else if (start >= 0 && gapStart < 0) {
      gapStart = i;
    }
  }
  if (start >= 0) segs.push([start, gapStart >= 0 ? gapStart : empty.length]);
  return segs;
}

/**
 * Merges segments too thin to be panels into the neighbour across the narrower gap, thinnest first.
 * Returns merged [start, end) spans.
 */
export function mergeThinSegments(segs: Array<[number, number]>, minSize: number, rule?: Uint8Array): Array<[number, number]> {
  const out = segs.map((s) => [s[0], s[1]] as [number, number]);
  // A gap holding a rule (a separator line in a gutter) is a stronger boundary than whitespace alone.
  const gap = (a: [number, number], b: [number, number]): number => {
    const g = b[0] - a[1];
    if (rule) for (let i = a[1]; i < b[0]; i++) if (rule[i]) return g * 4 + 1000;
    return g;
  };
  while (out.length > 1) {
    let thinnest = -1;
    for (let i = 0; i < out.length; i++) {
      const s = out[i]!;
      if (s[1] - s[0] < minSize && (thinnest < 0 || s[1] - s[0] < out[thinnest]![1] - out[thinnest]![0])) thinnest = i;
    }
    if (thinnest < 0) break;
    const s = out[thinnest]!;
    const prev = out[thinnest - 1];
    const next = out[thinnest + 1];
    const gapPrev = prev ? gap(prev, s) : Infinity;
    const gapNext = next ? gap(s, next) : Infinity;
    // Ties go to the previous piece: axis titles and legends usually sit below or right of their plot.
    if (gapPrev <= gapNext && prev) {
      prev[1] = s[1];
      out.splice(thinnest, 1);
    } else if (next) {
      next[0] = s[0];
      out.splice(thinnest, 1);
    } else break;
  }
  return out;
}

/** Shrinks a rect to the bounding box of its content (default gutter settings); null when empty. */
export function trimBox(img: AnalysisImage, sums: LineSums, r: Box, options: XYCutOptions = {}): Box | null {
  return trim(img, sums, r, options.gutterTolerance ?? 0, options.lineStd ?? 6);
}

/** Shrinks a rect to the bounding box of its non-empty rows and columns; null when it holds no content. */
function trim(img: AnalysisImage, sums: LineSums, r: Box, tol: number, lineStd: number): Box | null {
  const rows = segmentsOf(profile(img, sums, r, true, tol, lineStd).empty, 1);
  const cols = segmentsOf(profile(img, sums, r, false, tol, lineStd).empty, 1);
  const firstRow = rows[0];
  const lastRow = rows.at(-1);
  const firstCol = cols[0];
  const lastCol = cols.at(-1);
  if (!firstRow || !lastRow || !firstCol || !lastCol) return null;
  return [r[0] + firstCol[0], r[1] + firstRow[0], r[0] + lastCol[1], r[1] + lastRow[1]];
}

/**
 * Recursive XY-cut: splits the figure along background gutters and uniform separator lines, alternating
 * directions, and folds pieces too thin to be panels into their nearest neighbour before recursing.
 */
export function xyCut(img: AnalysisImage, options: XYCutOptions = {}, sums: LineSums = lineSums(img)): LayoutPiece[] {
  const longSide = Math.max(img.width, img.height);
  const minGap = Math.max(2, Math.round((options.minGutter ?? 0.004) * longSide));
  const tol = options.gutterTolerance ?? 0;
  const lineStd = options.lineStd ?? 6;
  const minFrac = options.minPanelFraction ?? 0.09;
  const minPx = options.minPanelPixels ?? 24;
  const maxDepth = options.maxDepth ?? 8;
  const minW = Math.max(minPx, minFrac * img.width);
  const minH = Math.max(minPx, minFrac * img.height);
  const leaves: Box[] = [];

  const visit = (rect: Box, depth: number): void => {
    const r = trim(img, sums, rect, tol, lineStd);
    if (!r) return;
    if (depth >= maxDepth) { leaves.push(r); return; }
    const rows = profile(img, sums, r, true, tol, lineStd);
    const cols = profile(img, sums, r, false, tol, lineStd);
    const rowSegs = mergeThinSegments(segmentsOf(rows.empty, minGap), minH, rows.rule);
    const colSegs = mergeThinSegments(segmentsOf(cols.empty, minGap), minW, cols.rule);
    // Prefer the direction with the widest gutter between surviving segments.
    const widest = (segs: Array<[number, number]>): number => {
      let g = 0;
      for (let i = 1; i < segs.length; i++) g = Math.max(g, segs[i]![0] - segs[i - 1]![1]);
      return g;
    };
    const rowGap = rowSegs.length > 1 ? widest(rowSegs) : -1;
    const colGap = colSegs.length > 1 ? widest(colSegs) : -1;
    if (rowGap < 0 && colGap < 0) { leaves.push(r); return; }
    if (rowGap >= colGap) {
      for (const [a, b] of rowSegs) visit([r[0], r[1] + a, r[2], r[1] + b], depth + 1);
    } else {
      for (const [a, b] of colSegs) visit([r[0] + a, r[1], r[0] + b, r[3]], depth + 1);
    }
  };
  visit([0, 0, img.width, img.height], 0);
  return leaves.map((rect, order) => ({ rect, order }));
}
