import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FONT_FAMILIES, svgText } from './fonts.ts';

/** Columns of the ink (dark pixels) of `svg` on a white canvas. */
async function inkColumns(body: string, width: number, height: number): Promise<[number, number]> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="white"/>${body}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
  let min = Infinity;
  let max = -Infinity;
  for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) if (data[y * info.width + x]! < 128) { min = Math.min(min, x); max = Math.max(max, x); }
  return [min, max];
}

describe('synthetic figure text (shipped DejaVu fonts drawn as paths)', () => {
  it('draws every family, regular and bold, as a path and never as <text> (no system font is consulted)', () => {
    for (const family of FONT_FAMILIES) {
      for (const bold of [false, true]) {
        const svg = svgText('(b)', 10, 30, { family, size: 20, bold });
        expect(svg).toMatch(/^<path d="M[^"]+" fill="black"\/>$/);
        expect(svgText('(b)', 10, 30, { family, size: 20, bold })).toBe(svg);
      }
    }
  });

  it('places text like SVG text-anchor: start at x, end at x', async () => {
    const [startLeft] = await inkColumns(svgText('AB', 20, 40, { family: 'DejaVu Sans', size: 30 }), 200, 60);
    expect(startLeft).toBeGreaterThanOrEqual(19);
    expect(startLeft).toBeLessThan(26);
    const [, endRight] = await inkColumns(svgText('AB', 180, 40, { family: 'DejaVu Sans', size: 30, anchor: 'end' }), 200, 60);
    expect(endRight).toBeLessThanOrEqual(180);
    expect(endRight).toBeGreaterThan(172);
  });
});
