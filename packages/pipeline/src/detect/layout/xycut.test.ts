import { describe, expect, it } from 'vitest';
import type { RawImage } from '../types.ts';
import { borderMode, toAnalysisImage } from './analysis.ts';
import { connectedComponents, otsuThreshold } from './components.ts';
import { LineSumsScratch, lineSums, mergeThinSegments, xyCut } from './xycut.ts';

/** A white RGB canvas with filled rectangles [x1,y1,x2,y2,grey]. */
function canvas(w: number, h: number, rects: Array<[number, number, number, number, number]>): RawImage {
  const data = new Uint8Array(w * h * 3).fill(255);
  for (const [x1, y1, x2, y2, v] of rects) {
    for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) data.fill(v, (y * w + x) * 3, (y * w + x) * 3 + 3);
  }
  return { data, width: w, height: h, channels: 3 };
}

/** Noise-textured block, like a photo (not uniform in any row or column). */
function photo(rects: Array<[number, number, number, number, number]>, x1: number, y1: number, x2: number, y2: number): void {
  for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x += 3) rects.push([x, y, Math.min(x2, x + 3), y + 1, 40 + ((x * 7 + y * 13) % 120)]);
}

describe('analysis image', () => {
  it('composites alpha over white, finds the border background and downsamples big images', () => {
    const rgba: RawImage = { data: new Uint8Array(4 * 4 * 4), width: 4, height: 4, channels: 4 }; // transparent black
    const a = toAnalysisImage(rgba);
    expect(a.background).toBe(255);
    expect(Array.from(a.ink)).toEqual(new Array(16).fill(0));
    const big = toAnalysisImage(canvas(3000, 1000, []), { maxSide: 1200 });
    expect([big.width, big.height, big.scale]).toEqual([1200, 400, 2.5]);
    expect(borderMode(new Uint8Array(16).fill(0), 4, 4)).toBe(0);
  });
});

describe('connected components and Otsu', () => {
  it('labels 8-connected blobs and reports window contacts', () => {
    const mask = new Uint8Array(6 * 4);
    for (const i of [0, 7, 14, 5, 11]) mask[i] = 1; // a diagonal (one blob) and a column at the right edge
    const comps = connectedComponents(mask, 6, [0, 0, 6, 4]).sort((a, b) => a.x1 - b.x1);
    expect(comps.map((c) => [c.x1, c.y1, c.x2, c.y2, c.area])).toEqual([[0, 0, 3, 3, 3], [5, 0, 6, 2, 2]]);
    expect(comps[1]!.touches).toEqual([false, true, true, false]);
    const grey = Uint8Array.from([10, 12, 11, 200, 210, 205]);
    const t = otsuThreshold(grey, 6, [0, 0, 6, 1]);
    expect(t).toBeGreaterThanOrEqual(12);
    expect(t).toBeLessThan(200);
  });
});

describe('XY-cut', () => {
  it('folds thin segments into the neighbour across the narrower gap, respecting rules', () => {
    expect(mergeThinSegments([[0, 100], [104, 110], [130, 230]], 20)).toEqual([[0, 110], [130, 230]]);
    expect(mergeThinSegments([[0, 100], [125, 131], [135, 230]], 20)).toEqual([[0, 100], [125, 230]]);
    const rule = new Uint8Array(240);
    rule[102] = 1; // a separator line in the first gap
    expect(mergeThinSegments([[0, 100], [104, 110], [130, 230]], 20, rule)).toEqual([[0, 100], [104, 230]]);
  });

  it('splits photo panels at white gutters and at thin separator lines, keeps axis-like text with its panel', () => {
    const rects: Array<[number, number, number, number, number]> = [];
    photo(rects, 10, 10, 290, 190);
    photo(rects, 310, 10, 590, 190);
    rects.push([305, 200, 307, 390, 0]); // vertical rule between the lower panels (no white gutter)
    photo(rects, 10, 200, 305, 390);
    photo(rects, 307, 200, 590, 390);
    rects.push([100, 192, 200, 195, 0]); // a thin caption-like stroke just under the top-left panel
    const img = toAnalysisImage(canvas(600, 400, rects));
    const boxes = xyCut(img).map((p) => p.rect);
    expect(boxes).toHaveLength(4);
    expect(boxes[0]).toEqual([10, 10, 290, 195]);
    expect(boxes.map((b) => b[0])).toEqual([10, 310, 10, 307]);
  });

  it('does not cut a thick uniform band (a flat panel or a black background)', () => {
    const img = toAnalysisImage(canvas(400, 300, [[20, 20, 380, 280, 0], [60, 60, 80, 80, 255]]));
    expect(xyCut(img).map((p) => p.rect)).toEqual([[20, 20, 380, 280]]);
  });

  it('returns nothing for a blank image', () => {
    expect(xyCut(toAnalysisImage(canvas(50, 50, [])))).toEqual([]);
  });
});

