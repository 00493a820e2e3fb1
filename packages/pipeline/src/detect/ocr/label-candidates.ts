import type { AnalysisImage } from '../layout/analysis.ts';
import { connectedComponents, otsuThreshold } from '../layout/components.ts';
import type { Component } from '../layout/components.ts';
import type { Box } from '../types.ts';
import type { GreyCrop } from './recognizer.ts';

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** A small word-like blob near a panel corner that may be its label. */
export interface LabelCandidate {
  /** Analysis-pixel rectangle of the word. */
  rect: Box;
  corner: Corner;
  /** Lower is better: distance from the corner relative to the panel size, plus penalties. */
  cost: number;
  /** True when the glyphs are lighter than their surroundings (white letter on a photo). */
  light: boolean;
}

export interface CandidateOptions {
  /** Corner window size as a fraction of the panel side. Default 0.3. */
  windowFraction?: number;
  /** Corner window size cap as a fraction of the figure's longer side. Default 0.12. */
  windowMaxFraction?: number;
  /** Smallest glyph height in analysis pixels. Default 6. */
  minGlyphPixels?: number;
  /** Largest glyph height as a fraction of the figure's longer side. Default 0.08. */
  maxGlyphFraction?: number;
  /** How far the top-left window and the line-start bands reach outside the piece, as a fraction of the longer side. Default 0.08 (chosen on real-dev dev). */
  outsideFraction?: number;
}

const DEFAULT_OUTSIDE_FRACTION = 0.08;

function cornerWindow(img: AnalysisImage, piece: Box, corner: Corner, options: CandidateOptions): Box {
  const longSide = Math.max(img.width, img.height);
  const pw = piece[2] - piece[0];
  const ph = piece[3] - piece[1];
  const cap = Math.max(40, (options.windowMaxFraction ?? 0.12) * longSide);
  const f = options.windowFraction ?? 0.3;
  const ww = Math.max(12, Math.round(Math.min(cap, Math.max(f * pw, Math.min(pw, 40)))));
  const wh = Math.max(12, Math.round(Math.min(cap, Math.max(f * ph, Math.min(ph, 40)))));
  const left = corner.endsWith('left');
  const top = corner.startsWith('top');
  // The top-left window reaches a little outside the piece: a label in the gutter may have been cut into
  // the neighbouring piece.
  const out = corner === 'top-left' ? Math.round((options.outsideFraction ?? DEFAULT_OUTSIDE_FRACTION) * longSide) : 0;
  const x1 = left ? piece[0] - out : piece[2] - ww;
  const y1 = top ? piece[1] - out : piece[3] - wh;
  return [Math.max(0, x1), Math.max(0, y1), Math.min(img.width, x1 + ww + out), Math.min(img.height, y1 + wh + out)];
}

/** Groups glyph components into words: same line, small horizontal gaps; dots of i/j join their stem. */
type Word = Component & { parts?: number; glyphs?: Component[] };

/**
 * `gapFactor`: the widest gap inside a word, in glyph heights (0.45 is about a space; wider joins whole phrases).
 * `blocks`: a solid glyph stays a word of its own (a label box); off for lines of text, where a bold letter is solid.
 */
function groupWords(glyphs: Component[], gapFactor = 0.45, blocks = true): Word[] {
  const sorted = [...glyphs].sort((a, b) => a.x1 - b.x1);
  const words: Word[] = [];
  // A solid block (a label box) is a word of its own: it must not swallow a neighbouring tick label.
  const solid = (c: Component): boolean => blocks && c.area >= 0.75 * (c.x2 - c.x1) * (c.y2 - c.y1) && c.y2 - c.y1 >= 8 && c.x2 - c.x1 >= 0.8 * (c.y2 - c.y1);
  for (const g of sorted) {
    const gh = g.y2 - g.y1;
    const host = solid(g) ? undefined : words.find((w) => {
      if (solid(w)) return false;
      const wh = w.y2 - w.y1;
      const overlap = Math.min(w.y2, g.y2) - Math.max(w.y1, g.y1);
      const gap = g.x1 - w.x2;
      const sameLine = overlap >= 0.4 * Math.min(wh, gh) && gap <= gapFactor * Math.max(wh, gh);
      const hOverlap = Math.min(w.x2, g.x2) - Math.max(w.x1, g.x1);
      // A dot above its stem (i, j), whichever of the two came first: the dot's left edge is often the stem's.
      const tall = Math.max(wh, gh);
      const dot = wh < gh ? w : g;
      const dotW = dot.x2 - dot.x1;
      const stacked = hOverlap >= 0.5 * dotW && dotW <= 0.45 * tall && dot.y2 - dot.y1 < 0.45 * tall
        && g.y1 - w.y2 <= 0.35 * tall && w.y1 - g.y2 <= 0.35 * tall;
      return sameLine || stacked;
    });
    if (host) {
      host.x1 = Math.min(host.x1, g.x1);
      host.y1 = Math.min(host.y1, g.y1);
      host.x2 = Math.max(host.x2, g.x2);
      host.y2 = Math.max(host.y2, g.y2);
      host.area += g.area;
      host.parts = (host.parts ?? 1) + 1;
      host.glyphs?.push(g);
    } else {
      words.push({ ...g, touches: [...g.touches], parts: 1, glyphs: [g] });
    }
  }
  return words;
}

