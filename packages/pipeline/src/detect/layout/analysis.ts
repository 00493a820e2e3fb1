import type { RawImage } from '../types.ts';

/** A downsampled grey copy of the figure plus its "ink" mask (pixels that differ from the background). */
export interface AnalysisImage {
  width: number;
  height: number;
  gray: Uint8Array;
  /** 1 where the pixel differs from the background colour. */
  ink: Uint8Array;
  /** Original pixels per analysis pixel (>= 1). */
  scale: number;
  /** Background grey level estimated from the image border. */
  background: number;
}

export interface AnalysisOptions {
  /** Longest side of the analysis image; larger figures are box-downsampled. Default 1200. */
  maxSide?: number;
  /** Grey difference from the background that counts as ink. Default 28. */
  inkThreshold?: number;
  /** Channel spread (max-min) that counts as ink even when the grey level is close to the background. Default 48. */
  chromaThreshold?: number;
}

/**
 * Converts raw pixels (1-4 channels, alpha composited over white) to a grey analysis image no larger than
 * `maxSide`, and marks ink. Works for any size down to 1x1.
 */
export function toAnalysisImage(image: RawImage, options: AnalysisOptions = {}): AnalysisImage {
  const maxSide = options.maxSide ?? 1200;
  const inkT = options.inkThreshold ?? 28;
  const chromaT = options.chromaThreshold ?? 48;
  const W = Math.max(1, image.width | 0);
  const H = Math.max(1, image.height | 0);
  const ch = Math.max(1, Math.min(4, image.channels | 0));
  const scale = Math.max(1, Math.max(W, H) / maxSide);
  const w = Math.max(1, Math.round(W / scale));
  const h = Math.max(1, Math.round(H / scale));
  const src: Sampling = { data: image.data, W, H, ch, scale, w, h };
  const thresholds: InkThresholds = { ink: inkT, chroma: chromaT };
  // The common cases have loops of their own; all give the values of the general loop (greyOfAny).
  if (scale === 1 && ch === 3) return { width: w, height: h, scale, ...analyseFullRgb(src, thresholds) };
  if (ch === 3) return { width: w, height: h, scale, ...analyseDownscaledRgb(src, thresholds) };
  const gray = new Uint8Array(w * h);
  const chroma = new Uint8Array(w * h);
  if (scale === 1 && ch === 1) gray.set(image.data.subarray(0, w * h));
  else greyOfAny(src, gray, chroma);
  const background = borderMode(gray, w, h);
  const ink = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const d = gray[i]! - background;
    const diff = d < 0 ? -d : d;
    ink[i] = diff > inkT || (diff > 4 && chroma[i]! > chromaT) ? 1 : 0;
  }
  return { width: w, height: h, gray, ink, scale, background };
}

/** The source pixels (W x H, `ch` channels) and the analysis size (w x h) they are sampled down to by `scale`. */
interface Sampling {
  data: Uint8Array;
  W: number;
  H: number;
  ch: number;
  scale: number;
  w: number;
  h: number;
}

/** Grey difference from the background that is ink, and channel spread that makes a small difference ink. */
interface InkThresholds {
  ink: number;
  chroma: number;
}

/** Grey level of the RGB pixel at byte offset `o`, rounded. */
function greyOf(data: Uint8Array, o: number): number {
  return (milliGreyOf(data, o) + 500) / 1000 | 0;
}

/**
 * The full-resolution RGB case (most figures) in one pass: the border's grey levels first, for the background,
 * then grey and ink of every pixel together. The channel spread matters only for a pixel a little off the
 * background, so only those compute it.
 */
