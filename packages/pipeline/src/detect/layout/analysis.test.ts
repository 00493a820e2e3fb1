import { describe, expect, it } from 'vitest';
import { letterbox } from '../onnx/letterbox.ts';
import { toAnalysisImage } from './analysis.ts';
import type { RawImage } from '../types.ts';

/**
 * Deterministic pseudo-random RGB(A) pixels with flat regions, thin dark lines and pale tints (grey levels a little
 * off the flat background with every channel spread, where ink depends on the spread).
 */
function image(width: number, height: number, channels: 3 | 4, seed = 7): RawImage {
  let s = seed;
  const rnd = (): number => { s = (s * 1103515245 + 12345) >>> 0; return s >>> 24; };
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const o = (y * width + x) * channels;
    const line = x % 97 === 50 || y % 61 === 30;
    const region = (x >> 6) % 3;
    if (line) data.set([0, 0, 10], o);
    else if (region === 0) data.set([250, 251, 249], o);
    else if (region === 1) data.set([rnd(), rnd(), rnd()], o);
    else {
      // Red and green a little above blue by the spread, at about the grey level `grey`.
      const grey = 250 - (rnd() % 34);
      const spread = rnd() % 100;
      const rg = Math.min(255, grey + Math.round(0.114 * spread));
      data.set([rg, rg, rg - spread], o);
    }
    if (channels === 4) data[o + 3] = 255;
  }
  return { data, width, height, channels };
}

function dropAlpha(img: RawImage): RawImage {
  const n = img.width * img.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = img.data[i * 4 + c]!;
  return { data, width: img.width, height: img.height, channels: 3 };
}

describe('toAnalysisImage', () => {
  // An opaque RGBA image takes the general per-pixel loop; the same pixels as RGB take the downscaling fast path.
  // Full resolution, downscaled by up to 1.5 (one sample per pixel) and by more (2x2 samples).
  it.each([[1000, 700, 1], [1199, 1200, 1], [1400, 900, 1.17], [700, 1790, 1.49], [2500, 1300, 2.08], [1900, 2417, 2.01], [1201, 3000, 2.5]])('the RGB paths equal the general loop (%i x %i, scale %f)', (w, h, scale) => {
    const rgba = image(w, h, 4);
    const general = toAnalysisImage(rgba);
    const fast = toAnalysisImage(dropAlpha(rgba));
    expect(fast.scale).toBeCloseTo(scale, 2);
    expect([fast.width, fast.height]).toEqual([general.width, general.height]);
    expect(fast.background).toBe(general.background);
    expect(Buffer.from(fast.gray).equals(Buffer.from(general.gray))).toBe(true);
    expect(Buffer.from(fast.ink).equals(Buffer.from(general.ink))).toBe(true);
  });
});

describe('letterbox', () => {
  it('an image already at the input size is copied exactly as the bilinear loop would sample it', () => {
    const src = dropAlpha(image(64, 40, 4));
    const out = letterbox(src, 64, 64);
    expect(out).toMatchObject({ scale: 1, padX: 0, padY: 12 });
    const plane = 64 * 64;
    const pad = Math.fround(114 / 255);
    expect(out.data[0]).toBe(pad);
    expect(out.data[2 * plane + 63 * 64 + 63]).toBe(pad);
    for (const [x, y, c] of [[0, 0, 0], [5, 7, 1], [63, 39, 2], [31, 20, 0]] as const) {
      expect(out.data[c * plane + (y + 12) * 64 + x]).toBe(Math.fround(src.data[(y * 64 + x) * 3 + c]! * (1 / 255)));
    }
    // With mean/std normalisation too.
    const normalised = letterbox(src, 64, 64, { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    expect(normalised.data[12 * 64]).toBeCloseTo((src.data[0]! / 255 - 0.5) / 0.25, 5);
  });
});