/**
 * Finds label-like words in one corner of a panel. Labels are short (1-4 glyphs), isolated, and near the
 * corner; the glyphs may be dark on white or light on a photo, so the window is binarised by the ink mask
 * when it is mostly background and by Otsu's threshold otherwise.
 */
export function findLabelCandidates(img: AnalysisImage, piece: Box, corner: Corner, options: CandidateOptions = {}): LabelCandidate[] {
  return findLabelCandidatesIn(img, piece, cornerWindow(img, piece, corner, options), corner, options);
}

/**
 * Label-like words along a panel's left edge (`'left'`) or top edge (`'top'`), anywhere along it: used to
 * find the labels of panels that the layout step failed to separate.
 */
export function findEdgeLabelCandidates(img: AnalysisImage, piece: Box, edge: 'left' | 'top', options: CandidateOptions = {}): LabelCandidate[] {
  const longSide = Math.max(img.width, img.height);
  const depth = Math.round(Math.max(16, 0.05 * longSide));
  const win: Box = edge === 'left'
    ? [piece[0], piece[1], Math.min(piece[2], piece[0] + depth), piece[3]]
    : [piece[0], piece[1], piece[2], Math.min(piece[3], piece[1] + depth)];
  return findLabelCandidatesIn(img, piece, win, 'top-left', options, edge);
}

/**
 * The starts of the text lines in a band along a piece's top or bottom edge (reaching `outsideFraction` of the
 * figure's longer side beyond it), anywhere along the edge, that open with a bracketed label: a label printed as
 * the first word of a title or of a line under a diagram ("(a) self loop", "a) E. coli", "(c)" centred above a
 * plot). Each candidate spans the line's first glyphs up to the closing bracket; a reading of it names a panel
 * only with that bracket (see lineStartLabel). Lower cost is nearer the edge.
 */
export function findLineStartCandidates(img: AnalysisImage, piece: Box, side: 'top' | 'bottom', options: CandidateOptions = {}): LabelCandidate[] {
  const longSide = Math.max(img.width, img.height);
  const ph = piece[3] - piece[1];
  const reach = Math.round((options.outsideFraction ?? DEFAULT_OUTSIDE_FRACTION) * longSide);
  const depth = Math.round(Math.min(Math.max(0.3 * ph, 24), (options.windowMaxFraction ?? 0.12) * longSide, ph));
  const win: Box = side === 'top'
    ? [piece[0], Math.max(0, piece[1] - reach), piece[2], Math.min(img.height, piece[1] + depth)]
    : [piece[0], Math.max(0, piece[3] - depth), piece[2], Math.min(img.height, piece[3] + reach)];
  if (win[2] - win[0] < 4 || win[3] - win[1] < 4) return [];
  const minH = options.minGlyphPixels ?? 6;
  const maxH = Math.max(minH + 2, (options.maxGlyphFraction ?? 0.08) * longSide);
  // Blobs cut by the band's top or bottom (not the image border) belong to something taller than a text line.
  const glyphs = windowComponents(img, win, 'ink').filter((c) => {
    const h = c.y2 - c.y1;
    const w = c.x2 - c.x1;
    return h <= maxH && w <= 1.8 * maxH && (h >= 2 || w >= 2) && !(c.touches[1] && win[1] > 0) && !(c.touches[3] && win[3] < img.height);
  });
  const out: LabelCandidate[] = [];
  for (const line of groupWords(glyphs, 1, false)) {
    const h = line.y2 - line.y1;
    if (h < minH || h > maxH) continue;
    const end = labelPunctuationEnd(line);
    if (end === null) continue;
    // Distance from the edge: the gap when the line lies beyond it, else how far inside.
    const dy = side === 'top'
      ? (line.y2 <= piece[1] ? piece[1] - line.y2 : line.y1 - piece[1])
      : (line.y1 >= piece[3] ? line.y1 - piece[3] : piece[3] - line.y2);
    out.push({ rect: [line.x1, line.y1, end, line.y2], corner: side === 'top' ? 'top-left' : 'bottom-left', cost: dy / Math.max(1, Math.min(ph, 200)), light: false });
  }
  return out.sort((a, b) => a.cost - b.cost);
}