function analyseFullRgb({ data, w, h }: Sampling, { ink: inkT, chroma: chromaT }: InkThresholds): Pick<AnalysisImage, 'gray' | 'ink' | 'background'> {
  const gray = new Uint8Array(w * h);
  for (let x = 0; x < w; x++) {
    gray[x] = greyOf(data, 3 * x);
    gray[(h - 1) * w + x] = greyOf(data, 3 * ((h - 1) * w + x));
  }
  for (let y = 0; y < h; y++) {
    gray[y * w] = greyOf(data, 3 * y * w);
    gray[y * w + w - 1] = greyOf(data, 3 * (y * w + w - 1));
  }
  const background = borderMode(gray, w, h);
  const ink = new Uint8Array(w * h);
  for (let i = 0, o = 0; i < w * h; i++, o += 3) {
    // greyOf spelled out: the channels are loaded once for grey and spread (calling greyOf and spreadAt here
    // measured 10-15 % slower on the real-dev figures).
    const r = data[o]!;
    const g = data[o + 1]!;
    const b = data[o + 2]!;
    const v = (r * 299 + g * 587 + b * 114 + 500) / 1000 | 0;
    gray[i] = v;
    const d = v - background;
    const diff = d < 0 ? -d : d;
    ink[i] = diff > inkT ? 1 : diff > 4 ? Number(spreadOf(r, g, b) > chromaT) : 0;
  }
  return { gray, ink, background };
}

/** Channel spread (max - min) of an RGB pixel. */
function spreadOf(r: number, g: number, b: number): number {
  return (r > g ? (r > b ? r : b) : (g > b ? g : b)) - (r < g ? (r < b ? r : b) : (g < b ? g : b));
}

/** Grey level x 1000 of the RGB pixel at byte offset `o` (an integer, so that the rounding is exact). */
function milliGreyOf(data: Uint8Array, o: number): number {
  return data[o]! * 299 + data[o + 1]! * 587 + data[o + 2]! * 114;
}

/** Channel spread of the RGB pixel at byte offset `o`. */
function spreadAt(data: Uint8Array, o: number): number {
  return spreadOf(data[o]!, data[o + 1]!, data[o + 2]!);
}

/**
 * A downscaled RGB image: greyOfAny's samples (2x2 over 1.5x, where the four coincide at or below it), with the
 * sample rows and columns computed once; as in analyseFullRgb, the spread is computed only for the pixels a
 * little off the background.
 */
function analyseDownscaledRgb({ data, W, H, scale, w, h }: Sampling, { ink: inkT, chroma: chromaT }: InkThresholds): Pick<AnalysisImage, 'gray' | 'ink' | 'background'> {
  const cols = new Int32Array(2 * w);
  for (let x = 0; x < w; x++) {
    const sx0 = Math.min(W - 1, Math.floor(x * scale));
    cols[2 * x] = sx0 * 3;
    cols[2 * x + 1] = Math.min(W - 1, sx0 + Math.floor(scale / 2)) * 3;
  }
  const rows = new Int32Array(2 * h);
  for (let y = 0; y < h; y++) {
    const sy0 = Math.min(H - 1, Math.floor(y * scale));
    rows[2 * y] = sy0 * W * 3;
    rows[2 * y + 1] = Math.min(H - 1, sy0 + Math.floor(scale / 2)) * W * 3;
  }
  const gray = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row0 = rows[2 * y]!;
    const row1 = rows[2 * y + 1]!;
    const out = y * w;
    for (let x = 0; x < w; x++) {
      const c0 = cols[2 * x]!;
      const c1 = cols[2 * x + 1]!;
      const ga = milliGreyOf(data, row0 + c0);
      const gb = milliGreyOf(data, row0 + c1);
      const gc = milliGreyOf(data, row1 + c0);
      const gd = milliGreyOf(data, row1 + c1);
      let gMin = ga < gb ? ga : gb;
      if (gc < gMin) gMin = gc;
      if (gd < gMin) gMin = gd;
      // Keep dark thin strokes visible after downsampling: the mean biased towards the darkest sample.
      gray[out + x] = (ga + gb + gc + gd + 4 * gMin + 4000) / 8000 | 0;
    }
  }
  const background = borderMode(gray, w, h);
  const ink = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row0 = rows[2 * y]!;
    const row1 = rows[2 * y + 1]!;
    const out = y * w;
    for (let x = 0; x < w; x++) {
      const d = gray[out + x]! - background;
      const diff = d < 0 ? -d : d;
      if (diff > inkT) ink[out + x] = 1;
      else if (diff > 4) {
        const c0 = cols[2 * x]!;
        const c1 = cols[2 * x + 1]!;
        const spread = Math.max(spreadAt(data, row0 + c0), spreadAt(data, row0 + c1), spreadAt(data, row1 + c0), spreadAt(data, row1 + c1));
        ink[out + x] = spread > chromaT ? 1 : 0;
      }
    }
  }
  return { gray, ink, background };
}

