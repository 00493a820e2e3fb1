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
  const gray = new Uint8Array(w * h);
  const chroma = new Uint8Array(w * h);
  const data = image.data;
  const hasAlpha = ch === 2 || ch === 4;
  const colour = ch >= 3;
  // Sample a few source pixels per analysis pixel (at most 2x2): cheap, and enough to keep thin lines.
  const step = scale > 1.5 ? 2 : 1;
  if (scale === 1 && (ch === 3 || ch === 1)) {
    // Fast path for the common case: full resolution, no alpha.
    if (ch === 1) gray.set(data.subarray(0, w * h));
    else {
      for (let i = 0, o = 0; i < w * h; i++, o += 3) {
        const r = data[o]!;
        const g = data[o + 1]!;
        const b = data[o + 2]!;
        gray[i] = (r * 299 + g * 587 + b * 114 + 500) / 1000 | 0;
        const mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
        const mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
        chroma[i] = mx - mn;
      }
    }
  } else if (ch === 3 && step === 2) {
    // Downscaled RGB (figures over maxSide): the general loop below with the sample columns computed once per
    // output column instead of per pixel; the same samples and arithmetic, so the same values.
    const cols = new Int32Array(2 * w);
    for (let x = 0; x < w; x++) {
      const sx0 = Math.min(W - 1, Math.floor(x * scale));
      for (let dx = 0; dx < 2; dx++) cols[2 * x + dx] = Math.min(W - 1, sx0 + Math.floor((dx * scale) / 2)) * 3;
    }
    for (let y = 0; y < h; y++) {
      const sy0 = Math.min(H - 1, Math.floor(y * scale));
      const row0 = Math.min(H - 1, sy0) * W * 3;
      const row1 = Math.min(H - 1, sy0 + Math.floor(scale / 2)) * W * 3;
      for (let x = 0; x < w; x++) {
        let gSum = 0;
        let gMin = 255;
        let cMax = 0;
        for (let k = 0; k < 4; k++) {
          const o = (k < 2 ? row0 : row1) + cols[2 * x + (k & 1)]!;
          const r = data[o] ?? 255;
          const g = data[o + 1] ?? 255;
          const b = data[o + 2] ?? 255;
          const grey = (r * 299 + g * 587 + b * 114) / 1000;
          gSum += grey;
          if (grey < gMin) gMin = grey;
          const c = (r > g ? (r > b ? r : b) : (g > b ? g : b)) - (r < g ? (r < b ? r : b) : (g < b ? g : b));
          if (c > cMax) cMax = c;
        }
        gray[y * w + x] = Math.round((gSum / 4 + gMin) / 2);
        chroma[y * w + x] = cMax;
      }
    }
  } else for (let y = 0; y < h; y++) {
    const sy0 = Math.min(H - 1, Math.floor(y * scale));
    for (let x = 0; x < w; x++) {
      const sx0 = Math.min(W - 1, Math.floor(x * scale));
      let gSum = 0;
      let gMin = 255;
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
          const grey = (r * 299 + g * 587 + b * 114) / 1000;
          gSum += grey;
          if (grey < gMin) gMin = grey;
          const c = Math.max(r, g, b) - Math.min(r, g, b);
          if (c > cMax) cMax = c;
          n++;
        }
      }
      // Keep dark thin strokes visible after downsampling: bias towards the darkest sample.
      gray[y * w + x] = Math.round(n > 1 ? (gSum / n + gMin) / 2 : gSum);
      chroma[y * w + x] = cMax;
    }
  }
  const background = borderMode(gray, w, h);
  const ink = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const d = gray[i]! - background;
    const diff = d < 0 ? -d : d;
    ink[i] = diff > inkT || (diff > 4 && chroma[i]! > chromaT) ? 1 : 0;
  }
  return { width: w, height: h, gray, ink, scale, background };
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