/** The middle value (the upper one of an even count). */
function median(v: readonly number[]): number {
  return [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
}

/**
 * The right edge of the bracket or colon that closes a label at the start of the line ("(a", "a)", "(iv)", "A:"),
 * or null when the line does not open so. A bracket is a thin glyph reaching above and below the letters beside it, which a
 * tick value ("1.0") or a title's first word ("E. coli") does not have; the label is at most four glyphs.
 */
function labelPunctuationEnd(line: Word): number | null {
  const glyphs = [...(line.glyphs ?? [])].sort((a, b) => a.x1 - b.x1);
  const head: Component[] = [];
  const lineH = line.y2 - line.y1;
  for (const g of glyphs) {
    // Dots of i's sit above their stem: they are not glyphs of their own here.
    if (g.y2 - g.y1 < 0.3 * lineH && head.some((o) => Math.min(o.x2, g.x2) - Math.max(o.x1, g.x1) > 0 && g.y2 <= o.y1 + 1)) continue;
    head.push(g);
    if (head.length === 5) break;
  }
  // Reaches below the baseline of the shorter letters beside it and up to their tops (a bracket, or a letter
  // fused with its bracket in bold italics); descending letters (g, p, y) do not reach up.
  const spans = (g: Component): boolean => {
    const gh = g.y2 - g.y1;
    const others = head.filter((o) => o !== g && o.y2 - o.y1 < 0.85 * gh);
    if (gh < 0.6 * lineH || others.length === 0) return false;
    return g.y2 >= median(others.map((o) => o.y2)) + 0.08 * gh && g.y1 <= median(others.map((o) => o.y1)) + 0.1 * gh;
  };
  const bracket = (g: Component): boolean => g.x2 - g.x1 <= 0.45 * (g.y2 - g.y1) && spans(g);
  const first = head[0];
  if (!first) return null;
  const opens = bracket(first);
  for (let k = 1; k < Math.min(head.length, opens ? 5 : 4); k++) if (bracket(head[k]!)) return head[k]!.x2;
  const fused = head[opens ? 1 : 0];
  if (fused && fused.x2 - fused.x1 <= 1.1 * (fused.y2 - fused.y1) && spans(fused)) return fused.x2;
  return opens ? null : colonEnd(glyphs, head, lineH);
}

/**
 * The right edge of a colon after one or two label glyphs ("A: 60 x 120 Networks"), or null: two dots, one
 * above the other, the lower on the letters' baseline and nothing else between them and the line's start.
 */
function colonEnd(glyphs: readonly Component[], head: readonly Component[], lineH: number): number | null {
  const dots = glyphs.filter((g) => g.y2 - g.y1 <= 0.3 * lineH && g.x2 - g.x1 <= 0.3 * lineH);
  for (const low of dots) {
    for (const high of dots) {
      if (high === low || high.y2 >= low.y1 || Math.min(high.x2, low.x2) - Math.max(high.x1, low.x1) <= 0) continue;
      const before = head.filter((g) => !dots.includes(g) && g.x2 <= low.x1 + 1);
      if (before.length < 1 || before.length > 2 || head.some((g) => !dots.includes(g) && !before.includes(g) && g.x1 < low.x1)) continue;
      if (Math.abs(low.y2 - median(before.map((g) => g.y2))) > 0.15 * lineH) continue;
      return Math.max(low.x2, high.x2);
    }
  }
  return null;
}

function findLabelCandidatesIn(img: AnalysisImage, piece: Box, win: Box, corner: Corner, options: CandidateOptions, edge?: 'left' | 'top'): LabelCandidate[] {
  const [wx1, wy1, wx2, wy2] = win;
  const ww = wx2 - wx1;
  const wh = wy2 - wy1;
  if (ww < 4 || wh < 4) return [];
  // Pass 1: glyphs in the whitespace (ink mask); pass 2: glyphs on a photo (Otsu), when there is one.
  const out = wordsInMask(img, piece, corner, win, windowComponents(img, win, 'ink'), img.background < 128, 'ink', options, edge);
  const merge = (found: LabelCandidate[], tolerance: number): void => {
    for (const c of found) {
      if (!out.some((o) => o.rect.every((v, k) => Math.abs(v - c.rect[k]!) <= tolerance))) out.push({ ...c, cost: c.cost + 0.05 });
    }
  };
  let inkCount = 0;
  for (let y = wy1; y < wy2; y++) for (let x = wx1; x < wx2; x++) inkCount += img.ink[y * img.width + x]!;
  if (inkCount > 0.3 * ww * wh) {
    const t = otsuThreshold(img.gray, img.width, win);
    let above = 0;
    for (let y = wy1; y < wy2; y++) for (let x = wx1; x < wx2; x++) if (img.gray[y * img.width + x]! > t) above++;
    const light = above < (ww * wh) / 2;
    merge(wordsInMask(img, piece, corner, win, windowComponents(img, win, light ? 'light' : 'dark', t), light, 'otsu', options, edge), 1);
  }
  // Pass 3: background-coloured glyphs on a solid label box (white letters on a black box) that touches other
  // ink, so that the box is part of a big ink blob and neither pass above sees the letters.
  merge(wordsInMask(img, piece, corner, win, windowComponents(img, win, 'paper'), img.background >= 128, 'boxed', options, edge), 2);
  out.sort((a, b) => a.cost - b.cost);
  return out;
}

/**
 * Connected components of the window's pixels, in figure coordinates: ink (`'ink'`), background-coloured
 * (`'paper'`), or grey above / not above `threshold` (`'light'` / `'dark'`).
 */
function windowComponents(img: AnalysisImage, win: Box, kind: 'ink' | 'paper' | 'light' | 'dark', threshold = 0): Component[] {
  const [wx1, wy1, wx2, wy2] = win;
  const ww = wx2 - wx1;
  const mask = new Uint8Array(ww * (wy2 - wy1));
  const src = kind === 'ink' || kind === 'paper' ? img.ink : img.gray;
  const on = kind === 'ink' || kind === 'light' ? 1 : 0;
  const limit = kind === 'ink' || kind === 'paper' ? 0 : threshold;
  for (let y = wy1; y < wy2; y++) {
    const row = y * img.width;
    const out = (y - wy1) * ww - wx1;
    for (let x = wx1; x < wx2; x++) mask[out + x] = (src[row + x]! > limit ? 1 : 0) === on ? 1 : 0;
  }
  return connectedComponents(mask, ww, [0, 0, ww, wy2 - wy1]).map((c) => ({ ...c, x1: c.x1 + wx1, x2: c.x2 + wx1, y1: c.y1 + wy1, y2: c.y2 + wy1 }));
}

/**
 * True when the word sits on a solid box: a ring around it (a fifth of its height out) is all ink and of
 * one uniform grey that contrasts with the glyphs. Background-coloured specks inside photos fail this.
 */
export function onSolidBox(img: AnalysisImage, r: Box): boolean {
  const h = r[3] - r[1];
  const pad = Math.max(2, Math.round(0.2 * h));
  const x1 = r[0] - pad, y1 = r[1] - pad, x2 = r[2] + pad - 1, y2 = r[3] + pad - 1;
  if (x1 < 0 || y1 < 0 || x2 >= img.width || y2 >= img.height) return false;
  let n = 0, sum = 0, sq = 0;
  const visit = (x: number, y: number): boolean => {
    const i = y * img.width + x;
    if (!img.ink[i]) return false;
    const g = img.gray[i]!;
    n++; sum += g; sq += g * g;
    return true;
  };
  for (let x = x1; x <= x2; x++) if (!visit(x, y1) || !visit(x, y2)) return false;
  for (let y = y1 + 1; y < y2; y++) if (!visit(x1, y) || !visit(x2, y)) return false;
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, sq / n - mean * mean));
  return sd <= 16 && Math.abs(mean - img.background) >= 80;
}