describe('line sums', () => {
  it('equal sums taken pixel by pixel, on rows blank, full, with blank margins or ink at either end', () => {
    const w = 37;
    const h = 23;
    let seed = 11;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 24; };
    const gray = new Uint8Array(w * h).map(() => rnd());
    const ink = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      const kind = y % 5;
      for (let x = 0; x < w; x++) {
        const margin = x < 6 || x >= w - 4;
        ink[y * w + x] = kind === 0 ? 0 : kind === 1 ? 1 : kind === 2 ? Number(!margin && rnd() > 100) : kind === 3 ? Number(x === 0 || x === w - 1) : Number(rnd() > 128);
      }
    }
    const sums = lineSums({ width: w, height: h, gray, ink, scale: 1, background: 255 });
    for (let y = 0; y < h; y++) {
      let a = 0, g = 0, g2 = 0;
      for (let x = 0; x <= w; x++) {
        const i = y * (w + 1) + x;
        expect([sums.rowInk[i], sums.rowGray[i], sums.rowGray2[i]]).toEqual([a, g, g2]);
        if (x < w && ink[y * w + x]) { a++; g += gray[y * w + x]!; g2 += gray[y * w + x]! ** 2; }
      }
    }
    for (let x = 0; x < w; x++) {
      let a = 0, g = 0, g2 = 0;
      for (let y = 0; y <= h; y++) {
        const i = y * w + x;
        expect([sums.colInk[i], sums.colGray[i], sums.colGray2[i]]).toEqual([a, g, g2]);
        if (y < h && ink[y * w + x]) { a++; g += gray[y * w + x]!; g2 += gray[y * w + x]! ** 2; }
      }
    }
  });
});

describe('line sums in a reused scratch buffer', () => {
  // The entries each sum uses: (width+1) per row for row sums, (height+1) rows of width for column sums.
  const used = (img: ReturnType<typeof toAnalysisImage>, sums: Omit<ReturnType<typeof lineSums>, 'release'>): number[][] => {
    const rows = (img.width + 1) * img.height;
    const cols = (img.height + 1) * img.width;
    return [sums.rowInk, sums.rowGray, sums.rowGray2].map((a) => Array.from(a.subarray(0, rows)))
      .concat([sums.colInk, sums.colGray, sums.colGray2].map((a) => Array.from(a.subarray(0, cols))));
  };
  const plain = (img: ReturnType<typeof toAnalysisImage>): number[][] => {
    const { release, ...sums } = lineSums(img);
    release();
    return used(img, sums);
  };

  it('match fresh arrays figure after figure, whatever the previous figure left in the buffer', () => {
    const scratch = new LineSumsScratch();
    const big = toAnalysisImage(canvas(90, 60, [[5, 5, 80, 50, 0]]));
    const small = toAnalysisImage(canvas(40, 70, [[0, 0, 40, 3, 30], [10, 20, 30, 60, 90]]));
    for (const img of [big, small, big]) {
      const { release, ...sums } = lineSums(img, scratch);
      expect(used(img, sums)).toEqual(plain(img));
      expect(xyCut(img, {}, { ...sums })).toEqual(xyCut(img));
      release();
    }
  });

  it('gives fresh arrays to a second figure while the first still holds the buffer', () => {
    const scratch = new LineSumsScratch();
    const first = scratch.take(10);
    const second = scratch.take(10);
    second.arrays[0]!.fill(7);
    expect(Array.from(first.arrays[0]!)).toEqual(new Array(10).fill(0));
    first.release();
    second.release();
    expect(scratch.take(10).arrays[0]!.buffer).toBe(first.arrays[0]!.buffer);
  });
});
