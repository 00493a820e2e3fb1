import { describe, expect, it } from 'vitest';
import { letterbox } from '../onnx/letterbox.ts';
import { toAnalysisImage } from './analysis.ts';
import type { RawImage } from '../types.ts';

/** Deterministic pseudo-random RGB(A) pixels with flat regions and thin dark lines. */
function image(width: number, height: number, channels: 3 | 4, seed = 7): RawImage {
  let s = seed;
  const rnd = (): number => { s = (s * 1103515245 + 12345) >>> 0; return s >>> 24; };
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const o = (y * width + x) * channels;
    const line = x % 97 === 0 || y % 61 === 0;
    const flat = (x >> 6) % 2 === 0;
    data[o] = line ? 0 : flat ? 250 : rnd();
    data[o + 1] = line ? 0 : flat ? 251 : rnd();
    data[o + 2] = line ? 10 : flat ? 249 : rnd();
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
  it.each([[2500, 1300], [1900, 2417], [1201, 3000]])('the RGB downscaling path equals the general loop (%i x %i)', (w, h) => {
    const rgba = image(w, h, 4);
    const general = toAnalysisImage(rgba);
    const fast = toAnalysisImage(dropAlpha(rgba));
    expect(fast.scale).toBeGreaterThan(1.5);
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