function wordsInMask(
  img: AnalysisImage, piece: Box, corner: Corner, win: Box, comps: Component[], light: boolean, pass: 'ink' | 'otsu' | 'boxed',
  options: CandidateOptions, edge?: 'left' | 'top',
): LabelCandidate[] {
  const [wx1, , wx2] = win;
  const longSide = Math.max(img.width, img.height);
  const minH = options.minGlyphPixels ?? 6;
  const maxH = Math.max(minH + 2, (options.maxGlyphFraction ?? 0.08) * longSide);
  const glyphs: Component[] = [];
  for (const c of comps) {
    const h = c.y2 - c.y1;
    const w = c.x2 - c.x1;
    if (h > maxH || w > 1.8 * maxH) continue;
    // A blob cut by the inner sides of the window belongs to something bigger than a label.
    const innerX = corner.endsWith('left') ? c.touches[2] : c.touches[0];
    const innerY = edge === 'left' ? false : corner.startsWith('top') ? c.touches[3] : c.touches[1];
    if ((innerX && wx2 < img.width && wx1 > 0) || innerY) continue;
    // Cut by a window side that lies outside the piece (and is not the image border): part of a neighbour.
    if ((c.touches[0] && wx1 > 0 && wx1 < piece[0]) || (c.touches[1] && win[1] > 0 && win[1] < piece[1])) continue;
    if (h < 2 && w < 2) continue;
    glyphs.push(c);
  }
  const words = groupWords(glyphs);
  const out: LabelCandidate[] = [];
  const pw = piece[2] - piece[0];
  const ph = piece[3] - piece[1];
  for (const word of words) {
    const h = word.y2 - word.y1;
    const w = word.x2 - word.x1;
    // A lone thin stroke is a tick or a rule; a thin word with a dot (i, ii) is a label.
    if (h < minH || h > maxH || w > 2.8 * h || (w < 0.2 * h && (word.parts ?? 1) < 2)) continue;
    let fill = word.area / (w * h);
    if (fill >= 0.55 && pass === 'ink') {
      // A solid block: a light label printed on a dark box. Read the glyphs inside it instead.
      const inner = innerWord(img, [word.x1, word.y1, word.x2, word.y2]);
      if (inner) {
        word.x1 = inner[0]; word.y1 = inner[1]; word.x2 = inner[2]; word.y2 = inner[3];
        fill = 0.5;
      }
    }
    // Solid blobs are not text, except narrow strokes such as i and l.
    if (fill < 0.08 || (fill > 0.9 && w > 0.3 * h)) continue;
    // Axis tick values are the commonest label look-alikes in a chart's corner: not worth an OCR call.
    if (hasDecimalPoint(word)) continue;
    if (pass === 'boxed' && !onSolidBox(img, [word.x1, word.y1, word.x2, word.y2])) continue;
    // Outside the piece (top-left window only) the distance is the gap to the piece, plus a small penalty.
    const outside = word.x2 <= piece[0] || word.y2 <= piece[1];
    const dx = corner.endsWith('left') ? (word.x2 <= piece[0] ? piece[0] - word.x2 : word.x1 - piece[0]) : piece[2] - word.x2;
    const dy = corner.startsWith('top') ? (word.y2 <= piece[1] ? piece[1] - word.y2 : word.y1 - piece[1]) : piece[3] - word.y2;
    // Along an edge only the distance from that edge counts.
    const cost = (edge === 'top' ? 0 : Math.max(0, dx) / Math.max(1, Math.min(pw, 200)))
      + (edge === 'left' ? 0 : Math.max(0, dy) / Math.max(1, Math.min(ph, 200))) + (w > 2.5 * h ? 0.2 : 0) + (outside ? 0.05 : 0);
    out.push({ rect: [word.x1, word.y1, word.x2, word.y2], corner, cost, light });
  }
  return out;
}