/** Any channel count and scale: up to 2x2 samples per analysis pixel, alpha composited over white. */
function greyOfAny({ data, W, H, ch, scale, w, h }: Sampling, gray: Uint8Array, chroma: Uint8Array): void {
  // Sample a few source pixels per analysis pixel (at most 2x2): cheap, and enough to keep thin lines.
  const step = scale > 1.5 ? 2 : 1;
  const hasAlpha = ch === 2 || ch === 4;
  const colour = ch >= 3;
  for (let y = 0; y < h; y++) {
    const sy0 = Math.min(H - 1, Math.floor(y * scale));
    for (let x = 0; x < w; x++) {
      const sx0 = Math.min(W - 1, Math.floor(x * scale));
      // Grey levels in thousandths, as the RGB paths keep them (integers there, so that the rounding is exact).
      let gSum = 0;
      let gMin = 255_000;
      let cMax = 0;
      let n = 0;
      for (let dy = 0; dy < step; dy++) {
        const sy = Math.min(H - 1, sy0 + Math.floor((dy * scale) / step));
        for (let dx = 0; dx < step; dx++) {
          const sx = Math.min(W - 1, sx0 + Math.floor((dx * scale) / step));
          const o = (sy * W + sx) * ch;
          let r = data[o] ?? 255;
          let g = colour ? (data[o + 1] ?? 255) : r;
          let b = colour ? (data[o + 2] ?? 255) : r;
          if (hasAlpha) {
            const a = (data[o + ch - 1] ?? 255) / 255;
            r = r * a + 255 * (1 - a);
            g = g * a + 255 * (1 - a);
            b = b * a + 255 * (1 - a);
          }
          const grey = r * 299 + g * 587 + b * 114;
          gSum += grey;
          if (grey < gMin) gMin = grey;
          const c = Math.max(r, g, b) - Math.min(r, g, b);
          if (c > cMax) cMax = c;
          n++;
        }
      }
      // Keep dark thin strokes visible after downsampling: bias towards the darkest sample.
      gray[y * w + x] = Math.round(n > 1 ? (gSum / n + gMin) / 2000 : gSum / 1000);
      chroma[y * w + x] = cMax;
    }
  }
}

/** The most common grey level (in bins of 8) along the image border. */
export function borderMode(gray: Uint8Array, w: number, h: number): number {
  const bins = new Uint32Array(32);
  const sums = new Float64Array(32);
  const add = (i: number): void => {
    const v = gray[i] ?? 255;
    bins[v >> 3]!++;
    sums[v >> 3]! += v;
  };
  for (let x = 0; x < w; x++) { add(x); add((h - 1) * w + x); }
  for (let y = 0; y < h; y++) { add(y * w); add(y * w + w - 1); }
  let best = 31;
  for (let i = 0; i < 32; i++) if ((bins[i] ?? 0) > (bins[best] ?? 0)) best = i;
  // A figure whose border is dominated by ink (a full-bleed photo) still most likely sits on white.
  const total = 2 * (w + h);
  if ((bins[best] ?? 0) < total * 0.25) return 255;
  return Math.round((sums[best] ?? 0) / Math.max(1, bins[best] ?? 1));
}