/** A small dot on the baseline with glyphs on both sides: a decimal number ("1.5"), i.e. a tick label. */
function hasDecimalPoint(word: Word): boolean {
  const h = word.y2 - word.y1;
  const glyphs = word.glyphs ?? [];
  return glyphs.some((d) => d.y2 - d.y1 <= 0.3 * h && d.x2 - d.x1 <= 0.3 * h && d.y2 >= word.y2 - 0.2 * h
    && glyphs.some((l) => l !== d && l.x2 <= d.x1 + 1 && l.y2 - l.y1 > 0.5 * h)
    && glyphs.some((r) => r !== d && r.x1 >= d.x2 - 1 && r.y2 - r.y1 > 0.5 * h));
}

/** The light glyphs inside a dark block (non-ink components that do not touch the block's border). */
function innerWord(img: AnalysisImage, r: Box): Box | null {
  const [x1, y1, x2, y2] = r;
  if (x2 - x1 < 5 || y2 - y1 < 5) return null;
  // Only a real box qualifies: its outline is ink all round (a bold letter's bounding box is not).
  let border = 0;
  let inked = 0;
  for (let x = x1; x < x2; x++) { border += 2; inked += img.ink[y1 * img.width + x]! + img.ink[(y2 - 1) * img.width + x]!; }
  for (let y = y1; y < y2; y++) { border += 2; inked += img.ink[y * img.width + x1]! + img.ink[y * img.width + x2 - 1]!; }
  if (inked < 0.95 * border) return null;
  const glyphs = windowComponents(img, r, 'paper').filter((c) => !c.touches.some(Boolean) && c.area >= 3);
  if (glyphs.length === 0) return null;
  return [Math.min(...glyphs.map((g) => g.x1)), Math.min(...glyphs.map((g) => g.y1)), Math.max(...glyphs.map((g) => g.x2)), Math.max(...glyphs.map((g) => g.y2))];
}

/** The candidate's pixels, padded, as dark-on-light grey for the recognizer. */
export function candidateCrop(img: AnalysisImage, c: LabelCandidate): GreyCrop {
  const h = c.rect[3] - c.rect[1];
  const pad = Math.max(2, Math.round(0.25 * h));
  const x1 = Math.max(0, c.rect[0] - pad);
  const y1 = Math.max(0, c.rect[1] - pad);
  const x2 = Math.min(img.width, c.rect[2] + pad);
  const y2 = Math.min(img.height, c.rect[3] + pad);
  const width = Math.max(1, x2 - x1);
  const height = Math.max(1, y2 - y1);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = img.gray[(y1 + y) * img.width + x1 + x] ?? 255;
  }
  // The recognizer wants dark text on light ground. Text is the minority class of the crop, so a crop that
  // is mostly dark (a white letter on a photo or on a black box) is inverted.
  const t = otsuThreshold(data, width, [0, 0, width, height]);
  let dark = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! <= t) dark++;
  if (dark > data.length / 2) for (let i = 0; i < data.length; i++) data[i] = 255 - data[i]!;
  return { data, width, height };
}

/**
 * How many dotted i's the crop shows when it shows nothing else (1-3), else 0. OCR reads bold "ii" and
 * "iii" poorly (nothing, "I", "11"), but the shape is unambiguous: stems, each with a dot just above it.
 */
export function countDottedIs(crop: GreyCrop): number {
  const { data, width, height } = crop;
  const t = otsuThreshold(data, width, [0, 0, width, height]);
  const mask = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) mask[i] = data[i]! <= t ? 1 : 0;
  // Separator rules crossing the padded crop are not part of the word.
  const rule = (c: Component): boolean => c.y2 - c.y1 >= 0.9 * height || c.x2 - c.x1 >= 0.9 * width;
  const comps = connectedComponents(mask, width, [0, 0, width, height]).filter((c) => !rule(c));
  if (comps.length < 2 || comps.length > 8 || comps.some((c) => c.touches.some(Boolean) && c.area > 2)) return 0;
  const tallest = Math.max(...comps.map((c) => c.y2 - c.y1));
  const stems = comps.filter((c) => c.y2 - c.y1 >= 0.6 * tallest && c.y2 - c.y1 >= 1.2 * (c.x2 - c.x1));
  if (stems.length === 0 || stems.length > 3) return 0;
  const stemH = Math.min(...stems.map((s) => s.y2 - s.y1));
  const baseline = Math.max(...stems.map((s) => s.y2));
  if (stems.some((s) => baseline - s.y2 > 0.15 * stemH)) return 0;
  const dots = new Set<Component>();
  for (const s of stems) {
    const sw = s.x2 - s.x1;
    const dot = comps.filter((d) => !stems.includes(d) && Math.min(d.x2, s.x2) - Math.max(d.x1, s.x1) > 0 && d.y2 <= s.y1 + 1
      && s.y1 - d.y2 <= 0.5 * stemH && d.y2 - d.y1 <= 0.45 * stemH && d.x2 - d.x1 <= 1.6 * sw + 1);
    if (dot.length !== 1) return 0;
    dots.add(dot[0]!);
  }
  // Anything else must be a speck of noise (one or two pixels).
  if (comps.some((c) => !stems.includes(c) && !dots.has(c) && c.area > 2)) return 0;
  return stems.length;
}
